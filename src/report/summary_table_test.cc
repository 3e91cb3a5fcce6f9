#include "report/summary_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drf {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

json RunReport() {
  return json::parse(R"({
    "schema": "drfailover.report/v1", "mode": "run", "status": "PARTIAL", "stopped": null,
    "duration_ms": 4321,
    "steps": [
      {"id": "promote-db:dr-app-db", "resource": "db dr-app-db", "status": "succeeded",
       "before": {"replica_source": "app", "status": "available"},
       "after": {"replica_source": null, "status": "available"},
       "timings": {"start_offset_ms": 100, "acting_ms": 400, "waiting_ms": 3500},
       "error": null},
      {"id": "scale-asg:dr-jenkins", "resource": "asg dr-jenkins", "status": "unchanged",
       "before": {"desired": 1}, "after": {"desired": 1},
       "timings": {"start_offset_ms": 0, "acting_ms": 250, "waiting_ms": 0}, "error": null},
      {"id": "register-targets:tg-app", "resource": "tg tg-app", "status": "failed",
       "before": {}, "after": {},
       "timings": {"start_offset_ms": 4000, "acting_ms": 200, "waiting_ms": 0},
       "error": {"status_code": "Retryable", "message": "Rate\nexceeded",
                 "aws": {"code": "Throttling"}}},
      {"id": "scale-ecs:dr/frontend", "resource": "ecs dr/frontend", "status": "not_run",
       "before": {}, "after": {},
       "timings": {"start_offset_ms": null, "acting_ms": 0, "waiting_ms": 0}, "error": null}
    ],
    "critical_path": ["promote-db:dr-app-db", "register-targets:tg-app"],
    "critical_path_ms": 4100,
    "api_calls": {"operations": {},
                  "totals": {"calls": 37, "attempts": 40, "retries": 3, "mutating": 12}}
  })");
}

TEST(SummaryTableTest, RunTableAndStatusLine) {
  EXPECT_EQ(
      RenderSummary(RunReport(), false),
      "STEP                     RESOURCE         STATUS     BEFORE → AFTER                "
      "ACT   WAIT  ERROR\n"
      "promote-db:dr-app-db     db dr-app-db     succeeded  replica_source: app → null  "
      "0.4 s  3.5 s\n"
      "scale-asg:dr-jenkins     asg dr-jenkins   unchanged                              "
      "0.2 s  0.0 s\n"
      "register-targets:tg-app  tg tg-app        failed                                 "
      "0.2 s  0.0 s  Throttling: Rate exceeded\n"
      "scale-ecs:dr/frontend    ecs dr/frontend  not_run                                "
      "    -      -\n"
      "\n"
      "Failover PARTIAL in 4.3 s (critical path: promote-db:dr-app-db → register-targets:tg-app "
      "4.1 s); 4 steps: 1 succeeded, 1 unchanged, 1 failed, 1 not run; 37 API calls, 12 "
      "mutating, 3 retries\n");
}

TEST(SummaryTableTest, StatusLineNamesFailbacksAndDrills) {
  json report = RunReport();
  report["action"] = "failback";
  EXPECT_THAT(RenderSummary(report, false), HasSubstr("\nFailback PARTIAL in 4.3 s"));
  report["drill"] = true;
  EXPECT_THAT(RenderSummary(report, false), HasSubstr("\nDrill failback PARTIAL in 4.3 s"));
  report["action"] = "failover";
  EXPECT_THAT(RenderSummary(report, false), HasSubstr("\nDrill failover PARTIAL in 4.3 s"));
}

TEST(SummaryTableTest, StatusLineSaysWhetherTheRecoveryTimeObjectiveWasMet) {
  json report = RunReport();
  report["recovery"] = {{"rto_ms", 600000}, {"recovery_ms", 4200}, {"met", true}};
  EXPECT_THAT(RenderSummary(report, false),
              HasSubstr("3 retries; recovered in 4.2 s, within the RTO of 600.0 s\n"));
  report["recovery"] = {{"rto_ms", 3000}, {"recovery_ms", 4200}, {"met", false}};
  EXPECT_THAT(RenderSummary(report, false),
              HasSubstr("; recovered in 4.2 s, over the RTO of 3.0 s\n"));
  report["recovery"] = {{"rto_ms", 3000}, {"recovery_ms", nullptr}, {"met", false}};
  EXPECT_THAT(RenderSummary(report, false),
              HasSubstr("; not recovered: the RTO of 3.0 s not met\n"));
  report["recovery"] = {{"rto_ms", nullptr}, {"recovery_ms", 4200}, {"met", nullptr}};
  EXPECT_THAT(RenderSummary(report, false), Not(HasSubstr("RTO")));
}

