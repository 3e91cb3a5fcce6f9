#include "app/check.h"

#include <atomic>
#include <thread>

#include "app/failover_stages.h"
#include "app/run_lease.h"
#include "plan/step_selection.h"
#include "readiness/check_report.h"
#include "readiness/step_checks.h"
#include "report/report.h"

namespace drf {
namespace {

using Json = nlohmann::json;

// Calls work(i) for i in [0, count) on up to `threads` threads.
template <typename Work>
void ParallelFor(size_t count, int threads, Work work) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < count; i = next++) work(i);
  };
  std::vector<std::thread> pool;
  const size_t n = std::min(count, static_cast<size_t>(std::max(threads, 1)));
  for (size_t t = 1; t < n; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool) thread.join();
}

// The plan preview, summarised: what a run would change, per step.
Json ChangeSet(const Result<RunRecord>& preview) {
  Json out = {{"would_change", 0}, {"unchanged", 0}, {"failed", 0}, {"changes", Json::array()}};
  if (!preview.ok()) {
    out["error"] = preview.status().UserMessage();
    return out;
  }
  for (const StepRecord& step : preview->steps) {
    const char* bucket = step.result.state == StepState::kSucceeded   ? "would_change"
                         : step.result.state == StepState::kUnchanged ? "unchanged"
                                                                      : "failed";
    out[bucket] = out[bucket].get<int>() + 1;
    for (const std::string& change : step.result.changes) {
      out["changes"].push_back({{"step", step.id}, {"change", change}});
    }
  }
  return out;
}

// From a previous run's report: the recovery time it measured, if it was a successful run.
Json ExpectedRecovery(const Environment& env, const std::string& path,
                      std::vector<Finding>& general) {
  auto unusable = [&](const std::string& why) {
    general.push_back({"last_report", path, Verdict::kWarning,
                       "--last-report " + path + ": " + why + "; no expected recovery time",
                       Json::object()});
    return Json();
  };
  Result<std::string> text = env.ReadFile(path);
  if (!text.ok()) return unusable(text.status().UserMessage());
  Json report = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!report.is_object() || report.value("schema", "") != "drfailover.report/v1") {
    return unusable("not a drfailover report (schema drfailover.report/v1)");
  }
  if (report.value("mode", "") != "run" || report.value("status", "") != "SUCCEEDED") {
    return unusable("not a successful run (mode " + report.value("mode", "?") + ", status " +
                    report.value("status", "?") + ")");
  }
  const Json recovery = report.value("recovery", Json::object());
  if (!recovery.contains("recovery_ms") || !recovery["recovery_ms"].is_number()) {
    return unusable("has no measured recovery time");
  }
  return {{"from", path},
          {"finished_at", report.value("finished_at", Json())},
          {"recovery_ms", recovery["recovery_ms"]},
          {"rto_ms", recovery.value("rto_ms", Json())},
          {"met", recovery.value("met", Json())}};
}

// One log line per finding: what CloudWatch Logs Insights filters on.
void LogFindings(Logger& log, const std::vector<StepReadiness>& steps,
                 const std::vector<Finding>& general) {
  auto emit = [&](const std::string& step, const Finding& finding) {
    const LogLevel level = finding.verdict == Verdict::kReady     ? LogLevel::kInfo
                           : finding.verdict == Verdict::kWarning ? LogLevel::kWarn
                                                                  : LogLevel::kError;
    log.Log(level, "check " + std::string(VerdictName(finding.verdict)) + ": " + finding.message,
            {{"step", step},
             {"check", finding.check},
             {"resource", finding.resource},
             {"verdict", std::string(VerdictName(finding.verdict))}});
  };
  for (const Finding& finding : general) emit("", finding);
  for (const StepReadiness& step : steps) {
    for (const Finding& finding : step.findings) emit(step.step_id, finding);
  }
}

// A check that is not ready publishes its summary when a topic is configured. A failed
// publish is a warning in the result, never the check's verdict.
void Notify(FailoverContext& f, const std::string& topic, Json& result, Logger& log) {
  if (topic.empty() || result.value("verdict", "") != "not_ready") return;
  const std::string subject = "drfailover check: NOT READY in " + result.value("region", "");
  Result<Mutated<std::string>> sent =
      f.session->sns().Publish(topic, subject, RenderCheck(result, false),
                               {{"verdict", "not_ready"}, {"region", result.value("region", "")}});
  if (sent.ok()) {
    result["notification"] = {{"topic_arn", topic}, {"message_id", sent->value}};
    return;
  }
  log.Warn("check: could not publish to " + topic + ": " + sent.status().UserMessage());
  result["notification"] = {{"topic_arn", topic}, {"error", sent.status().UserMessage()}};
}

