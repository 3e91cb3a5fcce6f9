#include "aws/credential_providers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/endpoints.h"
#include "testing/fake_clock.h"
#include "testing/fake_environment.h"
#include "testing/fake_http.h"

namespace drf {
namespace {

using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

WallTime At(const char* iso) { return *ParseIso8601(iso); }

HttpResponse CredentialsReply(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// --- ParseIso8601 ------------------------------------------------------------------------

TEST(ParseIso8601Test, AwsTimestampForms) {
  auto plain = ParseIso8601("2026-11-25T22:00:00Z");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->time_since_epoch(), seconds(1795644000));
  EXPECT_EQ(*ParseIso8601("2026-11-25T22:00:00.500Z") - *plain, std::chrono::milliseconds(500));
  EXPECT_EQ(*ParseIso8601("2026-11-25T22:00:00.867654Z") - *plain,
            std::chrono::microseconds(867654));
  EXPECT_EQ(*ParseIso8601("2026-11-26T00:00:00+02:00"), *plain);
  EXPECT_EQ(*ParseIso8601("2026-11-25T21:30:00-00:30"), *plain);
  EXPECT_EQ(ParseIso8601("2024-02-29T00:00:00Z")->time_since_epoch(), seconds(1709164800));
}

TEST(ParseIso8601Test, RejectsOtherText) {
  for (const char* bad :
       {"", "2026-11-25", "2026-11-25T22:00:00", "2026-11-25 22:00:00Z", "2026-13-01T00:00:00Z",
        "2025-02-29T00:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T22:00:00Zjunk", "tomorrow",
        // Beyond what WallTime holds (found by fuzzing: it overflowed).
        "4030-08-01T00:00:00Z", "9999-12-31T23:59:59Z", "1600-01-01T00:00:00Z"}) {
    auto when = ParseIso8601(bad);
    ASSERT_FALSE(when.ok()) << bad;
    EXPECT_EQ(when.status().code(), StatusCode::kInvalidArgument);
  }
}

// --- Environment -------------------------------------------------------------------------

TEST(EnvironmentCredentialsTest, ReadsKeysTokenAndExpiration) {
  FakeEnvironment env;
  env.Set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env.Set("AWS_SECRET_ACCESS_KEY", "secretenv");
  env.Set("AWS_SESSION_TOKEN", "tokenenv");
  env.Set("AWS_CREDENTIAL_EXPIRATION", "2026-11-25T22:00:00Z");
  auto creds = EnvironmentCredentials(env).GetCredentials();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIDENV");
  EXPECT_EQ(creds->secret_access_key, "secretenv");
  EXPECT_EQ(creds->session_token, "tokenenv");
  EXPECT_EQ(creds->expiration, At("2026-11-25T22:00:00Z"));
  EXPECT_EQ(creds->source, "environment");
}

TEST(EnvironmentCredentialsTest, LegacySecurityTokenAndNoExpiration) {
  FakeEnvironment env;
  env.Set("AWS_ACCESS_KEY_ID", "AKID");
  env.Set("AWS_SECRET_ACCESS_KEY", "s");
  env.Set("AWS_SECURITY_TOKEN", "legacy");
  auto creds = EnvironmentCredentials(env).GetCredentials();
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->session_token, "legacy");
  EXPECT_FALSE(creds->expiration.has_value());
}

TEST(EnvironmentCredentialsTest, AbsentPartialAndBadExpiration) {
  FakeEnvironment env;
  env.Set("AWS_ACCESS_KEY_ID", "");
  EXPECT_EQ(EnvironmentCredentials(env).GetCredentials().status().code(), StatusCode::kNotFound);
  env.Set("AWS_SECRET_ACCESS_KEY", "hunter2");
  auto partial = EnvironmentCredentials(env).GetCredentials();
  EXPECT_EQ(partial.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(partial.status().message(), Not(HasSubstr("hunter2")));
  env.Set("AWS_ACCESS_KEY_ID", "AKID");
  env.Set("AWS_CREDENTIAL_EXPIRATION", "soon");
  auto bad = EnvironmentCredentials(env).GetCredentials();
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("AWS_CREDENTIAL_EXPIRATION"));
}

// --- Web identity ------------------------------------------------------------------------

constexpr char kStsSuccess[] =
    R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>ASIAWEB</AccessKeyId>
      <SecretAccessKey>secretweb</SecretAccessKey>
      <SessionToken>sessionweb</SessionToken>
      <Expiration>2015-08-30T13:36:00.123Z</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>)";

