#include "report/api_call_counter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace drf {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::Pair;

TEST(IsMutatingOperationTest, ReadPrefixesAreReadOnly) {
  EXPECT_FALSE(IsMutatingOperation("DescribeDBInstances"));
  EXPECT_FALSE(IsMutatingOperation("ListTasks"));
  EXPECT_FALSE(IsMutatingOperation("SimulatePrincipalPolicy"));
  EXPECT_FALSE(IsMutatingOperation("GetCallerIdentity"));
  EXPECT_TRUE(IsMutatingOperation("PromoteReadReplica"));
  EXPECT_TRUE(IsMutatingOperation("UpdateService"));
  EXPECT_TRUE(IsMutatingOperation("RegisterTargets"));
  // Only a prefix counts: "Get" inside a name does not make it read-only.
  EXPECT_TRUE(IsMutatingOperation("ResetGetter"));
}

TEST(ApiCallCounterTest, EmptySnapshot) {
  ApiCallCounter counter;
  ApiCallCounter::Snapshot snapshot = counter.TakeSnapshot();
  EXPECT_TRUE(snapshot.operations.empty());
  EXPECT_EQ(snapshot.calls, 0);
  EXPECT_EQ(snapshot.attempts, 0);
  EXPECT_EQ(counter.MutatingCalls(), 0);
}

TEST(ApiCallCounterTest, TheSnapshotCarriesTheRetryModePerOperation) {
  ApiCallCounter counter;
  counter.RecordRetryMode("ECS", "TagResource", "adaptive", true, 2.5, WallTime{});
  ApiCallCounter::Snapshot snapshot = counter.TakeSnapshot();
  ASSERT_EQ(snapshot.rate_limits.size(), 1u);
  EXPECT_EQ(snapshot.rate_limits[0].operation, "ECS.TagResource");
  EXPECT_EQ(snapshot.rate_limits[0].mode, "adaptive");
  EXPECT_EQ(snapshot.rate_limits[0].throttles, 1);
  EXPECT_EQ(snapshot.rate_limits[0].limit, 2.5);
}

TEST(ApiCallCounterTest, RetriedCallCountsOnceWithItsAttemptsAndCauses) {
  ApiCallCounter counter;
  counter.Record("RDS", "PromoteReadReplica", 400, "Throttling", true, milliseconds(10));
  counter.Record("RDS", "PromoteReadReplica", 503, "", true, milliseconds(20));
  counter.Record("RDS", "PromoteReadReplica", 0, "", true, milliseconds(30));
  counter.Record("RDS", "PromoteReadReplica", 200, "", false, milliseconds(40));

  ApiCallCounter::Snapshot snapshot = counter.TakeSnapshot();
  ASSERT_EQ(snapshot.operations.size(), 1u);
  const ApiCallCounter::OperationStats& op = snapshot.operations[0];
  EXPECT_EQ(op.name, "RDS.PromoteReadReplica");
  EXPECT_EQ(op.service, "RDS");
  EXPECT_EQ(op.operation, "PromoteReadReplica");
  EXPECT_TRUE(op.mutating);
  EXPECT_EQ(op.calls, 1);
  EXPECT_EQ(op.attempts, 4);
  EXPECT_EQ(op.retries, 3);
  EXPECT_THAT(op.errors,
              ElementsAre(Pair("HTTP 503", 1), Pair("Throttling", 1), Pair("Transport", 1)));
  EXPECT_EQ(op.latency, milliseconds(100));
  EXPECT_EQ(snapshot.latency, milliseconds(100));
}

TEST(ApiCallCounterTest, FinalFailureIsACallAndAnError) {
  ApiCallCounter counter;
  counter.Record("ECS", "UpdateService", 400, "ServiceNotFoundException", false, milliseconds(5));
  ApiCallCounter::Snapshot snapshot = counter.TakeSnapshot();
  ASSERT_EQ(snapshot.operations.size(), 1u);
  EXPECT_EQ(snapshot.operations[0].calls, 1);
  EXPECT_EQ(snapshot.operations[0].retries, 0);
  EXPECT_THAT(snapshot.operations[0].errors, ElementsAre(Pair("ServiceNotFoundException", 1)));
  EXPECT_EQ(snapshot.mutating_calls, 1);
}

TEST(ApiCallCounterTest, SnapshotIsSortedAndTotalsSplitMutating) {
  ApiCallCounter counter;
  counter.Record("RDS", "PromoteReadReplica", 200, "", false, milliseconds(1));
  counter.Record("Auto Scaling", "UpdateAutoScalingGroup", 200, "", false, milliseconds(1));
  counter.Record("RDS", "DescribeDBInstances", 200, "", false, milliseconds(1));
  counter.Record("RDS", "DescribeDBInstances", 200, "", false, milliseconds(1));
  counter.Record("ECS", "ListTasks", 500, "ServerException", true, milliseconds(1));
  counter.Record("ECS", "ListTasks", 200, "", false, milliseconds(1));

  ApiCallCounter::Snapshot snapshot = counter.TakeSnapshot();
  std::vector<std::string> names;
  for (const auto& op : snapshot.operations) names.push_back(op.name);
  EXPECT_THAT(names, ElementsAre("Auto Scaling.UpdateAutoScalingGroup", "ECS.ListTasks",
                                 "RDS.DescribeDBInstances", "RDS.PromoteReadReplica"));
  EXPECT_EQ(snapshot.calls, 5);
  EXPECT_EQ(snapshot.attempts, 6);
  EXPECT_EQ(snapshot.retries, 1);
  EXPECT_EQ(snapshot.mutating_calls, 2);
  EXPECT_EQ(counter.MutatingCalls(), 2);
}

TEST(ApiCallCounterTest, ConcurrentRecordsAreAllCounted) {
  ApiCallCounter counter;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&counter, t] {
      for (int i = 0; i < kPerThread; ++i) {
        counter.Record("ECS", t % 2 == 0 ? "UpdateService" : "DescribeServices", 200, "", false,
                       milliseconds(1));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ApiCallCounter::Snapshot snapshot = counter.TakeSnapshot();
  EXPECT_EQ(snapshot.calls, kThreads * kPerThread);
  EXPECT_EQ(snapshot.mutating_calls, kThreads / 2 * kPerThread);
  EXPECT_EQ(snapshot.latency, milliseconds(kThreads * kPerThread));
}

}  // namespace
}  // namespace drf
