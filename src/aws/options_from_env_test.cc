#include "aws/options_from_env.h"

#include <gtest/gtest.h>

#include "testing/fake_environment.h"

namespace drf {
namespace {

TEST(RetryOptionsFromEnvironmentTest, Defaults) {
  FakeEnvironment env;
  auto options = RetryOptionsFromEnvironment(env);
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->mode, "standard");
  EXPECT_EQ(options->max_attempts, 3);
}

TEST(RetryOptionsFromEnvironmentTest, ReadsVariables) {
  FakeEnvironment env({{"AWS_RETRY_MODE", "adaptive"}, {"AWS_MAX_ATTEMPTS", "7"}});
  auto options = RetryOptionsFromEnvironment(env);
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ(options->mode, "adaptive");
  EXPECT_EQ(options->max_attempts, 7);
}

TEST(RetryOptionsFromEnvironmentTest, EmptyVariablesCountAsUnset) {
  FakeEnvironment env({{"AWS_RETRY_MODE", ""}, {"AWS_MAX_ATTEMPTS", ""}});
  auto options = RetryOptionsFromEnvironment(env);
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->max_attempts, 3);
}

TEST(RetryOptionsFromEnvironmentTest, InvalidModeNamesVariableAndChoices) {
  FakeEnvironment env;
  env.Set("AWS_RETRY_MODE", "Standard");
  auto options = RetryOptionsFromEnvironment(env);
  ASSERT_FALSE(options.ok());
  EXPECT_EQ(options.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(options.status().message().find("AWS_RETRY_MODE"), std::string::npos);
  EXPECT_NE(options.status().message().find("standard, legacy or adaptive"), std::string::npos);
}

TEST(RetryOptionsFromEnvironmentTest, InvalidMaxAttempts) {
  for (const char* value : {"0", "-1", "three", "3x", " 3", "99999999999"}) {
    FakeEnvironment env;
    env.Set("AWS_MAX_ATTEMPTS", value);
    auto options = RetryOptionsFromEnvironment(env);
    ASSERT_FALSE(options.ok()) << value;
    EXPECT_EQ(options.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(options.status().message().find("AWS_MAX_ATTEMPTS"), std::string::npos);
    EXPECT_NE(options.status().message().find("positive integer"), std::string::npos);
  }
}

TEST(RetryOptionsFromEnvironmentTest, ProfileSettingsUnderEnvironment) {
  auto config = SharedConfig::FromText("[default]\nretry_mode = legacy\nmax_attempts = 5\n", "");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  FakeEnvironment env;
  auto from_profile = RetryOptionsFromEnvironment(env, &*config);
  ASSERT_TRUE(from_profile.ok()) << from_profile.status().ToString();
  EXPECT_EQ(from_profile->mode, "legacy");
  EXPECT_EQ(from_profile->max_attempts, 5);

  env.Set("AWS_MAX_ATTEMPTS", "2");
  auto overridden = RetryOptionsFromEnvironment(env, &*config);
  ASSERT_TRUE(overridden.ok());
  EXPECT_EQ(overridden->max_attempts, 2);
  EXPECT_EQ(overridden->mode, "legacy");
}

TEST(RetryOptionsFromEnvironmentTest, InvalidProfileValueNamesKeyAndProfile) {
  auto config = SharedConfig::FromText("[profile dev]\nmax_attempts = lots\n", "", "dev");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto options = RetryOptionsFromEnvironment(FakeEnvironment(), &*config);
  ASSERT_FALSE(options.ok());
  EXPECT_NE(options.status().message().find("max_attempts in profile dev"), std::string::npos)
      << options.status().message();
}

}  // namespace
}  // namespace drf
