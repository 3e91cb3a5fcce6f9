// AwsClient end to end: CurlHttpClient, real signing and parsing, against the emulated
// region (moto behind the realism proxy, src/testing/emulator.h). One call per protocol, and
// one error per protocol.
#include <gtest/gtest.h>

#include <mutex>

#include "aws/aws_client.h"
#include "aws/query_params.h"
#include "posix/curl_http.h"
#include "posix/system_clock.h"
#include "testing/aws_test_options.h"
#include "testing/emulator.h"

namespace drf {
namespace {

class CountingObserver final : public ApiCallObserver {
 public:
  void OnAttempt(const ApiAttempt& attempt) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++attempts_;
    if (attempt.will_retry) ++retries_;
  }
  int retries() {
    std::lock_guard<std::mutex> lock(mu_);
    return retries_;
  }

 private:
  std::mutex mu_;
  int attempts_ = 0;  // guarded by mu_
  int retries_ = 0;   // guarded by mu_
};

class AwsClientIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { emulator_.Start(); }
  static void TearDownTestSuite() { emulator_.Stop(); }

  void SetUp() override {
    ASSERT_TRUE(emulator_.ready()) << emulator_.error();
    // Every service at the emulator; the signing region stays the real one.
    endpoints_ = std::make_unique<FixedEndpoint>(emulator_->endpoint());
    AwsClientOptions options =
        TestAwsOptions(http_, clock_, credentials_, *endpoints_, TestRetries::kStandard);
    options.region = emulator_->region();
    options.observer = &observer_;
    client_ = std::make_unique<AwsClient>(std::move(options));
  }

  void TearDown() override { EXPECT_EQ(observer_.retries(), 0); }

  static inline SuiteEmulator emulator_;
  CurlHttpClient http_;
  SystemClock clock_;
  FixedCredentials credentials_{TestCredentials("testing-token")};
  CountingObserver observer_;
  std::unique_ptr<FixedEndpoint> endpoints_;
  std::unique_ptr<AwsClient> client_;
};

TEST_F(AwsClientIntegrationTest, QueryStsGetCallerIdentity) {
  auto result = client_->CallQuery(services::kSts, "GetCallerIdentity", {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_STREQ(result->result.name(), "GetCallerIdentityResult");
  EXPECT_STREQ(result->result.child_value("Account"), "123456789012");
  EXPECT_NE(std::string(result->result.child_value("Arn")).find("arn:aws:"), std::string::npos);
  EXPECT_FALSE(result->request_id.empty());
  EXPECT_EQ(result->attempts, 1);
}

TEST_F(AwsClientIntegrationTest, JsonEcsCreateAndListClusters) {
  auto created = client_->CallJson(services::kEcs, "CreateCluster", {{"clusterName", "drf-it"}});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->body["cluster"]["clusterName"], "drf-it");

  auto listed = client_->CallJson(services::kEcs, "ListClusters", nlohmann::json::object());
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  bool found = false;
  for (const auto& arn : listed->body["clusterArns"]) {
    found = found || arn.get<std::string>().ends_with(":cluster/drf-it");
  }
  EXPECT_TRUE(found) << listed->body.dump();
}

TEST_F(AwsClientIntegrationTest, RestXmlRoute53CreateAndListHostedZones) {
  const std::string create =
      "<CreateHostedZoneRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
      "<Name>drf-it.example.</Name><CallerReference>drf-it-1</CallerReference>"
      "</CreateHostedZoneRequest>";
  auto created = client_->CallRestXml(services::kRoute53, "CreateHostedZone", "POST",
                                      "/2013-04-01/hostedzone", create);
  ASSERT_TRUE(created.ok()) << created.status().ToString();

  auto listed = client_->CallRestXml(services::kRoute53, "ListHostedZones", "GET",
                                     "/2013-04-01/hostedzone", "");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_STREQ(listed->result.name(), "ListHostedZonesResponse");
  bool found = false;
  for (auto zone : listed->result.child("HostedZones").children("HostedZone")) {
    found = found || std::string_view(zone.child_value("Name")) == "drf-it.example.";
  }
  EXPECT_TRUE(found);
}

TEST_F(AwsClientIntegrationTest, QueryErrorRdsMissingInstanceIsNotFound) {
  QueryParams params;
  AddParam(params, "DBInstanceIdentifier", "drf-no-such-db");
  auto result = client_->CallQuery(services::kRds, "DescribeDBInstances", params);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound) << result.status().ToString();
  ASSERT_NE(result.status().aws(), nullptr);
  EXPECT_EQ(result.status().aws()->code, "DBInstanceNotFound");
  EXPECT_EQ(result.status().aws()->http_status, 404);
  EXPECT_EQ(result.status().aws()->service, "RDS");
}

TEST_F(AwsClientIntegrationTest, Ec2ErrorMissingInstanceIsNotFound) {
  QueryParams params;
  AddEc2List(params, "InstanceId", {"i-0123456789abcdef0"});
  auto result = client_->CallQuery(services::kEc2, "DescribeInstances", params);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound) << result.status().ToString();
  EXPECT_EQ(result.status().aws()->code, "InvalidInstanceID.NotFound");
}

TEST_F(AwsClientIntegrationTest, JsonErrorEcsMissingCluster) {
  auto result = client_->CallJson(services::kEcs, "DescribeServices",
                                  {{"cluster", "drf-no-such-cluster"}, {"services", {"x"}}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound) << result.status().ToString();
  EXPECT_EQ(result.status().aws()->code, "ClusterNotFoundException");
  EXPECT_EQ(result.status().aws()->http_status, 400);
}

TEST_F(AwsClientIntegrationTest, RestXmlErrorMissingHostedZone) {
  auto result = client_->CallRestXml(services::kRoute53, "GetHostedZone", "GET",
                                     "/2013-04-01/hostedzone/ZNOSUCHZONE", "");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound) << result.status().ToString();
  EXPECT_EQ(result.status().aws()->code, "NoSuchHostedZone");
}

}  // namespace
}  // namespace drf
