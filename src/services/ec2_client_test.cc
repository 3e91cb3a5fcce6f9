#include "services/ec2_client.h"

#include <gtest/gtest.h>

#include "services/services_test_util.h"

namespace drf {
namespace {

using services_testing::AwsHarness;
using services_testing::Ec2Reply;
using services_testing::ExpectAllSameAsBotocore;
using services_testing::FormParams;
using services_testing::OracleCase;

// One reservation per instance id, as RunInstances would have made them.
std::string Ec2InstancePage(const std::vector<std::string>& ids, const std::string& token) {
  std::string xml = "<reservationSet>";
  for (const std::string& id : ids) {
    xml += "<item><reservationId>r-" + id + "</reservationId><instancesSet><item><instanceId>" +
           id + "</instanceId></item></instancesSet></item>";
  }
  xml += "</reservationSet>";
  if (!token.empty()) xml += "<nextToken>" + token + "</nextToken>";
  return Ec2Reply("DescribeInstances", xml).body;
}

std::vector<std::string> Ec2Ids(const std::vector<Ec2Instance>& instances) {
  std::vector<std::string> ids;
  for (const Ec2Instance& instance : instances) ids.push_back(instance.id);
  return ids;
}

class Ec2ClientTest : public ::testing::Test {
 protected:
  void Reply(const std::string& body) { harness_.http.Enqueue(200, body); }

  AwsHarness harness_;
  Ec2Client ec2_{harness_.aws};
};

TEST_F(Ec2ClientTest, FlattensReservationsAndParsesFields) {
  Reply(Ec2Reply("DescribeInstances", R"(<reservationSet>
      <item><reservationId>r-1</reservationId><instancesSet>
        <item><instanceId>i-1</instanceId><instanceState><code>16</code><name>running</name></instanceState>
          <privateIpAddress>10.0.1.5</privateIpAddress>
          <placement><availabilityZone>us-east-1a</availabilityZone><tenancy>default</tenancy></placement>
          <tagSet><item><key>Name</key><value>web</value></item><item><key>role</key><value>dr</value></item></tagSet>
        </item>
        <item><instanceId>i-2</instanceId><instanceState><code>48</code><name>terminated</name></instanceState></item>
      </instancesSet></item>
      <item><reservationId>r-2</reservationId><instancesSet>
        <item><instanceId>i-3</instanceId><instanceState><code>0</code><name>pending</name></instanceState></item>
      </instancesSet></item>
    </reservationSet>)")
            .body);
  Result<std::vector<Ec2Instance>> result = ec2_.DescribeInstances({"i-1", "i-2", "i-3"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(Ec2Ids(*result), (std::vector<std::string>{"i-1", "i-2", "i-3"}));
  const Ec2Instance& web = (*result)[0];
  EXPECT_EQ(web.state, "running");
  EXPECT_EQ(web.private_ip, "10.0.1.5");
  EXPECT_EQ(web.availability_zone, "us-east-1a");
  EXPECT_EQ(web.tags, (std::map<std::string, std::string>{{"Name", "web"}, {"role", "dr"}}));
  EXPECT_EQ((*result)[1].state, "terminated");
  EXPECT_EQ((*result)[1].private_ip, "");
  EXPECT_TRUE((*result)[1].tags.empty());
  std::map<std::string, std::string> sent = FormParams(harness_.http.requests()[0]);
  EXPECT_EQ(sent["InstanceId.3"], "i-3");
  EXPECT_EQ(sent.count("MaxResults"), 0u);
}

TEST_F(Ec2ClientTest, WithoutIdsFollowsNextTokenPages) {
  Reply(Ec2InstancePage({"i-1", "i-2"}, "t1"));
  Reply(Ec2InstancePage({"i-3"}, "t2"));
  Reply(Ec2InstancePage({}, ""));
  Result<std::vector<Ec2Instance>> result = ec2_.DescribeInstances({});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(Ec2Ids(*result), (std::vector<std::string>{"i-1", "i-2", "i-3"}));
  std::vector<HttpRequest> sent = harness_.http.requests();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(FormParams(sent[0]).count("NextToken"), 0u);
  EXPECT_EQ(FormParams(sent[1])["NextToken"], "t1");
  EXPECT_EQ(FormParams(sent[2])["NextToken"], "t2");
}

TEST_F(Ec2ClientTest, UnknownIdIsNotFound) {
  harness_.http.Enqueue(400,
                        "<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code>"
                        "<Message>The instance ID 'i-9' does not exist</Message></Error></Errors>"
                        "<RequestID>e-1</RequestID></Response>");
  Result<std::vector<Ec2Instance>> result = ec2_.DescribeInstances({"i-9"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(result.status().aws()->code, "InvalidInstanceID.NotFound");
}

TEST_F(Ec2ClientTest, DescribeInstancesMatchesBotocore) {
  Reply(Ec2InstancePage({"i-1"}, ""));
  Reply(Ec2InstancePage({"i-1"}, "tok=="));
  Reply(Ec2InstancePage({"i-2"}, ""));
  ASSERT_TRUE(ec2_.DescribeInstances({"i-1", "i-2"}).ok());
  ASSERT_TRUE(ec2_.DescribeInstances({}).ok());
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("ec2", "DescribeInstances", {{"InstanceIds", {"i-1", "i-2"}}}),
       OracleCase("ec2", "DescribeInstances", {{"MaxResults", 1000}}),
       OracleCase("ec2", "DescribeInstances", {{"MaxResults", 1000}, {"NextToken", "tok=="}})});
}

TEST_F(Ec2ClientTest, DescribeLaunchTemplateByNameOrId) {
  Reply(Ec2Reply("DescribeLaunchTemplates",
                 "<launchTemplates><item><launchTemplateId>lt-1</launchTemplateId>"
                 "<launchTemplateName>dr-pilot-light</launchTemplateName>"
                 "<defaultVersionNumber>1</defaultVersionNumber>"
                 "<latestVersionNumber>4</latestVersionNumber></item></launchTemplates>")
            .body);
  Reply(Ec2Reply("DescribeLaunchTemplates", "<launchTemplates/>").body);
  Result<LaunchTemplate> found = ec2_.DescribeLaunchTemplate("", "dr-pilot-light");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->id, "lt-1");
  EXPECT_EQ(found->latest_version, 4);
  Result<LaunchTemplate> none = ec2_.DescribeLaunchTemplate("lt-9", "");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find("lt-9"), std::string::npos);
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("ec2", "DescribeLaunchTemplates", {{"LaunchTemplateNames", {"dr-pilot-light"}}}),
       OracleCase("ec2", "DescribeLaunchTemplates", {{"LaunchTemplateIds", {"lt-9"}}})});
}