constexpr char kStsError[] = R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>
  <Message>Couldn't retrieve verification key from your identity provider</Message></Error>
  <RequestId>req-2</RequestId>
</ErrorResponse>)";

class WebIdentityTest : public ::testing::Test {
 protected:
  WebIdentityTest() {
    env_.Set("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token");
    env_.Set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/dr");
    env_.Set("AWS_ROLE_SESSION_NAME", "drill");
    env_.AddFile("/var/run/token", "jwt-1\n");
  }

  Result<Credentials> Get(const SharedConfig& config = SharedConfig(),
                          const std::string& profile = "default") {
    auto endpoints = std::make_shared<ConfiguredEndpointResolver>(env_, config, profile);
    WebIdentityCredentials provider(env_, config, profile, "eu-west-1", http_, clock_, endpoints);
    return provider.GetCredentials();
  }

  FakeEnvironment env_;
  FakeHttp http_;
  FakeClock clock_;
};

TEST_F(WebIdentityTest, SendsAnUnsignedQueryPostToRegionalSts) {
  http_.Enqueue(200, kStsSuccess);
  auto creds = Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAWEB");
  EXPECT_EQ(creds->secret_access_key, "secretweb");
  EXPECT_EQ(creds->session_token, "sessionweb");
  EXPECT_EQ(creds->expiration, At("2015-08-30T13:36:00.123Z"));
  EXPECT_EQ(creds->source, "web identity arn:aws:iam::123456789012:role/dr");

  ASSERT_EQ(http_.request_count(), 1u);
  HttpRequest request = http_.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://sts.eu-west-1.amazonaws.com/");
  EXPECT_EQ(FindHeader(request.headers, "Content-Type"),
            "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_FALSE(FindHeader(request.headers, "Authorization").has_value());
  EXPECT_EQ(request.body,
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdr"
            "&RoleSessionName=drill&WebIdentityToken=jwt-1");
}

TEST_F(WebIdentityTest, HonoursTheStsEndpointOverride) {
  env_.Set("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000/");
  http_.Enqueue(200, kStsSuccess);
  ASSERT_TRUE(Get().ok());
  EXPECT_EQ(http_.requests()[0].url, "http://127.0.0.1:5000/");
}

TEST_F(WebIdentityTest, ReReadsTheTokenFileOnEveryCall) {
  http_.Enqueue(200, kStsSuccess);
  http_.Enqueue(200, kStsSuccess);
  ASSERT_TRUE(Get().ok());
  env_.AddFile("/var/run/token", "jwt-2");  // rotated by the kubelet
  ASSERT_TRUE(Get().ok());
  EXPECT_THAT(http_.requests()[0].body, HasSubstr("WebIdentityToken=jwt-1"));
  EXPECT_THAT(http_.requests()[1].body, HasSubstr("WebIdentityToken=jwt-2"));
}

TEST_F(WebIdentityTest, ProfileSettingsAndDefaultSessionName) {
  env_.Unset("AWS_WEB_IDENTITY_TOKEN_FILE");
  env_.Unset("AWS_ROLE_ARN");
  env_.Unset("AWS_ROLE_SESSION_NAME");
  auto config = SharedConfig::FromText(
      "[profile eks]\nrole_arn = arn:aws:iam::1:role/p\nweb_identity_token_file = /t\n", "");
  ASSERT_TRUE(config.ok());
  env_.AddFile("/t", "jwt-p");
  http_.Enqueue(200, kStsSuccess);
  auto creds = Get(*config, "eks");
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->source, "web identity arn:aws:iam::1:role/p");
  // FakeClock starts at 1440938160 (epoch seconds).
  EXPECT_THAT(http_.requests()[0].body, HasSubstr("RoleSessionName=drfailover-1440938160&"));
  EXPECT_THAT(http_.requests()[0].body, HasSubstr("WebIdentityToken=jwt-p"));
}

