#include "services/autoscaling_client.h"

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

constexpr char kGroup[] = R"(<member>
  <AutoScalingGroupName>web-dr</AutoScalingGroupName>
  <AutoScalingGroupARN>arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:uuid:autoScalingGroupName/web-dr</AutoScalingGroupARN>
  <MinSize>0</MinSize>
  <MaxSize>10</MaxSize>
  <DesiredCapacity>2</DesiredCapacity>
  <Instances>
    <member><InstanceId>i-1</InstanceId><LifecycleState>InService</LifecycleState><HealthStatus>Healthy</HealthStatus><AvailabilityZone>us-east-1a</AvailabilityZone></member>
    <member><InstanceId>i-2</InstanceId><LifecycleState>Pending</LifecycleState><HealthStatus>Healthy</HealthStatus><AvailabilityZone>us-east-1b</AvailabilityZone></member>
  </Instances>
  <TargetGroupARNs><member>arn:tg/1</member><member>arn:tg/2</member></TargetGroupARNs>
</member>)";

std::string AsgPage(const std::vector<std::string>& names, const std::string& token) {
  std::string xml = "<AutoScalingGroups>";
  for (const std::string& name : names) {
    xml += "<member><AutoScalingGroupName>" + name +
           "</AutoScalingGroupName><MinSize>0</MinSize><MaxSize>0</MaxSize>"
           "<DesiredCapacity>0</DesiredCapacity></member>";
  }
  xml += "</AutoScalingGroups>";
  if (!token.empty()) xml += "<NextToken>" + token + "</NextToken>";
  return QueryReply("DescribeAutoScalingGroups", xml).body;
}

std::vector<std::string> Names(const std::vector<AutoScalingGroup>& groups) {
  std::vector<std::string> names;
  for (const AutoScalingGroup& group : groups) names.push_back(group.name);
  return names;
}

class AutoScalingClientTest : public ::testing::Test {
 protected:
  void Reply(const std::string& body) { harness_.http.Enqueue(200, body); }

  AwsHarness harness_;
  AutoScalingClient asg_{harness_.aws};
};

