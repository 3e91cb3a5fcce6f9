#include "app/plan_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/failover.h"
#include "app/lambda_handler.h"
#include "services/s3_client.h"
#include "services/services_test_util.h"
#include "testing/fake_clock.h"
#include "testing/fake_environment.h"
#include "testing/fake_http.h"
#include "testing/log_capture.h"

namespace drf {
namespace {

using services_testing::AwsHarness;
using ::testing::HasSubstr;

constexpr char kPlan[] = "version: 1\nsteps:\n  - scale_asg: { name: dr-jenkins }\n";
constexpr char kUri[] = "s3://drf-plans/dr/plan.yaml";

HttpResponse NoSuchKey() {
  return {404,
          {{"x-amz-request-id", "req-404"}},
          "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
          "</Error>"};
}

// A fetcher that records the URIs it was asked for and answers with `reply`.
struct RecordingFetcher {
  Result<std::string> reply = std::string(kPlan);
  std::vector<std::string> uris;
  PlanFetcher fetcher() {
    return [this](const std::string& uri) {
      uris.push_back(uri);
      return reply;
    };
  }
};

TEST(PlanSourceTest, S3PathsAreRecognisedByTheirScheme) {
  EXPECT_TRUE(IsS3PlanPath("s3://b/k"));
  EXPECT_TRUE(IsS3PlanPath("s3://"));
  EXPECT_FALSE(IsS3PlanPath("plan.yaml"));
  EXPECT_FALSE(IsS3PlanPath("/var/task/s3://b/k"));
  EXPECT_FALSE(IsS3PlanPath("S3://b/k"));
}

TEST(PlanSourceTest, PlanPathPrefersTheFlag) {
  FakeEnvironment env(std::map<std::string, std::string>{{"DRF_PLAN_FILE", "s3://b/env.yaml"}});
  EXPECT_EQ(PlanPath(env, std::string("flag.yaml")), "flag.yaml");
  EXPECT_EQ(PlanPath(env, std::nullopt), "s3://b/env.yaml");
  env.Set("DRF_PLAN_FILE", "");
  EXPECT_EQ(PlanPath(env, std::nullopt), std::nullopt);
}

TEST(PlanSourceTest, LocalFilesAreReadThroughTheEnvironment) {
  FakeEnvironment env;
  env.AddFile("/plans/p.yaml", kPlan);
  RecordingFetcher fetch;
  auto text = ReadPlanText(env, "/plans/p.yaml", "--plan", fetch.fetcher());
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, kPlan);
  EXPECT_TRUE(fetch.uris.empty());
  auto missing = ReadPlanText(env, "/plans/none.yaml", "--plan", fetch.fetcher());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr("--plan: "));
  EXPECT_THAT(missing.status().message(), HasSubstr("/plans/none.yaml"));
}

TEST(PlanSourceTest, S3PlansAreFetchedByUri) {
  FakeEnvironment env;
  RecordingFetcher fetch;
  auto text = ReadPlanText(env, kUri, "DRF_PLAN_FILE", fetch.fetcher());
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, kPlan);
  EXPECT_EQ(fetch.uris, std::vector<std::string>{kUri});
}

TEST(PlanSourceTest, MalformedUriOrNoFetcherIsInvalidArgumentNamingTheSource) {
  FakeEnvironment env;
  RecordingFetcher fetch;
  auto bad = ReadPlanText(env, "s3://drf-plans", "DRF_PLAN_FILE", fetch.fetcher());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("DRF_PLAN_FILE: invalid S3 URI"));
  EXPECT_THAT(bad.status().message(), HasSubstr("no object key"));
  EXPECT_TRUE(fetch.uris.empty());

  auto unfetchable = ReadPlanText(env, kUri, "--plan", nullptr);
  EXPECT_EQ(unfetchable.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(unfetchable.status().message(), HasSubstr(std::string("--plan ") + kUri));
}

TEST(PlanSourceTest, ConfigurationMistakesInS3AreInvalidArgumentWithTheAwsDetails) {
  FakeEnvironment env;
  AwsHarness h;
  h.http.Enqueue(NoSuchKey());
  RecordingFetcher fetch;
  fetch.reply = S3Client(h.aws).GetObject("drf-plans", "dr/plan.yaml");
  ASSERT_EQ(fetch.reply.status().code(), StatusCode::kNotFound);

  auto text = ReadPlanText(env, kUri, "DRF_PLAN_FILE", fetch.fetcher());
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(text.status().message(),
            std::string("DRF_PLAN_FILE ") + kUri + ": The specified key does not exist.");
  ASSERT_NE(text.status().aws(), nullptr);
  EXPECT_EQ(text.status().aws()->code, "NoSuchKey");
  EXPECT_EQ(text.status().aws()->request_id, "req-404");
}

TEST(PlanSourceTest, TransientS3FailuresKeepTheirCode) {
  FakeEnvironment env;
  RecordingFetcher fetch;
  fetch.reply = Status::Transport("connection refused");
  auto text = ReadPlanText(env, kUri, "DRF_PLAN_FILE", fetch.fetcher());
  EXPECT_EQ(text.status().code(), StatusCode::kTransport);
  EXPECT_THAT(text.status().message(), HasSubstr(std::string("DRF_PLAN_FILE ") + kUri));
}

