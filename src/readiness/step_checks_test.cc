#include "readiness/step_checks.h"

#include <gtest/gtest.h>

#include "aws/credential_providers.h"
#include "steps/step_test_util.h"
#include "testing/test_specs.h"

namespace drf {
namespace {

using steps_testing::DescribeAsgReply;
using steps_testing::DescribeDb;
using steps_testing::DescribeServicesReply;
using steps_testing::DescribeTargetGroupReply;
using steps_testing::MissingServiceReply;
using steps_testing::ServiceJson;

constexpr char kNow[] = "2026-12-06T16:05:07Z";
constexpr char kTg[] = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1";

// EC2 replies have no <ActionResult> wrapper.
HttpResponse Ec2Ok(const std::string& action, const std::string& inner) {
  return {200, {}, "<" + action + "Response>" + inner + "</" + action + "Response>"};
}

class StepChecksTest : public ::testing::Test {
 protected:
  StepReadiness Check(const StepSpec& step) {
    return CheckStep(step, services_, *ParseIso8601(kNow));
  }

  // The finding of `check` (the first), or a failure.
  static const Finding& Get(const StepReadiness& r, const std::string& check) {
    for (const Finding& f : r.findings) {
      if (f.check == check) return f;
    }
    static const Finding kNone{"<none>", "", Verdict::kReady, "no finding " + check, {}};
    ADD_FAILURE() << "no finding " << check;
    return kNone;
  }

  void Lag(const std::string& value) {
    h_.aws.Reply(services::kCloudWatch, "GetMetricData",
                 FakeAws::QueryOk("GetMetricData",
                                  "<MetricDataResults><member><Id>m1</Id><Timestamps><member>"
                                  "2026-12-06T16:05:00Z</member></Timestamps><Values><member>" +
                                      value + "</member></Values></member></MetricDataResults>"));
  }

  // A group launching from launch template lt in two subnets; zones as given.
  void Asg(const std::string& az_b_state = "available",
           const std::map<std::string, std::string>& tags = {}) {
    std::string xml = DescribeAsgReply("web", 0, 0, 0, {}, tags).body;
    const std::string extra =
        "<LaunchTemplate><LaunchTemplateName>lt</LaunchTemplateName><Version>$Latest</Version>"
        "</LaunchTemplate><VPCZoneIdentifier>subnet-a,subnet-b</VPCZoneIdentifier>";
    xml.insert(xml.find("</AutoScalingGroupName>") + 23, extra);
    h_.aws.Reply(services::kAutoScaling, "DescribeAutoScalingGroups", {200, {}, xml});
    h_.aws.Reply(services::kEc2, "DescribeSubnets",
                 Ec2Ok("DescribeSubnets",
                       "<subnetSet><item><subnetId>subnet-a</subnetId><availabilityZone>"
                       "us-east-1a</availabilityZone></item><item><subnetId>subnet-b"
                       "</subnetId><availabilityZone>us-east-1b</availabilityZone>"
                       "</item></subnetSet>"));
    h_.aws.Reply(services::kEc2, "DescribeAvailabilityZones",
                 Ec2Ok("DescribeAvailabilityZones",
                       "<availabilityZoneInfo><item><zoneName>us-east-1a</zoneName>"
                       "<zoneState>available</zoneState></item><item><zoneName>"
                       "us-east-1b</zoneName><zoneState>" +
                           az_b_state + "</zoneState></item></availabilityZoneInfo>"));
  }

  void Cluster(const nlohmann::json& providers = nlohmann::json::array()) {
    h_.aws.Reply(
        services::kEcs, "DescribeClusters",
        FakeAws::JsonOk(
            {{"clusters",
              {{{"clusterName", "dr"}, {"status", "ACTIVE"}, {"capacityProviders", providers}}}},
             {"failures", nlohmann::json::array()}}));
  }