TEST_F(AutoScalingClientTest, ParsesGroupInstancesAndTargetGroups) {
  Reply(QueryReply("DescribeAutoScalingGroups",
                   std::string("<AutoScalingGroups>") + kGroup + "</AutoScalingGroups>")
            .body);
  Result<std::vector<AutoScalingGroup>> result = asg_.DescribeAutoScalingGroups({"web-dr"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 1u);
  const AutoScalingGroup& group = result->front();
  EXPECT_EQ(group.name, "web-dr");
  EXPECT_NE(group.arn.find("autoScalingGroupName/web-dr"), std::string::npos);
  EXPECT_EQ(group.status, "");
  EXPECT_EQ(group.min_size, 0);
  EXPECT_EQ(group.max_size, 10);
  EXPECT_EQ(group.desired_capacity, 2);
  ASSERT_EQ(group.instances.size(), 2u);
  EXPECT_EQ(group.instances[1].instance_id, "i-2");
  EXPECT_EQ(group.instances[1].lifecycle_state, "Pending");
  EXPECT_EQ(group.instances[1].health_status, "Healthy");
  EXPECT_EQ(group.instances[1].availability_zone, "us-east-1b");
  EXPECT_EQ(group.target_group_arns, (std::vector<std::string>{"arn:tg/1", "arn:tg/2"}));
}

TEST_F(AutoScalingClientTest, UnknownNamesGiveAnEmptyList) {
  Reply(AsgPage({}, ""));
  Result<std::vector<AutoScalingGroup>> result = asg_.DescribeAutoScalingGroups({"nope"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->empty());
}

TEST_F(AutoScalingClientTest, FollowsNextTokenAcrossPages) {
  Reply(AsgPage({"a"}, "t1"));
  Reply(AsgPage({"b"}, "t2"));
  Reply(AsgPage({"c"}, ""));
  Result<std::vector<AutoScalingGroup>> result = asg_.DescribeAutoScalingGroups({});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(Names(*result), (std::vector<std::string>{"a", "b", "c"}));
  std::vector<HttpRequest> sent = harness_.http.requests();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(FormParams(sent[0]).count("NextToken"), 0u);
  EXPECT_EQ(FormParams(sent[1])["NextToken"], "t1");
  EXPECT_EQ(FormParams(sent[2])["NextToken"], "t2");
}

TEST_F(AutoScalingClientTest, SendsNamesInChunksOfFifty) {
  std::vector<std::string> names;
  for (int i = 0; i < 120; ++i) names.push_back("g" + std::to_string(i));
  Reply(AsgPage({"g0"}, "more"));  // the first chunk has a second page
  Reply(AsgPage({"g49"}, ""));
  Reply(AsgPage({"g50"}, ""));
  Reply(AsgPage({"g119"}, ""));
  Result<std::vector<AutoScalingGroup>> result = asg_.DescribeAutoScalingGroups(names);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(Names(*result), (std::vector<std::string>{"g0", "g49", "g50", "g119"}));
  std::vector<HttpRequest> sent = harness_.http.requests();
  ASSERT_EQ(sent.size(), 4u);
  std::map<std::string, std::string> first = FormParams(sent[0]);
  EXPECT_EQ(first["AutoScalingGroupNames.member.50"], "g49");
  EXPECT_EQ(first.count("AutoScalingGroupNames.member.51"), 0u);
  EXPECT_EQ(FormParams(sent[1])["NextToken"], "more");
  EXPECT_EQ(FormParams(sent[1])["AutoScalingGroupNames.member.1"], "g0");
  EXPECT_EQ(FormParams(sent[2])["AutoScalingGroupNames.member.1"], "g50");
  EXPECT_EQ(FormParams(sent[3])["AutoScalingGroupNames.member.20"], "g119");
  EXPECT_EQ(FormParams(sent[3]).count("AutoScalingGroupNames.member.21"), 0u);
}

TEST_F(AutoScalingClientTest, UpdateSendsOnlyTheSetSizes) {
  Reply(QueryReply("UpdateAutoScalingGroup", "", "upd-1", /*has_result=*/false).body);
  Result<Ack> result = asg_.UpdateAutoScalingGroup({"web-dr", std::nullopt, 6, 4});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->request_id, "upd-1");
  std::map<std::string, std::string> sent = FormParams(harness_.http.requests()[0]);
  EXPECT_EQ(sent.count("MinSize"), 0u);
  EXPECT_EQ(sent["MaxSize"], "6");
  EXPECT_EQ(sent["DesiredCapacity"], "4");
}

// A size read as 0 would be "raised" to the plan's and could lower the group: a reply
// without one is an error naming it, never a 0.
TEST_F(AutoScalingClientTest, MissingSizeIsInternalNamingIt) {
  for (const char* size : {"MinSize", "MaxSize", "DesiredCapacity"}) {
    std::string group = kGroup;
    const std::string open = std::string("<") + size + ">";
    const std::string close = std::string("</") + size + ">";
    group.erase(group.find(open), group.find(close) + close.size() - group.find(open));
    Reply(QueryReply("DescribeAutoScalingGroups",
                     "<AutoScalingGroups>" + group + "</AutoScalingGroups>")
              .body);
    Result<std::vector<AutoScalingGroup>> result = asg_.DescribeAutoScalingGroups({"web-dr"});
    ASSERT_FALSE(result.ok()) << size;
    EXPECT_EQ(result.status().code(), StatusCode::kInternal);
    EXPECT_EQ(result.status().message(), std::string("DescribeAutoScalingGroups reply: member/") +
                                             size + " is missing, expected an integer");
  }
}

// AWS accepted the update but its reply is unusable: the error says the change may have
// been made, with the call's details, rather than passing for a refusal.
TEST_F(AutoScalingClientTest, UnreadableUpdateReplySaysItMayHaveBeenApplied) {
  harness_.http.Enqueue(200, "<UpdateAutoScalingGroupResponse><ResponseMeta",
                        {{"x-amzn-RequestId", "upd-9"}});
  Result<Ack> result = asg_.UpdateAutoScalingGroup({"web-dr", 1, 3, 1});
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(AcceptedButUnreadable(result.status()));
  ASSERT_NE(result.status().aws(), nullptr);
  EXPECT_EQ(result.status().aws()->operation, "UpdateAutoScalingGroup");
  EXPECT_EQ(result.status().aws()->http_status, 200);
  EXPECT_EQ(result.status().message().rfind(
                "UpdateAutoScalingGroup may have been applied: AWS accepted it (HTTP 200", 0),
            0u)
      << result.status().message();
}

TEST_F(AutoScalingClientTest, UpdateScalingActivityInProgressIsRejected) {
  HttpResponse error = QueryError(400, "ScalingActivityInProgress", "busy");
  harness_.http.Enqueue(error.status, error.body, error.headers);
  Result<Ack> result = asg_.UpdateAutoScalingGroup({"web-dr", 1, 1, 1});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kRejected);
  EXPECT_EQ(result.status().aws()->code, "ScalingActivityInProgress");
  EXPECT_FALSE(AcceptedButUnreadable(result.status()));
  EXPECT_EQ(result.status().message(), "busy") << "a refusal is not explained as accepted";
}

