#include "services/elbv2_client.h"

#include <gtest/gtest.h>

#include "services/services_test_util.h"

namespace drf {
namespace {

using services_testing::AwsHarness;
using services_testing::ExpectAllSameAsBotocore;
using services_testing::FormParams;
using services_testing::OracleCase;
using services_testing::QueryError;
using services_testing::QueryReply;

constexpr char kTgArn[] =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-dr/0123456789abcdef";

std::string TargetGroupPage(const std::vector<std::string>& names, const std::string& next_marker) {
  std::string xml = "<TargetGroups>";
  for (const std::string& name : names) {
    xml += "<member><TargetGroupName>" + name + "</TargetGroupName></member>";
  }
  xml += "</TargetGroups>";
  if (!next_marker.empty()) xml += "<NextMarker>" + next_marker + "</NextMarker>";
  return QueryReply("DescribeTargetGroups", xml).body;
}

class Elbv2ClientTest : public ::testing::Test {
 protected:
  void Reply(const std::string& body) { harness_.http.Enqueue(200, body); }
  void ReplyError(const HttpResponse& error) {
    harness_.http.Enqueue(error.status, error.body, error.headers);
  }

  AwsHarness harness_;
  Elbv2Client elb_{harness_.aws};
};

TEST_F(Elbv2ClientTest, DescribeTargetGroupsParsesFields) {
  Reply(QueryReply("DescribeTargetGroups", std::string(R"(<TargetGroups><member>
      <TargetGroupArn>)") + kTgArn + R"(</TargetGroupArn>
      <TargetGroupName>web-dr</TargetGroupName>
      <Protocol>HTTP</Protocol><Port>8080</Port><VpcId>vpc-1</VpcId>
      <TargetType>ip</TargetType>
      <LoadBalancerArns><member>arn:lb/1</member></LoadBalancerArns>
    </member></TargetGroups>)")
            .body);
  Result<std::vector<TargetGroup>> result = elb_.DescribeTargetGroups({kTgArn});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 1u);
  const TargetGroup& group = result->front();
  EXPECT_EQ(group.arn, kTgArn);
  EXPECT_EQ(group.name, "web-dr");
  EXPECT_EQ(group.protocol, "HTTP");
  EXPECT_EQ(group.port, 8080);
  EXPECT_EQ(group.vpc_id, "vpc-1");
  EXPECT_EQ(group.target_type, "ip");
  EXPECT_EQ(group.load_balancer_arns, std::vector<std::string>{"arn:lb/1"});
}

TEST_F(Elbv2ClientTest, DescribeTargetGroupsSendsMarkerFromNextMarker) {
  Reply(TargetGroupPage({"a"}, "n1"));
  Reply(TargetGroupPage({"b"}, "n2"));
  Reply(TargetGroupPage({"c"}, ""));
  Result<std::vector<TargetGroup>> result = elb_.DescribeTargetGroups({});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 3u);
  EXPECT_EQ((*result)[2].name, "c");
  std::vector<HttpRequest> sent = harness_.http.requests();
  EXPECT_EQ(FormParams(sent[0]).count("Marker"), 0u);
  EXPECT_EQ(FormParams(sent[1])["Marker"], "n1");
  EXPECT_EQ(FormParams(sent[2])["Marker"], "n2");
}

TEST_F(Elbv2ClientTest, DescribeTargetGroupsUnknownArnIsNotFound) {
  ReplyError(QueryError(400, "TargetGroupNotFound", "One or more target groups not found"));
  Result<std::vector<TargetGroup>> result = elb_.DescribeTargetGroups({kTgArn});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(result.status().aws()->code, "TargetGroupNotFound");
}

TEST_F(Elbv2ClientTest, DescribeTargetHealthParsesStatesAndOptionalPort) {
  Reply(QueryReply("DescribeTargetHealth", R"(<TargetHealthDescriptions>
      <member><Target><Id>i-1</Id><Port>80</Port></Target><HealthCheckPort>80</HealthCheckPort>
        <TargetHealth><State>healthy</State></TargetHealth></member>
      <member><Target><Id>10.0.0.7</Id><AvailabilityZone>all</AvailabilityZone></Target>
        <TargetHealth><State>unhealthy</State><Reason>Target.ResponseCodeMismatch</Reason>
        <Description>Health checks failed with these codes: [502]</Description></TargetHealth></member>
    </TargetHealthDescriptions>)")
            .body);
  Result<std::vector<TargetHealthDescription>> result = elb_.DescribeTargetHealth(kTgArn);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 2u);
  EXPECT_EQ((*result)[0].target.id, "i-1");
  EXPECT_EQ((*result)[0].target.port, 80);
  EXPECT_EQ((*result)[0].state, "healthy");
  EXPECT_EQ((*result)[0].reason, "");
  EXPECT_EQ((*result)[1].target.port, std::nullopt);
  EXPECT_EQ((*result)[1].target.availability_zone, "all");
  EXPECT_EQ((*result)[1].state, "unhealthy");
  EXPECT_EQ((*result)[1].reason, "Target.ResponseCodeMismatch");
  EXPECT_EQ((*result)[1].description, "Health checks failed with these codes: [502]");
  EXPECT_EQ(harness_.http.request_count(), 1u);
}

