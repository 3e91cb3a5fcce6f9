#include "aws/shared_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/fake_environment.h"

namespace drf {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kConfig[] = R"(# a comment
[default]
region = eu-west-1
Output=json

[profile dev]
region: us-east-2
services = dev-svc
endpoint_url = http://localhost:5000
; another comment

[services dev-svc]
ecs =
  endpoint_url = http://localhost:4000
  Other = x
sts =
    endpoint_url = http://localhost:4001

[sso-session corp]
sso_region = us-east-1

[profilex]
region = nowhere
)";

constexpr char kCredentials[] = R"([default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = secretdefault

[dev]
aws_access_key_id = AKIDDEV
region = ap-south-1
)";

TEST(ParseIniTest, SectionsKeysCommentsAndNestedBlocks) {
  auto sections = ParseIni(kConfig, "config");
  ASSERT_TRUE(sections.ok()) << sections.status().ToString();
  const ConfigSection& def = sections->at("default");
  EXPECT_EQ(def.Get("region"), "eu-west-1");
  EXPECT_EQ(def.Get("output"), "json");  // keys are lower-cased, as configparser does
  const ConfigSection& dev = sections->at("profile dev");
  EXPECT_EQ(dev.Get("region"), "us-east-2");  // ':' also separates
  EXPECT_EQ(dev.Get("endpoint_url"), "http://localhost:5000");
  const ConfigSection& svc = sections->at("services dev-svc");
  EXPECT_FALSE(svc.Get("ecs").has_value());
  EXPECT_EQ(svc.nested.at("ecs").at("endpoint_url"), "http://localhost:4000");
  EXPECT_EQ(svc.nested.at("ecs").at("other"), "x");
  EXPECT_EQ(svc.nested.at("sts").at("endpoint_url"), "http://localhost:4001");
}

TEST(ParseIniTest, IndentedLinesAfterAValueContinueIt) {
  auto sections = ParseIni("[a]\nk = first\n  second\nnext = 1\n", "f");
  ASSERT_TRUE(sections.ok());
  EXPECT_EQ(sections->at("a").Get("k"), "first\nsecond");
  EXPECT_EQ(sections->at("a").Get("next"), "1");
}

TEST(ParseIniTest, ErrorsNameFileAndLineButNeverTheLine) {
  auto no_section = ParseIni("aws_secret_access_key = hunter2\n", "/home/u/.aws/credentials");
  ASSERT_FALSE(no_section.ok());
  EXPECT_EQ(no_section.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(no_section.status().message(), HasSubstr("/home/u/.aws/credentials:1"));
  EXPECT_THAT(no_section.status().message(), Not(HasSubstr("hunter2")));

  auto no_equals = ParseIni("[a]\nk = v\nhunter2\n", "f");
  ASSERT_FALSE(no_equals.ok());
  EXPECT_THAT(no_equals.status().message(), HasSubstr("f:3"));
  EXPECT_THAT(no_equals.status().message(), Not(HasSubstr("hunter2")));

  auto bad_nested = ParseIni("[services x]\necs =\n  hunter2\n", "f");
  ASSERT_FALSE(bad_nested.ok());
  EXPECT_THAT(bad_nested.status().message(), HasSubstr("f:3"));

  EXPECT_FALSE(ParseIni("[unclosed\n", "f").ok());
}

TEST(SharedConfigTest, ProfilesServicesAndCredentialsFileNames) {
  auto config = SharedConfig::FromText(kConfig, kCredentials, "dev");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->profile(), "dev");
  ASSERT_NE(config->ConfigProfile("default"), nullptr);
  ASSERT_NE(config->ConfigProfile("dev"), nullptr);
  EXPECT_EQ(config->ConfigProfile("profile dev"), nullptr);
  EXPECT_EQ(config->ConfigProfile("profilex"), nullptr);  // not a profile header
  EXPECT_EQ(config->ConfigProfile("corp"), nullptr);      // sso-session is not a profile
  ASSERT_NE(config->Services("dev-svc"), nullptr);
  EXPECT_EQ(config->Services("dev-svc")->nested.at("ecs").at("endpoint_url"),
            "http://localhost:4000");
  ASSERT_NE(config->CredentialsProfile("dev"), nullptr);
  EXPECT_TRUE(config->HasProfile("dev"));
  EXPECT_FALSE(config->HasProfile("prod"));
}

