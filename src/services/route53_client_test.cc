#include "services/route53_client.h"

#include <gtest/gtest.h>

#include "services/services_test_util.h"

namespace drf {
namespace {

using services_testing::AwsHarness;
using services_testing::ExpectAllSameAsBotocore;
using services_testing::OracleCase;
using services_testing::PathOf;
using services_testing::XmlOutline;
using services_testing::XmlReply;

std::string ChangeReply(const std::string& operation, const std::string& status) {
  return "<?xml version=\"1.0\"?>\n<" + operation +
         "Response xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeInfo>"
         "<Id>/change/C2682N5HXP0BZ4</Id><Status>" +
         status +
         "</Status><SubmittedAt>2017-03-10T01:36:41.958Z</SubmittedAt>"
         "<Comment>fail over api</Comment></ChangeInfo></" +
         operation + "Response>";
}

class Route53ClientTest : public ::testing::Test {
 protected:
  void Reply(const std::string& body) {
    HttpResponse response = XmlReply(body);
    harness_.http.Enqueue(response.status, response.body, response.headers);
  }

  AwsHarness harness_;
  Route53Client route53_{harness_.aws};
};

ResourceRecordSet Simple(std::string name, std::string type, long long ttl,
                         std::vector<std::string> values) {
  ResourceRecordSet set;
  set.name = std::move(name);
  set.type = std::move(type);
  set.ttl = ttl;
  set.values = std::move(values);
  return set;
}

const std::vector<ResourceRecordChange> kChanges = {
    {"UPSERT", Simple("api.example.com.", "CNAME", 60, {"api.us-east-1.example.com"})},
    {"DELETE", Simple("old.example.com.", "A", 300, {"10.0.0.1", "10.0.0.2"})},
};

TEST_F(Route53ClientTest, ChangeResourceRecordSetsParsesChangeInfo) {
  Reply(ChangeReply("ChangeResourceRecordSets", "PENDING"));
  Result<Mutated<ChangeInfo>> result =
      route53_.ChangeResourceRecordSets("/hostedzone/Z123", "fail over api", kChanges);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->value.id, "C2682N5HXP0BZ4");
  EXPECT_EQ(result->value.status, "PENDING");
  EXPECT_EQ(result->value.submitted_at, "2017-03-10T01:36:41.958Z");
  EXPECT_EQ(result->value.comment, "fail over api");
  EXPECT_EQ(result->request_id, "req-1");
  EXPECT_EQ(PathOf(harness_.http.requests()[0]), "/2013-04-01/hostedzone/Z123/rrset/");
}

TEST_F(Route53ClientTest, ChangeBatchWithoutCommentOmitsIt) {
  Reply(ChangeReply("ChangeResourceRecordSets", "PENDING"));
  ASSERT_TRUE(route53_.ChangeResourceRecordSets("Z123", "", {kChanges[0]}).ok());
  EXPECT_EQ(XmlOutline(harness_.http.requests()[0].body).find("Comment"), std::string::npos);
}

TEST_F(Route53ClientTest, EmptyChangeBatchIsRefusedWithoutACall) {
  Result<Mutated<ChangeInfo>> result = route53_.ChangeResourceRecordSets("Z123", "", {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(harness_.http.request_count(), 0u);
}

TEST_F(Route53ClientTest, InvalidChangeBatchIsRejected) {
  harness_.http.Enqueue(400,
                        "<?xml version=\"1.0\"?>\n<InvalidChangeBatch "
                        "xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Messages>"
                        "<Message>Tried to delete resource record set [name='old.example.com.', "
                        "type='A'] but it was not found</Message></Messages>"
                        "<RequestId>b25f48e8-84fd-11e6-80d9-574e0c4664cb</RequestId>"
                        "</InvalidChangeBatch>");
  Result<Mutated<ChangeInfo>> result = route53_.ChangeResourceRecordSets("Z123", "", kChanges);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kRejected);
  ASSERT_NE(result.status().aws(), nullptr);
  EXPECT_EQ(result.status().aws()->code, "InvalidChangeBatch");
}

TEST_F(Route53ClientTest, GetChangeAcceptsPrefixedIds) {
  Reply(ChangeReply("GetChange", "INSYNC"));
  Result<ChangeInfo> result = route53_.GetChange("/change/C2682N5HXP0BZ4");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->status, "INSYNC");
  EXPECT_EQ(result->id, "C2682N5HXP0BZ4");
  EXPECT_EQ(harness_.http.requests()[0].method, "GET");
  EXPECT_EQ(PathOf(harness_.http.requests()[0]), "/2013-04-01/change/C2682N5HXP0BZ4");
}

TEST_F(Route53ClientTest, GetChangeWithoutChangeInfoIsInternal) {
  Reply("<GetChangeResponse/>");
  Result<ChangeInfo> result = route53_.GetChange("C1");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
}

TEST_F(Route53ClientTest, NoSuchChangeIsNotFound) {
  harness_.http.Enqueue(404,
                        "<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
                        "<Error><Type>Sender</Type><Code>NoSuchChange</Code><Message>A change "
                        "with the specified change ID does not exist.</Message></Error>"
                        "<RequestId>r</RequestId></ErrorResponse>");
  Result<ChangeInfo> result = route53_.GetChange("C404");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(result.status().aws()->code, "NoSuchChange");
}

// --- Serialization equals botocore's ----------------------------------------------------

TEST_F(Route53ClientTest, ChangeResourceRecordSetsMatchesBotocore) {
  Reply(ChangeReply("ChangeResourceRecordSets", "PENDING"));
  Reply(ChangeReply("ChangeResourceRecordSets", "PENDING"));
  ASSERT_TRUE(
      route53_.ChangeResourceRecordSets("/hostedzone/Z123", "fail over <api> & co", kChanges).ok());
  ASSERT_TRUE(route53_.ChangeResourceRecordSets("Z123", "", {kChanges[0]}).ok());
  nlohmann::json upsert = {{"Action", "UPSERT"},
                           {"ResourceRecordSet",
                            {{"Name", "api.example.com."},
                             {"Type", "CNAME"},
                             {"TTL", 60},
                             {"ResourceRecords", {{{"Value", "api.us-east-1.example.com"}}}}}}};
  nlohmann::json remove = {
      {"Action", "DELETE"},
      {"ResourceRecordSet",
       {{"Name", "old.example.com."},
        {"Type", "A"},
        {"TTL", 300},
        {"ResourceRecords", {{{"Value", "10.0.0.1"}}, {{"Value", "10.0.0.2"}}}}}}};
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase(
           "route53", "ChangeResourceRecordSets",
           {{"HostedZoneId", "/hostedzone/Z123"},
            {"ChangeBatch", {{"Comment", "fail over <api> & co"}, {"Changes", {upsert, remove}}}}}),
       OracleCase("route53", "ChangeResourceRecordSets",
                  {{"HostedZoneId", "Z123"}, {"ChangeBatch", {{"Changes", {upsert}}}}})});
}

