// The Lambda function end to end: the runtime loop with a fake Runtime API, real HTTP
// (curl) and the real clock against the emulated DR region (moto behind the realism
// proxy, seeded with the reference pilot-light deployment). Configuration is the original
// function's environment, as the emulator reports it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/lambda_handler.h"
#include "posix/curl_http.h"
#include "posix/system_clock.h"
#include "testing/cli_process.h"
#include "testing/emulator.h"
#include "testing/fake_environment.h"
#include "testing/fake_runtime_api.h"
#include "testing/log_capture.h"

namespace drf {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;

constexpr double kPromotionSeconds = 4;

// The promote-db step of a response's report.
json PromoteStep(const json& response) {
  for (const json& step : response.at("report").at("steps")) {
    if (step.at("id") == "promote-db:dr-app-db") return step;
  }
  return json::object();
}

class LambdaIntegrationTest : public ::testing::Test {
 protected:
  // One emulator for the suite: starting one takes seconds. The bad-event test changes
  // nothing, so the order of the tests does not matter.
  static void SetUpTestSuite() {
    EmulatorOptions options;
    options.seed_reference = true;
    options.promotion_seconds = kPromotionSeconds;
    emulator_.Start(options);
  }
  static void TearDownTestSuite() { emulator_.Stop(); }

  void SetUp() override {
    ASSERT_TRUE(emulator_.ready()) << emulator_.error();
    for (const auto& [name, value] : emulator_->resources().at("env").items()) {
      env_.Set(name, value.get<std::string>());
    }
    env_.Set("AWS_ENDPOINT_URL", emulator_->endpoint());
    env_.Set("AWS_REGION", "us-east-1");
    env_.Set("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    env_.Set("AWS_SECRET_ACCESS_KEY", "dummy-secret-for-the-emulator");
    env_.Set("AWS_EC2_METADATA_DISABLED", "true");
  }

  int Serve(const LambdaHandlerOptions& options) {
    RuntimeClient client(RuntimeClientOptions{FakeRuntimeApi::kHost}, runtime_http_);
    return ServeLambda(client, {env_, aws_http_, clock_, nullptr}, log_.logger(), options);
  }
  WallTime In(std::chrono::milliseconds ms) { return clock_.Now() + ms; }

  static inline SuiteEmulator emulator_;

  FakeEnvironment env_;
  SystemClock clock_;
  LogCapture log_{clock_};
  CurlHttpClient aws_http_;
  FakeHttp runtime_http_;
  FakeRuntimeApi runtime_{runtime_http_, &clock_};
};

TEST_F(LambdaIntegrationTest, DeadlineMidPromotionIsInProgressThenASecondInvocationCompletes) {
  // First invocation: 4 s, with a 1.5 s margin (steps stop at 2.5 s, AWS calls end at
  // 3.25 s); the promotion takes 4 s from when it is asked for.
  LambdaHandlerOptions options;
  options.min_margin = std::chrono::milliseconds(1500);
  options.margin_fraction = 0;
  WallTime first_deadline = In(std::chrono::milliseconds(4000));
  runtime_.AddInvocation("req-first", "{}", first_deadline);
  Serve(options);
  std::vector<RuntimePost> posts = runtime_.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_LT(posts[0].received, first_deadline) << "answered before Lambda's deadline";
  ASSERT_EQ(posts[0].kind, "response") << posts[0].body;
  json first = posts[0].Json();
  EXPECT_EQ(first.at("statusCode"), 202);
  EXPECT_EQ(first.at("body"), "\"DR failover in progress: invoke again to continue\"");
  EXPECT_EQ(first.at("status"), "IN_PROGRESS");
  EXPECT_THAT(first.at("open_steps"), Contains("promote-db:dr-app-db"));
  EXPECT_EQ(first.at("report").at("stopped"), "deadline");

  // Second invocation, plenty of time: it picks up the promotion in progress (no second
  // PromoteReadReplica) and finishes everything.
  runtime_.AddInvocation("req-second", "{}", In(std::chrono::seconds(60)));
  Serve(options);
  posts = runtime_.posts();
  ASSERT_EQ(posts.size(), 2u);
  ASSERT_EQ(posts[1].kind, "response") << posts[1].body;
  json second = posts[1].Json();
  EXPECT_EQ(second.at("statusCode"), 200) << second.dump(2);
  EXPECT_EQ(second.at("body"), "\"DR failover completed successfully\"");
  EXPECT_EQ(second.at("status"), "SUCCEEDED");
  EXPECT_EQ(second.at("open_steps"), json::array());

  // The promotion was initiated once, by the first invocation; the second only saw it
  // under way and waited for it.
  EXPECT_EQ(PromoteStep(first).at("mutating_calls").size(), 1u) << first.dump(2);
  EXPECT_EQ(PromoteStep(second).at("mutating_calls").size(), 0u) << second.dump(2);
  EXPECT_EQ(PromoteStep(second).at("status"), "succeeded");
  ProcessResult check = CheckState(emulator_->endpoint(), "reference-failover");
  EXPECT_EQ(check.exit_code, 0) << Describe(check);

  std::vector<std::string> lines = log_.Lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front(), "INFO: Received event: {}");
  for (const std::string& line : lines) {
    EXPECT_THAT(line, ::testing::Not(HasSubstr("dummy-secret"))) << "secrets never logged";
  }
}

TEST_F(LambdaIntegrationTest, BadEventPostsAnErrorAndTouchesNothing) {
  ASSERT_TRUE(emulator_->ResetStats().ok());
  runtime_.AddInvocation("req-bad", R"({"dry_run": true, "ordering": "fast"})",
                         In(std::chrono::seconds(60)));
  Serve({});
  std::vector<RuntimePost> posts = runtime_.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].kind, "error");
  EXPECT_EQ(posts[0].request_id, "req-bad");
  EXPECT_EQ(posts[0].error_type, "Function.InvalidEvent");
  EXPECT_THAT(posts[0].Json().at("errorMessage").get<std::string>(),
              HasSubstr("ordering: expected \"parallel\" or \"sequential\""));
  Result<json> stats = emulator_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->at("calls"), json::object()) << "no AWS call for a rejected event";
}

}  // namespace
}  // namespace drf
