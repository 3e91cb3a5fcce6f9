// A plan read from S3, end to end: RunFailover in plan mode against the emulated DR region
// (moto behind the realism proxy, seeded with the reference pilot-light deployment), with
// DRF_PLAN_FILE=s3://bucket/key naming an object put there with boto3, real HTTP and the
// real clock. The report must show the plan's steps, previewed, and the S3 read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "app/failover.h"
#include "posix/curl_http.h"
#include "posix/system_clock.h"
#include "testing/emulator.h"
#include "testing/fake_environment.h"
#include "testing/log_capture.h"
#include "testing/s3_objects.h"

namespace drf {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr char kPlanBucket[] = "drf-dr-plans";
constexpr char kPlanKey[] = "failover/plan \xc3\xa9t\xc3\xa9.yaml";  // a space and UTF-8
constexpr char kS3Plan[] = R"(version: 1
ordering: sequential
steps:
  - promote_db: { db_instance_identifier: dr-app-db }
  - scale_asg: { name: dr-jenkins, min: 1, max: 2, desired: 1 }
  - scale_asg: { name: dr-monitoring }
)";

class S3PlanIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    EmulatorOptions options;
    options.seed_reference = true;
    emulator_.Start(options, [](EmulatorProcess& emulator) {
      return PutS3Objects(emulator.moto_endpoint(), emulator.region(), kPlanBucket,
                          {{kPlanKey, kS3Plan}}, ::testing::TempDir());
    });
  }
  static void TearDownTestSuite() { emulator_.Stop(); }

  void SetUp() override {
    ASSERT_TRUE(emulator_.ready()) << emulator_.error();
    env_.Set("AWS_ENDPOINT_URL", emulator_->endpoint());
    env_.Set("AWS_REGION", emulator_->region());
    env_.Set("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    env_.Set("AWS_SECRET_ACCESS_KEY", "dummy-secret-for-the-emulator");
    env_.Set("AWS_EC2_METADATA_DISABLED", "true");
  }

  FailoverOutcome Plan() {
    CancelToken cancel;
    FailoverRequest request;
    request.mode = FailoverMode::kPlan;
    request.deadline = std::chrono::seconds(60);
    return RunFailover(request, {env_, http_, clock_, nullptr}, log_.logger(), cancel);
  }

  static inline SuiteEmulator emulator_;
  FakeEnvironment env_;
  SystemClock clock_;
  LogCapture log_{clock_};
  CurlHttpClient http_;
};

TEST_F(S3PlanIntegrationTest, PlanModeReadsThePlanFromS3AndReportsIt) {
  const std::string uri = std::string("s3://") + kPlanBucket + "/" + kPlanKey;
  env_.Set("DRF_PLAN_FILE", uri);
  FailoverOutcome outcome = Plan();
  ASSERT_FALSE(outcome.report.is_null()) << outcome.error.ToString() << "\n" << log_.Text();
  EXPECT_EQ(outcome.exit_code, ExitCode::kSucceeded) << outcome.report.dump(2);
  const json& report = outcome.report;
  EXPECT_EQ(report.at("mode"), "plan");
  EXPECT_EQ(report.at("plan_source"), uri);
  std::vector<std::string> ids;
  for (const json& step : report.at("steps")) ids.push_back(step.at("id").get<std::string>());
  EXPECT_EQ(ids, (std::vector<std::string>{"promote-db:dr-app-db", "scale-asg:dr-jenkins",
                                           "scale-asg:dr-monitoring"}))
      << report.dump(2);
  // The plan was read with one GetObject, counted like every other call; plan mode made
  // no mutating call.
  const json& operations = report.at("api_calls").at("operations");
  ASSERT_TRUE(operations.contains("S3.GetObject")) << operations.dump(2);
  EXPECT_EQ(operations.at("S3.GetObject").at("calls"), 1);
  EXPECT_EQ(operations.at("S3.GetObject").at("mutating"), false);
  EXPECT_EQ(report.at("api_calls").at("totals").at("mutating"), 0);
}

TEST_F(S3PlanIntegrationTest, MissingPlanObjectIsInvalidConfigNamingTheUri) {
  const std::string uri = std::string("s3://") + kPlanBucket + "/no/such/plan.yaml";
  env_.Set("DRF_PLAN_FILE", uri);
  FailoverOutcome outcome = Plan();
  EXPECT_TRUE(outcome.report.is_null());
  EXPECT_EQ(outcome.exit_code, ExitCode::kInvalidConfig);
  EXPECT_THAT(outcome.error.message(), HasSubstr("DRF_PLAN_FILE " + uri));
  ASSERT_NE(outcome.error.aws(), nullptr) << outcome.error.ToString();
  EXPECT_EQ(outcome.error.aws()->code, "NoSuchKey");
}

}  // namespace
}  // namespace drf
