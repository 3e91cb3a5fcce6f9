#include "app/lambda_response.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drf {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json ReportStep(const std::string& id, const std::string& status, const std::string& error) {
  return {{"id", id},
          {"status", status},
          {"summary", ""},
          {"error", error.empty() ? json(nullptr) : json({{"message", error}})}};
}

FailoverOutcome Ran(RunStatus status, std::vector<std::string> open, json steps = json::array()) {
  FailoverOutcome outcome;
  outcome.run_status = status;
  outcome.open_steps = std::move(open);
  outcome.report = {{"schema", "drfailover.report/v1"}, {"steps", std::move(steps)}};
  return outcome;
}

TEST(LambdaResponseTest, SucceededKeepsTheOriginalsShape) {
  json response = ShapeResponse(Ran(RunStatus::kSucceeded, {}), false);
  EXPECT_EQ(response.at("statusCode"), 200);
  EXPECT_EQ(response.at("body"), "\"DR failover completed successfully\"");
  EXPECT_EQ(response.at("status"), "SUCCEEDED");
  EXPECT_EQ(response.at("open_steps"), json::array());
  EXPECT_EQ(response.at("report").at("schema"), "drfailover.report/v1");
}

TEST(LambdaResponseTest, DryRunSaysNothingChanged) {
  json response = ShapeResponse(Ran(RunStatus::kSucceeded, {}), true);
  EXPECT_EQ(response.at("statusCode"), 200);
  EXPECT_EQ(response.at("body"), "\"DR failover plan computed (no changes made)\"");
}

TEST(LambdaResponseTest, AFailbackSaysFailback) {
  FailoverOutcome done = Ran(RunStatus::kSucceeded, {});
  done.report["action"] = "failback";
  EXPECT_EQ(ShapeResponse(done, false).at("body"), "\"DR failback completed successfully\"");
  FailoverOutcome failed = Ran(RunStatus::kFailed, {"scale-asg:a"},
                               json::array({ReportStep("scale-asg:a", "failed", "denied")}));
  failed.report["action"] = "failback";
  EXPECT_THAT(ShapeResponse(failed, false).at("body").get<std::string>(),
              HasSubstr("Error during DR failback: "));
}

TEST(LambdaResponseTest, StoppedAtTheInvocationDeadlineIsInProgress) {
  FailoverOutcome outcome = Ran(RunStatus::kPartial, {"promote-db:dr-app-db"});
  outcome.stopped_at_stop_at = true;
  json response = ShapeResponse(outcome, false);
  EXPECT_EQ(response.at("statusCode"), 202);
  EXPECT_EQ(response.at("body"), "\"DR failover in progress: invoke again to continue\"");
  EXPECT_EQ(response.at("status"), "IN_PROGRESS");
  EXPECT_EQ(response.at("open_steps"), json::array({"promote-db:dr-app-db"}));
}

TEST(LambdaResponseTest, InProgressSaysWhatEachOpenStepWasWaitingFor) {
  json waiting = ReportStep("scale-ecs:dr/kafka", "failed", "cancelled while waiting");
  waiting["wait"] = {{"for", "ECS service dr/kafka"},
                     {"seen", "1 of 3 tasks running"},
                     {"seconds", 42.0},
                     {"outcome", "cancelled"}};
  json acting = ReportStep("promote-db:dr-app-db", "not_run", "");
  acting["wait"] = nullptr;
  FailoverOutcome outcome = Ran(RunStatus::kPartial, {"promote-db:dr-app-db", "scale-ecs:dr/kafka"},
                                json::array({acting, waiting}));
  outcome.stopped_at_stop_at = true;
  json response = ShapeResponse(outcome, false);
  ASSERT_EQ(response.at("status"), "IN_PROGRESS");
  ASSERT_EQ(response.at("waits").size(), 1u);
  EXPECT_EQ(response.at("waits")[0].at("step"), "scale-ecs:dr/kafka");
  EXPECT_EQ(response.at("waits")[0].at("for"), "ECS service dr/kafka");
  EXPECT_EQ(response.at("waits")[0].at("seen"), "1 of 3 tasks running");
}

