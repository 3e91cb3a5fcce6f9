// The Lambda function end to end: the runtime loop with a fake Runtime API, real HTTP
// (curl) and the real clock against the emulated DR region (moto behind the realism
// proxy, seeded with the reference pilot-light deployment). Configuration is the original
// function's environment, as the emulator reports it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/lambda_handler.h"
#include "posix/curl_http.h"
#include "posix/system_clock.h"
#include "services/s3_client.h"
#include "services/services_test_util.h"
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

// How many PromoteReadReplica calls a promote step made (it also records its source).
size_t Promotes(const json& step) {
  size_t n = 0;
  for (const json& call : step.at("mutating_calls"))
    n += call.at("operation") == "RDS.PromoteReadReplica";
  return n;
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
  EXPECT_EQ(Promotes(PromoteStep(first)), 1u) << first.dump(2);
  EXPECT_EQ(Promotes(PromoteStep(second)), 0u) << second.dump(2);
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

// {"action": "failback"} with DRF_REPORT_S3_URI: the report and its HTML are kept in S3
// (moto's S3; the bucket made over plain HTTP, the objects read back with S3Client), and
// the response says where.
TEST_F(LambdaIntegrationTest, AFailbackKeepsItsReportsInS3) {
  const std::string moto = emulator_->moto_endpoint();
  const std::string bucket_url = moto + "/drf-reports";
  Result<HttpResponse> created = aws_http_.Send({"PUT", bucket_url, {}, ""});
  ASSERT_TRUE(created.ok() && created->status == 200) << created.status().ToString();
  env_.Set("DRF_REPORT_S3_URI", "s3://drf-reports/dr/");
  runtime_.AddInvocation("req-failback", R"({"action": "failback"})", In(std::chrono::seconds(60)));
  Serve({});
  std::vector<RuntimePost> posts = runtime_.posts();
  ASSERT_EQ(posts.size(), 1u);
  ASSERT_EQ(posts[0].kind, "response") << posts[0].body;
  json report = posts[0].Json().at("report");
  EXPECT_EQ(report.at("action"), "failback");
  const json& kept = report.at("report_s3");
  ASSERT_TRUE(kept.contains("html")) << kept.dump();
  std::string html_uri = kept.at("html").get<std::string>();
  EXPECT_THAT(html_uri, HasSubstr("s3://drf-reports/dr/"));
  EXPECT_THAT(html_uri, HasSubstr("-failback-lambda-req-failback.html"));
  services_testing::AwsHarness harness(&aws_http_, emulator_->endpoint());
  S3Client s3(harness.aws);
  Result<S3Location> html_at = ParseS3Uri(html_uri);
  ASSERT_TRUE(html_at.ok());
  Result<std::string> html = s3.GetObject(html_at->bucket, html_at->key);
  ASSERT_TRUE(html.ok()) << html.status().ToString();
  EXPECT_EQ(html->rfind("<!DOCTYPE html>", 0), 0u);
  Result<S3Location> json_at = ParseS3Uri(kept.at("json").get<std::string>());
  ASSERT_TRUE(json_at.ok());
  Result<std::string> saved = s3.GetObject(json_at->bucket, json_at->key);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(json::parse(*saved).at("action"), "failback");
}

}  // namespace
}  // namespace drf
