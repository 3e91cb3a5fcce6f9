#include "steps/scale_asg.h"

#include <gtest/gtest.h>

#include "steps/step_test_util.h"

namespace drf {
namespace {

using steps_testing::DescribeAsgReply;
using steps_testing::FakeInstance;
using steps_testing::NoAsgReply;
using steps_testing::StepHarness;

StepSpec AsgScaleSpec(bool wait = false) {
  StepSpec spec;
  spec.id = "scale-asg:dr-jenkins";
  spec.kind = StepKind::kScaleAsg;
  spec.detail =
      ScaleAsgSpec{"dr-jenkins", 1, 3, 1, wait, wait ? CapacityWait::kYes : CapacityWait::kNo};
  return spec;
}

class ScaleAsgTest : public ::testing::Test {
 protected:
  void UpdateSucceeds() {
    h_.aws.Reply(services::kAutoScaling, "UpdateAutoScalingGroup",
                 FakeAws::QueryOkNoResult("UpdateAutoScalingGroup", "req-update"));
    h_.aws.Reply(services::kAutoScaling, "CreateOrUpdateTags",
                 FakeAws::QueryOkNoResult("CreateOrUpdateTags", "req-tag"));
  }
  std::vector<AwsCall> Tags() const {
    return h_.aws.Calls(services::kAutoScaling, "CreateOrUpdateTags");
  }
  void Describes(std::vector<HttpResponse> replies) {
    h_.aws.Replies(services::kAutoScaling, "DescribeAutoScalingGroups", std::move(replies));
  }
  std::vector<AwsCall> Updates() const {
    return h_.aws.Calls(services::kAutoScaling, "UpdateAutoScalingGroup");
  }

  StepHarness h_;
};

TEST_F(ScaleAsgTest, RaisesAnEmptyGroup) {
  UpdateSucceeds();
  Describes({DescribeAsgReply("dr-jenkins", 0, 0, 0)});
  ScaleAsgStep step(AsgScaleSpec(), h_.autoscaling, h_.reads);

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  ASSERT_EQ(Updates().size(), 1u);
  EXPECT_EQ(Updates()[0].Param("AutoScalingGroupName"), "dr-jenkins");
  EXPECT_EQ(Updates()[0].Param("MinSize"), "1");
  EXPECT_EQ(Updates()[0].Param("MaxSize"), "3");
  EXPECT_EQ(Updates()[0].Param("DesiredCapacity"), "1");
  EXPECT_EQ(h_.log.Lines(),
            (std::vector<std::string>{"INFO: Scaling ASG dr-jenkins to min=1, max=3, desired=1",
                                      "INFO: Successfully updated ASG dr-jenkins"}));
  EXPECT_EQ(result.before,
            (nlohmann::json{
                {"min", 0}, {"max", 0}, {"desired", 0}, {"standby", "min=0 max=0 desired=0"}}));
  EXPECT_EQ(result.after, (nlohmann::json{{"min", 1}, {"max", 3}, {"desired", 1}}));
  EXPECT_EQ(result.summary, "scaled dr-jenkins 0/0/0 -> 1/3/1");
  EXPECT_EQ(result.changes,
            (std::vector<std::string>{"dr-jenkins min 0 -> 1", "dr-jenkins max 0 -> 3",
                                      "dr-jenkins desired 0 -> 1"}));
  // The standby sizes are recorded on the group first, for failback.
  ASSERT_EQ(Tags().size(), 1u);
  EXPECT_EQ(Tags()[0].Param("Tags.member.1.ResourceId"), "dr-jenkins");
  EXPECT_EQ(Tags()[0].Param("Tags.member.1.Key"), "drfailover:standby");
  EXPECT_EQ(Tags()[0].Param("Tags.member.1.Value"), "min=0 max=0 desired=0");
  EXPECT_EQ(Tags()[0].Param("Tags.member.1.PropagateAtLaunch"), "false");
  ASSERT_EQ(result.calls.size(), 2u);
  EXPECT_EQ(result.calls[0].operation, "AutoScaling.CreateOrUpdateTags");
  EXPECT_EQ(result.calls[1].operation, "AutoScaling.UpdateAutoScalingGroup");
  EXPECT_EQ(result.calls[1].request_id, "req-update");
}

// A second failover finds the record of the first and keeps it: the standby state is never
// replaced by a failed-over one.
TEST_F(ScaleAsgTest, AGroupWithAStandbyRecordKeepsIt) {
  UpdateSucceeds();
  Describes({DescribeAsgReply("dr-jenkins", 0, 1, 0, {},
                              {{"drfailover:standby", "min=0 max=0 desired=0"}})});
  ScaleAsgStep step(AsgScaleSpec(), h_.autoscaling, h_.reads);

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Tags().size(), 0u);
  EXPECT_EQ(result.before["standby"], "min=0 max=0 desired=0");
}

// Recording is bookkeeping: denied, the group is still raised, with a warning saying what
// failback will do.
TEST_F(ScaleAsgTest, ADeniedRecordIsAWarningAndTheGroupIsRaised) {
  h_.aws.Reply(services::kAutoScaling, "UpdateAutoScalingGroup",
               FakeAws::QueryOkNoResult("UpdateAutoScalingGroup", "req-update"));
  h_.aws.Reply(services::kAutoScaling, "CreateOrUpdateTags",
               FakeAws::QueryError(403, "AccessDenied", "not authorized"));
  Describes({DescribeAsgReply("dr-jenkins", 0, 0, 0)});
  ScaleAsgStep step(AsgScaleSpec(), h_.autoscaling, h_.reads);

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Updates().size(), 1u);
  ASSERT_FALSE(h_.log.Lines().empty());
  EXPECT_EQ(h_.log.Lines()[0].rfind("WARN: ASG dr-jenkins: standby sizes not recorded (failback "
                                    "will leave it alone): An error occurred (AccessDenied)",
                                    0),
            0u)
      << h_.log.Lines()[0];
}