// --- Scaling activities: the evidence for a group that does not reach its capacity -------

// A DescribeScalingActivities reply written after the API reference's Activity shape: the
// activity in progress first, then the others newest first; a launch that failed for lack
// of capacity carries the reason in StatusMessage.
constexpr char kActivitiesReply[] =
    R"(<DescribeScalingActivitiesResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
  <DescribeScalingActivitiesResult>
    <Activities>
      <member>
        <ActivityId>5e8c4f5a-2b1d-4a6e-9f3c-7d2e1a0b9c8d</ActivityId>
        <AutoScalingGroupName>dr-jenkins</AutoScalingGroupName>
        <AutoScalingGroupARN>arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e:autoScalingGroupName/dr-jenkins</AutoScalingGroupARN>
        <Description>Launching a new EC2 instance.  Status Reason: We currently do not have sufficient m5.xlarge capacity in the Availability Zone you requested (us-east-1a). Our system will be working on provisioning additional capacity. Launching EC2 instance failed.</Description>
        <Cause>At 2025-11-25T21:40:12Z a user request update of AutoScalingGroup constraints to min: 1, max: 3, desired: 1 changing the desired capacity from 0 to 1.  At 2025-11-25T21:40:20Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 1.</Cause>
        <StartTime>2025-11-25T21:40:22.031Z</StartTime>
        <StatusCode>InProgress</StatusCode>
        <Progress>30</Progress>
        <Details>{"Subnet ID":"subnet-0a1b2c3d","Availability Zone":"us-east-1a"}</Details>
      </member>
      <member>
        <ActivityId>4d7b3e49-1a0c-4959-8e2b-6c1d0f9a8b7c</ActivityId>
        <AutoScalingGroupName>dr-jenkins</AutoScalingGroupName>
        <Description>Launching a new EC2 instance.  Status Reason: We currently do not have sufficient m5.xlarge capacity in the Availability Zone you requested (us-east-1b). Launching EC2 instance failed.</Description>
        <Cause>At 2025-11-25T21:40:20Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 1.</Cause>
        <StartTime>2025-11-25T21:40:20.512Z</StartTime>
        <EndTime>2025-11-25T21:40:21.000Z</EndTime>
        <StatusCode>Failed</StatusCode>
        <StatusMessage>We currently do not have sufficient m5.xlarge capacity in the Availability Zone you requested (us-east-1b). Our system will be working on provisioning additional capacity. You can currently get m5.xlarge capacity by not specifying an Availability Zone in your request or choosing us-east-1c.</StatusMessage>
        <Progress>100</Progress>
        <Details>{"Subnet ID":"subnet-1b2c3d4e","Availability Zone":"us-east-1b"}</Details>
      </member>
      <member>
        <ActivityId>3c6a2d38-0f9b-4848-7d1a-5b0c9e8f7a6b</ActivityId>
        <AutoScalingGroupName>dr-jenkins</AutoScalingGroupName>
        <Description>Terminating EC2 instance: i-0123456789abcdef0</Description>
        <Cause>At 2025-11-20T09:00:00Z a user request update of AutoScalingGroup constraints to min: 0, max: 0, desired: 0 changing the desired capacity from 1 to 0.</Cause>
        <StartTime>2025-11-20T09:00:02Z</StartTime>
        <EndTime>2025-11-20T09:05:10Z</EndTime>
        <StatusCode>Successful</StatusCode>
        <Progress>100</Progress>
      </member>
    </Activities>
    <NextToken>eyJuZXh0IjoiM2M2YTJkMzgifQ==</NextToken>
  </DescribeScalingActivitiesResult>
  <ResponseMetadata>
    <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>
  </ResponseMetadata>
