// Web identity against moto's STS (a real HTTP exchange on 127.0.0.1). Starts its own bare
// moto_server through ScriptServer: STS needs none of the emulator fixture's seeding or
// proxy (testing/emulator.h). Fails when python3 with moto is not installed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/credential_chain.h"
#include "aws/credential_providers.h"
#include "aws/endpoints.h"
#include "posix/curl_http.h"
#include "testing/fake_clock.h"
#include "testing/fake_environment.h"
#include "testing/script_server.h"

namespace drf {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Prints "<port> <pid>" once listening on 127.0.0.1, exits when the test process goes away.
constexpr char kMotoCommand[] =
    "exec python3 -c 'import os, time\n"
    "from moto.server import ThreadedMotoServer\n"
    "parent = os.getppid()\n"
    "server = ThreadedMotoServer(ip_address=\"127.0.0.1\", port=0, verbose=False)\n"
    "server.start()\n"
    "print(server.get_host_and_port()[1], os.getpid(), flush=True)\n"
    "while os.getppid() == parent: time.sleep(0.5)\n"
    "' 2>/dev/null";

constexpr char kRoleArn[] = "arn:aws:iam::123456789012:role/drfailover";

class WebIdentityMotoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = ScriptServer::Start(kMotoCommand);
    if (server.ok()) moto_ = std::move(server).value().release();
  }
  static void TearDownTestSuite() {
    delete moto_;
    moto_ = nullptr;
  }
  void SetUp() override {
    if (moto_ == nullptr)
      GTEST_FAIL() << "moto_server could not be started (python3 + moto; run scripts/setup.sh)";
    env_.Set("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/token");
    env_.Set("AWS_ROLE_ARN", kRoleArn);
    env_.AddFile("/var/run/secrets/token", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
  }

  static ScriptServer* moto_;
  FakeEnvironment env_;
  CurlHttpClient http_;
  FakeClock clock_{std::chrono::system_clock::now()};  // moto's expirations are real time
};

ScriptServer* WebIdentityMotoTest::moto_ = nullptr;

TEST_F(WebIdentityMotoTest, DefaultChainGetsCredentialsFromMotoSts) {
  env_.Set("AWS_ENDPOINT_URL_STS", moto_->base_url());
  auto chain =
      MakeDefaultCredentialChain(env_, http_, clock_, SharedConfig(), "default", "us-east-1");
  auto creds = chain->GetCredentials();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_THAT(creds->access_key_id, StartsWith("ASIA"));
  EXPECT_FALSE(creds->secret_access_key.empty());
  EXPECT_FALSE(creds->session_token.empty());
  EXPECT_EQ(creds->source, std::string("web identity ") + kRoleArn);
  ASSERT_TRUE(creds->expiration.has_value());
  EXPECT_GT(*creds->expiration, clock_.Now() + std::chrono::minutes(15));
}

TEST_F(WebIdentityMotoTest, RefreshesThroughTheGenericEndpointOverride) {
  env_.Set("AWS_ENDPOINT_URL", moto_->base_url() + "/");
  auto chain =
      MakeDefaultCredentialChain(env_, http_, clock_, SharedConfig(), "default", "eu-west-1");
  auto first = chain->GetCredentials();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(chain->GetCredentials()->access_key_id, first->access_key_id);  // cached

  env_.AddFile("/var/run/secrets/token", "eyJhbGciOiJSUzI1NiJ9.e30.cm90YXRlZA");
  clock_.Advance(*first->expiration - clock_.Now() - std::chrono::minutes(5));
  auto second = chain->GetCredentials();  // mandatory refresh: a new STS call
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_NE(second->access_key_id, first->access_key_id);
}

TEST_F(WebIdentityMotoTest, UnreachableStsIsATransportError) {
  // The discard port on loopback: nothing listens there in the test environment.
  env_.Set("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9");
  auto endpoints = std::make_shared<ConfiguredEndpointResolver>(env_, SharedConfig(), "default");
  WebIdentityCredentials provider(env_, SharedConfig(), "default", "us-east-1", http_, clock_,
                                  endpoints);
  auto creds = provider.GetCredentials();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.status().code(), StatusCode::kTransport);
  EXPECT_THAT(creds.status().message(), HasSubstr(kRoleArn));
  EXPECT_THAT(creds.status().ToString(), ::testing::Not(HasSubstr("eyJhbGci")));
}

}  // namespace
}  // namespace drf
