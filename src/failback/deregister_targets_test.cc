#include "failback/deregister_targets.h"

#include <gtest/gtest.h>

#include "steps/step_test_util.h"

namespace drf {
namespace {

using steps_testing::DescribeTargetGroupReply;
using steps_testing::StepHarness;
using steps_testing::TargetHealthReply;

constexpr char kDeregisterTg[] =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/1";

StepSpec DeregisterSpec() {
  StepSpec spec;
  spec.id = "register-targets:tg";
  spec.kind = StepKind::kRegisterTargets;
  RegisterTargetsSpec detail;
  detail.target_group_arn = kDeregisterTg;
  detail.source_asg = "dr-jenkins";
  spec.detail = detail;
  return spec;
}

HttpResponse TagsReply(const std::map<std::string, std::string>& tags) {
  std::string xml = "<TagDescriptions><member><ResourceArn>" + std::string(kDeregisterTg) +
                    "</ResourceArn><Tags>";
  for (const auto& [key, value] : tags) {
    xml += "<member><Key>" + key + "</Key><Value>" + value + "</Value></member>";
  }
  return FakeAws::QueryOk("DescribeTags", xml + "</Tags></member></TagDescriptions>");
}

class DeregisterTargetsTest : public ::testing::Test {
 protected:
  void Group(const std::map<std::string, std::string>& tags,
             std::vector<steps_testing::FakeTarget> registered) {
    h_.aws.Reply(services::kElbv2, "DescribeTargetGroups",
                 DescribeTargetGroupReply(kDeregisterTg, "instance", 8080));
    h_.aws.Reply(services::kElbv2, "DescribeTags", TagsReply(tags));
    h_.aws.Reply(services::kElbv2, "DescribeTargetHealth", TargetHealthReply(registered));
    h_.aws.Reply(services::kElbv2, "DeregisterTargets",
                 FakeAws::QueryOk("DeregisterTargets", "", "req-deregister"));
    h_.aws.Reply(services::kElbv2, "RemoveTags", FakeAws::QueryOk("RemoveTags", "", "req-untag"));
  }

  StepHarness h_;
  DeregisterTargetsStep step_{DeregisterSpec(), h_.elbv2, h_.reads};
};

// i-1 was there before the failover; i-2 and i-3 were registered by it; i-3 has gone since.
TEST_F(DeregisterTargetsTest, DeregistersOnlyWhatTheFailoverRegistered) {
  Group({{"drfailover:registered", "i-2:8080 i-3:8080"}}, {{"i-1", 8080}, {"i-2", 8080}});

  StepResult result = step_.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  std::vector<AwsCall> calls = h_.aws.Calls(services::kElbv2, "DeregisterTargets");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].Param("Targets.member.1.Id"), "i-2");
  EXPECT_EQ(calls[0].Param("Targets.member.1.Port"), "8080");
  EXPECT_EQ(calls[0].params.count("Targets.member.2.Id"), 0u);
  std::vector<AwsCall> untag = h_.aws.Calls(services::kElbv2, "RemoveTags");
  ASSERT_EQ(untag.size(), 1u);
  EXPECT_EQ(untag[0].Param("TagKeys.member.1"), "drfailover:registered");
  EXPECT_EQ(result.after, (nlohmann::json{{"deregistered", {"i-2:8080"}}}));
}

TEST_F(DeregisterTargetsTest, WithoutARecordNothingIsDeregistered) {
  Group({}, {{"i-1", 8080}});

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kUnchanged);
  EXPECT_TRUE(result.calls.empty());
  EXPECT_NE(result.summary.find("no standby record on target group"), std::string::npos);
}

}  // namespace
}  // namespace drf
