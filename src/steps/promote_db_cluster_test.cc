#include "steps/promote_db_cluster.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "steps/step_test_util.h"

namespace drf {
namespace {

using steps_testing::StepHarness;
using ::testing::HasSubstr;

constexpr char kClusterSource[] = "arn:aws:rds:us-east-1:123456789012:cluster:app-primary";

HttpResponse ClusterReply(const std::string& status, const std::string& source) {
  std::string xml =
      "<DBClusters><DBCluster><DBClusterIdentifier>app-dr</DBClusterIdentifier>"
      "<Status>" +
      status + "</Status><Endpoint>app-dr.cluster-x.rds</Endpoint>";
  if (!source.empty())
    xml += "<ReplicationSourceIdentifier>" + source + "</ReplicationSourceIdentifier>";
  return FakeAws::QueryOk("DescribeDBClusters", xml + "</DBCluster></DBClusters>");
}

HttpResponse PromoteReply() {
  return FakeAws::QueryOk("PromoteReadReplicaDBCluster",
                          "<DBCluster><DBClusterIdentifier>app-dr</DBClusterIdentifier><Status>"
                          "promoting</Status></DBCluster>",
                          "req-promote");
}

StepSpec ClusterSpec() {
  StepSpec spec;
  spec.id = "promote-db-cluster:app-dr";
  spec.kind = StepKind::kPromoteDbCluster;
  spec.detail = PromoteDbClusterSpec{"app-dr"};
  spec.stall_after = std::chrono::minutes(30);
  return spec;
}

class PromoteDbClusterTest : public ::testing::Test {
 protected:
  StepResult Run() {
    PromoteDbClusterStep step(ClusterSpec(), h_.rds);
    return step.Run(h_.ctx);
  }
  int Promotes() const { return h_.Calls(services::kRds, "PromoteReadReplicaDBCluster"); }

  StepHarness h_;
};

TEST_F(PromoteDbClusterTest, PromotesAndWaitsUntilTheSourceIsGone) {
  h_.aws.Replies(services::kRds, "DescribeDBClusters",
                 {ClusterReply("available", kClusterSource),
                  ClusterReply("promoting", kClusterSource), ClusterReply("available", "")});
  h_.aws.Reply(services::kRds, "PromoteReadReplicaDBCluster", PromoteReply());
  StepResult result = Run();
  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Promotes(), 1);
  EXPECT_EQ(result.summary, std::string("promoted app-dr (was replica of ") + kClusterSource + ")");
  EXPECT_EQ(result.after["endpoint"], "app-dr.cluster-x.rds");
  ASSERT_EQ(result.calls.size(), 1u);
  EXPECT_EQ(result.calls[0].operation, "RDS.PromoteReadReplicaDBCluster");
  EXPECT_THAT(h_.log.Lines(),
              ::testing::Contains("INFO: Promoting Aurora read replica cluster app-dr to "
                                  "standalone cluster"));
}

TEST_F(PromoteDbClusterTest, AStandaloneClusterIsUnchanged) {
  h_.aws.Reply(services::kRds, "DescribeDBClusters", ClusterReply("available", ""));
  StepResult result = Run();
  EXPECT_EQ(result.state, StepState::kUnchanged);
  EXPECT_EQ(Promotes(), 0);
}

TEST_F(PromoteDbClusterTest, AlreadyPromotingIsWaitedForNotSentAgain) {
  h_.aws.Replies(services::kRds, "DescribeDBClusters",
                 {ClusterReply("available", kClusterSource), ClusterReply("available", "")});
  h_.aws.Reply(services::kRds, "PromoteReadReplicaDBCluster",
               FakeAws::QueryError(400, "InvalidDBClusterStateFault", "cluster is promoting"));
  StepResult result = Run();
  EXPECT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Promotes(), 1);
  EXPECT_THAT(result.summary, HasSubstr("already under way"));
}

TEST_F(PromoteDbClusterTest, ALostReplyIsNotSentAgainWhenTheClusterShowsIt) {
  h_.aws.Replies(services::kRds, "DescribeDBClusters",
                 {ClusterReply("available", kClusterSource),
                  ClusterReply("promoting", kClusterSource), ClusterReply("available", "")});
  h_.aws.Reply(services::kRds, "PromoteReadReplicaDBCluster",
               FakeAws::QueryError(500, "InternalFailure", "oops"));
  StepResult result = Run();
  EXPECT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Promotes(), 1);
  EXPECT_EQ(result.calls.size(), 1u) << "recorded: it took effect";
}

TEST_F(PromoteDbClusterTest, AMissingClusterFails) {
  h_.aws.Reply(services::kRds, "DescribeDBClusters",
               FakeAws::QueryError(404, "DBClusterNotFoundFault", "DBCluster app-dr not found."));
  StepResult result = Run();
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.ToString(), HasSubstr("app-dr not found"));
  EXPECT_EQ(Promotes(), 0);
}

TEST_F(PromoteDbClusterTest, PlanSaysWhatItWouldPromote) {
  h_.aws.Reply(services::kRds, "DescribeDBClusters", ClusterReply("available", kClusterSource));
  PromoteDbClusterStep step(ClusterSpec(), h_.rds);
  StepResult result = step.Preview(h_.ctx);
  EXPECT_EQ(result.summary,
            std::string("would promote app-dr (replica of ") + kClusterSource + ")");
  EXPECT_EQ(Promotes(), 0);
}

}  // namespace
}  // namespace drf
