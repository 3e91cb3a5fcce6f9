#include "report/report.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

namespace drf {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

const WallTime kStart = std::chrono::sys_days(std::chrono::year(2026) / 11 / 25) +
                        std::chrono::hours(21) + std::chrono::minutes(40);

StepRecord Started(std::string id, StepKind kind, std::string resource, int start_ms, int end_ms) {
  StepRecord step;
  step.id = std::move(id);
  step.kind = kind;
  step.resource = std::move(resource);
  step.started = true;
  step.start_offset = milliseconds(start_ms);
  step.end_offset = milliseconds(end_ms);
  step.started_at = kStart + step.start_offset;
  step.finished_at = kStart + step.end_offset;
  return step;
}

Status ThrottledRegisterTargets() {
  AwsErrorInfo info;
  info.service = "Elastic Load Balancing v2";
  info.operation = "RegisterTargets";
  info.http_status = 400;
  info.code = "Throttling";
  info.message = "Rate exceeded";
  info.request_id = "req-reg-1";
  return Status::FromAws(StatusCode::kRetryable, info);
}

// A run of four steps: the DB promotion and the ASG scaling run in parallel, target
// registration waits for both and fails, and the ECS step is never reached.
RunRecord SampleRun() {
  RunRecord run;
  run.started = kStart;
  run.finished = kStart + milliseconds(4321);
  run.status = RunStatus::kPartial;

  StepRecord db = Started("promote-db:dr-app-db", StepKind::kPromoteDb, "db dr-app-db", 100, 4000);
  db.result.state = StepState::kSucceeded;
  db.result.summary = "promoted dr-app-db";
  db.result.changes = {"promote read replica dr-app-db"};
  db.result.before = {{"replica_source", "arn:aws:rds:eu-west-1:1:db:app"}};
  db.result.after = {{"replica_source", nullptr}};
  db.result.calls = {
      {"RDS.PromoteReadReplica", "dr-app-db", "req-promote-1", kStart + milliseconds(150)}};
  db.result.acting = milliseconds(400);
  db.result.waiting = std::chrono::microseconds(3499600);  // rounds to 3500 ms

  StepRecord asg = Started("scale-asg:dr-jenkins", StepKind::kScaleAsg, "asg dr-jenkins", 0, 250);
  asg.result.state = StepState::kUnchanged;
  asg.result.summary = "dr-jenkins already at 1/3/1";
  asg.result.acting = milliseconds(250);

  StepRecord targets =
      Started("register-targets:tg-app", StepKind::kRegisterTargets, "tg tg-app", 4000, 4200);
  targets.after = {"promote-db:dr-app-db", "scale-asg:dr-jenkins"};
  targets.result.state = StepState::kFailed;
  targets.result.summary = "registering 1 target failed";
  targets.result.acting = milliseconds(200);
  targets.result.error = ThrottledRegisterTargets();

  StepRecord ecs;
  ecs.id = "scale-ecs:dr/frontend";
  ecs.kind = StepKind::kScaleEcs;
  ecs.resource = "ecs dr/frontend";
  ecs.after = {"register-targets:tg-app"};
  ecs.result.state = StepState::kNotRun;
  ecs.result.summary = "dependency register-targets:tg-app failed";

  run.steps = {db, asg, targets, ecs};
  return run;
}

ApiCallCounter::Snapshot SampleCalls() {
  ApiCallCounter counter;
  counter.Record("RDS", "DescribeDBInstances", 200, "", false, milliseconds(30));
  counter.Record("RDS", "PromoteReadReplica", 200, "", false, milliseconds(70));
  counter.Record("Elastic Load Balancing v2", "RegisterTargets", 400, "Throttling", true,
                 milliseconds(10));
  counter.Record("Elastic Load Balancing v2", "RegisterTargets", 400, "Throttling", false,
                 milliseconds(10));
  return counter.TakeSnapshot();
}

ReportContext RunContext() {
  ReportContext context;
  context.mode = ReportMode::kRun;
  context.tool_version = "0.1.0";
  context.region = "us-east-1";
  context.plan_source = "environment";
  context.account_id = "123456789012";
  return context;
}

TEST(ReportTest, FullShapeOfAPartialRun) {
  json expected = json::parse(R"({
    "schema": "drfailover.report/v1",
    "mode": "run",
    "action": "failover",
    "drill": false,
    "identity": null,
    "tool_version": "0.1.0",
    "region": "us-east-1",
    "account_id": "123456789012",
    "plan_source": "environment",
    "status": "PARTIAL",
    "error": null,
    "stopped": null,
    "forced": false,
    "lease": null,
    "notifications": null,
    "started_at": "2026-11-25T21:40:00.000Z",
    "finished_at": "2026-11-25T21:40:04.321Z",
    "duration_ms": 4321,
    "step_counts": {"succeeded": 1, "unchanged": 1, "failed": 1, "timed_out": 0, "not_run": 1},
    "steps": [
      {
        "id": "promote-db:dr-app-db",
        "kind": "promote_db",
        "resource": "db dr-app-db",
        "status": "succeeded",
        "summary": "promoted dr-app-db",
        "changes": ["promote read replica dr-app-db"],
        "depends_on": [],
        "before": {"replica_source": "arn:aws:rds:eu-west-1:1:db:app"},
        "after": {"replica_source": null},
        "mutating_calls": [{"operation": "RDS.PromoteReadReplica", "resource": "dr-app-db",
                            "request_id": "req-promote-1", "at": "2026-11-25T21:40:00.150Z"}],
        "timings": {"started_at": "2026-11-25T21:40:00.100Z",
                    "finished_at": "2026-11-25T21:40:04.000Z",
                    "start_offset_ms": 100, "end_offset_ms": 4000,
                    "acting_ms": 400, "waiting_ms": 3500},
        "error": null
      },
      {
        "id": "scale-asg:dr-jenkins",
        "kind": "scale_asg",
        "resource": "asg dr-jenkins",
        "status": "unchanged",
        "summary": "dr-jenkins already at 1/3/1",
        "changes": [],
        "depends_on": [],
        "before": {},
        "after": {},
        "mutating_calls": [],
        "timings": {"started_at": "2026-11-25T21:40:00.000Z",
                    "finished_at": "2026-11-25T21:40:00.250Z",
                    "start_offset_ms": 0, "end_offset_ms": 250,
                    "acting_ms": 250, "waiting_ms": 0},
        "error": null
      },
      {
        "id": "register-targets:tg-app",
        "kind": "register_targets",
        "resource": "tg tg-app",
        "status": "failed",
        "summary": "registering 1 target failed",
        "changes": [],
        "depends_on": ["promote-db:dr-app-db", "scale-asg:dr-jenkins"],
        "before": {},
        "after": {},
        "mutating_calls": [],
        "timings": {"started_at": "2026-11-25T21:40:04.000Z",
                    "finished_at": "2026-11-25T21:40:04.200Z",
                    "start_offset_ms": 4000, "end_offset_ms": 4200,
                    "acting_ms": 200, "waiting_ms": 0},
        "error": {"status_code": "Retryable", "message": "set below",
                  "aws": {"code": "Throttling", "http_status": 400, "request_id": "req-reg-1",
                          "operation": "Elastic Load Balancing v2.RegisterTargets"}}
      },
      {
        "id": "scale-ecs:dr/frontend",
        "kind": "scale_ecs",
        "resource": "ecs dr/frontend",
        "status": "not_run",
        "summary": "dependency register-targets:tg-app failed",
        "changes": [],
        "depends_on": ["register-targets:tg-app"],
        "before": {},
        "after": {},
        "mutating_calls": [],
        "timings": {"started_at": null, "finished_at": null,
                    "start_offset_ms": null, "end_offset_ms": null,
                    "acting_ms": 0, "waiting_ms": 0},
        "error": null
      }
    ],
    "critical_path": ["promote-db:dr-app-db", "register-targets:tg-app"],
    "critical_path_ms": 4100,
    "recovery": {"rto_ms": null, "recovery_ms": null, "met": null},
    "api_calls": {
      "operations": {
        "Elastic Load Balancing v2.RegisterTargets": {
          "calls": 1, "attempts": 2, "retries": 1, "errors": {"Throttling": 2},
          "mutating": true, "latency_ms": 20},
        "RDS.DescribeDBInstances": {
          "calls": 1, "attempts": 1, "retries": 0, "errors": {},
          "mutating": false, "latency_ms": 30},
        "RDS.PromoteReadReplica": {
          "calls": 1, "attempts": 1, "retries": 0, "errors": {},
          "mutating": true, "latency_ms": 70}
      },
      "totals": {"calls": 3, "attempts": 4, "retries": 1, "mutating": 2},
      "shared_reads": {"asked": 0, "calls": 0, "read_ahead": 0, "passed_on": 0}
    },
    "rate_limits": {}
  })");
  // Status::UserMessage(): the aws CLI's sentence with the HTTP status and request id.
  expected["steps"][2]["error"]["message"] =
      "An error occurred (Throttling) when calling the RegisterTargets operation: Rate exceeded "
      "(HTTP 400, request id req-reg-1)";
  for (json& step : expected["steps"]) {
    step["wait"] = nullptr;    // none of them waited
    step["checks"] = nullptr;  // nor checked anything first
  }
  json report = BuildReport(SampleRun(), SampleCalls(), RunContext());
  EXPECT_EQ(report, expected) << "diff: " << json::diff(report, expected).dump(2);
}