TEST_F(Route53ClientTest, GetChangeMatchesBotocore) {
  Reply(ChangeReply("GetChange", "INSYNC"));
  Reply(ChangeReply("GetChange", "INSYNC"));
  ASSERT_TRUE(route53_.GetChange("/change/C2682N5HXP0BZ4").ok());
  ASSERT_TRUE(route53_.GetChange("C1").ok());
  ExpectAllSameAsBotocore(harness_.http.requests(),
                          {OracleCase("route53", "GetChange", {{"Id", "/change/C2682N5HXP0BZ4"}}),
                           OracleCase("route53", "GetChange", {{"Id", "C1"}})});
}

TEST_F(Route53ClientTest, WeightedAliasChangeMatchesBotocore) {
  Reply(ChangeReply("ChangeResourceRecordSets", "PENDING"));
  ResourceRecordSet dr;
  dr.name = "api.example.com.";
  dr.type = "A";
  dr.set_identifier = "dr";
  dr.weight = 100;
  dr.alias = AliasTarget{"Z35SXDOTRQ7X7K", "dr-alb-1.us-west-2.elb.amazonaws.com.", true};
  ResourceRecordSet primary = Simple("api.example.com.", "A", 60, {"192.0.2.10"});
  primary.set_identifier = "primary";
  primary.weight = 0;
  primary.health_check_id = "hc-1";
  ASSERT_TRUE(
      route53_.ChangeResourceRecordSets("Z123", "", {{"UPSERT", dr}, {"UPSERT", primary}}).ok());
  nlohmann::json dr_json = {{"Action", "UPSERT"},
                            {"ResourceRecordSet",
                             {{"Name", "api.example.com."},
                              {"Type", "A"},
                              {"SetIdentifier", "dr"},
                              {"Weight", 100},
                              {"AliasTarget",
                               {{"HostedZoneId", "Z35SXDOTRQ7X7K"},
                                {"DNSName", "dr-alb-1.us-west-2.elb.amazonaws.com."},
                                {"EvaluateTargetHealth", true}}}}}};
  nlohmann::json primary_json = {{"Action", "UPSERT"},
                                 {"ResourceRecordSet",
                                  {{"Name", "api.example.com."},
                                   {"Type", "A"},
                                   {"SetIdentifier", "primary"},
                                   {"Weight", 0},
                                   {"TTL", 60},
                                   {"ResourceRecords", {{{"Value", "192.0.2.10"}}}},
                                   {"HealthCheckId", "hc-1"}}}};
  ExpectAllSameAsBotocore(harness_.http.requests(),
                          {OracleCase("route53", "ChangeResourceRecordSets",
                                      {{"HostedZoneId", "Z123"},
                                       {"ChangeBatch", {{"Changes", {dr_json, primary_json}}}}})});
}

