#include "lambda/logging.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "testing/fake_environment.h"

namespace drf {
namespace {

using Vars = std::map<std::string, std::string>;

TEST(LambdaLoggingTest, DefaultsAreTextInfoOnStdoutWithoutTimestamps) {
  LoggerOptions options = LambdaLoggerOptions(FakeEnvironment());
  EXPECT_EQ(options.format, LogFormat::kText);
  EXPECT_EQ(options.min_level, LogLevel::kInfo);
  EXPECT_FALSE(options.text_timestamps);
  EXPECT_EQ(options.out, stdout);
}

TEST(LambdaLoggingTest, FormatIsCaseInsensitive) {
  for (const char* json : {"JSON", "json", "Json"}) {
    FakeEnvironment env(Vars{{"AWS_LAMBDA_LOG_FORMAT", json}});
    EXPECT_EQ(LambdaLoggerOptions(env).format, LogFormat::kJson) << json;
  }
  FakeEnvironment text(Vars{{"AWS_LAMBDA_LOG_FORMAT", "Text"}});
  EXPECT_EQ(LambdaLoggerOptions(text).format, LogFormat::kText);
  FakeEnvironment bogus(Vars{{"AWS_LAMBDA_LOG_FORMAT", "xml"}});
  EXPECT_EQ(LambdaLoggerOptions(bogus).format, LogFormat::kText);
}

TEST(LambdaLoggingTest, LevelHonouredAndInvalidMeansInfo) {
  FakeEnvironment debug(Vars{{"AWS_LAMBDA_LOG_LEVEL", "DEBUG"}});
  EXPECT_EQ(LambdaLoggerOptions(debug).min_level, LogLevel::kDebug);
  FakeEnvironment warn(Vars{{"AWS_LAMBDA_LOG_LEVEL", "warn"}});
  EXPECT_EQ(LambdaLoggerOptions(warn).min_level, LogLevel::kWarn);
  FakeEnvironment bad(Vars{{"AWS_LAMBDA_LOG_LEVEL", "LOUD"}});
  EXPECT_EQ(LambdaLoggerOptions(bad).min_level, LogLevel::kInfo);
}

}  // namespace
}  // namespace drf
