// AwsClient in adaptive retry mode: the per-operation send rate limit around the standard
// retries (adaptive_rate_limiter_test.cc and adaptive_botocore_test.cc check the limiter).
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "testing/aws_test_options.h"
#include "testing/fake_clock.h"
#include "testing/fake_http.h"
#include "testing/faulty_http.h"

namespace drf {
namespace {

using std::chrono::milliseconds;

struct SeenAttempt {
  std::string service;
  std::string operation;
  bool throttled;
  std::string retry_mode;
  std::optional<double> limit;
};

class LimitRecorder final : public ApiCallObserver {
 public:
  void OnAttempt(const ApiAttempt& a) override {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back({std::string(a.service), std::string(a.operation), a.throttled,
                    std::string(a.retry_mode), a.send_rate_limit});
  }
  std::mutex mu;
  std::vector<SeenAttempt> seen;  // guarded by mu
};

constexpr char kDbOk[] =
    "<DescribeDBInstancesResponse><DescribeDBInstancesResult><DBInstances/>"
    "</DescribeDBInstancesResult></DescribeDBInstancesResponse>";

class AdaptiveClientTest : public ::testing::Test {
 protected:
  // Every answer takes 0.1 s (so calls one after another go at 10 a second); RDS answers
  // Throttling while `rds_throttles_` lasts.
  AdaptiveClientTest() {
    http_.SetHandler([this](const HttpRequest& request) -> Result<HttpResponse> {
      clock_.Advance(milliseconds(100));
      HttpResponse reply;
      reply.status = 200;
      if (request.body.find("Action=") == std::string::npos) {  // ECS (JSON)
        reply.body = R"({"clusterArns": []})";
        return reply;
      }
      std::lock_guard<std::mutex> lock(mu_);
      if (rds_throttles_ > 0) {
        --rds_throttles_;
        return FaultyHttp::QueryThrottlingReply();
      }
      reply.body = kDbOk;
      return reply;
    });
  }

  AwsClient& client(const std::string& mode = "adaptive") {
    if (!client_) {
      AwsClientOptions options =
          TestAwsOptions(http_, clock_, credentials_, endpoints_, TestRetries::kStandard);
      options.retry.mode = mode;
      options.random = [] { return 0.0; };  // no backoff: every sleep is the rate limit's
      options.observer = &observer_;
      options.cancel = &cancel_;
      client_ = std::make_unique<AwsClient>(std::move(options));
    }
    return *client_;
  }
  Status Describe() {
    return client().CallQuery(services::kRds, "DescribeDBInstances", {}).status();
  }
  void ThrottleNext(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    rds_throttles_ = n;
  }
  std::vector<SeenAttempt> Seen() {
    std::lock_guard<std::mutex> lock(observer_.mu);
    return observer_.seen;
  }

  std::mutex mu_;
  int rds_throttles_ = 0;  // guarded by mu_
  FakeHttp http_;
  FakeClock clock_;
  FixedCredentials credentials_;
  FixedEndpoint endpoints_;
  LimitRecorder observer_;
  CancelToken cancel_;
  std::unique_ptr<AwsClient> client_;
};

TEST_F(AdaptiveClientTest, AThrottleLimitsLaterSendsOfThatOperationOnly) {
  client("adaptive");
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Describe().ok()) << i;
  EXPECT_TRUE(clock_.sleeps().empty()) << "nothing is limited before a throttle";
  for (const SeenAttempt& a : Seen()) {
    EXPECT_EQ(a.retry_mode, "adaptive");
    EXPECT_FALSE(a.limit.has_value());
  }

  ThrottleNext(1);
  ASSERT_TRUE(Describe().ok());  // throttled, then retried as in standard mode
  std::vector<SeenAttempt> seen = Seen();
  ASSERT_EQ(seen.size(), 12u);
  EXPECT_TRUE(seen[10].throttled);
  // Ten answers a second were measured (smoothed: 0.8 × 10 + 0.2 × 8 = 9.6); the throttle
  // keeps 70% of that.
  ASSERT_TRUE(seen[10].limit.has_value());
  EXPECT_NEAR(*seen[10].limit, 0.7 * 9.6, 1e-9);

  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Describe().ok()) << i;
  EXPECT_FALSE(clock_.sleeps().empty()) << "sends now wait for the limit";
  seen = Seen();
  for (size_t i = 11; i < seen.size(); ++i) {
    ASSERT_TRUE(seen[i].limit.has_value()) << i;
    EXPECT_GE(*seen[i].limit, 0.5) << i;
  }

  // Another operation of the same service has its own limiter, which no throttle has enabled
  // (AWS throttles per API or group of APIs), and so has another service's.
  const size_t sleeps = clock_.sleeps().size();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(client().CallQuery(services::kRds, "DescribeDBClusters", {}).ok()) << i;
  }
  EXPECT_EQ(clock_.sleeps().size(), sleeps);
  EXPECT_EQ(Seen().back().operation, "DescribeDBClusters");
  EXPECT_FALSE(Seen().back().limit.has_value());
  ASSERT_TRUE(client().CallJson(services::kEcs, "ListClusters", {}).ok());
  EXPECT_EQ(clock_.sleeps().size(), sleeps);
  EXPECT_EQ(Seen().back().service, "ECS");
  EXPECT_FALSE(Seen().back().limit.has_value());
}

TEST_F(AdaptiveClientTest, StandardModeNeverLimitsSends) {
  client("standard");
  ThrottleNext(1);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Describe().ok()) << i;
  EXPECT_EQ(clock_.total_slept(), Duration(0));  // only the (zero) backoff of the retry
  const std::vector<SeenAttempt> seen = Seen();
  ASSERT_EQ(seen.size(), 21u);
  EXPECT_TRUE(seen[0].throttled);
  for (const SeenAttempt& a : seen) {
    EXPECT_EQ(a.retry_mode, "standard");
    EXPECT_FALSE(a.limit.has_value());
  }
}

TEST_F(AdaptiveClientTest, ACancelEndsAWaitForTheLimitAndNothingIsSent) {
  client("adaptive");
  ThrottleNext(1);
  ASSERT_TRUE(Describe().ok());
  cancel_.Cancel();
  // A call that finds a token still goes (a cancel stops waits, not sends); the first that
  // must wait for one ends there.
  for (int i = 0; i < 10; ++i) {
    const size_t sent = http_.request_count();
    Status status = Describe();
    if (status.ok()) continue;
    EXPECT_EQ(status.code(), StatusCode::kCancelled);
    EXPECT_NE(status.message().find("rate limit"), std::string::npos) << status.message();
    EXPECT_NE(status.message().find("RDS DescribeDBInstances"), std::string::npos);
    EXPECT_EQ(http_.request_count(), sent);
    return;
  }
  ADD_FAILURE() << "no call waited for the rate limit";
}

}  // namespace
}  // namespace drf