  void TaskDefinition(const std::string& status) {
    h_.aws.Reply(services::kEcs, "DescribeTaskDefinition",
                 FakeAws::JsonOk({{"taskDefinition",
                                   {{"taskDefinitionArn", "arn:td/web:1"}, {"status", status}}}}));
  }

  static StepSpec Ecs() { return test::WithId(test::Ecs("dr", {"web"}), "scale-ecs:dr/web"); }

  static nlohmann::json FargateService() {
    nlohmann::json service = ServiceJson("dr", "web", "ACTIVE", 0);
    service["launchType"] = "FARGATE";
    service["taskDefinition"] = "arn:td/web:1";
    return service;
  }

  steps_testing::StepHarness h_;
  Ec2Client ec2_{h_.client};
  CloudWatchClient cloudwatch_{h_.client};
  Route53Client route53_{h_.client};
  ReadinessServices services_{h_.rds, cloudwatch_, h_.autoscaling, ec2_,
                              h_.ecs, h_.elbv2,    route53_};
};

TEST_F(StepChecksTest, AnAvailableReplicaWithinTheLagLimitIsReady) {
  HttpResponse db = DescribeDb("dr-app-db", "available",
                               "arn:aws:rds:eu-west-1:123456789012:db:dr-app-db-primary");
  db.body.insert(db.body.find("<DBInstanceStatus>"),
                 "<DBInstanceArn>arn:aws:rds:us-east-1:123456789012:db:dr-app-db</DBInstanceArn>");
  h_.aws.Reply(services::kRds, "DescribeDBInstances", db);
  Lag("2");
  StepReadiness r = Check(test::WithId(test::Promote("dr-app-db"), "promote-db:dr-app-db"));
  EXPECT_EQ(r.verdict(), Verdict::kReady);
  EXPECT_EQ(Get(r, "replica").evidence["source_region"], "eu-west-1");
  EXPECT_EQ(Get(r, "replica_lag").evidence["latest_seconds"], 2.0);
  ASSERT_EQ(r.needs.size(), 3u);
  EXPECT_EQ(r.needs[1].action, "rds:PromoteReadReplica");
  EXPECT_EQ(r.needs[1].resource, "arn:aws:rds:us-east-1:123456789012:db:dr-app-db");
  EXPECT_TRUE(r.needs[2].optional);  // GetMetricData only informs the guard
}

TEST_F(StepChecksTest, APromotedReplicaLagOverTheLimitOrUnknownLag) {
  StepSpec step = test::WithId(test::Promote("db"), "promote-db:db");
  h_.aws.Reply(services::kRds, "DescribeDBInstances", DescribeDb("db", "available", ""));
  StepReadiness promoted = Check(step);
  EXPECT_EQ(promoted.verdict(), Verdict::kNotReady);
  EXPECT_NE(Get(promoted, "replica").message.find("db is not a read replica"), std::string::npos);

  h_.aws.Reply(services::kRds, "DescribeDBInstances", DescribeDb("db", "available", "src"));
  Lag("900");
  StepReadiness lagging = Check(step);
  EXPECT_EQ(lagging.verdict(), Verdict::kNotReady);
  EXPECT_NE(Get(lagging, "replica_lag").message.find("replica lag 900 s"), std::string::npos);

  h_.aws.Reply(services::kCloudWatch, "GetMetricData",
               FakeAws::QueryOk("GetMetricData", "<MetricDataResults/>"));
  EXPECT_EQ(Get(Check(step), "replica_lag").verdict, Verdict::kWarning);
  std::get<PromoteDbSpec>(step.detail).replica_lag.refuse_unknown = true;
  EXPECT_EQ(Get(Check(step), "replica_lag").verdict, Verdict::kNotReady);
}

TEST_F(StepChecksTest, AReplicaOfAnotherSourceThanThePlanSaysIsNotReady) {
  StepSpec step = test::WithId(test::Promote("db"), "promote-db:db");
  h_.aws.Reply(services::kRds, "DescribeDBInstances",
               DescribeDb("db", "available", "arn:aws:rds:eu-west-1:123456789012:db:old-primary"));
  Lag("1");
  auto& spec = std::get<PromoteDbSpec>(step.detail);
  spec.expected_source = "primary";
  const StepReadiness other = Check(step);
  EXPECT_EQ(Get(other, "replica").verdict, Verdict::kNotReady);
  EXPECT_EQ(Get(other, "replica").message,
            "db replicates from arn:aws:rds:eu-west-1:123456789012:db:old-primary, not from the "
            "expected source primary");
  spec.expected_source = "old-primary";  // an identifier matches the ARN's
  EXPECT_EQ(Get(Check(step), "replica").verdict, Verdict::kReady);
  spec.expected_source = "arn:aws:rds:eu-west-2:123456789012:db:old-primary";  // another region
  EXPECT_EQ(Get(Check(step), "replica").verdict, Verdict::kNotReady);
}

TEST_F(StepChecksTest, AMissingAsgIsNotReadyAndNothingElseOfItIsRead) {
  h_.aws.Reply(services::kAutoScaling, "DescribeAutoScalingGroups", steps_testing::NoAsgReply());
  StepReadiness r = Check(test::WithId(test::Asg("web"), "scale-asg:web"));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.verdict(), Verdict::kNotReady);
  EXPECT_EQ(r.findings[0].message, "Auto Scaling group web does not exist");
  EXPECT_EQ(h_.aws.Count(services::kEc2, "DescribeLaunchTemplates"), 0);
}

TEST_F(StepChecksTest, AsgLaunchTemplateZonesAndSize) {
  Asg();
  h_.aws.Reply(services::kEc2, "DescribeLaunchTemplates",
               Ec2Ok("DescribeLaunchTemplates",
                     "<launchTemplates><item><launchTemplateName>lt</launchTemplateName>"
                     "<latestVersionNumber>2</latestVersionNumber></item>"
                     "</launchTemplates>"));
  StepSpec step = test::WithId(test::Asg("web"), "scale-asg:web");
  StepReadiness ready = Check(step);
  EXPECT_EQ(ready.verdict(), Verdict::kReady) << Get(ready, "zones").message;
  // Max 0 is below the target: the run raises it, so that is a change, not a fault.
  EXPECT_EQ(Get(ready, "capacity").message,
            "web max 0 is below the target 1: the run raises max to 3");
  EXPECT_EQ(Get(ready, "capacity").evidence["max_after"], 3);

  Asg("impaired");
  EXPECT_EQ(Get(Check(step), "zones").verdict, Verdict::kWarning);

  h_.aws.Reply(services::kEc2, "DescribeLaunchTemplates",
               FakeAws::QueryError(400, "InvalidLaunchTemplateName.NotFoundException",
                                   "At least one of the launch templates specified in the request "
                                   "does not exist."));
  const StepReadiness without_template = Check(step);
  const Finding& missing = Get(without_template, "launch_template");
  EXPECT_EQ(missing.verdict, Verdict::kNotReady);
  EXPECT_NE(missing.message.find("web: launch template lt does not exist"), std::string::npos)
      << missing.message;
}

// A standby record means a failover changed the group and no failback has run since: the
// region may still be serving, which a readiness check must not hide.
TEST_F(StepChecksTest, AGroupStillFailedOverIsAWarning) {
  Asg("available", {{"drfailover:standby", "min=0 max=0 desired=0"}});
  h_.aws.Reply(services::kEc2, "DescribeLaunchTemplates",
               Ec2Ok("DescribeLaunchTemplates",
                     "<launchTemplates><item><launchTemplateName>lt</launchTemplateName>"
                     "<latestVersionNumber>2</latestVersionNumber></item>"
                     "</launchTemplates>"));
  StepReadiness r = Check(test::WithId(test::Asg("web"), "scale-asg:web"));
  const Finding& standby = Get(r, "standby");
  EXPECT_EQ(standby.verdict, Verdict::kWarning);
  EXPECT_EQ(standby.message,
            "web carries the standby record of an earlier failover (min=0 max=0 desired=0): "
            "it has not been failed back (drfailover failback)");
}

TEST_F(StepChecksTest, EcsServiceMissingOrItsTaskDefinitionNotActive) {
  Cluster();
  h_.aws.Reply(services::kEcs, "DescribeServices", MissingServiceReply("dr", "web"));
  StepReadiness missing = Check(Ecs());
  EXPECT_EQ(missing.verdict(), Verdict::kNotReady);
  EXPECT_EQ(Get(missing, "service").message, "ECS service web in cluster dr is MISSING");

  h_.aws.Reply(services::kEcs, "DescribeServices", DescribeServicesReply(FargateService()));
  TaskDefinition("ACTIVE");
  EXPECT_EQ(Check(Ecs()).verdict(), Verdict::kReady);
  // AWS: a service on a deregistered (INACTIVE) revision can still scale.
  TaskDefinition("INACTIVE");
  EXPECT_EQ(Get(Check(Ecs()), "task_definition").verdict, Verdict::kWarning);
  TaskDefinition("DELETE_IN_PROGRESS");
  EXPECT_EQ(Get(Check(Ecs()), "task_definition").verdict, Verdict::kNotReady);
}

TEST_F(StepChecksTest, EcsCapacityProviderTheClusterLacksIsNotReady) {
  Cluster({"FARGATE"});
  nlohmann::json service = FargateService();
  service.erase("launchType");
  service["capacityProviderStrategy"] = {{{"capacityProvider", "FARGATE_SPOT"}, {"weight", 1}}};
  h_.aws.Reply(services::kEcs, "DescribeServices", DescribeServicesReply(service));
  TaskDefinition("ACTIVE");
  const StepReadiness r = Check(Ecs());
  const Finding& launch = Get(r, "launch");
  EXPECT_EQ(launch.verdict, Verdict::kNotReady);
  EXPECT_EQ(launch.message,
            "web uses capacity provider FARGATE_SPOT, which cluster dr does not have");
}

TEST_F(StepChecksTest, TargetGroupTypeMustFitItsSource) {
  h_.aws.Reply(services::kElbv2, "DescribeTargetGroups", DescribeTargetGroupReply(kTg, "ip", 8080));
  h_.aws.Reply(services::kAutoScaling, "DescribeAutoScalingGroups",
               DescribeAsgReply("web", 0, 0, 0));
  StepSpec step = test::WithId(test::RegisterFromAsg("web", "web"), "register-targets:web");
  std::get<RegisterTargetsSpec>(step.detail).target_group_arn = kTg;
  StepReadiness r = Check(step);
  EXPECT_EQ(r.verdict(), Verdict::kNotReady);
  EXPECT_NE(Get(r, "target_group").message.find("has target type ip"), std::string::npos);
  EXPECT_EQ(Get(r, "source").verdict, Verdict::kReady);
  EXPECT_EQ(r.needs[2].action, "elasticloadbalancing:RegisterTargets");
  EXPECT_EQ(r.needs[2].resource, kTg);
}

TEST_F(StepChecksTest, ChecksNeverMutate) {
  // Everything unscripted: each read fails, each check still ends with findings.
  for (const StepSpec& step :
       {test::WithId(test::Promote("db"), "a"), test::WithId(test::Asg("web"), "b"), Ecs()}) {
    StepReadiness r = Check(step);
    EXPECT_FALSE(r.findings.empty()) << step.id;
  }
  for (const std::string& call : h_.aws.Unscripted()) {
    EXPECT_TRUE(call.find(".Describe") != std::string::npos ||
                call.find(".List") != std::string::npos || call.find(".Get") != std::string::npos)
        << call;
  }
}

}  // namespace
}  // namespace drf
