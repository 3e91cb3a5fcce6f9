// Secrets never appear: a whole failover against the emulated DR region, through
// the app layer with real HTTP and the real clock, logging at TRACE in text and in JSON,
// must not write the access key id, the secret access key or the session token anywhere
// an operator could see it: the log, the report, an error message. Nor may `whoami`,
// which shows only a masked key id. Both a clean run and a run with failing steps (a DB
// that does not exist, an ECS service that does not exist) are checked, so error paths
// (AWS error bodies, not-found messages) are covered.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/aws_session.h"
#include "app/failover.h"
#include "app/whoami.h"
#include "posix/curl_http.h"
#include "posix/system_clock.h"
#include "testing/emulator.h"
#include "testing/fake_environment.h"

namespace drf {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Distinctive values: long runs of characters no hash, id or timestamp would produce.
constexpr char kSecretsTestAccessKeyId[] = "AKIASECRETSTESTQ7ZX";
constexpr char kSecretsTestSecretAccessKey[] = "wJalrSECRETtestKEYqZ/K7MDENG+bPxRfiCYzzSecretTail";
constexpr char kSessionToken[] =
    "IQoJb3JpZ2luX2VjSESSIONtokenSECRETvalue/zz+QmFzZTY0U2Vzc2lvblRva2VuRm9yVGVzdHM=";

// Every piece of a credential that must not be shown: each 12-character window of the
// value and of its URL-encoded form (so a truncated or partly escaped copy still counts).
std::vector<std::string> Needles(const std::string& value) {
  std::string encoded;
  for (char c : value) {
    switch (c) {
      case '/':
        encoded += "%2F";
        break;
      case '+':
        encoded += "%2B";
        break;
      case '=':
        encoded += "%3D";
        break;
      default:
        encoded += c;
    }
  }
  constexpr size_t kWindow = 12;
  std::vector<std::string> needles;
  for (const std::string& form : {value, encoded}) {
    for (size_t i = 0; i + kWindow <= form.size(); ++i) needles.push_back(form.substr(i, kWindow));
  }
  return needles;
}

// The credential pieces found in `text`, named; empty when it is clean.
std::vector<std::string> Leaks(const std::string& text, bool key_id_too = true) {
  std::vector<std::pair<std::string, std::string>> secrets = {
      {"secret access key", kSecretsTestSecretAccessKey}, {"session token", kSessionToken}};
  if (key_id_too) secrets.push_back({"access key id", kSecretsTestAccessKeyId});
  std::vector<std::string> found;
  for (const auto& [name, value] : secrets) {
    for (const std::string& needle : Needles(value)) {
      if (text.find(needle) != std::string::npos) {
        found.push_back(name + " (\"" + needle + "\")");
        break;
      }
    }
  }
  return found;
}

std::string ReadAll(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char chunk[4096];
  size_t got;
  while ((got = std::fread(chunk, 1, sizeof(chunk), file)) > 0) text.append(chunk, got);
  return text;
}

// The scanner itself must catch what it is meant to, or every check below is vacuous.
TEST(SecretsScannerTest, FindsWholeEncodedAndPartialCopies) {
  EXPECT_TRUE(Leaks("nothing to see: AKIA…Q7ZX, 4f2a9c").empty());
  EXPECT_EQ(Leaks(std::string("x=") + kSecretsTestSecretAccessKey).size(), 1u);
  EXPECT_EQ(Leaks("K7MDENG%2BbPxRfiCY").size(), 1u);        // URL-encoded piece
  EXPECT_EQ(Leaks("token: SESSIONtokenSE...").size(), 1u);  // truncated copy
  EXPECT_EQ(Leaks(std::string("key ") + kSecretsTestAccessKeyId).size(), 1u);
  EXPECT_TRUE(Leaks(std::string("key ") + kSecretsTestAccessKeyId, /*key_id_too=*/false).empty());
}

struct Scenario {
  const char* name;
  LogFormat format;
  bool failing;  // a missing DB and a missing ECS service
};

// A fresh emulated region per test (a run changes it), and credentials only from the fake
// environment: the developer's AWS configuration is never read.
class SecretsRegionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EmulatorOptions options;
    options.seed_reference = true;
    options.promotion_seconds = 1;
    options.instance_start_seconds = 0.5;
    options.task_start_seconds = 0.3;
    auto started = EmulatorProcess::Start(options);
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    emulator_ = std::move(started).value();
    for (const auto& [name, value] : emulator_->resources().at("env").items()) {
      env_.Set(name, value.get<std::string>());
    }
    env_.Set("AWS_ENDPOINT_URL", emulator_->endpoint());
    env_.Set("AWS_REGION", "us-east-1");
    env_.Set("AWS_ACCESS_KEY_ID", kSecretsTestAccessKeyId);
    env_.Set("AWS_SECRET_ACCESS_KEY", kSecretsTestSecretAccessKey);
    env_.Set("AWS_SESSION_TOKEN", kSessionToken);
    env_.Set("AWS_EC2_METADATA_DISABLED", "true");
    log_file_ = std::tmpfile();
    ASSERT_NE(log_file_, nullptr);
  }
  void TearDown() override {
    if (log_file_ != nullptr) std::fclose(log_file_);
  }

  std::unique_ptr<EmulatorProcess> emulator_;
  FakeEnvironment env_;
  SystemClock clock_;
  CurlHttpClient http_;
  std::FILE* log_file_ = nullptr;
};

