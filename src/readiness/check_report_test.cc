#include "readiness/check_report.h"

#include <gtest/gtest.h>

namespace drf {
namespace {

std::vector<StepReadiness> Steps() {
  StepReadiness db{"promote-db:dr-app-db", "promote_db", {}, {}};
  db.findings = {
      {"replica", "dr-app-db", Verdict::kReady, "dr-app-db is an available read replica", {}},
      {"replica_lag", "dr-app-db", Verdict::kWarning, "replica lag of dr-app-db unknown", {}}};
  StepReadiness asg{"scale-asg:dr-jenkins", "scale_asg", {}, {}};
  asg.findings = {{"asg",
                   "dr-jenkins",
                   Verdict::kNotReady,
                   "Auto Scaling group dr-jenkins does not exist",
                   {}}};
  StepReadiness ecs{"scale-ecs:dr/web", "scale_ecs", {}, {}};
  ecs.findings = {{"service", "web", Verdict::kReady, "ECS service web is ACTIVE", {}}};
  return {db, asg, ecs};
}

CheckContext Context() {
  CheckContext context;
  context.region = "us-east-1";
  context.plan_source = "environment";
  context.change_set = {{"would_change", 3}, {"unchanged", 0}, {"failed", 0}};
  context.permissions.verified = true;
  context.permissions.principal = "arn:aws:iam::123456789012:role/dr";
  context.permissions.actions_checked = 9;
  return context;
}

TEST(CheckReportTest, TheVerdictIsTheWorstFindingsAndEachStepKeepsItsOwn) {
  nlohmann::json check = BuildCheckReport(Steps(), {}, Context());
  EXPECT_EQ(check["schema"], "drfailover.check/v1");
  EXPECT_EQ(check["verdict"], "not_ready");
  EXPECT_EQ(check["step_counts"],
            nlohmann::json::parse(R"({"ready": 1, "warning": 1, "not_ready": 1})"));
  EXPECT_EQ(check["steps"][0]["verdict"], "warning");
  EXPECT_EQ(check["steps"][0]["findings"][1]["check"], "replica_lag");

  std::vector<StepReadiness> ready = Steps();
  ready.erase(ready.begin(), ready.begin() + 2);
  EXPECT_EQ(BuildCheckReport(ready, {}, Context())["verdict"], "ready");
  CheckContext warned = Context();
  warned.general.push_back({"lease", "lock_table", Verdict::kWarning, "no lease table", {}});
  EXPECT_EQ(BuildCheckReport(ready, {}, warned)["verdict"], "warning");
}

TEST(CheckReportTest, TheTableShowsEachStepThenEveryProblemInFull) {
  CheckContext context = Context();
  context.general.push_back({"lease", "lock_table", Verdict::kWarning, "no lease table", {}});
  const std::string text = RenderCheck(BuildCheckReport(Steps(), {}, context), false);
  EXPECT_NE(text.find("STEP"), std::string::npos);
  EXPECT_NE(
      text.find("scale-asg:dr-jenkins               scale_asg         not ready  Auto Scaling "
                "group dr-jenkins does not exist"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("scale-ecs:dr/web                   scale_ecs         ready      1 checks "
                      "passed"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Not ready:\n  scale-asg:dr-jenkins: Auto Scaling group dr-jenkins does "
                      "not exist\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Warnings:\n  (lease): no lease table\n  promote-db:dr-app-db: replica "
                      "lag of dr-app-db unknown\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Check not ready: 1 steps ready, 1 with warnings, 1 not ready; a run would "
                      "change 3 steps (0 already done); permissions of "
                      "arn:aws:iam::123456789012:role/dr verified (9 actions); 0 API calls, 0 "
                      "mutating"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("\x1b["), std::string::npos);  // no colour unless asked
}

}  // namespace
}  // namespace drf