TEST_F(WebIdentityTest, NotConfiguredOrHalfConfigured) {
  env_.Unset("AWS_WEB_IDENTITY_TOKEN_FILE");
  EXPECT_EQ(Get().status().code(), StatusCode::kNotFound);
  env_.Set("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token");
  env_.Unset("AWS_ROLE_ARN");
  auto no_role = Get();
  EXPECT_EQ(no_role.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(no_role.status().message(), HasSubstr("AWS_ROLE_ARN"));
  env_.Set("AWS_ROLE_ARN", "arn:aws:iam::1:role/r");
  env_.RemoveFile("/var/run/token");
  auto no_file = Get();
  EXPECT_EQ(no_file.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(no_file.status().message(), HasSubstr("/var/run/token"));
  EXPECT_EQ(http_.request_count(), 0u);
}

TEST_F(WebIdentityTest, StsErrorNamesTheCodeAndHidesTheToken) {
  http_.Enqueue(400, kStsError);
  auto creds = Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.status().code(), StatusCode::kRejected);
  EXPECT_THAT(creds.status().UserMessage(),
              HasSubstr("An error occurred (InvalidIdentityToken) when calling the "
                        "AssumeRoleWithWebIdentity operation: "));
  EXPECT_THAT(creds.status().UserMessage(), HasSubstr("web identity: assuming role "));
  ASSERT_NE(creds.status().aws(), nullptr);
  EXPECT_EQ(creds.status().aws()->code, "InvalidIdentityToken");
  EXPECT_EQ(creds.status().aws()->operation, "AssumeRoleWithWebIdentity");
  EXPECT_THAT(creds.status().ToString(), Not(HasSubstr("jwt-1")));
}

TEST_F(WebIdentityTest, TransportAndMalformedReplies) {
  http_.Enqueue(Status::Transport("connection refused"));
  EXPECT_EQ(Get().status().code(), StatusCode::kTransport);
  http_.Enqueue(200, "<AssumeRoleWithWebIdentityResponse/>");
  EXPECT_EQ(Get().status().code(), StatusCode::kInternal);
  http_.Enqueue(503, "");
  EXPECT_EQ(Get().status().code(), StatusCode::kRetryable);
}

TEST_F(WebIdentityTest, MissingRegionIsInvalidArgument) {
  auto endpoints = std::make_shared<ConfiguredEndpointResolver>(env_, SharedConfig(), "default");
  WebIdentityCredentials provider(env_, SharedConfig(), "default", "", http_, clock_, endpoints);
  auto creds = provider.GetCredentials();
  EXPECT_EQ(creds.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(creds.status().message(), HasSubstr("AWS_REGION"));
}

// --- Profile -----------------------------------------------------------------------------

constexpr char kProfileConfig[] = R"([default]
region = eu-west-1
[profile cfg]
aws_access_key_id = AKIDCFG
aws_secret_access_key = secretcfg
[profile both]
aws_access_key_id = AKIDCFGBOTH
aws_secret_access_key = secretcfgboth
[profile chained]
role_arn = arn:aws:iam::1:role/x
source_profile = cfg
[profile half]
aws_access_key_id = AKIDHALF
)";

constexpr char kProfileCredentials[] = R"([both]
aws_access_key_id = AKIDFILE
aws_secret_access_key = secretfile
aws_session_token = tokenfile
[half2]
aws_secret_access_key = hunter2
)";

Result<Credentials> FromProfile(const std::string& profile) {
  auto config = SharedConfig::FromText(kProfileConfig, kProfileCredentials);
  EXPECT_TRUE(config.ok());
  return ProfileCredentials(*config, profile).GetCredentials();
}

TEST(ProfileCredentialsTest, CredentialsFileFirstThenConfigFile) {
  auto both = FromProfile("both");
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_EQ(both->access_key_id, "AKIDFILE");
  EXPECT_EQ(both->session_token, "tokenfile");
  EXPECT_EQ(both->source, "profile both (credentials file)");
  EXPECT_FALSE(both->expiration.has_value());
  auto cfg = FromProfile("cfg");
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->access_key_id, "AKIDCFG");
  EXPECT_EQ(cfg->source, "profile cfg (config file)");
}

