#include "services/s3_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/endpoints.h"
#include "aws/shared_config.h"
#include "services/services_test_util.h"
#include "testing/fake_environment.h"

namespace drf {
namespace {

using services_testing::AwsHarness;
using services_testing::RunCommand;
using ::testing::HasSubstr;
using namespace std::string_literals;

HttpResponse S3Error(int status, const std::string& code, const std::string& message) {
  return {status,
          {{"Content-Type", "application/xml"}, {"x-amz-request-id", "s3-req-9"}},
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" +
              message +
              "</Message><Key>plan.yaml</Key><RequestId>body-req</RequestId>"
              "<HostId>host-id</HostId></Error>"};
}

// --- ParseS3Uri ----------------------------------------------------------------------------

TEST(ParseS3UriTest, SplitsBucketAndKeyAtTheFirstSlash) {
  auto simple = ParseS3Uri("s3://my-bucket/plan.yaml");
  ASSERT_TRUE(simple.ok()) << simple.status().ToString();
  EXPECT_EQ(simple->bucket, "my-bucket");
  EXPECT_EQ(simple->key, "plan.yaml");

  // The key is literal: slashes, spaces, '%', '?', UTF-8 and a trailing '/' stay as written.
  auto nested = ParseS3Uri("s3://b.example/dr/plans/a b%20?x=1/\xc3\xa9t\xc3\xa9/");
  ASSERT_TRUE(nested.ok()) << nested.status().ToString();
  EXPECT_EQ(nested->bucket, "b.example");
  EXPECT_EQ(nested->key, "dr/plans/a b%20?x=1/\xc3\xa9t\xc3\xa9/");
  EXPECT_EQ(S3Uri(*nested), "s3://b.example/dr/plans/a b%20?x=1/\xc3\xa9t\xc3\xa9/");

  auto legacy = ParseS3Uri("s3://Old_Bucket//k");  // legacy name; "/k" is the key
  ASSERT_TRUE(legacy.ok()) << legacy.status().ToString();
  EXPECT_EQ(legacy->bucket, "Old_Bucket");
  EXPECT_EQ(legacy->key, "/k");
}

TEST(ParseS3UriTest, RejectsMalformedUrisNamingThem) {
  struct Case {
    std::string uri;
    std::string why;
  };
  const Case cases[] = {
      {"", "expected s3://<bucket>/<key>"},
      {"https://bucket/key", "expected s3://<bucket>/<key>"},
      {"S3://bucket/key", "expected s3://<bucket>/<key>"},
      {"s3:/bucket/key", "expected s3://<bucket>/<key>"},
      {"s3://", "no bucket name"},
      {"s3:///key", "no bucket name"},
      {"s3://bucket", "no object key"},
      {"s3://bucket/", "no object key"},
      {"s3://ab/key", "has 2 characters"},
      {"s3://my bucket/key", "may only hold"},
      {"s3://bucket:443/key", "may only hold"},
      {"s3://user@bucket/key", "may only hold"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseS3Uri(c.uri);
    ASSERT_FALSE(parsed.ok()) << c.uri;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << c.uri;
    EXPECT_THAT(parsed.status().message(), HasSubstr("\"" + c.uri + "\"")) << c.uri;
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.why)) << c.uri;
  }
}

// --- GetObject over FakeHttp ------------------------------------------------------------------

TEST(S3ClientTest, ReturnsTheBodyAndSendsASignedPathStyleGet) {
  AwsHarness h;  // a test endpoint: path style
  const std::string content = "version: 1\nsteps: []\n\0binary\xff"s;
  h.http.Enqueue(200, content, {{"x-amz-request-id", "s3-req-1"}, {"ETag", "\"abc\""}});
  S3Client s3(h.aws);
  auto body = s3.GetObject("plans", "dr/plan one.yaml");
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body, content);