TEST_F(Ec2ClientTest, DescribeSubnetsAndZones) {
  Reply(Ec2Reply("DescribeSubnets",
                 "<subnetSet><item><subnetId>subnet-a</subnetId><state>available</state>"
                 "<vpcId>vpc-1</vpcId><availabilityZone>us-east-1a</availabilityZone></item>"
                 "</subnetSet>")
            .body);
  Reply(Ec2Reply("DescribeAvailabilityZones",
                 "<availabilityZoneInfo><item><zoneName>us-east-1a</zoneName>"
                 "<zoneState>available</zoneState></item><item><zoneName>us-east-1b</zoneName>"
                 "<zoneState>impaired</zoneState></item></availabilityZoneInfo>")
            .body);
  Result<std::vector<Subnet>> subnets = ec2_.DescribeSubnets({"subnet-a"});
  ASSERT_TRUE(subnets.ok()) << subnets.status().ToString();
  ASSERT_EQ(subnets->size(), 1u);
  EXPECT_EQ((*subnets)[0].availability_zone, "us-east-1a");
  EXPECT_EQ((*subnets)[0].state, "available");
  Result<std::vector<AvailabilityZone>> zones = ec2_.DescribeAvailabilityZones();
  ASSERT_TRUE(zones.ok()) << zones.status().ToString();
  ASSERT_EQ(zones->size(), 2u);
  EXPECT_EQ((*zones)[1].name, "us-east-1b");
  EXPECT_EQ((*zones)[1].state, "impaired");
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("ec2", "DescribeSubnets", {{"SubnetIds", {"subnet-a"}}}),
       OracleCase("ec2", "DescribeAvailabilityZones", nlohmann::json::object())});
}
}  // namespace
}  // namespace drf