std::string RecordSetsReply(const std::string& sets, bool truncated, const std::string& next) {
  return "<ListResourceRecordSetsResponse "
         "xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ResourceRecordSets>" +
         sets + "</ResourceRecordSets><IsTruncated>" + (truncated ? "true" : "false") +
         "</IsTruncated>" + next + "<MaxItems>100</MaxItems></ListResourceRecordSetsResponse>";
}

const char kWeightedPair[] =
    "<ResourceRecordSet><Name>api.example.com.</Name><Type>A</Type>"
    "<SetIdentifier>dr</SetIdentifier><Weight>0</Weight><AliasTarget>"
    "<HostedZoneId>Z35SXDOTRQ7X7K</HostedZoneId><DNSName>dr-alb-1.us-west-2.elb.amazonaws.com."
    "</DNSName><EvaluateTargetHealth>true</EvaluateTargetHealth></AliasTarget>"
    "</ResourceRecordSet>"
    "<ResourceRecordSet><Name>api.example.com.</Name><Type>A</Type>"
    "<SetIdentifier>primary</SetIdentifier><Weight>100</Weight><TTL>60</TTL><ResourceRecords>"
    "<ResourceRecord><Value>192.0.2.10</Value></ResourceRecord></ResourceRecords>"
    "</ResourceRecordSet>";

TEST_F(Route53ClientTest, ListRecordSetsReadsAliasAndWeightedRecordsOfOneName) {
  Reply(RecordSetsReply(std::string(kWeightedPair) +
                            "<ResourceRecordSet><Name>b.example.com.</Name><Type>A</Type>"
                            "<TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1"
                            "</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>",
                        true,
                        "<NextRecordName>c.example.com.</NextRecordName>"
                        "<NextRecordType>A</NextRecordType>"));
  auto sets = route53_.ListRecordSets("/hostedzone/Z123", "API.example.com", "A");
  ASSERT_TRUE(sets.ok()) << sets.status().ToString();
  ASSERT_EQ(sets->size(), 2u) << "the other name is left out, and listing stops past it";
  EXPECT_EQ(harness_.http.request_count(), 1u);
  const ResourceRecordSet& dr = (*sets)[0];
  EXPECT_EQ(dr.set_identifier, "dr");
  EXPECT_EQ(dr.weight, 0);
  ASSERT_TRUE(dr.alias.has_value());
  EXPECT_EQ(dr.alias->hosted_zone_id, "Z35SXDOTRQ7X7K");
  EXPECT_EQ(dr.alias->dns_name, "dr-alb-1.us-west-2.elb.amazonaws.com.");
  EXPECT_TRUE(dr.alias->evaluate_target_health);
  EXPECT_FALSE(dr.ttl.has_value());
  const ResourceRecordSet& primary = (*sets)[1];
  EXPECT_EQ(primary.weight, 100);
  EXPECT_EQ(primary.ttl, 60);
  EXPECT_EQ(primary.values, std::vector<std::string>{"192.0.2.10"});
  EXPECT_FALSE(primary.alias.has_value());
  ExpectAllSameAsBotocore(harness_.http.requests(),
                          {OracleCase("route53", "ListResourceRecordSets",
                                      {{"HostedZoneId", "/hostedzone/Z123"},
                                       {"StartRecordName", "API.example.com"},
                                       {"StartRecordType", "A"}})});
}