  ASSERT_EQ(h.http.request_count(), 1u);
  const HttpRequest r = h.http.requests()[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "https://example.com/plans/dr/plan%20one.yaml");
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(FindHeader(r.headers, "x-amz-content-sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_THAT(FindHeader(r.headers, "Authorization").value_or(""),
              HasSubstr("/us-east-1/s3/aws4_request, "
                        "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "));
}

TEST(S3ClientTest, KeysAreEncodedPerSegmentOnce) {
  AwsHarness h;
  h.http.Enqueue(200, "x");
  S3Client s3(h.aws);
  ASSERT_TRUE(s3.GetObject("b-1", "a/b c/%41+~/\xc3\xa9/../x?y#z//").ok());
  EXPECT_EQ(h.http.requests()[0].url,
            "https://example.com/b-1/a/b%20c/%2541%2B~/%C3%A9/../x%3Fy%23z//");
}

TEST(S3ClientTest, NoSuchKeyIsNotFoundWithTheWireCodeAndRequestId) {
  AwsHarness h;
  h.http.Enqueue(S3Error(404, "NoSuchKey", "The specified key does not exist."));
  auto body = S3Client(h.aws).GetObject("plans", "plan.yaml");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.status().code(), StatusCode::kNotFound);
  ASSERT_NE(body.status().aws(), nullptr);
  EXPECT_EQ(body.status().aws()->code, "NoSuchKey");
  EXPECT_EQ(body.status().aws()->service, "S3");
  EXPECT_EQ(body.status().aws()->operation, "GetObject");
  EXPECT_EQ(body.status().aws()->http_status, 404);
  EXPECT_EQ(body.status().aws()->request_id, "s3-req-9");  // the header wins over the body
  EXPECT_EQ(body.status().message(), "The specified key does not exist.");
}

TEST(S3ClientTest, NoSuchBucketIsNotFound) {
  AwsHarness h;
  h.http.Enqueue(S3Error(404, "NoSuchBucket", "The specified bucket does not exist"));
  auto body = S3Client(h.aws).GetObject("gone", "plan.yaml");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(body.status().aws()->code, "NoSuchBucket");
}

TEST(S3ClientTest, AccessDeniedIsRejectedAndNotRetried) {
  AwsHarness h;
  AwsClientOptions options = h.Options(&h.http);
  options.retry.max_attempts = 3;  // (the harness's client makes one attempt only)
  AwsClient aws(std::move(options));
  h.http.Enqueue(S3Error(403, "AccessDenied", "Access Denied"));
  auto body = S3Client(aws).GetObject("plans", "plan.yaml");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.status().code(), StatusCode::kRejected);
  EXPECT_EQ(body.status().aws()->code, "AccessDenied");
  EXPECT_EQ(body.status().aws()->http_status, 403);
  EXPECT_EQ(h.http.request_count(), 1u);
}

TEST(S3ClientTest, TooLargeObjectIsInvalidArgumentNamingSizeAndLimit) {
  AwsHarness h;
  h.http.Enqueue(200, std::string(101, 'x'));
  h.http.Enqueue(200, std::string(100, 'x'));
  S3Client s3(h.aws);
  auto too_big = s3.GetObject("plans", "big.yaml", 100);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(too_big.status().message(), HasSubstr("s3://plans/big.yaml is 101 bytes"));
  EXPECT_THAT(too_big.status().message(), HasSubstr("limit of 100 bytes"));
  auto at_limit = s3.GetObject("plans", "big.yaml", 100);
  ASSERT_TRUE(at_limit.ok()) << at_limit.status().ToString();
  EXPECT_EQ(at_limit->size(), 100u);
}