TEST(PlanSourceTest, S3FetcherGetsTheObjectAndCapsItsSize) {
  AwsHarness h;  // a test endpoint: path style
  h.http.Enqueue(200, kPlan);
  h.http.Enqueue(200, std::string(kMaxS3PlanBytes + 1, '#'));
  PlanFetcher fetch = S3PlanFetcher(h.aws);
  auto text = fetch(kUri);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, kPlan);
  EXPECT_EQ(h.http.requests()[0].url, "https://example.com/drf-plans/dr/plan.yaml");
  auto too_big = fetch(kUri);
  EXPECT_EQ(too_big.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(too_big.status().message(), HasSubstr("a plan in S3 may be at most 1 MiB"));
  EXPECT_THAT(too_big.status().message(), HasSubstr("1048577 bytes"));
}

TEST(LoadPlanTest, PlanFromS3HasTheUriAsItsSource) {
  FakeEnvironment env(std::map<std::string, std::string>{{"DRF_PLAN_FILE", kUri}});
  RecordingFetcher fetch;
  auto plan = LoadPlan(env, std::nullopt, fetch.fetcher());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->source, kUri);
  ASSERT_EQ(plan->steps.size(), 1u);
  EXPECT_EQ(plan->steps[0].kind, StepKind::kScaleAsg);
  EXPECT_EQ(std::get<ScaleAsgSpec>(plan->steps[0].detail).asg_name, "dr-jenkins");

  auto without_fetcher = LoadPlan(env, std::nullopt);
  EXPECT_EQ(without_fetcher.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(without_fetcher.status().message(), HasSubstr(std::string("DRF_PLAN_FILE ") + kUri));

  fetch.reply = std::string("version: 1\nsteps: [ {scale_asg: {}} ]\n");
  auto invalid = LoadPlan(env, std::string(kUri), fetch.fetcher());
  EXPECT_EQ(invalid.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(invalid.status().message(), HasSubstr(kUri));  // the plan file checks name it
}

// RunFailover sets AWS up first for an S3 plan, and a plan that cannot be fetched stops
// the run before any step, naming the variable and the URI.
TEST(RunFailoverS3Test, MissingPlanObjectStopsTheRunAsInvalidConfig) {
  FakeEnvironment env(std::map<std::string, std::string>{
      {"DRF_PLAN_FILE", kUri},
      {"AWS_REGION", "eu-west-1"},
      {"AWS_ENDPOINT_URL", "https://s3.example.test"},
      {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
      {"AWS_SECRET_ACCESS_KEY", "secret"},
      {"AWS_EC2_METADATA_DISABLED", "true"},
      {"AWS_CONFIG_FILE", "/nonexistent/config"},
      {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"}});
  FakeHttp http;
  http.Enqueue(NoSuchKey());
  FakeClock clock;
  LogCapture log(clock);
  CancelToken cancel;
  FailoverRequest request;
  request.mode = FailoverMode::kPlan;
  FailoverOutcome outcome = RunFailover(request, {env, http, clock, nullptr}, log.logger(), cancel);
  EXPECT_TRUE(outcome.report.is_null());
  EXPECT_EQ(outcome.exit_code, ExitCode::kInvalidConfig);
  EXPECT_THAT(outcome.error.message(), HasSubstr(std::string("DRF_PLAN_FILE ") + kUri));
  ASSERT_EQ(http.request_count(), 1u);
  EXPECT_EQ(http.requests()[0].method, "GET");
  EXPECT_EQ(http.requests()[0].url, "https://s3.example.test/drf-plans/dr/plan.yaml");
}

TEST(RunFailoverS3Test, SessionErrorsComeFirstForAnS3Plan) {
  FakeEnvironment env(std::map<std::string, std::string>{{"DRF_PLAN_FILE", kUri},
                                                         {"AWS_EC2_METADATA_DISABLED", "true"}});
  FakeHttp http;
  FakeClock clock;
  LogCapture log(clock);
  CancelToken cancel;
  FailoverOutcome outcome =
      RunFailover(FailoverRequest{}, {env, http, clock, nullptr}, log.logger(), cancel);
  EXPECT_EQ(outcome.exit_code, ExitCode::kInvalidConfig);
  EXPECT_THAT(outcome.error.message(), HasSubstr("AWS_REGION"));
  EXPECT_EQ(http.request_count(), 0u);
}

// Lambda: an S3 plan is not made relative to LAMBDA_TASK_ROOT, nor fetched at init (each
// invocation reads it); only its URI is checked there.
TEST(LambdaS3PlanTest, InitChecksTheUriWithoutFetching) {
  FakeEnvironment env(std::map<std::string, std::string>{{"DRF_PLAN_FILE", kUri},
                                                         {"LAMBDA_TASK_ROOT", "/var/task"},
                                                         {"AWS_REGION", "eu-west-1"},
                                                         {"AWS_EC2_METADATA_DISABLED", "true"}});
  FakeHttp http;
  FakeClock clock;
  LogCapture log(clock, LogLevel::kDebug);
  auto handler = LambdaHandler::Create({env, http, clock, nullptr}, log.logger());
  ASSERT_TRUE(handler.ok()) << handler.status().ToString();
  EXPECT_EQ(http.request_count(), 0u);
  EXPECT_THAT(log.Text(), HasSubstr(std::string("plan from ") + kUri));

  env.Set("DRF_PLAN_FILE", "s3://drf-plans/");
  auto bad = LambdaHandler::Create({env, http, clock, nullptr}, log.logger());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("DRF_PLAN_FILE: invalid S3 URI"));
}

}  // namespace
}  // namespace drf