TEST_F(Elbv2ClientTest, DescribeTargetHealthEmptyGroup) {
  Reply(QueryReply("DescribeTargetHealth", "<TargetHealthDescriptions/>").body);
  Result<std::vector<TargetHealthDescription>> result = elb_.DescribeTargetHealth(kTgArn);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->empty());
}

TEST_F(Elbv2ClientTest, RegisterTargetsInvalidTargetIsRejected) {
  ReplyError(QueryError(400, "InvalidTarget", "The following targets are not in a running state"));
  Result<Ack> result = elb_.RegisterTargets(kTgArn, {{"i-1", 80, ""}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kRejected);
  EXPECT_EQ(result.status().aws()->code, "InvalidTarget");
}

// --- Serialization equals botocore's ----------------------------------------------------

TEST_F(Elbv2ClientTest, DescribeLoadBalancersByNameOrArn) {
  const std::string lb = R"(<LoadBalancers><member>
      <LoadBalancerArn>arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/dr-alb/1
      </LoadBalancerArn>
      <DNSName>dr-alb-1.us-west-2.elb.amazonaws.com</DNSName>
      <CanonicalHostedZoneId>Z1H1FL5HABSF5</CanonicalHostedZoneId>
      <LoadBalancerName>dr-alb</LoadBalancerName><State><Code>active</Code></State>
      <Type>application</Type></member></LoadBalancers>)";
  Reply(QueryReply("DescribeLoadBalancers", lb).body);
  Reply(QueryReply("DescribeLoadBalancers", lb).body);
  Result<std::vector<LoadBalancer>> named = elb_.DescribeLoadBalancers({"dr-alb"});
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  ASSERT_EQ(named->size(), 1u);
  EXPECT_EQ(named->front().name, "dr-alb");
  EXPECT_EQ(named->front().dns_name, "dr-alb-1.us-west-2.elb.amazonaws.com");
  EXPECT_EQ(named->front().canonical_hosted_zone_id, "Z1H1FL5HABSF5");
  EXPECT_EQ(named->front().type, "application");
  EXPECT_EQ(named->front().state, "active");
  const std::string arn = "arn:aws:elasticloadbalancing:us-west-2:1:loadbalancer/app/dr-alb/1";
  ASSERT_TRUE(elb_.DescribeLoadBalancers({arn}).ok());
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("elbv2", "DescribeLoadBalancers", {{"Names", {"dr-alb"}}}),
       OracleCase("elbv2", "DescribeLoadBalancers", {{"LoadBalancerArns", {arn}}})});
}

TEST_F(Elbv2ClientTest, DescribeTargetGroupsMatchesBotocore) {
  Reply(TargetGroupPage({"a"}, "next+/="));
  Reply(TargetGroupPage({"b"}, ""));
  Reply(TargetGroupPage({}, ""));
  ASSERT_TRUE(elb_.DescribeTargetGroups({kTgArn, "arn:tg/2"}).ok());
  ASSERT_TRUE(elb_.DescribeTargetGroups({}).ok());
  nlohmann::json named = {{"TargetGroupArns", {kTgArn, "arn:tg/2"}}};
  nlohmann::json page2 = named;
  page2["Marker"] = "next+/=";
  ExpectAllSameAsBotocore(harness_.http.requests(),
                          {OracleCase("elbv2", "DescribeTargetGroups", named),
                           OracleCase("elbv2", "DescribeTargetGroups", page2),
                           OracleCase("elbv2", "DescribeTargetGroups", nlohmann::json::object())});
}

TEST_F(Elbv2ClientTest, DescribeTargetHealthMatchesBotocore) {
  Reply(QueryReply("DescribeTargetHealth", "<TargetHealthDescriptions/>").body);
  ASSERT_TRUE(elb_.DescribeTargetHealth(kTgArn).ok());
  ExpectAllSameAsBotocore(harness_.http.requests(), {OracleCase("elbv2", "DescribeTargetHealth",
                                                                {{"TargetGroupArn", kTgArn}})});
}

TEST_F(Elbv2ClientTest, RegisterAndDeregisterTargetsMatchBotocore) {
  for (int i = 0; i < 3; ++i) {
    Reply(QueryReply(i < 2 ? "RegisterTargets" : "DeregisterTargets", "").body);
  }
  std::vector<Target> targets = {{"i-1", std::nullopt, ""}, {"10.0.0.7", 8080, "all"}};
  ASSERT_TRUE(elb_.RegisterTargets(kTgArn, targets).ok());
  ASSERT_TRUE(elb_.RegisterTargets(kTgArn, {}).ok());
  ASSERT_TRUE(elb_.DeregisterTargets(kTgArn, targets).ok());
  nlohmann::json wire_targets = {{{"Id", "i-1"}},
                                 {{"Id", "10.0.0.7"}, {"Port", 8080}, {"AvailabilityZone", "all"}}};
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("elbv2", "RegisterTargets",
                  {{"TargetGroupArn", kTgArn}, {"Targets", wire_targets}}),
       OracleCase("elbv2", "RegisterTargets",
                  {{"TargetGroupArn", kTgArn}, {"Targets", nlohmann::json::array()}}),
       OracleCase("elbv2", "DeregisterTargets",
                  {{"TargetGroupArn", kTgArn}, {"Targets", wire_targets}})});
}

}  // namespace
}  // namespace drf