TEST(ReportTest, RateLimitsShowEachOperationsModeAndTheAdaptiveLimitOverTime) {
  ApiCallCounter counter;
  counter.RecordRetryMode("RDS", "DescribeDBInstances", "adaptive", false, std::nullopt,
                          kStart - milliseconds(500));
  counter.RecordRetryMode("RDS", "DescribeDBInstances", "adaptive", true, 5.6,
                          kStart + milliseconds(1200));
  counter.RecordRetryMode("RDS", "DescribeDBInstances", "adaptive", false, 7.123456,
                          kStart + milliseconds(3000));
  counter.RecordRetryMode("ECS", "UpdateService", "adaptive", false, std::nullopt, kStart);
  json report = BuildReport(SampleRun(), counter.TakeSnapshot(), RunContext());
  EXPECT_EQ(report["rate_limits"], json::parse(R"({
    "ECS.UpdateService": {"mode": "adaptive", "throttles": 0, "rate": null, "samples": [],
                          "samples_dropped": 0},
    "RDS.DescribeDBInstances": {"mode": "adaptive", "throttles": 1, "rate": 7.123,
            "samples": [{"t_ms": 1200, "rate": 5.6}, {"t_ms": 3000, "rate": 7.123}],
            "samples_dropped": 0}
  })"))
      << report["rate_limits"].dump(2);
}

