#include "app/cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "testing/fake_clock.h"
#include "testing/fake_environment.h"
#include "testing/fake_http.h"
#include "testing/faulty_http.h"

namespace drf {
namespace {

using ::testing::HasSubstr;

// RunCli with fakes; stdout and stderr go to temporary files read back as strings.
class CliTest : public ::testing::Test {
 protected:
  CliTest()
      : env_({{"AWS_REGION", "us-east-1"},
              {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
              {"AWS_SECRET_ACCESS_KEY", "secret"},
              {"AWS_CONFIG_FILE", "/nonexistent/config"},
              {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"},
              {"JENKINS_ASG_NAME", "dr-jenkins"}}),
        out_(std::tmpfile()),
        err_(std::tmpfile()) {}
  ~CliTest() override {
    std::fclose(out_);
    std::fclose(err_);
  }

  int Run(const std::vector<std::string>& args) {
    return RunCli(args, {env_, http_, clock_, nullptr}, cancel_, {out_, err_, false});
  }
  std::string Err() { return ReadBack(err_); }
  std::string Out() { return ReadBack(out_); }
  static std::string ReadBack(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string text;
    for (int c; (c = std::fgetc(f)) != EOF;) text.push_back(static_cast<char>(c));
    return text;
  }

  // Runs `args` with AWS throttling every call; returns the report's rate_limits.
  nlohmann::json ThrottledRunRateLimits(std::vector<std::string> args) {
    http_.SetHandler([](const HttpRequest&) -> Result<HttpResponse> {
      return FaultyHttp::QueryThrottlingReply();
    });
    env_.Set("AWS_MAX_ATTEMPTS", "1");
    args.insert(args.end(), {"--no-progress", "--output", "json", "--deadline", "60"});
    std::fclose(out_);
    out_ = std::tmpfile();  // this run's report only
    CancelToken cancel;     // a run's deadline cancels its token: each run gets its own
    RunCli(args, {env_, http_, clock_, nullptr}, cancel, {out_, err_, false});
    nlohmann::json report = nlohmann::json::parse(Out(), nullptr, false);
    return report.is_object() ? report["rate_limits"] : nlohmann::json();
  }

  FakeEnvironment env_;
  FakeHttp http_;
  FakeClock clock_;
  CancelToken cancel_;
  std::FILE* out_;
  std::FILE* err_;
};

TEST_F(CliTest, MistypedVerbIsNamed) {
  EXPECT_EQ(Run({"failover"}), 2);
  EXPECT_THAT(
      Err(),
      HasSubstr(
          "unknown command \"failover\": expected run, plan, check, failback, drill, report or "
          "whoami"));
}

// A report that cannot be written is found before anything is done, not after the
// failover ran without its record.
TEST_F(CliTest, UnwritableReportIsAConfigurationErrorBeforeAnyAwsCall) {
  EXPECT_EQ(Run({"run", "--report", "/nonexistent-dir/report.json"}), 2);
  EXPECT_THAT(Err(), HasSubstr("--report: cannot write /nonexistent-dir/report.json: "));
  EXPECT_EQ(http_.request_count(), 0u);
}

// The check leaves nothing behind when the run then does not start.
TEST_F(CliTest, ReportCheckLeavesNoFileWhenTheRunDoesNotStart) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("drf-cli-report-" + std::to_string(::getpid()) + ".json"))
                         .string();
  env_.Set("AWS_MAX_ATTEMPTS", "0");  // invalid: the run does not start
  EXPECT_EQ(Run({"run", "--report", path}), 2);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(http_.request_count(), 0u);
}

// The retry mode: --retry-mode, else the plan's retry_mode, else AWS_RETRY_MODE. The report
// shows the mode per operation and, in adaptive mode, the limit the throttles set: here on
// the first call of every run, the ASG read.
constexpr const char* kAsgRead = "Auto Scaling.DescribeAutoScalingGroups";

TEST_F(CliTest, RetryModeFlagReachesTheClientAndTheReport) {
  const nlohmann::json limits = ThrottledRunRateLimits({"run", "--retry-mode", "adaptive"});
  ASSERT_TRUE(limits.contains(kAsgRead)) << limits.dump() << Err();
  const nlohmann::json& asg = limits[kAsgRead];
  EXPECT_EQ(asg["mode"], "adaptive");
  EXPECT_GT(asg["throttles"].get<int>(), 0);
  EXPECT_FALSE(asg["samples"].empty());
  EXPECT_GE(asg["rate"].get<double>(), 0.5);
}

TEST_F(CliTest, PlanRetryModeIsUsedUnlessTheFlagSaysOtherwise) {
  env_.AddFile("/plans/dr.yaml",
               "version: 1\nretry_mode: adaptive\nsteps:\n  - scale_asg: {name: dr-jenkins}\n");
  env_.Set("AWS_RETRY_MODE", "standard");  // the plan beats the environment
  EXPECT_EQ(ThrottledRunRateLimits({"run", "--plan", "/plans/dr.yaml"})[kAsgRead]["mode"],
            "adaptive");
  EXPECT_EQ(ThrottledRunRateLimits(
                {"run", "--plan", "/plans/dr.yaml", "--retry-mode", "standard"})[kAsgRead]["mode"],
            "standard");
}

TEST_F(CliTest, RetryModeFromTheEnvironment) {
  env_.Set("AWS_RETRY_MODE", "adaptive");
  EXPECT_EQ(ThrottledRunRateLimits({"run"})[kAsgRead]["mode"], "adaptive");
}

TEST_F(CliTest, UnknownRetryModeIsAConfigurationError) {
  EXPECT_EQ(Run({"run", "--retry-mode", "fast"}), 2);
  EXPECT_THAT(Err(), HasSubstr("--retry-mode: fast not in {standard,adaptive}"));
  EXPECT_EQ(http_.request_count(), 0u);
}

}  // namespace
}  // namespace drf
