#include "app/aws_session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/fake_clock.h"
#include "testing/fake_environment.h"
#include "testing/fake_http.h"

namespace drf {
namespace {

using ::testing::HasSubstr;

FakeEnvironment Env() {
  return FakeEnvironment({{"AWS_REGION", "us-east-1"},
                          {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                          {"AWS_SECRET_ACCESS_KEY", "secret"},
                          {"AWS_CONFIG_FILE", "/nonexistent/config"},
                          {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"}});
}

TEST(AwsSessionTest, CreatesWithoutCallingAws) {
  FakeEnvironment env = Env();
  FakeHttp http;
  FakeClock clock;
  auto session = AwsSession::Create(env, http, clock, {});
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  EXPECT_EQ((*session)->region().region, "us-east-1");
  EXPECT_EQ(http.request_count(), 0u);
}

// Every service's configured endpoint is checked before any step starts: a malformed one
// for a single service must not show up only after the other services were acted on.
TEST(AwsSessionTest, MalformedServiceEndpointIsAConfigurationErrorNamingIt) {
  for (const char* variable :
       {"AWS_ENDPOINT_URL_ECS", "AWS_ENDPOINT_URL_RDS", "AWS_ENDPOINT_URL_AUTO_SCALING",
        "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_S3",
        "AWS_ENDPOINT_URL_STS"}) {
    FakeEnvironment env = Env();
    env.Set(variable, "127.0.0.1 9");
    FakeHttp http;
    FakeClock clock;
    auto session = AwsSession::Create(env, http, clock, {});
    ASSERT_FALSE(session.ok()) << variable;
    EXPECT_EQ(session.status().code(), StatusCode::kInvalidArgument) << variable;
    EXPECT_THAT(session.status().message(),
                HasSubstr(std::string(variable) + ": invalid endpoint URL '127.0.0.1 9'"));
    EXPECT_EQ(http.request_count(), 0u);
  }
}

}  // namespace
}  // namespace drf