// One failover at a time: is there a lease table, is it usable, is a run holding it now, is
// the last failover within the cooldown?
Finding LeaseFinding(const RunLock& lock, DynamoDbClient& dynamodb, Clock& clock) {
  if (lock.table.empty()) {
    return {"lease", "lock_table", Verdict::kWarning,
            "no lease table (lock_table, DRF_LOCK_TABLE): nothing stops two failovers from "
            "running at once",
            Json::object()};
  }
  RunLease lease(dynamodb, clock, lock.table, "check");
  const WallTime now = clock.Now();
  Result<std::string> holder = lease.CurrentHolder(now);
  if (!holder.ok()) return ReadFailed("lease", "lease table " + lock.table, holder.status());
  Json evidence = {{"table", lock.table}, {"holder", *holder}};
  if (!holder->empty()) {
    return {"lease", lock.table, Verdict::kWarning,
            "a failover holds the lease now: " + *holder + "; another run would be refused",
            evidence};
  }
  Status cooled = lease.CheckCooldown(lock.cooldown, now);
  if (cooled.code() == StatusCode::kFailedPrecondition) {
    return {"lease", lock.table, Verdict::kWarning,
            cooled.message() + ": a run before then needs --force", evidence};
  }
  if (!cooled.ok()) return ReadFailed("lease", "lease table " + lock.table, cooled);
  return {"lease", lock.table, Verdict::kReady,
          "lease table " + lock.table + " is free" +
              (lock.cooldown.count() > 0 ? " and no failover is within the cooldown" : ""),
          evidence};
}

// Every step's checks and the plan's preview, at once: all of it is reading. Sets the
// context's change set.
std::vector<StepReadiness> CheckSteps(FailoverContext& f, const PlanSpec& plan,
                                      const std::vector<StepSpec>& selected,
                                      CheckContext& context) {
  Result<RunRecord> previewed = Status::Internal("the preview did not run");
  std::thread preview([&] {
    const std::vector<std::unique_ptr<Step>> built = Build(f, selected);
    ExecutorOptions options;
    options.concurrency = plan.concurrency;
    // The findings say what the preview's warnings would, in a check's words: only its
    // errors are logged.
    LoggerOptions quiet;
    quiet.min_level = LogLevel::kError;
    quiet.out = stderr;
    Logger preview_log(quiet, f.effects.clock);
    previewed = Execute(f, options, built, nullptr, preview_log);
  });
  AwsSession& aws = *f.session;
  ReadinessServices services{aws.rds(), aws.cloudwatch(), aws.autoscaling(), aws.ec2(),
                             aws.ecs(), aws.elbv2(),      aws.route53()};
  std::vector<StepReadiness> steps(selected.size());
  ParallelFor(selected.size(), plan.concurrency,
              [&](size_t i) { steps[i] = CheckStep(selected[i], services, context.checked_at); });
  preview.join();
  context.change_set = ChangeSet(previewed);
  return steps;
}

}  // namespace

ExitCode ExitCodeForVerdict(std::string_view verdict) {
  if (verdict == "ready") return ExitCode::kSucceeded;
  if (verdict == "warning") return ExitCode::kReadyWithWarnings;
  return ExitCode::kFailed;
}

CheckOutcome RunCheck(const CheckRequest& request, const Effects& effects, Logger& log,
                      CancelToken& cancel) {
  FailoverRequest preview = request.failover;
  preview.mode = FailoverMode::kPlan;
  preview.observer = nullptr;
  FailoverContext f{preview, effects, log, cancel, {}, nullptr, {}, nullptr, std::nullopt};
  const MonoTime started = effects.clock.Monotonic();
  CheckOutcome outcome;
  auto not_started = [&](Status error) {
    outcome.exit_code =
        error.code() == StatusCode::kInvalidArgument ? ExitCode::kInvalidConfig : ExitCode::kFailed;
    outcome.error = std::move(error);
    return outcome;
  };
  Result<PlanSpec> plan = Load(f);
  if (!plan.ok()) return not_started(plan.status());
  if (Status connected = Connect(f); !connected.ok()) return not_started(connected);

  CheckContext context;
  context.tool_version = std::string(kToolVersion);
  context.region = f.session->region().region;
  context.plan_source = plan->source;
  context.checked_at = effects.clock.Now();
  std::vector<StepReadiness> steps;
  if (Status finalized = Finalize(f, *plan); !finalized.ok()) {
    context.general.push_back({"plan", plan->source, Verdict::kNotReady,
                               "the plan cannot be prepared: " + finalized.UserMessage(),
                               Json::object()});
  } else {
    Result<std::vector<StepSpec>> selected = SelectSteps(plan->steps, preview.only_steps);
    if (!selected.ok()) {
      outcome.request_error = true;
      return not_started(selected.status());
    }
    context.general.push_back({"plan",
                               plan->source,
                               Verdict::kReady,
                               "the plan is valid: " + std::to_string(selected->size()) + " steps",
                               {{"steps", selected->size()}}});
    steps = CheckSteps(f, *plan, *selected, context);
    context.permissions = CheckPermissions(steps, f.session->sts(), f.session->iam());
    if (!context.permissions.verified) {
      context.general.push_back(UnverifiedFinding(context.permissions));
    }
  }
  context.general.push_back(LeaseFinding(plan->lock, f.session->dynamodb(), effects.clock));
  if (request.last_report) {
    context.expected_recovery =
        ExpectedRecovery(effects.env, *request.last_report, context.general);
  }
  context.took = effects.clock.Monotonic() - started;
  LogFindings(log, steps, context.general);
  outcome.result = BuildCheckReport(steps, f.counter.TakeSnapshot(), context);
  outcome.exit_code = ExitCodeForVerdict(outcome.result.value("verdict", ""));
  Notify(f, plan->notify.topic_arn, outcome.result, log);
  return outcome;
}

}  // namespace drf