TEST(ProfileCredentialsTest, MissingAndUnusableProfiles) {
  EXPECT_EQ(FromProfile("default").status().code(), StatusCode::kNotFound);  // region only
  auto absent = ProfileCredentials(SharedConfig(), "default").GetCredentials();
  EXPECT_EQ(absent.status().code(), StatusCode::kNotFound);
  auto named = FromProfile("prod");
  EXPECT_EQ(named.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(named.status().message(), HasSubstr("prod"));
  auto chained = FromProfile("chained");
  EXPECT_EQ(chained.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(chained.status().message(), HasSubstr("source_profile"));
  EXPECT_EQ(FromProfile("half").status().code(), StatusCode::kInvalidArgument);
  auto half2 = FromProfile("half2");
  EXPECT_EQ(half2.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(half2.status().message(), Not(HasSubstr("hunter2")));
}

// --- Container ---------------------------------------------------------------------------

constexpr char kContainerJson[] = R"({"AccessKeyId": "ASIACONT", "SecretAccessKey": "secretcont",
  "Token": "tokencont", "Expiration": "2015-08-30T18:00:00Z", "RoleArn": "arn:aws:iam::1:role/t"})";

class ContainerTest : public ::testing::Test {
 protected:
  Result<Credentials> Get() { return ContainerCredentials(env_, http_, clock_).GetCredentials(); }

  FakeEnvironment env_;
  FakeHttp http_;
  FakeClock clock_;
};

TEST_F(ContainerTest, RelativeUriGoesToTheEcsAgent) {
  env_.Set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc");
  env_.Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1/ignored");
  http_.Enqueue(200, kContainerJson);
  auto creds = Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIACONT");
  EXPECT_EQ(creds->secret_access_key, "secretcont");
  EXPECT_EQ(creds->session_token, "tokencont");
  EXPECT_EQ(creds->expiration, At("2015-08-30T18:00:00Z"));
  EXPECT_EQ(creds->source, "container");
  HttpRequest request = http_.requests().at(0);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url, "http://169.254.170.2/v2/credentials/abc");
  EXPECT_EQ(FindHeader(request.headers, "Accept"), "application/json");
  EXPECT_FALSE(FindHeader(request.headers, "Authorization").has_value());
  EXPECT_EQ(request.connect_timeout, seconds(2));
  EXPECT_EQ(request.total_timeout, seconds(2));
}

TEST_F(ContainerTest, FullUriHostRules) {
  http_.SetHandler([](const HttpRequest&) -> Result<HttpResponse> {
    return CredentialsReply(200, kContainerJson);
  });
  for (const char* allowed :
       {"https://creds.example.com/x", "http://127.0.0.1:8080/creds", "http://127.1.2.3/c",
        "http://localhost/c", "http://LOCALHOST:9/c", "http://[::1]:80/c", "http://169.254.170.2/c",
        "http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/v1/credentials"}) {
    env_.Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", allowed);
    auto creds = Get();
    EXPECT_TRUE(creds.ok()) << allowed << ": " << creds.status().ToString();
  }
  size_t sent = http_.request_count();
  for (const char* rejected : {"http://169.254.169.254/latest", "http://example.com/c",
                               "http://10.0.0.1/c", "http://[::2]/c", "http://127.0.0.1.evil.com/c",
                               "http://user@127.0.0.1/c", "ftp://127.0.0.1/c", "127.0.0.1/c"}) {
    env_.Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", rejected);
    auto creds = Get();
    EXPECT_EQ(creds.status().code(), StatusCode::kInvalidArgument) << rejected;
    EXPECT_THAT(creds.status().message(), HasSubstr("AWS_CONTAINER_CREDENTIALS_FULL_URI"));
  }
  EXPECT_EQ(http_.request_count(), sent);  // nothing sent to a rejected host
}

TEST_F(ContainerTest, AuthorizationTokenFromFileReReadEachTimeOrFromEnv) {
  env_.Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials");
  env_.Set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token");
  http_.SetHandler([](const HttpRequest&) -> Result<HttpResponse> {
    return CredentialsReply(200, kContainerJson);
  });
  ASSERT_TRUE(Get().ok());
  env_.Set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/pod-token");
  env_.AddFile("/var/run/pod-token", "file-token-1");
  ASSERT_TRUE(Get().ok());
  env_.AddFile("/var/run/pod-token", "file-token-2");
  ASSERT_TRUE(Get().ok());
  std::vector<std::string> tokens;
  for (const HttpRequest& request : http_.requests()) {
    tokens.push_back(FindHeader(request.headers, "Authorization").value_or(""));
  }
  EXPECT_THAT(tokens, ElementsAre("env-token", "file-token-1", "file-token-2"));
}

