#include "aws/retry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace drf {
namespace {

using std::chrono::milliseconds;

TEST(RetryClassificationTest, ThrottlingCodes) {
  for (const char* code :
       {"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
        "LimitExceededException", "RequestThrottled", "SlowDown", "EC2ThrottledException"}) {
    EXPECT_TRUE(IsThrottlingCode(code)) << code;
    EXPECT_TRUE(IsRetryableError(400, code, false)) << code;
  }
  EXPECT_FALSE(IsThrottlingCode(""));
  EXPECT_FALSE(IsThrottlingCode("throttling"));  // codes are case-sensitive
  EXPECT_FALSE(IsThrottlingCode("InvalidDBInstanceState"));
}

TEST(RetryClassificationTest, TransientStatusesAndCodes) {
  for (int status : {500, 502, 503, 504}) EXPECT_TRUE(IsRetryableError(status, "", false));
  for (int status : {400, 403, 404, 409, 501, 505}) {
    EXPECT_FALSE(IsRetryableError(status, "", false)) << status;
  }
  for (const char* code : {"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
                           "IDPCommunicationError"}) {
    EXPECT_TRUE(IsTransientError(400, code)) << code;
  }
  EXPECT_FALSE(IsRetryableError(400, "ValidationError", false));
  EXPECT_FALSE(IsRetryableError(404, "DBInstanceNotFound", false));
  EXPECT_TRUE(IsRetryableError(0, "", /*transport=*/true));
}

TEST(BackoffDelayTest, FullJitterUnderTheCap) {
  const milliseconds cap(20000);
  EXPECT_EQ(BackoffDelay(1, 0.0, cap), Duration(0));
  EXPECT_EQ(BackoffDelay(1, 0.5, cap), milliseconds(500));
  EXPECT_EQ(BackoffDelay(2, 0.5, cap), milliseconds(1000));
  EXPECT_EQ(BackoffDelay(3, 0.5, cap), milliseconds(2000));
  EXPECT_EQ(BackoffDelay(5, 0.5, cap), milliseconds(8000));
  EXPECT_EQ(BackoffDelay(6, 0.5, cap), milliseconds(10000));  // 16 s
  EXPECT_EQ(BackoffDelay(7, 0.5, cap), milliseconds(10000));  // capped at 20 s
  EXPECT_LT(BackoffDelay(7, 0.999999, cap), cap);
}

TEST(BackoffDelayTest, HugeAttemptsAndOddInputsStayBounded) {
  const milliseconds cap(20000);
  EXPECT_EQ(BackoffDelay(1000, 0.5, cap), milliseconds(10000));
  EXPECT_EQ(BackoffDelay(0, 0.5, cap), milliseconds(500));
  EXPECT_EQ(BackoffDelay(-3, 0.5, cap), milliseconds(500));
  EXPECT_EQ(BackoffDelay(2, -1.0, cap), Duration(0));
  EXPECT_EQ(BackoffDelay(2, 0.5, milliseconds(300)), milliseconds(150));
}

TEST(RetryQuotaTest, CostsAndRefunds) {
  RetryQuota quota(500);
  EXPECT_EQ(quota.Acquire(false), 5);
  EXPECT_EQ(quota.available(), 495);
  EXPECT_EQ(quota.Acquire(true), 10);
  EXPECT_EQ(quota.available(), 485);
  quota.OnSuccess(10);  // refunds the last retry's cost
  EXPECT_EQ(quota.available(), 495);
  quota.OnSuccess(0);  // first-try success: +1
  EXPECT_EQ(quota.available(), 496);
  for (int i = 0; i < 10; ++i) quota.OnSuccess(0);
  EXPECT_EQ(quota.available(), 500);  // never above capacity
  quota.OnSuccess(5);
  EXPECT_EQ(quota.available(), 500);
}

TEST(RetryQuotaTest, RefusesWhenTooFewTokensAndTakesNothing) {
  RetryQuota quota(12);
  EXPECT_EQ(quota.Acquire(true), 10);
  EXPECT_EQ(quota.Acquire(false), std::nullopt);
  EXPECT_EQ(quota.Acquire(true), std::nullopt);
  EXPECT_EQ(quota.available(), 2);
}

TEST(RetryQuotaTest, SharedAcrossThreads) {
  RetryQuota quota(500);
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (quota.Acquire(false)) ++granted;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(granted.load(), 100);
  EXPECT_EQ(quota.available(), 0);
}

// EC2 sends its throttling code with HTTP 503: still a refusal, not an unknown outcome.
TEST(MayHaveTakenEffectTest, ClassifiesFailures) {
  AwsErrorInfo throttled_503;
  throttled_503.http_status = 503;
  throttled_503.code = "RequestLimitExceeded";
  throttled_503.throttling = true;
  EXPECT_FALSE(MayHaveTakenEffect(throttled_503));
  AwsErrorInfo server;
  server.http_status = 500;
  EXPECT_TRUE(MayHaveTakenEffect(server));
  AwsErrorInfo refused;
  refused.http_status = 400;
  refused.code = "InvalidParameterValue";
  EXPECT_FALSE(MayHaveTakenEffect(refused));
  AwsErrorInfo lost;
  lost.transport = true;
  EXPECT_TRUE(MayHaveTakenEffect(lost));
  AwsErrorInfo not_sent;
  not_sent.transport = true;
  not_sent.not_sent = true;
  EXPECT_FALSE(MayHaveTakenEffect(not_sent));
  AwsErrorInfo unreadable_ok;
  unreadable_ok.http_status = 200;
  EXPECT_TRUE(MayHaveTakenEffect(unreadable_ok));
  EXPECT_FALSE(MayHaveTakenEffect(Status::Transport("no AWS details")));
}

TEST(IdempotentOperationTest, KnowsTheCallsThatMustNotRepeat) {
  EXPECT_FALSE(IsIdempotentOperation("RDS", "PromoteReadReplica"));
  EXPECT_FALSE(IsIdempotentOperation("RDS", "PromoteReadReplicaDBCluster"));
  EXPECT_FALSE(IsIdempotentOperation("RDS", "FailoverGlobalCluster"));
  EXPECT_FALSE(IsIdempotentOperation("SNS", "Publish"));
  for (const char* op : {"DescribeDBInstances", "UpdateAutoScalingGroup", "UpdateService",
                         "RegisterTargets", "DescribeServices"}) {
    EXPECT_TRUE(IsIdempotentOperation("RDS", op)) << op;
  }
  EXPECT_TRUE(IsIdempotentOperation("AutoScaling", "UpdateAutoScalingGroup"));
  EXPECT_TRUE(IsIdempotentOperation("ECS", "UpdateService"));
  EXPECT_TRUE(IsIdempotentOperation("ELBv2", "RegisterTargets"));
  EXPECT_TRUE(IsIdempotentOperation("SNS", "PromoteReadReplica"));  // service matters
}

}  // namespace
}  // namespace drf