// AWS accepted the update but its reply is unreadable: the step fails (unconfirmed), and
// the call is in the report with its request id: a change that may have been made is
// never hidden, nor taken as done.
TEST_F(ScaleAsgTest, UnreadableUpdateReplyFailsAndListsTheCall) {
  h_.aws.Reply(services::kAutoScaling, "UpdateAutoScalingGroup",
               HttpResponse{200, {{"x-amzn-RequestId", "req-lost"}}, "<UpdateAutoScalingGroupRe"});
  Describes({DescribeAsgReply("dr-jenkins", 0, 0, 0)});
  ScaleAsgStep step(AsgScaleSpec(), h_.autoscaling, h_.reads);

  StepResult result = step.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kFailed);
  ASSERT_EQ(result.calls.size(), 1u);
  EXPECT_EQ(result.calls[0].operation, "AutoScaling.UpdateAutoScalingGroup");
  EXPECT_EQ(result.calls[0].resource, "dr-jenkins");
  EXPECT_NE(result.error.message().find("UpdateAutoScalingGroup may have been applied"),
            std::string::npos)
      << result.error.message();
}

TEST_F(ScaleAsgTest, NeverLowersAGroupAboveTarget) {
  Describes({DescribeAsgReply("dr-jenkins", 2, 5, 4)});
  ScaleAsgStep step(AsgScaleSpec(), h_.autoscaling, h_.reads);

  StepResult result = step.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kUnchanged);
  EXPECT_TRUE(Updates().empty());
  EXPECT_TRUE(result.calls.empty());
  EXPECT_EQ(result.after, (nlohmann::json{{"min", 2}, {"max", 5}, {"desired", 4}}));
  EXPECT_EQ(h_.log.Lines(),
            (std::vector<std::string>{
                "INFO: ASG dr-jenkins already at or above target: min=2, max=5, desired=4"}));
}

TEST_F(ScaleAsgTest, SendsOnlyTheSizesThatRise) {
  // min 0 -> 1 and desired 0 -> 1; max 5 stays and is not sent.
  UpdateSucceeds();
  Describes({DescribeAsgReply("dr-jenkins", 0, 5, 0)});
  ScaleAsgStep step(AsgScaleSpec(), h_.autoscaling, h_.reads);

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded);
  ASSERT_EQ(Updates().size(), 1u);
  EXPECT_EQ(Updates()[0].params.count("MaxSize"), 0u);
  EXPECT_EQ(Updates()[0].Param("MinSize"), "1");
  EXPECT_EQ(h_.log.Lines()[0], "INFO: Scaling ASG dr-jenkins to min=1, max=5, desired=1");
}