class SecretsTest : public SecretsRegionTest, public ::testing::WithParamInterface<Scenario> {};
class SecretsWhoAmITest : public SecretsRegionTest {};

TEST_P(SecretsTest, FailoverNeverShowsCredentials) {
  const Scenario& scenario = GetParam();
  if (scenario.failing) {
    env_.Set("DB_INSTANCE_IDENTIFIER", "no-such-db");
    env_.Set("ECS_SERVICES", *env_.Get("ECS_SERVICES") + ",no-such-service");
  }
  LoggerOptions log_options;
  log_options.min_level = LogLevel::kTrace;
  log_options.format = scenario.format;
  log_options.text_timestamps = true;
  log_options.out = log_file_;
  log_options.request_id = "secrets-test";
  Logger logger(log_options, clock_);
  CancelToken cancel;
  FailoverRequest request;
  request.deadline = std::chrono::seconds(120);

  FailoverOutcome outcome = RunFailover(request, {env_, http_, clock_, nullptr}, logger, cancel);
  const std::string log = ReadAll(log_file_);
  const std::string report = outcome.report.dump(2);
  const std::string error = outcome.error.ToString();

  // The run happened and said things: the checks below look at real output.
  ASSERT_FALSE(outcome.report.is_null()) << error << "\n" << log;
  EXPECT_THAT(log, HasSubstr("dr-jenkins"));
  if (scenario.failing) {
    EXPECT_EQ(outcome.exit_code, ExitCode::kFailed) << report;
    EXPECT_THAT(outcome.open_steps, ::testing::Contains("promote-db:no-such-db"));
    EXPECT_THAT(outcome.open_steps, ::testing::Contains("scale-ecs:dr/no-such-service"));
    EXPECT_THAT(report, HasSubstr("no-such-db"));
    EXPECT_THAT(log, HasSubstr("no-such-service"));
  } else {
    EXPECT_EQ(outcome.exit_code, ExitCode::kSucceeded) << report << "\n" << log;
  }

  EXPECT_THAT(Leaks(log), ::testing::IsEmpty()) << log;
  EXPECT_THAT(Leaks(report), ::testing::IsEmpty()) << report;
  EXPECT_THAT(Leaks(error), ::testing::IsEmpty()) << error;
}

TEST_F(SecretsWhoAmITest, MasksTheKeyAndNeverShowsTheSecretOrToken) {
  auto session = AwsSession::Create(env_, http_, clock_, {});
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  Result<nlohmann::json> who = WhoAmI(**session);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  const std::string rendered = RenderWhoAmI(*who);
  const std::string json_text = who->dump();

  EXPECT_THAT(rendered, HasSubstr("Account:"));
  EXPECT_THAT(rendered, HasSubstr(MaskAccessKeyId(kSecretsTestAccessKeyId)));
  EXPECT_THAT(rendered, HasSubstr("(temporary)"));
  EXPECT_EQ(who->at("access_key_id"), MaskAccessKeyId(kSecretsTestAccessKeyId));
  EXPECT_NE(MaskAccessKeyId(kSecretsTestAccessKeyId), kSecretsTestAccessKeyId);
  for (const std::string& text : {rendered, json_text}) {
    EXPECT_THAT(Leaks(text), ::testing::IsEmpty()) << text;
    EXPECT_THAT(text, Not(HasSubstr(kSecretsTestAccessKeyId)));
  }
}

INSTANTIATE_TEST_SUITE_P(, SecretsTest,
                         ::testing::Values(Scenario{"Text", LogFormat::kText, false},
                                           Scenario{"Json", LogFormat::kJson, false},
                                           Scenario{"TextWithFailures", LogFormat::kText, true},
                                           Scenario{"JsonWithFailures", LogFormat::kJson, true}),
                         [](const ::testing::TestParamInfo<Scenario>& param) {
                           return std::string(param.param.name);
                         });

}  // namespace
}  // namespace drf