TEST(LambdaResponseTest, StoppedWithNothingOpenIsSucceeded) {
  FailoverOutcome outcome = Ran(RunStatus::kSucceeded, {});
  outcome.stopped_at_stop_at = true;
  EXPECT_EQ(ShapeResponse(outcome, false).at("status"), "SUCCEEDED");
}

TEST(LambdaResponseTest, PartialNamesTheOpenStepsAndErrors) {
  json steps = json::array({ReportStep("scale-asg:dr-jenkins", "succeeded", ""),
                            ReportStep("promote-db:dr-app-db", "failed", "InvalidDBInstanceState"),
                            ReportStep("register-targets:tg", "not_run", "")});
  steps[2]["summary"] = "dependency promote-db:dr-app-db failed";
  json response = ShapeResponse(
      Ran(RunStatus::kPartial, {"promote-db:dr-app-db", "register-targets:tg"}, steps), false);
  EXPECT_EQ(response.at("statusCode"), 500);
  EXPECT_EQ(response.at("status"), "PARTIAL");
  std::string body = json::parse(response.at("body").get<std::string>());
  EXPECT_EQ(body,
            "Error during DR failover: promote-db:dr-app-db failed: InvalidDBInstanceState; "
            "register-targets:tg not_run: dependency promote-db:dr-app-db failed");
}

TEST(LambdaResponseTest, LongListsOfOpenStepsAreCut) {
  std::vector<std::string> open = {"a", "b", "c", "d", "e"};
  json steps = json::array();
  for (const auto& id : open) steps.push_back(ReportStep(id, "failed", "x"));
  std::string message = FailureMessage(Ran(RunStatus::kFailed, open, steps));
  EXPECT_EQ(message, "a failed: x; b failed: x; c failed: x; and 2 more");
}

TEST(LambdaResponseTest, RunThatNeverStartedIsFailedWithTheReason) {
  FailoverOutcome outcome;
  outcome.exit_code = ExitCode::kFailed;
  outcome.error = Status::Transport("connect to rds.us-east-1.amazonaws.com failed");
  json response = ShapeResponse(outcome, false);
  EXPECT_EQ(response.at("statusCode"), 500);
  EXPECT_EQ(response.at("status"), "FAILED");
  EXPECT_TRUE(response.at("report").is_null());
  EXPECT_EQ(response.at("body"),
            "\"Error during DR failover: connect to rds.us-east-1.amazonaws.com failed\"");
}

TEST(LambdaResponseTest, ARunRefusedByTheLeaseIsRefused409NamingTheHolder) {
  FailoverOutcome outcome;
  outcome.exit_code = ExitCode::kRefused;
  outcome.refused = true;
  outcome.error = Status::FailedPrecondition(
      "another failover holds the lease: lambda:abc, started 2026-12-06T18:00:00Z, expires "
      "2026-12-06T18:01:00Z (table dr-dr-failover-lock)");
  json response = ShapeResponse(outcome, false);
  EXPECT_EQ(response.at("statusCode"), 409);
  EXPECT_EQ(response.at("status"), "REFUSED");
  EXPECT_TRUE(response.at("report").is_null());
  EXPECT_THAT(response.at("body").get<std::string>(), HasSubstr("holds the lease: lambda:abc"));
}

TEST(LambdaResponseTest, OversizedResponsesLeaveTheReportOut) {
  json response = ShapeResponse(Ran(RunStatus::kSucceeded, {}), false);
  response["report"]["padding"] = std::string(1000, 'x');
  json small = json::parse(SerializeResponse(response, 500));
  EXPECT_TRUE(small.at("report").is_null());
  EXPECT_THAT(small.at("report_omitted").get<std::string>(), HasSubstr("500 bytes"));
  EXPECT_EQ(small.at("statusCode"), 200);
  json full = json::parse(SerializeResponse(response, 1 << 20));
  EXPECT_FALSE(full.at("report").is_null());
  EXPECT_FALSE(full.contains("report_omitted"));
}

}  // namespace
}  // namespace drf