TEST(S3ClientTest, EmptyBucketOrKeySendsNothing) {
  AwsHarness h;
  S3Client s3(h.aws);
  EXPECT_EQ(s3.GetObject("", "k").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s3.GetObject("b", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(h.http.request_count(), 0u);
}

// --- The botocore oracle: same URL and the same signature -------------------------------------

struct S3OracleCase {
  std::string region, bucket, key, endpoint_url, token;
  int64_t epoch;
};

// Runs tools/oracle/s3_get_object_botocore.py on `cases`.
std::vector<nlohmann::json> BotocoreGetObjects(const std::vector<S3OracleCase>& cases) {
  nlohmann::json input = nlohmann::json::array();
  for (const S3OracleCase& c : cases) {
    nlohmann::json one = {{"region", c.region},
                          {"bucket", c.bucket},
                          {"key", c.key},
                          {"epoch", c.epoch},
                          {"access_key", kTestAccessKeyId},
                          {"secret_key", kTestSecretAccessKey},
                          {"token", c.token}};
    if (!c.endpoint_url.empty()) one["endpoint_url"] = c.endpoint_url;
    input.push_back(one);
  }
  std::string path = ::testing::TempDir() + "/s3_oracle_XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) return {};
  std::string text = input.dump();
  bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  if (!written) return {};
  int rc = -1;
  std::string output = RunCommand(std::string("python3 ") + DRF_SOURCE_DIR +
                                      "/tools/oracle/s3_get_object_botocore.py < " + path,
                                  &rc);
  std::remove(path.c_str());
  nlohmann::json parsed = nlohmann::json::parse(output, nullptr, false);
  if (rc != 0 || !parsed.is_array() || parsed.size() != cases.size()) {
    ADD_FAILURE() << "s3_get_object_botocore.py failed (status " << rc << "): " << output;
    return {};
  }
  return parsed.get<std::vector<nlohmann::json>>();
}

TEST(S3ClientBotocoreTest, GetObjectUrlAndSignatureMatchBotocore) {
  const std::vector<std::string> keys = {
      "plan.yaml",
      "dr/plans/plan one.yaml",
      "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.yaml",
      "a+b=c&d",
      "100%/x~y",
      "q?x#h",
      "dir//x/",
      "a/./b/../c",
      "emoji\xf0\x9f\x98\x80 !*'()$,;:@",
  };
  const std::vector<std::string> buckets = {"my-bucket", "my.dotted.bucket", "Legacy_Bucket"};
  const std::vector<std::string> regions = {"us-east-1", "eu-west-1", "cn-north-1",
                                            "us-gov-west-1"};
  const std::vector<std::string> endpoints = {"", "http://127.0.0.1:4566", "https://minio:9000"};
  std::vector<S3OracleCase> cases;
  for (size_t i = 0; i < keys.size() * buckets.size() * 2; ++i) {
    cases.push_back({regions[i % regions.size()], buckets[i % buckets.size()],
                     keys[i % keys.size()], endpoints[i % endpoints.size()],
                     i % 4 == 1 ? "FwoGZXIvYXdzEBYaD+/==" : "",
                     1500000000 + static_cast<int64_t>(i) * 987654});
  }
  std::vector<nlohmann::json> theirs = BotocoreGetObjects(cases);
  ASSERT_EQ(theirs.size(), cases.size());

  for (size_t i = 0; i < cases.size(); ++i) {
    const S3OracleCase& c = cases[i];
    SCOPED_TRACE("case " + std::to_string(i) + ": s3://" + c.bucket + "/" + c.key + " in " +
                 c.region + " via " + (c.endpoint_url.empty() ? "default" : c.endpoint_url) +
                 "\nbotocore: " + theirs[i].dump());
    ASSERT_FALSE(theirs[i].contains("error"));
    FakeEnvironment env;
    if (!c.endpoint_url.empty()) env.Set("AWS_ENDPOINT_URL_S3", c.endpoint_url);
    ConfiguredEndpointResolver resolver(env, *SharedConfig::FromText("", ""), "default");
    FakeHttp http;
    http.Enqueue(200, "ok");
    FakeClock clock(WallTime(std::chrono::seconds(c.epoch)));
    FixedCredentials creds(TestCredentials(c.token));
    AwsClientOptions options = TestAwsOptions(http, clock, creds, resolver, TestRetries::kStandard);
    options.region = c.region;
    AwsClient aws(std::move(options));
    auto body = S3Client(aws).GetObject(c.bucket, c.key);
    ASSERT_TRUE(body.ok()) << body.status().ToString();
    ASSERT_EQ(http.request_count(), 1u);

    const HttpRequest ours = http.requests()[0];
    EXPECT_EQ(ours.method, theirs[i]["method"]);
    EXPECT_EQ(ours.url, theirs[i]["url"]);
    const nlohmann::json& headers = theirs[i]["headers"];
    for (const char* name :
         {"authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"}) {
      const auto mine = FindHeader(ours.headers, name);
      if (headers.contains(name)) {
        EXPECT_EQ(mine.value_or("<missing>"), headers[name].get<std::string>()) << name;
      } else {
        EXPECT_FALSE(mine.has_value()) << name << ": " << *mine;
      }
    }
  }
}

}  // namespace
}  // namespace drf