</DescribeScalingActivitiesResponse>)";

TEST_F(AutoScalingClientTest, DescribeScalingActivitiesParsesOnePage) {
  Reply(kActivitiesReply);
  Result<std::vector<ScalingActivity>> result = asg_.DescribeScalingActivities("dr-jenkins", 3);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 3u);

  const ScalingActivity& in_progress = (*result)[0];
  EXPECT_EQ(in_progress.activity_id, "5e8c4f5a-2b1d-4a6e-9f3c-7d2e1a0b9c8d");
  EXPECT_EQ(in_progress.status_code, "InProgress");
  EXPECT_EQ(in_progress.status_message, "");
  EXPECT_EQ(in_progress.description.rfind("Launching a new EC2 instance.", 0), 0u);
  EXPECT_EQ(in_progress.cause.rfind("At 2025-11-25T21:40:12Z a user request update", 0), 0u);
  EXPECT_EQ(in_progress.start_time, "2025-11-25T21:40:22.031Z");
  EXPECT_EQ(in_progress.end_time, "");
  EXPECT_EQ(in_progress.progress, 30);

  const ScalingActivity& failed = (*result)[1];
  EXPECT_EQ(failed.status_code, "Failed");
  EXPECT_EQ(
      failed.status_message.rfind("We currently do not have sufficient m5.xlarge capacity", 0), 0u)
      << failed.status_message;
  EXPECT_EQ(failed.start_time, "2025-11-25T21:40:20.512Z");
  EXPECT_EQ(failed.end_time, "2025-11-25T21:40:21.000Z");
  EXPECT_EQ(failed.progress, 100);

  EXPECT_EQ((*result)[2].status_code, "Successful");
  EXPECT_EQ((*result)[2].description, "Terminating EC2 instance: i-0123456789abcdef0");

  // One page: the NextToken is not followed.
  ASSERT_EQ(harness_.http.request_count(), 1u);
  std::map<std::string, std::string> sent = FormParams(harness_.http.requests()[0]);
  EXPECT_EQ(sent["Action"], "DescribeScalingActivities");
  EXPECT_EQ(sent["AutoScalingGroupName"], "dr-jenkins");
  EXPECT_EQ(sent["MaxRecords"], "3");
  EXPECT_EQ(sent.count("NextToken"), 0u);
}

TEST_F(AutoScalingClientTest, DescribeScalingActivitiesOfAGroupWithoutAny) {
  Reply(QueryReply("DescribeScalingActivities", "<Activities/>").body);
  Result<std::vector<ScalingActivity>> result = asg_.DescribeScalingActivities("dr-jenkins", 1);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->empty());
}

TEST_F(AutoScalingClientTest, DescribeScalingActivitiesClampsMaxRecordsToAwsLimits) {
  for (int i = 0; i < 4; ++i) Reply(QueryReply("DescribeScalingActivities", "<Activities/>").body);
  ASSERT_TRUE(asg_.DescribeScalingActivities("g", 0).ok());
  ASSERT_TRUE(asg_.DescribeScalingActivities("g", -3).ok());
  ASSERT_TRUE(asg_.DescribeScalingActivities("g", 100).ok());
  ASSERT_TRUE(asg_.DescribeScalingActivities("g", 5000).ok());
  std::vector<HttpRequest> sent = harness_.http.requests();
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(FormParams(sent[0])["MaxRecords"], "1");
  EXPECT_EQ(FormParams(sent[1])["MaxRecords"], "1");
  EXPECT_EQ(FormParams(sent[2])["MaxRecords"], "100");
  EXPECT_EQ(FormParams(sent[3])["MaxRecords"], "100");
}