TEST_F(ScaleAsgTest, WaitsForHealthyInServiceInstances) {
  UpdateSucceeds();
  Describes({DescribeAsgReply("dr-jenkins", 0, 0, 0),
             DescribeAsgReply("dr-jenkins", 1, 3, 1, {{"i-1", "Pending", "Healthy"}}),
             DescribeAsgReply("dr-jenkins", 1, 3, 1, {{"i-1", "InService", "Unhealthy"}}),
             DescribeAsgReply("dr-jenkins", 1, 3, 1, {{"i-1", "InService", "Healthy"}})});
  ScaleAsgStep step(AsgScaleSpec(/*wait=*/true), h_.autoscaling, h_.reads);

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(h_.aws.Count(services::kAutoScaling, "DescribeAutoScalingGroups"), 4);
  EXPECT_EQ(result.after["in_service"], 1);
  // No poll at once after raising the desired capacity: polls at 1 s, 2.5 s and 4.8 s (the
  // 100 ms round after 4.75 s).
  EXPECT_EQ(result.waiting, std::chrono::milliseconds(4800));
}

TEST_F(ScaleAsgTest, DeadlineWithoutInstancesIsATimeout) {
  h_.SetTimeout(std::chrono::seconds(20));
  UpdateSucceeds();
  Describes({DescribeAsgReply("dr-jenkins", 0, 0, 0),
             DescribeAsgReply("dr-jenkins", 1, 3, 1, {{"i-1", "Pending", "Healthy"}})});
  ScaleAsgStep step(AsgScaleSpec(/*wait=*/true), h_.autoscaling, h_.reads);

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kTimedOut);
  ASSERT_EQ(result.calls.size(), 2u);  // the standby record, then the update: both reported
  EXPECT_EQ(result.calls[1].operation, "AutoScaling.UpdateAutoScalingGroup");
  EXPECT_EQ(result.summary.rfind("scaled dr-jenkins 0/0/0 -> 1/3/1; 0 of 1 instances InService", 0),
            0u)
      << result.summary;
}

TEST_F(ScaleAsgTest, MissingGroupFails) {
  Describes({NoAsgReply()});
  ScaleAsgStep step(AsgScaleSpec(), h_.autoscaling, h_.reads);

  StepResult result = step.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(result.error.code(), StatusCode::kNotFound);
  EXPECT_EQ(result.error.message(), "asg dr-jenkins: Auto Scaling group dr-jenkins not found");
  EXPECT_TRUE(Updates().empty());
}

TEST_F(ScaleAsgTest, UpdateErrorFailsWithAwsDetails) {
  h_.aws.Reply(services::kAutoScaling, "UpdateAutoScalingGroup",
               FakeAws::QueryError(400, "ScalingActivityInProgress", "busy"));
  Describes({DescribeAsgReply("dr-jenkins", 0, 0, 0)});
  ScaleAsgStep step(AsgScaleSpec(), h_.autoscaling, h_.reads);

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed);
  ASSERT_NE(result.error.aws(), nullptr);
  EXPECT_EQ(result.error.aws()->code, "ScalingActivityInProgress");
  EXPECT_TRUE(result.calls.empty());
}

TEST_F(ScaleAsgTest, PreviewSaysWhatWouldChange) {
  Describes({DescribeAsgReply("dr-jenkins", 0, 0, 0)});
  ScaleAsgStep step(AsgScaleSpec(), h_.autoscaling, h_.reads);

  StepResult result = step.Preview(h_.ctx);

  EXPECT_EQ(result.state, StepState::kSucceeded);
  EXPECT_EQ(result.summary, "would scale dr-jenkins 0/0/0 -> 1/3/1");
  EXPECT_EQ(result.changes.size(), 3u);
  EXPECT_TRUE(Updates().empty());
}

TEST(RaisedSizesTest, RaisesToTheSpecAndKeepsHigherValues) {
  ScaleAsgSpec spec{"g", 1, 3, 1, false};
  EXPECT_EQ(RaisedSizes({0, 0, 0}, spec), (AsgSizes{1, 3, 1}));
  EXPECT_EQ(RaisedSizes({2, 5, 4}, spec), (AsgSizes{2, 5, 4}));
  // desired follows a raised min; max follows desired.
  EXPECT_EQ(RaisedSizes({0, 2, 0}, ScaleAsgSpec{"g", 4, 3, 1, false}), (AsgSizes{4, 4, 4}));
  EXPECT_EQ(RaisedSizes({0, 10, 7}, spec), (AsgSizes{1, 10, 7}));
}

}  // namespace
}  // namespace drf
