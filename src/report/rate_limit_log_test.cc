#include "report/rate_limit_log.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace drf {
namespace {

using std::chrono::milliseconds;

const WallTime kLogStart = WallTime(std::chrono::seconds(1800000000));

TEST(RateLimitLogTest, StandardModeCountsThrottlesWithoutSamples) {
  RateLimitLog log;
  log.Record("RDS.DescribeDBInstances", "standard", false, std::nullopt, kLogStart);
  log.Record("RDS.DescribeDBInstances", "standard", true, std::nullopt, kLogStart);
  log.Record("ECS.DescribeServices", "standard", false, std::nullopt, kLogStart);
  const std::vector<OperationRateLimits> operations = log.Take();
  ASSERT_EQ(operations.size(), 2u);
  EXPECT_EQ(operations[0].operation, "ECS.DescribeServices");  // sorted
  EXPECT_EQ(operations[1].operation, "RDS.DescribeDBInstances");
  EXPECT_EQ(operations[1].mode, "standard");
  EXPECT_EQ(operations[1].throttles, 1);
  EXPECT_FALSE(operations[1].limit.has_value());
  EXPECT_TRUE(operations[1].samples.empty());
}

TEST(RateLimitLogTest, AdaptiveSamplesOnlyVisibleMoves) {
  RateLimitLog log;
  const char* op = "ECS.UpdateService";
  log.Record(op, "adaptive", false, std::nullopt, kLogStart);  // before any throttle
  log.Record(op, "adaptive", true, 5.6, kLogStart + milliseconds(100));
  log.Record(op, "adaptive", false, 5.62, kLogStart + milliseconds(200));  // < 1%: left out
  log.Record(op, "adaptive", false, 6.0, kLogStart + milliseconds(300));
  log.Record(op, "adaptive", true, 4.2, kLogStart + milliseconds(400));
  log.Record(op, "adaptive", true, 4.2, kLogStart + milliseconds(500));  // no move: out
  const OperationRateLimits ecs = log.Take().at(0);
  EXPECT_EQ(ecs.throttles, 3);
  ASSERT_TRUE(ecs.limit.has_value());
  EXPECT_EQ(*ecs.limit, 4.2);
  ASSERT_EQ(ecs.samples.size(), 3u);
  EXPECT_EQ(ecs.samples[0].at, kLogStart + milliseconds(100));
  EXPECT_EQ(ecs.samples[0].limit, 5.6);
  EXPECT_EQ(ecs.samples[1].limit, 6.0);
  EXPECT_EQ(ecs.samples[2].at, kLogStart + milliseconds(400));
  EXPECT_EQ(ecs.samples_dropped, 0);
}

TEST(RateLimitLogTest, ALongRunKeepsABoundedHistoryOfTheWholeRun) {
  RateLimitLog log;
  constexpr int kRecords = 10000;
  for (int i = 0; i < kRecords; ++i) {
    // Alternating limits: every record is a visible move.
    log.Record("RDS.DescribeDBInstances", "adaptive", false, i % 2 == 0 ? 1.0 : 2.0,
               kLogStart + milliseconds(i));
  }
  const OperationRateLimits rds = log.Take().at(0);
  EXPECT_LE(rds.samples.size(), RateLimitLog::kMaxSamples);
  EXPECT_EQ(static_cast<int64_t>(rds.samples.size()) + rds.samples_dropped, kRecords);
  EXPECT_EQ(rds.samples.front().at, kLogStart);                              // the start is kept...
  EXPECT_EQ(rds.samples.back().at, kLogStart + milliseconds(kRecords - 1));  // ...and the end
  for (size_t i = 1; i < rds.samples.size(); ++i) {
    EXPECT_LT(rds.samples[i - 1].at, rds.samples[i].at) << i;
  }
}

TEST(RateLimitLogTest, ThreadsRecordAtOnce) {
  RateLimitLog log;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < 500; ++i) {
        log.Record(t % 2 == 0 ? "RDS.DescribeDBInstances" : "ECS.UpdateService", "adaptive",
                   i % 10 == 0, 1.0 + i % 7, kLogStart + milliseconds(i));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const std::vector<OperationRateLimits> operations = log.Take();
  ASSERT_EQ(operations.size(), 2u);
  EXPECT_EQ(operations[0].throttles + operations[1].throttles, 200);
  EXPECT_LE(operations[0].samples.size(), RateLimitLog::kMaxSamples);
}

}  // namespace
}  // namespace drf
