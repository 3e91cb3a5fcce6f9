// S3Client against the emulator's S3 (moto behind the realism proxy, src/testing/
// emulator.h) over real HTTP (CurlHttpClient): objects put with boto3 come back byte for
// byte, keys with spaces, UTF-8 and reserved characters included, and moto's errors map to
// our codes. The endpoint is a configured override, so requests are path style.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "posix/curl_http.h"
#include "services/s3_client.h"
#include "services/services_test_util.h"
#include "testing/emulator.h"
#include "testing/s3_objects.h"

namespace drf {
namespace {

using services_testing::AwsHarness;

constexpr char kBucket[] = "drf-plans";

const std::map<std::string, std::string>& Objects() {
  static const auto* objects = new std::map<std::string, std::string>{
      {"plan.yaml", "version: 1\nsteps:\n  - scale_asg: { name: dr-jenkins }\n"},
      {"dr/plans/with space.yaml", "version: 1 # with a space\n"},
      {"caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80.yaml",
       "name: \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xc3\xa9t\xc3\xa9\n"},
      {"odd/a+b=c&d%41~!'()*,;:@$.yaml", "reserved characters\n"},
      {"empty.yaml", ""},
  };
  return *objects;
}

class S3IntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    emulator_.Start({}, [](EmulatorProcess& emulator) {
      return PutS3Objects(emulator.moto_endpoint(), emulator.region(), kBucket, Objects(),
                          ::testing::TempDir());
    });
  }
  static void TearDownTestSuite() { emulator_.Stop(); }

  void SetUp() override {
    ASSERT_TRUE(emulator_.ready()) << emulator_.error();
    harness_ = std::make_unique<AwsHarness>(&curl_, emulator_->endpoint());
  }

  static inline SuiteEmulator emulator_;
  CurlHttpClient curl_;
  std::unique_ptr<AwsHarness> harness_;
};

TEST_F(S3IntegrationTest, GetsEveryObjectByteForByte) {
  S3Client s3(harness_->aws);
  for (const auto& [key, content] : Objects()) {
    auto body = s3.GetObject(kBucket, key);
    ASSERT_TRUE(body.ok()) << key << ": " << body.status().ToString();
    EXPECT_EQ(*body, content) << key;
  }
}

TEST_F(S3IntegrationTest, MissingKeyIsNotFoundNoSuchKey) {
  auto body = S3Client(harness_->aws).GetObject(kBucket, "no/such key.yaml");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.status().code(), StatusCode::kNotFound) << body.status().ToString();
  ASSERT_NE(body.status().aws(), nullptr);
  EXPECT_EQ(body.status().aws()->code, "NoSuchKey");
  EXPECT_EQ(body.status().aws()->http_status, 404);
  EXPECT_FALSE(body.status().aws()->request_id.empty()) << body.status().ToString();
}

TEST_F(S3IntegrationTest, MissingBucketIsNotFoundNoSuchBucket) {
  auto body = S3Client(harness_->aws).GetObject("drf-no-such-bucket", "plan.yaml");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.status().code(), StatusCode::kNotFound) << body.status().ToString();
  ASSERT_NE(body.status().aws(), nullptr);
  EXPECT_EQ(body.status().aws()->code, "NoSuchBucket");
}

TEST_F(S3IntegrationTest, KeyThatDiffersOnlyInEncodingIsAnotherKey) {
  // "%41" in a key is three characters, not "A": sent as %2541, it must not find "A".
  auto body = S3Client(harness_->aws).GetObject(kBucket, "odd/a+b=c&dA~!'()*,;:@$.yaml");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.status().code(), StatusCode::kNotFound) << body.status().ToString();
}

}  // namespace
}  // namespace drf
