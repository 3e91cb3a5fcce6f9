#include "app/failover.h"

#include "app/failover_stages.h"
#include "app/lease_guard.h"
#include "app/report_upload.h"
#include "app/run_notifier.h"
#include "plan/env_config.h"
#include "plan/executor.h"
#include "plan/finalize_plan.h"
#include "plan/plan_file.h"
#include "plan/step_selection.h"
#include "report/report.h"
#include "steps/step_factory.h"

namespace drf {
namespace {

ExitCode ExitCodeFor(const Status& status) {
  return status.code() == StatusCode::kInvalidArgument ? ExitCode::kInvalidConfig
                                                       : ExitCode::kFailed;
}

ExitCode ExitCodeFor(const RunRecord& run) {
  if (run.interrupted) return ExitCode::kInterrupted;
  if (run.deadline_reached) return ExitCode::kDeadline;
  return run.status == RunStatus::kSucceeded ? ExitCode::kSucceeded : ExitCode::kFailed;
}

FailoverOutcome NotStarted(Status error) {
  FailoverOutcome outcome;
  outcome.exit_code = ExitCodeFor(error);
  outcome.error = std::move(error);
  return outcome;
}

// The request named a step the plan does not have: its caller's mistake, not the
// configuration's.
FailoverOutcome RequestError(Status error) {
  FailoverOutcome outcome = NotStarted(std::move(error));
  outcome.request_error = true;
  return outcome;
}

// The lease or the cooldown said no (kFailedPrecondition), or the lease could not be taken:
// nothing was done.
FailoverOutcome Refused(Status error) {
  const bool refused = error.code() == StatusCode::kFailedPrecondition;
  FailoverOutcome outcome = NotStarted(std::move(error));
  if (refused) {
    outcome.exit_code = ExitCode::kRefused;
    outcome.refused = true;
  }
  return outcome;
}

std::vector<std::string> OpenSteps(const RunRecord& run) {
  std::vector<std::string> open;
  for (const StepRecord& step : run.steps) {
    if (!StepStateOk(step.result.state)) open.push_back(step.id);
  }
  return open;
}

ReportContext ContextFor(const FailoverContext& f, const PlanSpec& plan) {
  ReportContext context;
  context.action = f.request.action == FailoverAction::kFailback ? "failback" : "failover";
  context.drill = f.request.drill;
  context.mode = f.request.mode == FailoverMode::kRun ? ReportMode::kRun : ReportMode::kPlan;
  context.tool_version = std::string(kToolVersion);
  context.region = f.session->region().region;
  context.plan_source = plan.source;
  context.rto = plan.rto;
  context.forced = plan.replica_lag.forced;
  const SharedReads& reads = f.session->reads();
  context.shared_reads = {reads.asked(), reads.calls(), reads.read_ahead_used(),
                          reads.passed_on_used()};
  return context;
}

// AWS was reached but no step could be built (e.g. ListServices was denied): the calls made
// so far are on record, so the run still gets its report, FAILED with the error on top.
FailoverOutcome NotPrepared(Status error, const FailoverContext& f, const PlanSpec& plan) {
  FailoverOutcome outcome = NotStarted(error);
  RunRecord run;
  run.status = RunStatus::kFailed;
  run.started = run.finished = f.effects.clock.Now();
  ReportContext context = ContextFor(f, plan);
  context.error = std::move(error);
  outcome.report = BuildReport(std::move(run), f.counter.TakeSnapshot(), context);
  outcome.run_status = RunStatus::kFailed;
  return outcome;
}

// The earlier of the plan's deadline (from now) and the caller's hard stop.
std::optional<MonoTime> RunDeadline(const PlanSpec& plan, const FailoverRequest& request,
                                    Clock& clock) {
  std::optional<MonoTime> deadline;
  if (plan.deadline) deadline = clock.Monotonic() + *plan.deadline;
  if (request.stop_at && (!deadline || *request.stop_at < *deadline)) deadline = request.stop_at;
  return deadline;
}

ExecutorOptions ExecutionOptions(const FailoverContext& f, const PlanSpec& plan) {
  ExecutorOptions options;
  options.concurrency = plan.ordering == Ordering::kSequential ? 1 : plan.concurrency;
  options.deadline = RunDeadline(plan, f.request, f.effects.clock);
  return options;
}

// Who acted, for a record people show (drills and failbacks): STS GetCallerIdentity. A
// failure leaves the report's account and identity null; it never fails the run.
void LookUpIdentity(FailoverContext& f, ReportContext& context) {
  if (!f.request.drill && f.request.action != FailoverAction::kFailback) return;
  Result<CallerIdentity> who = f.session->sts().GetCallerIdentity();
  if (!who.ok()) {
    f.log.Warn("could not look up the caller for the report: " + who.status().UserMessage());
    return;
  }
  context.account_id = who->account;
  context.identity = who->arn;
}

FailoverOutcome Report(FailoverContext& f, const PlanSpec& plan, const ExecutorOptions& options,
                       RunRecord run, nlohmann::json lease) {
  FailoverOutcome outcome;
  outcome.exit_code = ExitCodeFor(run);
  outcome.run_status = run.status;
  outcome.stopped_at_stop_at =
      run.deadline_reached && f.request.stop_at && options.deadline == f.request.stop_at;
  outcome.open_steps = OpenSteps(run);
  ReportContext context = ContextFor(f, plan);
  LookUpIdentity(f, context);
  context.lease = std::move(lease);
  outcome.report = BuildReport(std::move(run), f.counter.TakeSnapshot(), context);
  return outcome;
}

}  // namespace

Result<PlanSpec> LoadPlan(const Environment& env, const std::optional<std::string>& plan_file,
                          const PlanFetcher& fetch) {
  std::optional<std::string> path = PlanPath(env, plan_file);
  if (!path) return PlanFromEnvironment(env);
  DRF_ASSIGN_OR_RETURN(std::string text,
                       ReadPlanText(env, *path, plan_file ? "--plan" : kPlanFileVar, fetch));
  DRF_ASSIGN_OR_RETURN(PlanSpec plan, ParsePlanFile(text, *path));
  DRF_RETURN_IF_ERROR(ApplyPlanVariables(env, plan));
  return plan;
}

FailoverOutcome RunFailover(const FailoverRequest& request, const Effects& effects, Logger& log,
                            CancelToken& cancel) {
  FailoverContext f{request, effects, log, cancel, {}, nullptr, {}, nullptr, std::nullopt};
  Result<PlanSpec> plan = Load(f);
  if (!plan.ok()) return NotStarted(plan.status());
  if (Status connected = Connect(f); !connected.ok()) return NotStarted(connected);
  if (Status finalized = Finalize(f, *plan); !finalized.ok()) {
    return NotPrepared(finalized.WithContext("preparing the plan"), f, *plan);
  }
  std::vector<std::unique_ptr<Step>> steps;
  {
    Result<std::vector<StepSpec>> selected = SelectSteps(plan->steps, request.only_steps);
    if (!selected.ok()) return RequestError(selected.status());
    steps = Build(f, *selected, plan->reprotect_db);
  }
  // Each step keeps its own spec: the plan's list of them, ~0.7 MB of heap with 500 services,
  // is not needed during the run.
  std::vector<StepSpec>().swap(plan->steps);
  const bool failback = request.action == FailoverAction::kFailback;
  std::unique_ptr<LeaseGuard> lease;
  if (request.mode == FailoverMode::kRun && !plan->lock.table.empty()) {
    // A failback holds the lease too (never at the same time as a failover), but the
    // cooldown is between failovers: it neither waits for one nor starts one.
    RunLock lock = plan->lock;
    if (failback) lock.cooldown = std::chrono::seconds(0);
    Result<std::unique_ptr<LeaseGuard>> taken = LeaseGuard::Take(
        lock, request.holder, request.force, f.session->dynamodb(), effects.clock, log);
    if (!taken.ok()) return Refused(taken.status());
    lease = std::move(*taken);
  }
  std::optional<RunNotifier> notifier;
  if (request.mode == FailoverMode::kRun && !plan->notify.topic_arn.empty()) {
    notifier.emplace(plan->notify, f.session->sns(), log, f.session->region().region,
                     request.holder,
                     RunNotifier::Label{failback ? "failback" : "failover", request.drill});
  }
  RunObservers observers({request.observer, notifier ? &*notifier : nullptr});
  const ExecutorOptions options = ExecutionOptions(f, *plan);
  Result<RunRecord> run = Execute(f, options, steps, &observers, log);
  nlohmann::json lease_record =
      lease ? lease->Finish(!failback && run.ok() && run->status == RunStatus::kSucceeded)
            : nlohmann::json();
  if (!run.ok()) return NotStarted(run.status());
  // The run's record holds all the report needs; the steps' specs and state (0.4 MB with
  // 500 services) are given back first, for the report to be built in.
  std::vector<std::unique_ptr<Step>>().swap(steps);
  FailoverOutcome outcome = Report(f, *plan, options, std::move(*run), std::move(lease_record));
  if (request.report_s3 && request.mode == FailoverMode::kRun) {
    outcome.report["report_s3"] =
        UploadReports(f.session->client(), *request.report_s3, outcome.report, request.holder);
    if (outcome.report["report_s3"].contains("error")) {
      log.Warn("could not keep the report in S3: " +
               outcome.report["report_s3"]["error"].get<std::string>());
    }
  }
  if (notifier) {
    notifier->RunEnded(outcome.report, request.report_location);
    outcome.report["notifications"] = notifier->Record();
  }
  return outcome;
}

}  // namespace drf