TEST_F(AutoScalingClientTest, MalformedActivityIsInternalNamingTheElement) {
  std::string reply = kActivitiesReply;
  const std::string progress = "<Progress>100</Progress>";
  reply.replace(reply.find(progress), progress.size(), "<Progress>most</Progress>");
  Reply(reply);
  Result<std::vector<ScalingActivity>> result = asg_.DescribeScalingActivities("dr-jenkins", 3);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_EQ(result.status().message(),
            "DescribeScalingActivities reply: member/Progress is \"most\", expected an integer");
}

TEST_F(AutoScalingClientTest, DescribeScalingActivitiesReplyThatIsNotXmlIsInternal) {
  Reply("<DescribeScalingActivitiesResponse><DescribeScalingActivitiesResult><Activities>");
  Result<std::vector<ScalingActivity>> result = asg_.DescribeScalingActivities("dr-jenkins", 3);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
}

// A role without the evidence-only permission: a refusal with the wire code, so the caller
// can say the evidence was not available and why.
TEST_F(AutoScalingClientTest, DescribeScalingActivitiesDeniedKeepsTheWireCode) {
  HttpResponse error = QueryError(
      403, "AccessDenied",
      "User: arn:aws:sts::123456789012:assumed-role/dr-dr-failover-us-east-1/dr-dr-failover is "
      "not authorized to perform: autoscaling:DescribeScalingActivities");
  harness_.http.Enqueue(error.status, error.body, error.headers);
  Result<std::vector<ScalingActivity>> result = asg_.DescribeScalingActivities("dr-jenkins", 3);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kRejected);
  ASSERT_NE(result.status().aws(), nullptr);
  EXPECT_EQ(result.status().aws()->code, "AccessDenied");
  EXPECT_EQ(result.status().aws()->operation, "DescribeScalingActivities");
}

// --- Serialization equals botocore's ----------------------------------------------------

TEST_F(AutoScalingClientTest, DescribeAutoScalingGroupsMatchesBotocore) {
  Reply(AsgPage({"a"}, "tok/1=="));
  Reply(AsgPage({"b"}, ""));
  Reply(AsgPage({}, ""));
  ASSERT_TRUE(asg_.DescribeAutoScalingGroups({"web-dr", "api dr"}).ok());
  ASSERT_TRUE(asg_.DescribeAutoScalingGroups({}).ok());
  nlohmann::json named = {{"AutoScalingGroupNames", {"web-dr", "api dr"}}, {"MaxRecords", 100}};
  nlohmann::json page2 = named;
  page2["NextToken"] = "tok/1==";
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("autoscaling", "DescribeAutoScalingGroups", named),
       OracleCase("autoscaling", "DescribeAutoScalingGroups", page2),
       OracleCase("autoscaling", "DescribeAutoScalingGroups", {{"MaxRecords", 100}})});
}

TEST_F(AutoScalingClientTest, UpdateAutoScalingGroupMatchesBotocore) {
  for (int i = 0; i < 2; ++i) {
    Reply(QueryReply("UpdateAutoScalingGroup", "", "r", /*has_result=*/false).body);
  }
  ASSERT_TRUE(asg_.UpdateAutoScalingGroup({"web-dr", 2, 10, 4}).ok());
  ASSERT_TRUE(asg_.UpdateAutoScalingGroup({"web-dr", std::nullopt, std::nullopt, 0}).ok());
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("autoscaling", "UpdateAutoScalingGroup",
                  {{"AutoScalingGroupName", "web-dr"},
                   {"MinSize", 2},
                   {"MaxSize", 10},
                   {"DesiredCapacity", 4}}),
       OracleCase("autoscaling", "UpdateAutoScalingGroup",
                  {{"AutoScalingGroupName", "web-dr"}, {"DesiredCapacity", 0}})});
}