TEST_F(ContainerTest, RejectsTokensWithLineBreaksWithoutEchoingThem) {
  env_.Set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/c");
  env_.Set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "secret-tok\r\nX-Evil: 1");
  auto creds = Get();
  EXPECT_EQ(creds.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(creds.status().message(), Not(HasSubstr("secret-tok")));
  env_.Set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/tok");
  env_.AddFile("/tok", "secret-tok\n");
  EXPECT_EQ(Get().status().code(), StatusCode::kInvalidArgument);
  env_.RemoveFile("/tok");
  EXPECT_EQ(Get().status().code(), StatusCode::kInvalidArgument);  // unreadable file
  EXPECT_EQ(http_.request_count(), 0u);
}

TEST_F(ContainerTest, RetriesThreeTimesOneSecondApart) {
  env_.Set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/c");
  http_.Enqueue(Status::Transport("timed out"));
  http_.Enqueue(500, "");
  http_.Enqueue(200, kContainerJson);
  ASSERT_TRUE(Get().ok());
  EXPECT_EQ(http_.request_count(), 3u);
  EXPECT_THAT(clock_.sleeps(), ElementsAre(seconds(1), seconds(1)));
}

TEST_F(ContainerTest, GivesUpAfterThreeTriesAndDoesNotRetryClientErrors) {
  env_.Set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/c");
  auto failed = Get();  // FakeHttp with nothing scripted: transport errors
  EXPECT_EQ(failed.status().code(), StatusCode::kTransport);
  EXPECT_EQ(http_.request_count(), 3u);
  EXPECT_EQ(clock_.total_slept(), seconds(2));

  http_.Enqueue(401, R"({"message": "bad token"})");
  auto refused = Get();
  EXPECT_EQ(refused.status().code(), StatusCode::kRejected);
  EXPECT_THAT(refused.status().message(), HasSubstr("401"));
  EXPECT_EQ(http_.request_count(), 4u);
}

TEST_F(ContainerTest, NotConfiguredAndMalformedReplies) {
  EXPECT_EQ(Get().status().code(), StatusCode::kNotFound);
  env_.Set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/c");
  http_.Enqueue(200, R"({"AccessKeyId": "ASIA", "SecretAccessKey": "hunter2")");  // truncated
  auto malformed = Get();
  EXPECT_EQ(malformed.status().code(), StatusCode::kInternal);
  EXPECT_THAT(malformed.status().message(), Not(HasSubstr("hunter2")));
}

// --- IMDS --------------------------------------------------------------------------------

constexpr char kImdsJson[] = R"({"Code": "Success", "LastUpdated": "2015-08-30T12:00:00Z",
  "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "secretimds",
  "Token": "tokenimds", "Expiration": "2015-08-30T18:00:00Z"})";

class ImdsTest : public ::testing::Test {
 protected:
  // Answers like an instance with role "dr-role"; `token_status` for the PUT (0: timeout).
  void ServeInstance(int token_status, std::string creds_json = kImdsJson) {
    http_.SetHandler([token_status, creds_json](const HttpRequest& r) -> Result<HttpResponse> {
      if (r.method == "PUT") {
        if (token_status == 0) return Status::Transport("operation timed out");
        return CredentialsReply(token_status, token_status == 200 ? "imds-token" : "");
      }
      if (r.url.ends_with("/security-credentials/")) return CredentialsReply(200, "dr-role\n");
      if (r.url.ends_with("/security-credentials/dr-role"))
        return CredentialsReply(200, creds_json);
      return CredentialsReply(404, "");
    });
  }
  Result<Credentials> Get() { return ImdsCredentials(env_, http_, clock_).GetCredentials(); }

  FakeEnvironment env_;
  FakeHttp http_;
  FakeClock clock_;
};