TEST(ReportTest, StoppedNamesTheCause) {
  RunRecord run = SampleRun();
  ApiCallCounter::Snapshot calls;
  EXPECT_EQ(BuildReport(run, calls, RunContext())["stopped"], nullptr);
  run.interrupted = true;
  EXPECT_EQ(BuildReport(run, calls, RunContext())["stopped"], "interrupted");
  run.deadline_reached = true;  // a deadline also cancels the token: the cause wins
  EXPECT_EQ(BuildReport(run, calls, RunContext())["stopped"], "deadline");
}

// Every step of SampleRun done: recovered when the last step (the registration) ended.
RunRecord RecoveredRun() {
  RunRecord run = SampleRun();
  run.status = RunStatus::kSucceeded;
  for (StepRecord& step : run.steps) {
    step.result.state = StepState::kSucceeded;
    step.result.error = Status::Ok();
  }
  run.steps.pop_back();  // the ECS step never started
  return run;
}

TEST(ReportTest, RecoveryTimeIsMeasuredAgainstThePlansObjective) {
  ReportContext context = RunContext();
  context.rto = std::chrono::seconds(5);
  json met = BuildReport(RecoveredRun(), SampleCalls(), context)["recovery"];
  EXPECT_EQ(met, json::parse(R"({"rto_ms": 5000, "recovery_ms": 4200, "met": true})"));

  context.rto = std::chrono::seconds(4);
  json over = BuildReport(RecoveredRun(), SampleCalls(), context)["recovery"];
  EXPECT_EQ(over, json::parse(R"({"rto_ms": 4000, "recovery_ms": 4200, "met": false})"));

  // A step failed: the service has not recovered, whatever the time.
  json partial = BuildReport(SampleRun(), SampleCalls(), context)["recovery"];
  EXPECT_EQ(partial, json::parse(R"({"rto_ms": 4000, "recovery_ms": null, "met": false})"));

  // Without an objective the time is still measured.
  context.rto.reset();
  json measured = BuildReport(RecoveredRun(), SampleCalls(), context)["recovery"];
  EXPECT_EQ(measured, json::parse(R"({"rto_ms": null, "recovery_ms": 4200, "met": null})"));
}

TEST(ReportTest, APlanRecoversNothing) {
  ReportContext context = RunContext();
  context.mode = ReportMode::kPlan;
  context.rto = std::chrono::seconds(5);
  json recovery = BuildReport(RecoveredRun(), SampleCalls(), context)["recovery"];
  EXPECT_EQ(recovery, json::parse(R"({"rto_ms": 5000, "recovery_ms": null, "met": null})"));
}