TEST_F(AutoScalingClientTest, DescribeScalingActivitiesMatchesBotocore) {
  for (int i = 0; i < 3; ++i) Reply(QueryReply("DescribeScalingActivities", "<Activities/>").body);
  ASSERT_TRUE(asg_.DescribeScalingActivities("dr-jenkins", 5).ok());
  ASSERT_TRUE(asg_.DescribeScalingActivities("api dr/+&=", 100).ok());
  ASSERT_TRUE(asg_.DescribeScalingActivities("", 1).ok());
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("autoscaling", "DescribeScalingActivities",
                  {{"AutoScalingGroupName", "dr-jenkins"}, {"MaxRecords", 5}}),
       OracleCase("autoscaling", "DescribeScalingActivities",
                  {{"AutoScalingGroupName", "api dr/+&="}, {"MaxRecords", 100}}),
       OracleCase("autoscaling", "DescribeScalingActivities", {{"MaxRecords", 1}})});
}

TEST_F(AutoScalingClientTest, ParsesWhatTheGroupLaunchesFromAndWhere) {
  Reply(QueryReply("DescribeAutoScalingGroups", R"(<AutoScalingGroups>
    <member><AutoScalingGroupName>lt</AutoScalingGroupName><MinSize>0</MinSize><MaxSize>0</MaxSize><DesiredCapacity>0</DesiredCapacity>
      <LaunchTemplate><LaunchTemplateName>dr-pilot-light</LaunchTemplateName><LaunchTemplateId>lt-1</LaunchTemplateId><Version>$Latest</Version></LaunchTemplate>
      <VPCZoneIdentifier>subnet-a,subnet-b</VPCZoneIdentifier>
      <AvailabilityZones><member>us-east-1a</member><member>us-east-1b</member></AvailabilityZones></member>
    <member><AutoScalingGroupName>mixed</AutoScalingGroupName><MinSize>0</MinSize><MaxSize>0</MaxSize><DesiredCapacity>0</DesiredCapacity>
      <MixedInstancesPolicy><LaunchTemplate><LaunchTemplateSpecification><LaunchTemplateId>lt-2</LaunchTemplateId><Version>3</Version></LaunchTemplateSpecification></LaunchTemplate></MixedInstancesPolicy></member>
    <member><AutoScalingGroupName>lc</AutoScalingGroupName><MinSize>0</MinSize><MaxSize>0</MaxSize><DesiredCapacity>0</DesiredCapacity>
      <LaunchConfigurationName>old-lc</LaunchConfigurationName></member>
  </AutoScalingGroups>)")
            .body);
  Result<std::vector<AutoScalingGroup>> groups = asg_.DescribeAutoScalingGroups({"lt"});
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 3u);
  EXPECT_EQ((*groups)[0].launch_template_name, "dr-pilot-light");
  EXPECT_EQ((*groups)[0].launch_template_id, "lt-1");
  EXPECT_EQ((*groups)[0].launch_template_version, "$Latest");
  EXPECT_EQ((*groups)[0].subnet_ids, (std::vector<std::string>{"subnet-a", "subnet-b"}));
  EXPECT_EQ((*groups)[0].availability_zones,
            (std::vector<std::string>{"us-east-1a", "us-east-1b"}));
  EXPECT_EQ((*groups)[1].launch_template_id, "lt-2");
  EXPECT_EQ((*groups)[1].launch_template_version, "3");
  EXPECT_EQ((*groups)[2].launch_template_id, "");
  EXPECT_EQ((*groups)[2].launch_configuration_name, "old-lc");
}

TEST_F(AutoScalingClientTest, ExistingLaunchConfigurationsListsOnlyThoseAwsKnows) {
  Reply(QueryReply("DescribeLaunchConfigurations",
                   "<LaunchConfigurations><member><LaunchConfigurationName>old-lc"
                   "</LaunchConfigurationName></member></LaunchConfigurations>")
            .body);
  Result<std::vector<std::string>> found = asg_.ExistingLaunchConfigurations({"old-lc", "gone"});
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(*found, (std::vector<std::string>{"old-lc"}));
  ExpectAllSameAsBotocore(harness_.http.requests(),
                          {OracleCase("autoscaling", "DescribeLaunchConfigurations",
                                      {{"LaunchConfigurationNames", {"old-lc", "gone"}}})});
}
}  // namespace
}  // namespace drf