TEST(SharedConfigTest, CredentialsFileValuesWinOverConfigFile) {
  auto config = SharedConfig::FromText(kConfig, kCredentials);
  ASSERT_TRUE(config.ok());
  auto region = config->Get("dev", "region");
  ASSERT_TRUE(region.has_value());
  EXPECT_EQ(region->value, "ap-south-1");
  EXPECT_EQ(region->origin, ConfigOrigin::kCredentialsFile);
  auto endpoint = config->Get("dev", "endpoint_url");
  ASSERT_TRUE(endpoint.has_value());
  EXPECT_EQ(endpoint->origin, ConfigOrigin::kConfigFile);
  EXPECT_FALSE(config->Get("dev", "missing").has_value());

  ConfigSection merged = config->MergedProfile("dev");
  EXPECT_EQ(merged.Get("region"), "ap-south-1");
  EXPECT_EQ(merged.Get("services"), "dev-svc");
  EXPECT_EQ(merged.Get("aws_access_key_id"), "AKIDDEV");
}

TEST(SharedConfigTest, DefaultAndProfileDefaultSectionsMerge) {
  auto config = SharedConfig::FromText(
      "[default]\nregion = a\noutput = j\n[profile default]\nregion = b\n", "");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->ConfigProfile("default")->Get("region"), "b");
  EXPECT_EQ(config->ConfigProfile("default")->Get("output"), "j");
}

TEST(SharedConfigTest, LoadReadsFilesNamedByEnvironment) {
  FakeEnvironment env;
  env.Set("AWS_CONFIG_FILE", "/etc/drf/config");
  env.Set("AWS_SHARED_CREDENTIALS_FILE", "~/creds");
  env.Set("HOME", "/home/u");
  env.Set("AWS_PROFILE", "dev");
  env.AddFile("/etc/drf/config", kConfig);
  env.AddFile("/home/u/creds", kCredentials);
  auto config = SharedConfig::Load(env);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->profile(), "dev");
  EXPECT_EQ(config->config_path(), "/etc/drf/config");
  EXPECT_EQ(config->credentials_path(), "/home/u/creds");
  EXPECT_EQ(config->Get("dev", "aws_access_key_id")->value, "AKIDDEV");
}

TEST(SharedConfigTest, LoadDefaultsToHomeAndToleratesMissingFiles) {
  FakeEnvironment env;
  env.Set("HOME", "/home/u");
  env.AddFile("/home/u/.aws/config", "[default]\nregion = eu-central-1\n");
  auto config = SharedConfig::Load(env);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->config_path(), "/home/u/.aws/config");
  EXPECT_EQ(config->credentials_path(), "/home/u/.aws/credentials");
  EXPECT_EQ(config->Get("default", "region")->value, "eu-central-1");
  EXPECT_EQ(config->CredentialsProfile("default"), nullptr);
}

TEST(SharedConfigTest, LoadReportsMalformedFiles) {
  FakeEnvironment env;
  env.Set("HOME", "/h");
  env.AddFile("/h/.aws/credentials", "aws_access_key_id = AKID\n");
  auto config = SharedConfig::Load(env);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("/h/.aws/credentials:1"));
}

TEST(SharedConfigTest, ProfileSelection) {
  FakeEnvironment env;
  EXPECT_EQ(ProfileNameFromEnvironment(env), "default");
  env.Set("AWS_DEFAULT_PROFILE", "legacy");
  EXPECT_EQ(ProfileNameFromEnvironment(env), "legacy");
  env.Set("AWS_PROFILE", "");  // empty counts as unset
  EXPECT_EQ(ProfileNameFromEnvironment(env), "legacy");
  env.Set("AWS_PROFILE", "dev");
  EXPECT_EQ(ProfileNameFromEnvironment(env), "dev");
  auto config = SharedConfig::Load(env, std::string("cli"));
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->profile(), "cli");
}

}  // namespace
}  // namespace drf
