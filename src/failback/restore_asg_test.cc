#include "failback/restore_asg.h"

#include <gtest/gtest.h>

#include "steps/step_test_util.h"

namespace drf {
namespace {

using steps_testing::DescribeAsgReply;
using steps_testing::StepHarness;

StepSpec RestoreAsgSpec() {
  StepSpec spec;
  spec.id = "scale-asg:dr-jenkins";
  spec.kind = StepKind::kScaleAsg;
  spec.detail = ScaleAsgSpec{"dr-jenkins", 1, 3, 1, std::nullopt, CapacityWait::kNo};
  return spec;
}

class RestoreAsgTest : public ::testing::Test {
 protected:
  void Group(int min, int max, int desired, std::map<std::string, std::string> tags) {
    h_.aws.Reply(services::kAutoScaling, "DescribeAutoScalingGroups",
                 DescribeAsgReply("dr-jenkins", min, max, desired, {}, tags));
    h_.aws.Reply(services::kAutoScaling, "UpdateAutoScalingGroup",
                 FakeAws::QueryOkNoResult("UpdateAutoScalingGroup", "req-update"));
    h_.aws.Reply(services::kAutoScaling, "DeleteTags",
                 FakeAws::QueryOkNoResult("DeleteTags", "req-untag"));
  }
  std::vector<AwsCall> Updates() const {
    return h_.aws.Calls(services::kAutoScaling, "UpdateAutoScalingGroup");
  }

  StepHarness h_;
  RestoreAsgStep step_{RestoreAsgSpec(), h_.autoscaling, h_.reads};
};

TEST_F(RestoreAsgTest, SetsTheRecordedSizesThenRemovesTheRecord) {
  Group(1, 3, 2, {{"drfailover:standby", "min=0 max=1 desired=0"}});

  StepResult result = step_.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  ASSERT_EQ(Updates().size(), 1u);
  EXPECT_EQ(Updates()[0].Param("MinSize"), "0");
  EXPECT_EQ(Updates()[0].Param("MaxSize"), "1");
  EXPECT_EQ(Updates()[0].Param("DesiredCapacity"), "0");
  std::vector<AwsCall> untag = h_.aws.Calls(services::kAutoScaling, "DeleteTags");
  ASSERT_EQ(untag.size(), 1u);
  EXPECT_EQ(untag[0].Param("Tags.member.1.Key"), "drfailover:standby");
  ASSERT_EQ(result.calls.size(), 2u);
  EXPECT_EQ(result.calls[0].operation, "AutoScaling.UpdateAutoScalingGroup");
  EXPECT_EQ(result.calls[1].operation, "AutoScaling.DeleteTags");
  EXPECT_EQ(result.summary, "restored dr-jenkins to standby 0/1/0");
  EXPECT_EQ(h_.log.Lines()[0], "INFO: Restoring ASG dr-jenkins to its standby sizes 0/1/0");
}

TEST_F(RestoreAsgTest, WithoutARecordTheGroupIsLeftAlone) {
  Group(1, 3, 1, {{"team", "sre"}});

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kUnchanged);
  EXPECT_TRUE(result.calls.empty());
  EXPECT_EQ(result.summary,
            "no standby record on asg dr-jenkins: not failed over by drfailover (or failed back "
            "already); left as it is");
}

// A run killed between the two calls left the group at standby with its record: resuming
// only removes the record.
TEST_F(RestoreAsgTest, AtStandbyWithItsRecordOnlyTheRecordGoes) {
  Group(0, 0, 0, {{"drfailover:standby", "min=0 max=0 desired=0"}});

  StepResult result = step_.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded);
  EXPECT_TRUE(Updates().empty());
  ASSERT_EQ(result.calls.size(), 1u);
  EXPECT_EQ(result.calls[0].operation, "AutoScaling.DeleteTags");
}

TEST_F(RestoreAsgTest, ARecordThatIsNotOneChangesNothing) {
  Group(1, 3, 1, {{"drfailover:standby", "{\"min\":0}"}});

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_TRUE(result.calls.empty());
  EXPECT_NE(result.error.message().find("is not a standby record"), std::string::npos)
      << result.error.message();
}

TEST_F(RestoreAsgTest, PreviewSaysWhatItWouldRestore) {
  Group(1, 3, 1, {{"drfailover:standby", "min=0 max=0 desired=0"}});

  StepResult result = step_.Preview(h_.ctx);

  EXPECT_EQ(result.state, StepState::kSucceeded);
  EXPECT_EQ(result.summary, "would restore dr-jenkins 1/3/1 -> 0/0/0");
  EXPECT_EQ(h_.aws.Count(services::kAutoScaling, "UpdateAutoScalingGroup"), 0);
  EXPECT_EQ(h_.aws.Count(services::kAutoScaling, "DeleteTags"), 0);
}

}  // namespace
}  // namespace drf