TEST(SummaryTableTest, SuccessfulRunLeavesOutZeroCountsAndNamesStop) {
  json report = RunReport();
  report["status"] = "SUCCEEDED";
  report["steps"] = json::array({report["steps"][0]});
  report["critical_path"] = {"promote-db:dr-app-db"};
  report["critical_path_ms"] = 3900;
  report["duration_ms"] = 4200;
  report["api_calls"]["totals"]["retries"] = 0;
  std::string text = RenderSummary(report, false);
  EXPECT_THAT(text, HasSubstr("\nFailover SUCCEEDED in 4.2 s (critical path: "
                              "promote-db:dr-app-db 3.9 s); 1 step: 1 succeeded; 37 API calls, "
                              "12 mutating\n"));

  report["status"] = "PARTIAL";
  report["stopped"] = "deadline";
  EXPECT_THAT(RenderSummary(report, false),
              HasSubstr("Failover PARTIAL (stopped: deadline) in 4.2 s"));
}

TEST(SummaryTableTest, PlanListsChangesAndSaysNothingChanged) {
  json report = json::parse(R"({
    "mode": "plan", "status": "SUCCEEDED", "stopped": null,
    "steps": [
      {"id": "scale-asg:dr-jenkins", "resource": "asg dr-jenkins", "status": "succeeded",
       "changes": ["min 0 → 1", "desired 0 → 1"],
       "before": {"desired": 0, "min": 0}, "after": {"desired": 1, "min": 1}, "error": null},
      {"id": "scale-asg:dr-mon", "resource": "asg dr-mon", "status": "unchanged",
       "changes": [], "before": {}, "after": {}, "error": null}
    ],
    "api_calls": {"totals": {"calls": 4, "mutating": 0}}
  })");
  EXPECT_EQ(RenderSummary(report, false),
            "STEP                  RESOURCE        PLAN       BEFORE → WANTED             ERROR\n"
            "scale-asg:dr-jenkins  asg dr-jenkins  change     desired: 0 → 1, min: 0 → 1\n"
            "    + min 0 → 1\n"
            "    + desired 0 → 1\n"
            "scale-asg:dr-mon      asg dr-mon      unchanged\n"
            "\n"
            "Plan: 1 change, 1 unchanged; no changes were made\n");
}

TEST(SummaryTableTest, KeysObservedOnlyAfterAreShownAsValuesNotChangesFromNull) {
  json report = json::parse(R"({
    "mode": "run", "status": "SUCCEEDED", "stopped": null,
    "steps": [
      {"id": "scale-asg:dr-jenkins", "resource": "asg dr-jenkins", "status": "succeeded",
       "before": {"desired": 0}, "after": {"desired": 1, "in_service": 1}, "error": null},
      {"id": "scale-ecs:dr/kafka", "resource": "ecs dr/kafka", "status": "unchanged",
       "before": {"desired_count": 1}, "after": {"desired_count": 1, "running_count": 1},
       "error": null}
    ],
    "api_calls": {"totals": {"calls": 4, "mutating": 1}}
  })");
  std::string text = RenderSummary(report, false);
  EXPECT_THAT(text, HasSubstr("desired: 0 → 1, in_service: 1"));
  EXPECT_THAT(text, HasSubstr("running_count: 1"));
  EXPECT_THAT(text, Not(HasSubstr("null")));
}

TEST(SummaryTableTest, PlanThatMutatedSaysSo) {
  json report = {
      {"mode", "plan"}, {"steps", json::array()}, {"api_calls", {{"totals", {{"mutating", 2}}}}}};
  std::string text = RenderSummary(report, false);
  EXPECT_THAT(text, HasSubstr("Plan: 0 changes; WARNING: 2 mutating API calls made\n"));
  EXPECT_THAT(text, Not(HasSubstr("no changes were made")));
}

TEST(SummaryTableTest, LongCellsAreCutWithEllipsis) {
  json report = RunReport();
  report["steps"] = json::array({report["steps"][2]});
  report["steps"][0]["error"]["message"] = std::string(200, 'x');
  std::string text = RenderSummary(report, false);
  EXPECT_THAT(text, HasSubstr("Throttling: " + std::string(80 - 13, 'x') + "…\n"));
}

TEST(SummaryTableTest, ColorOnlyWhenAsked) {
  std::string plain = RenderSummary(RunReport(), false);
  std::string colored = RenderSummary(RunReport(), true);
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  EXPECT_THAT(colored, HasSubstr("\x1b[32msucceeded\x1b[0m"));
  EXPECT_THAT(colored, HasSubstr("\x1b[31mfailed   \x1b[0m"));  // padded inside the color
  EXPECT_THAT(colored, HasSubstr("Failover \x1b[33mPARTIAL\x1b[0m in"));
  EXPECT_THAT(colored, HasSubstr("\x1b[1mSTEP"));
}

TEST(SummaryTableTest, MalformedReportRendersWithoutThrowing) {
  std::string text;
  ASSERT_NO_THROW(
      text = RenderSummary(json::parse(R"({"steps": [{"id": 5}, 3], "status": 1})"), false));
  EXPECT_THAT(text, HasSubstr("Failover  in 0.0 s; 2 steps; 0 API calls, 0 mutating\n"));
  ASSERT_NO_THROW(RenderSummary(json(nullptr), false));
}

}  // namespace
}  // namespace drf
