#include "app/cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "testing/fake_clock.h"
#include "testing/fake_environment.h"
#include "testing/fake_http.h"

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
  std::string Err() {
    std::fflush(err_);
    std::rewind(err_);
    std::string text;
    for (int c; (c = std::fgetc(err_)) != EOF;) text.push_back(static_cast<char>(c));
    return text;
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

}  // namespace
}  // namespace drf
