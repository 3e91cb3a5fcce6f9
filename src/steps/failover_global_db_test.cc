#include "steps/failover_global_db.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "steps/step_test_util.h"

namespace drf {
namespace {

using steps_testing::StepHarness;
using ::testing::HasSubstr;

constexpr char kPrimary[] = "arn:aws:rds:us-west-2:123456789012:cluster:app-primary";
constexpr char kDr[] = "arn:aws:rds:us-east-1:123456789012:cluster:app-dr";

HttpResponse GlobalReply(const std::string& writer, const std::string& moving_to = "") {
  auto member = [&](const std::string& arn) {
    return "<GlobalClusterMember><DBClusterArn>" + arn + "</DBClusterArn><IsWriter>" +
           (arn == writer ? "true" : "false") + "</IsWriter></GlobalClusterMember>";
  };
  std::string xml =
      "<GlobalClusters><GlobalClusterMember><GlobalClusterIdentifier>app-global"
      "</GlobalClusterIdentifier><Status>" +
      std::string(moving_to.empty() ? "available" : "switching-over") +
      "</Status><GlobalClusterMembers>" + member(kPrimary) + member(kDr) +
      "</GlobalClusterMembers>";
  if (!moving_to.empty()) {
    xml += "<FailoverState><Status>pending</Status><ToDbClusterArn>" + moving_to +
           "</ToDbClusterArn></FailoverState>";
  }
  return FakeAws::QueryOk("DescribeGlobalClusters",
                          xml + "</GlobalClusterMember></GlobalClusters>");
}

HttpResponse ClusterAvailable() {
  return FakeAws::QueryOk("DescribeDBClusters",
                          "<DBClusters><DBCluster><DBClusterIdentifier>app-dr</DBClusterIdentifier>"
                          "<Status>available</Status></DBCluster></DBClusters>");
}

HttpResponse SwitchoverReply() {
  return FakeAws::QueryOk("SwitchoverGlobalCluster",
                          "<GlobalCluster><GlobalClusterIdentifier>app-global"
                          "</GlobalClusterIdentifier></GlobalCluster>",
                          "req-switch");
}

StepSpec GlobalSpec(FailoverGlobalDbSpec::Mode mode = FailoverGlobalDbSpec::Mode::kSwitchover) {
  StepSpec spec;
  spec.id = "failover-global-db:app-global";
  spec.kind = StepKind::kFailoverGlobalDb;
  spec.detail = FailoverGlobalDbSpec{"app-global", "app-dr", mode,
                                     mode == FailoverGlobalDbSpec::Mode::kFailover};
  spec.stall_after = std::chrono::minutes(30);
  return spec;
}

class FailoverGlobalDbTest : public ::testing::Test {
 protected:
  FailoverGlobalDbTest() { h_.aws.Reply(services::kRds, "DescribeDBClusters", ClusterAvailable()); }
  StepResult Run(FailoverGlobalDbSpec::Mode mode = FailoverGlobalDbSpec::Mode::kSwitchover) {
    FailoverGlobalDbStep step(GlobalSpec(mode), h_.rds);
    return step.Run(h_.ctx);
  }
  StepHarness h_;
};

TEST_F(FailoverGlobalDbTest, SwitchesOverAndWaitsForTheWriter) {
  h_.aws.Replies(services::kRds, "DescribeGlobalClusters",
                 {GlobalReply(kPrimary), GlobalReply(kPrimary, kDr), GlobalReply(kDr)});
  h_.aws.Reply(services::kRds, "SwitchoverGlobalCluster", SwitchoverReply());
  StepResult result = Run();
  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  auto calls = h_.aws.Calls(services::kRds, "SwitchoverGlobalCluster");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].Param("TargetDbClusterIdentifier"), kDr);
  EXPECT_EQ(result.after["writer"], kDr);
  EXPECT_EQ(result.after["cluster_status"], "available");
  EXPECT_EQ(result.calls[0].operation, "RDS.SwitchoverGlobalCluster");
}

TEST_F(FailoverGlobalDbTest, FailoverSendsAllowDataLoss) {
  h_.aws.Replies(services::kRds, "DescribeGlobalClusters",
                 {GlobalReply(kPrimary), GlobalReply(kDr)});
  h_.aws.Reply(services::kRds, "FailoverGlobalCluster",
               FakeAws::QueryOk("FailoverGlobalCluster", "<GlobalCluster/>"));
  ASSERT_EQ(Run(FailoverGlobalDbSpec::Mode::kFailover).state, StepState::kSucceeded);
  auto calls = h_.aws.Calls(services::kRds, "FailoverGlobalCluster");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].Param("AllowDataLoss"), "true");
  EXPECT_EQ(h_.Calls(services::kRds, "SwitchoverGlobalCluster"), 0);
}

TEST_F(FailoverGlobalDbTest, TheWriterAlreadyInDrIsUnchanged) {
  h_.aws.Reply(services::kRds, "DescribeGlobalClusters", GlobalReply(kDr));
  StepResult result = Run();
  EXPECT_EQ(result.state, StepState::kUnchanged) << result.error.ToString();
  EXPECT_EQ(h_.Calls(services::kRds, "SwitchoverGlobalCluster"), 0);
}

TEST_F(FailoverGlobalDbTest, AMoveUnderWayIsWaitedFor) {
  h_.aws.Replies(services::kRds, "DescribeGlobalClusters",
                 {GlobalReply(kPrimary, kDr), GlobalReply(kDr)});
  StepResult result = Run();
  EXPECT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(h_.Calls(services::kRds, "SwitchoverGlobalCluster"), 0);
  EXPECT_THAT(result.summary, HasSubstr("already under way"));
}

TEST_F(FailoverGlobalDbTest, AnUnknownOutcomeThatShowsNoMoveIsNotSentAgain) {
  h_.aws.Reply(services::kRds, "DescribeGlobalClusters", GlobalReply(kPrimary));
  h_.aws.Reply(services::kRds, "SwitchoverGlobalCluster",
               FakeAws::QueryError(503, "ServiceUnavailable", "try later"));
  StepResult result = Run();
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(h_.Calls(services::kRds, "SwitchoverGlobalCluster"), 1);
  EXPECT_THAT(result.error.ToString(), HasSubstr("outcome is unknown"));
}

TEST_F(FailoverGlobalDbTest, ATargetThatIsNotAMemberFails) {
  h_.aws.Reply(services::kRds, "DescribeGlobalClusters", GlobalReply(kPrimary));
  StepSpec spec = GlobalSpec();
  std::get<FailoverGlobalDbSpec>(spec.detail).target_cluster = "other";
  FailoverGlobalDbStep step(spec, h_.rds);
  StepResult result = step.Run(h_.ctx);
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.ToString(), HasSubstr("other is not a member of global database"));
}

TEST_F(FailoverGlobalDbTest, AMissingGlobalDatabaseFails) {
  h_.aws.Reply(services::kRds, "DescribeGlobalClusters",
               FakeAws::QueryOk("DescribeGlobalClusters", "<GlobalClusters/>"));
  StepResult result = Run();
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.ToString(), HasSubstr("global database app-global not found"));
}

}  // namespace
}  // namespace drf