TEST_F(ImdsTest, V2TokenRoleAndCredentials) {
  ServeInstance(200);
  auto creds = Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAIMDS");
  EXPECT_EQ(creds->secret_access_key, "secretimds");
  EXPECT_EQ(creds->session_token, "tokenimds");
  EXPECT_EQ(creds->expiration, At("2015-08-30T18:00:00Z"));
  EXPECT_EQ(creds->source, "instance metadata (IMDSv2)");

  std::vector<HttpRequest> requests = http_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].url, "http://169.254.169.254/latest/api/token");
  EXPECT_EQ(FindHeader(requests[0].headers, "x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(requests[1].url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(requests[2].url,
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/dr-role");
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(FindHeader(requests[i].headers, "x-aws-ec2-metadata-token"), "imds-token");
  }
  for (const HttpRequest& request : requests) {
    EXPECT_EQ(request.connect_timeout, seconds(1));
    EXPECT_EQ(request.total_timeout, seconds(1));
  }
}

TEST_F(ImdsTest, FallsBackToV1WhenTheTokenIsRefusedOrTimesOut) {
  for (int token_status : {403, 404, 405, 0}) {
    http_.SetHandler(nullptr);
    ServeInstance(token_status);
    size_t before = http_.request_count();
    auto creds = Get();
    ASSERT_TRUE(creds.ok()) << token_status << ": " << creds.status().ToString();
    EXPECT_EQ(creds->source, "instance metadata (IMDSv1)");
    std::vector<HttpRequest> requests = http_.requests();
    ASSERT_EQ(requests.size(), before + 3);
    EXPECT_FALSE(FindHeader(requests.back().headers, "x-aws-ec2-metadata-token").has_value());
  }
}

TEST_F(ImdsTest, NoFallbackWhenV1IsDisabledOrTheTokenFailsOtherwise) {
  env_.Set("AWS_EC2_METADATA_V1_DISABLED", "true");
  ServeInstance(403);
  auto disabled = Get();
  EXPECT_EQ(disabled.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(disabled.status().message(), HasSubstr("AWS_EC2_METADATA_V1_DISABLED"));
  EXPECT_EQ(http_.request_count(), 1u);

  env_.Unset("AWS_EC2_METADATA_V1_DISABLED");
  ServeInstance(400);
  EXPECT_EQ(Get().status().code(), StatusCode::kNotFound);
  EXPECT_EQ(http_.request_count(), 2u);
}

TEST_F(ImdsTest, DisabledSwitchSendsNothing) {
  env_.Set("AWS_EC2_METADATA_DISABLED", "true");
  ServeInstance(200);
  auto creds = Get();
  EXPECT_EQ(creds.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(creds.status().message(), HasSubstr("AWS_EC2_METADATA_DISABLED"));
  EXPECT_EQ(http_.request_count(), 0u);
}

TEST_F(ImdsTest, EndpointOverrideAndIpv6Mode) {
  ServeInstance(200);
  env_.Set("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6");
  ASSERT_TRUE(Get().ok());
  EXPECT_EQ(http_.requests()[0].url, "http://[fd00:ec2::254]/latest/api/token");
  env_.Set("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/");
  ASSERT_TRUE(Get().ok());
  EXPECT_EQ(http_.requests()[3].url, "http://127.0.0.1:1338/latest/api/token");
  env_.Unset("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  env_.Set("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5");
  EXPECT_EQ(Get().status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ImdsTest, NoRoleUnreachableOrNotReadyIsNotFound) {
  http_.SetHandler([](const HttpRequest& r) -> Result<HttpResponse> {
    return CredentialsReply(r.method == "PUT" ? 200 : 404, "tok");
  });
  EXPECT_EQ(Get().status().code(), StatusCode::kNotFound);
  http_.SetHandler(nullptr);  // transport errors everywhere: not on EC2
  EXPECT_EQ(Get().status().code(), StatusCode::kNotFound);
  ServeInstance(200, R"({"Code": "AssumeRoleUnauthorizedAccess", "Message": "x"})");
  auto not_ready = Get();
  EXPECT_EQ(not_ready.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(not_ready.status().message(), HasSubstr("AssumeRoleUnauthorizedAccess"));
}

TEST_F(ImdsTest, NearlyExpiredCredentialsAreExtendedForStaticStability) {
  // FakeClock: 2015-08-30T12:36:00Z; these expire in 5 minutes.
  ServeInstance(200, R"({"Code": "Success", "AccessKeyId": "A", "SecretAccessKey": "S",
    "Token": "T", "Expiration": "2015-08-30T12:41:00Z"})");
  auto creds = Get();
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->expiration, clock_.Now() + std::chrono::minutes(20));
}

}  // namespace
}  // namespace drf
