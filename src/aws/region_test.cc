#include "aws/region.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/fake_environment.h"

namespace drf {
namespace {

using ::testing::HasSubstr;

SharedConfig ConfigWithRegion(const std::string& profile) {
  auto config = SharedConfig::FromText(
      "[default]\nregion = ap-southeast-2\n[profile dev]\nregion = ca-central-1\n", "", profile);
  EXPECT_TRUE(config.ok());
  return *config;
}

TEST(ResolveRegionTest, PrecedenceAndSources) {
  FakeEnvironment env;
  SharedConfig config = ConfigWithRegion("default");
  auto from_profile = ResolveRegion(env, config, std::nullopt);
  ASSERT_TRUE(from_profile.ok());
  EXPECT_EQ(from_profile->region, "ap-southeast-2");
  EXPECT_EQ(from_profile->source, "profile default");

  env.Set("AWS_DEFAULT_REGION", "eu-west-2");
  EXPECT_EQ(ResolveRegion(env, config, std::nullopt)->source, "AWS_DEFAULT_REGION");
  env.Set("AWS_REGION", "eu-west-3");
  auto from_env = ResolveRegion(env, config, std::nullopt);
  EXPECT_EQ(from_env->region, "eu-west-3");
  EXPECT_EQ(from_env->source, "AWS_REGION");

  auto from_cli = ResolveRegion(env, config, std::string("us-west-2"));
  EXPECT_EQ(from_cli->region, "us-west-2");
  EXPECT_EQ(from_cli->source, "--region");
}

TEST(ResolveRegionTest, UsesTheSelectedProfileAndIgnoresEmptyValues) {
  FakeEnvironment env;
  env.Set("AWS_REGION", "");
  env.Set("AWS_DEFAULT_REGION", "");
  auto region = ResolveRegion(env, ConfigWithRegion("dev"), std::string(""));
  ASSERT_TRUE(region.ok());
  EXPECT_EQ(region->region, "ca-central-1");
  EXPECT_EQ(region->source, "profile dev");
}

TEST(ResolveRegionTest, MissingRegionIsAClearErrorNotAGuess) {
  FakeEnvironment env;
  auto region = ResolveRegion(env, SharedConfig(), std::nullopt);
  ASSERT_FALSE(region.ok());
  EXPECT_EQ(region.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(region.status().message(), HasSubstr("AWS_REGION"));
  EXPECT_THAT(region.status().message(), HasSubstr("--region"));
}

TEST(ResolveRegionTest, RejectsValuesThatCannotBeRegions) {
  FakeEnvironment env;
  env.Set("AWS_REGION", "eu-west-1.evil.com/");
  auto region = ResolveRegion(env, SharedConfig(), std::nullopt);
  ASSERT_FALSE(region.ok());
  EXPECT_EQ(region.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(region.status().message(), HasSubstr("AWS_REGION"));
  EXPECT_FALSE(IsValidRegionName("EU-WEST-1"));
  EXPECT_FALSE(IsValidRegionName("-eu"));
  EXPECT_TRUE(IsValidRegionName("us-gov-west-1"));
}

}  // namespace
}  // namespace drf
