#include "app/failover.h"

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

std::vector<std::string> OpenSteps(const RunRecord& run) {
  std::vector<std::string> open;
  for (const StepRecord& step : run.steps) {
    if (!StepStateOk(step.result.state)) open.push_back(step.id);
  }
  return open;
}

// One RunFailover: what its stages share.
struct Failover {
  const FailoverRequest& request;
  const Effects& effects;
  Logger& log;
  CancelToken& cancel;
  ApiCallCounter counter;
  std::unique_ptr<AwsSession> session;  // set by Connect
};

// Sets up AWS once; later calls do nothing.
Status Connect(Failover& f) {
  if (f.session) return Status::Ok();
  DRF_ASSIGN_OR_RETURN(f.session, AwsSession::Create(f.effects.env, f.effects.http, f.effects.clock,
                                                     f.request.aws, &f.counter, &f.cancel));
  return Status::Ok();
}

// The plan as loaded, with the request's overrides. A plan in S3 needs AWS to be read;
// any other plan is checked before AWS is set up.
Result<PlanSpec> Load(Failover& f) {
  PlanFetcher fetch;
  if (IsS3PlanPath(PlanPath(f.effects.env, f.request.plan_file).value_or(""))) {
    DRF_RETURN_IF_ERROR(Connect(f));
    fetch = S3PlanFetcher(f.session->client());
  }
  DRF_ASSIGN_OR_RETURN(PlanSpec plan, LoadPlan(f.effects.env, f.request.plan_file, fetch));
  if (f.request.deadline) plan.deadline = f.request.deadline;
  if (f.request.force) plan.replica_lag.forced = true;
  if (f.request.ordering) plan.ordering = *f.request.ordering;
  return plan;
}

// Looks up the services of `all_services` specs (read-only) and fixes the step graph:
// from here on `plan` holds exactly the steps that can run.
Status Finalize(Failover& f, PlanSpec& plan) {
  EcsClient& ecs = f.session->ecs();
  DRF_RETURN_IF_ERROR(ResolveAllServices(
      plan, [&ecs](const std::string& cluster) { return ecs.ListServiceNames(cluster); }));
  return FinalizePlan(plan);
}

std::vector<std::unique_ptr<Step>> Build(Failover& f, const std::vector<StepSpec>& specs) {
  AwsSession& aws = *f.session;
  AwsServices services{aws.rds(), aws.autoscaling(), aws.ecs(), aws.elbv2(), aws.cloudwatch()};
  return BuildSteps(specs, services);
}

ReportContext ContextFor(const Failover& f, const PlanSpec& plan) {
  ReportContext context;
  context.mode = f.request.mode == FailoverMode::kRun ? ReportMode::kRun : ReportMode::kPlan;
  context.tool_version = std::string(kToolVersion);
  context.region = f.session->region().region;
  context.plan_source = plan.source;
  context.rto = plan.rto;
  context.forced = plan.replica_lag.forced;
  return context;
}

// AWS was reached but no step could be built (e.g. ListServices was denied): the calls made
// so far are on record, so the run still gets its report, FAILED with the error on top.
FailoverOutcome NotPrepared(Status error, const Failover& f, const PlanSpec& plan) {
  FailoverOutcome outcome = NotStarted(error);
  RunRecord run;
  run.status = RunStatus::kFailed;
  run.started = run.finished = f.effects.clock.Now();
  ReportContext context = ContextFor(f, plan);
  context.error = std::move(error);
  outcome.report = BuildReport(run, f.counter.TakeSnapshot(), context);
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

ExecutorOptions ExecutionOptions(const Failover& f, const PlanSpec& plan) {
  ExecutorOptions options;
  options.concurrency = plan.ordering == Ordering::kSequential ? 1 : plan.concurrency;
  options.deadline = RunDeadline(plan, f.request, f.effects.clock);
  return options;
}

// Runs (or, in plan mode, previews) the steps.
Result<RunRecord> Execute(Failover& f, const ExecutorOptions& options,
                          const std::vector<std::unique_ptr<Step>>& built) {
  std::vector<Step*> steps;
  for (const auto& step : built) steps.push_back(step.get());
  LiveRunner live;
  DryRunRunner dry;
  StepRunner& runner = f.request.mode == FailoverMode::kRun ? static_cast<StepRunner&>(live) : dry;
  Executor executor(options, runner, f.effects.clock, f.log, f.cancel, f.request.observer);
  return executor.Run(steps);
}

FailoverOutcome Report(const Failover& f, const PlanSpec& plan, const ExecutorOptions& options,
                       const RunRecord& run) {
  FailoverOutcome outcome;
  outcome.report = BuildReport(run, f.counter.TakeSnapshot(), ContextFor(f, plan));
  outcome.exit_code = ExitCodeFor(run);
  outcome.run_status = run.status;
  outcome.stopped_at_stop_at =
      run.deadline_reached && f.request.stop_at && options.deadline == f.request.stop_at;
  outcome.open_steps = OpenSteps(run);
  return outcome;
}

}  // namespace

Result<PlanSpec> LoadPlan(const Environment& env, const std::optional<std::string>& plan_file,
                          const PlanFetcher& fetch) {
  std::optional<std::string> path = PlanPath(env, plan_file);
  if (!path) return PlanFromEnvironment(env);
  DRF_ASSIGN_OR_RETURN(std::string text,
                       ReadPlanText(env, *path, plan_file ? "--plan" : kPlanFileVar, fetch));
  return ParsePlanFile(text, *path);
}

FailoverOutcome RunFailover(const FailoverRequest& request, const Effects& effects, Logger& log,
                            CancelToken& cancel) {
  Failover f{request, effects, log, cancel, {}, nullptr};
  Result<PlanSpec> plan = Load(f);
  if (!plan.ok()) return NotStarted(plan.status());
  if (Status connected = Connect(f); !connected.ok()) return NotStarted(connected);
  if (Status finalized = Finalize(f, *plan); !finalized.ok()) {
    return NotPrepared(finalized.WithContext("preparing the plan"), f, *plan);
  }
  Result<std::vector<StepSpec>> selected = SelectSteps(plan->steps, request.only_steps);
  if (!selected.ok()) return RequestError(selected.status());
  const std::vector<std::unique_ptr<Step>> steps = Build(f, *selected);
  const ExecutorOptions options = ExecutionOptions(f, *plan);
  Result<RunRecord> run = Execute(f, options, steps);
  if (!run.ok()) return NotStarted(run.status());
  return Report(f, *plan, options, *run);
}

}  // namespace drf