TEST_F(Route53ClientTest, ListRecordSetsFollowsPagesWithinTheName) {
  Reply(RecordSetsReply(
      "<ResourceRecordSet><Name>api.example.com.</Name><Type>A</Type>"
      "<SetIdentifier>a</SetIdentifier><Weight>1</Weight><TTL>60</TTL><ResourceRecords>"
      "<ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords>"
      "</ResourceRecordSet>",
      true,
      "<NextRecordName>api.example.com.</NextRecordName><NextRecordType>A</NextRecordType>"
      "<NextRecordIdentifier>b</NextRecordIdentifier>"));
  Reply(RecordSetsReply(
      "<ResourceRecordSet><Name>api.example.com.</Name><Type>A</Type>"
      "<SetIdentifier>b</SetIdentifier><Weight>1</Weight><TTL>60</TTL><ResourceRecords>"
      "<ResourceRecord><Value>192.0.2.2</Value></ResourceRecord></ResourceRecords>"
      "</ResourceRecordSet>",
      false, ""));
  auto sets = route53_.ListRecordSets("Z123", "api.example.com.", "A");
  ASSERT_TRUE(sets.ok()) << sets.status().ToString();
  ASSERT_EQ(sets->size(), 2u);
  EXPECT_EQ((*sets)[1].set_identifier, "b");
  ExpectAllSameAsBotocore(harness_.http.requests(),
                          {OracleCase("route53", "ListResourceRecordSets",
                                      {{"HostedZoneId", "Z123"},
                                       {"StartRecordName", "api.example.com."},
                                       {"StartRecordType", "A"}}),
                           OracleCase("route53", "ListResourceRecordSets",
                                      {{"HostedZoneId", "Z123"},
                                       {"StartRecordName", "api.example.com."},
                                       {"StartRecordType", "A"},
                                       {"StartRecordIdentifier", "b"}})});
}

TEST_F(Route53ClientTest, ListRecordSetsOfAMissingZoneIsNotFound) {
  harness_.http.Enqueue(404,
                        "<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
                        "<Error><Type>Sender</Type><Code>NoSuchHostedZone</Code><Message>No "
                        "hosted zone found with ID: Z404</Message></Error>"
                        "<RequestId>r</RequestId></ErrorResponse>");
  auto sets = route53_.ListRecordSets("Z404", "api.example.com", "A");
  ASSERT_FALSE(sets.ok());
  EXPECT_EQ(sets.status().code(), StatusCode::kNotFound);
}

TEST_F(Route53ClientTest, ZonesNamedKeepsOnlyExactNames) {
  Reply(
      "<ListHostedZonesByNameResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
      "<HostedZones>"
      "<HostedZone><Id>/hostedzone/Z1</Id><Name>example.com.</Name><CallerReference>a"
      "</CallerReference><Config><PrivateZone>false</PrivateZone></Config></HostedZone>"
      "<HostedZone><Id>/hostedzone/Z2</Id><Name>example.com.</Name><CallerReference>b"
      "</CallerReference><Config><PrivateZone>true</PrivateZone></Config></HostedZone>"
      "<HostedZone><Id>/hostedzone/Z3</Id><Name>a.example.com.</Name><CallerReference>c"
      "</CallerReference></HostedZone>"
      "</HostedZones><DNSName>example.com</DNSName><IsTruncated>false</IsTruncated>"
      "<MaxItems>100</MaxItems></ListHostedZonesByNameResponse>");
  auto zones = route53_.ZonesNamed("Example.com.");
  ASSERT_TRUE(zones.ok()) << zones.status().ToString();
  ASSERT_EQ(zones->size(), 2u);
  EXPECT_EQ((*zones)[0].id, "Z1");
  EXPECT_FALSE((*zones)[0].private_zone);
  EXPECT_TRUE((*zones)[1].private_zone);
  ExpectAllSameAsBotocore(harness_.http.requests(), {OracleCase("route53", "ListHostedZonesByName",
                                                                {{"DNSName", "example.com"}})});
}

TEST(NormalizeDnsNameTest, IgnoresCaseAndTheTrailingDot) {
  EXPECT_EQ(NormalizeDnsName("API.Example.com."), "api.example.com");
  EXPECT_EQ(NormalizeDnsName("api.example.com"), "api.example.com");
  EXPECT_EQ(NormalizeDnsName(""), "");
}

}  // namespace
}  // namespace drf