TEST(ReportTest, PlanModeWithoutAccountAndAnEmptyRun) {
  RunRecord run;
  run.started = kStart;
  run.finished = kStart;
  ReportContext context = RunContext();
  context.mode = ReportMode::kPlan;
  context.account_id.reset();
  context.plan_source = "plans/dr.yaml";

  json report = BuildReport(run, ApiCallCounter::Snapshot{}, context);
  EXPECT_EQ(report["mode"], "plan");
  EXPECT_EQ(report["account_id"], nullptr);
  EXPECT_EQ(report["plan_source"], "plans/dr.yaml");
  EXPECT_EQ(report["status"], "SUCCEEDED");
  EXPECT_EQ(report["steps"], json::array());
  EXPECT_EQ(report["critical_path"], json::array());
  EXPECT_EQ(report["critical_path_ms"], 0);
  EXPECT_EQ(report["duration_ms"], 0);
  EXPECT_EQ(report["api_calls"], json::parse(R"({"operations": {},
                            "totals": {"calls": 0, "attempts": 0, "retries": 0, "mutating": 0},
                            "shared_reads": {"asked": 0, "calls": 0, "read_ahead": 0, "passed_on": 0}})"));
}

TEST(ReportTest, ErrorWithoutAwsDetailsAndTimedOutStep) {
  RunRecord run;
  run.started = kStart;
  run.finished = kStart + milliseconds(10);
  StepRecord step = Started("promote-db:x", StepKind::kPromoteDb, "db x", 0, 10);
  step.result.state = StepState::kTimedOut;
  step.result.error = Status::TimedOut("db x still modifying after 300 s");
  run.steps = {step};
  run.status = RunStatus::kFailed;

  json report = BuildReport(run, ApiCallCounter::Snapshot{}, RunContext());
  EXPECT_EQ(report["steps"][0]["status"], "timed_out");
  EXPECT_EQ(report["steps"][0]["error"], json::parse(R"({"status_code": "TimedOut",
                            "message": "db x still modifying after 300 s", "aws": null})"));
  EXPECT_EQ(report["step_counts"]["timed_out"], 1);
  EXPECT_EQ(report["status"], "FAILED");
}

// AWS was reached, but the plan could not be prepared: the calls made are on record and the
// reason is on top, so a denied ListServices is not a run without a report.
TEST(ReportTest, RunThatCouldNotPrepareItsPlanIsFailedWithTheErrorOnTop) {
  RunRecord run;  // no steps: an empty run would otherwise read SUCCEEDED
  run.started = run.finished = kStart;
  ReportContext context = RunContext();
  AwsErrorInfo info;
  info.service = "ECS";
  info.operation = "ListServices";
  info.http_status = 403;
  info.code = "AccessDenied";
  info.request_id = "req-ls-1";
  context.error = Status::FromAws(StatusCode::kRejected, info).WithContext("preparing the plan");

  json report = BuildReport(run, ApiCallCounter::Snapshot{}, context);
  EXPECT_EQ(report["status"], "FAILED");
  EXPECT_EQ(report["error"]["status_code"], "Rejected");
  EXPECT_EQ(report["error"]["aws"]["operation"], "ECS.ListServices");
  EXPECT_EQ(report["error"]["aws"]["code"], "AccessDenied");
  EXPECT_NE(report["error"]["message"].get<std::string>().find("preparing the plan"),
            std::string::npos);
  EXPECT_EQ(report["steps"], json::array());
}

TEST(ReportTest, DumpReplacesInvalidUtf8InsteadOfThrowing) {
  json report = {{"summary", std::string("bad \xff byte")}};
  std::string text;
  ASSERT_NO_THROW(text = DumpReport(report));
  EXPECT_EQ(text, "{\n  \"summary\": \"bad \xEF\xBF\xBD byte\"\n}\n");
}

std::string ReadBack(std::FILE* f) {
  std::rewind(f);
  std::string text;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), f)) > 0;) text.append(buffer, n);
  return text;
}

TEST(ReportTest, WrittenToAStreamTheReportReadsAsItsDump) {
  RunRecord run = SampleRun();
  run.steps[0].result.summary = "bad \xff byte";
  const json report = BuildReport(std::move(run), SampleCalls(), RunContext());
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(WriteReport(report, f));
  const std::string text = ReadBack(f);
  std::fclose(f);
  EXPECT_EQ(text, DumpReport(report));
  EXPECT_NE(text.find("bad \xEF\xBF\xBD byte"), std::string::npos);
}

TEST(ReportTest, WritingTheReportToAFullDeviceSaysItFailed) {
  std::FILE* f = std::fopen("/dev/full", "w");
  ASSERT_NE(f, nullptr);
  // Larger than stdio's buffer, so the failure shows before the stream is closed.
  EXPECT_FALSE(WriteReport(json{{"summary", std::string(1 << 17, 'x')}}, f));
  std::fclose(f);
}

}  // namespace
}  // namespace drf
