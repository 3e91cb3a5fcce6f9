#include "app/failover.h"

#include <map>
#include <set>

#include "plan/env_config.h"
#include "plan/executor.h"
#include "plan/plan_file.h"
#include "report/progress_runner.h"
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

ReportContext ContextFor(const FailoverRequest& request, const AwsSession& aws,
                         const PlanSpec& plan) {
  ReportContext context;
  context.mode = request.mode == FailoverMode::kRun ? ReportMode::kRun : ReportMode::kPlan;
  context.tool_version = std::string(kToolVersion);
  context.region = aws.region().region;
  context.plan_source = plan.source;
  return context;
}

// AWS was reached but no step could be built (e.g. ListServices was denied): the calls made
// so far are on record, so the run still gets its report, FAILED with the error on top.
FailoverOutcome NotPrepared(Status error, ReportContext context, const ApiCallCounter& counter,
                            Clock& clock) {
  FailoverOutcome outcome = NotStarted(error);
  RunRecord run;
  run.status = RunStatus::kFailed;
  run.started = run.finished = clock.Now();
  context.error = std::move(error);
  outcome.report = BuildReport(run, counter.TakeSnapshot(), context);
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

// A member of an only_steps subset: the wrapped step, with dependencies rewritten (see
// FailoverRequest::only_steps). The executor reads `after` from spec(), so the copy here is
// what it schedules by; everything else is the wrapped step's.
class SubsetStep final : public Step {
 public:
  SubsetStep(Step& inner, std::vector<std::string> after) : inner_(inner), spec_(inner.spec()) {
    spec_.after = std::move(after);
  }
  const StepSpec& spec() const override { return spec_; }
  std::string resource() const override { return inner_.resource(); }
  StepResult Preview(StepContext& ctx) override { return inner_.Preview(ctx); }
  StepResult Run(StepContext& ctx) override { return inner_.Run(ctx); }

 private:
  Step& inner_;
  StepSpec spec_;
};

// The selected steps `id` must wait for: its selected dependencies, and for each left-out
// one, what that one waited for (transitively). Finalized plans are acyclic, and `seen`
// keeps a diamond from being walked twice.
void SelectedDependencies(const std::string& id, const std::map<std::string, const Step*>& by_id,
                          const std::set<std::string>& selected, std::set<std::string>& seen,
                          std::vector<std::string>& out) {
  for (const std::string& dep : by_id.at(id)->spec().after) {
    if (!seen.insert(dep).second || by_id.count(dep) == 0) continue;
    if (selected.count(dep) != 0) {
      out.push_back(dep);
    } else {
      SelectedDependencies(dep, by_id, selected, seen, out);
    }
  }
}

Status CheckSelection(const std::vector<std::string>& only,
                      const std::map<std::string, const Step*>& by_id,
                      const std::vector<std::unique_ptr<Step>>& steps) {
  for (const std::string& id : only) {
    if (by_id.count(id) != 0) continue;
    std::string known;
    for (const auto& step : steps) known += (known.empty() ? "" : ", ") + step->spec().id;
    return Status::InvalidArgument("unknown step id \"" + id + "\" (the plan's steps: " +
                                   (known.empty() ? "none" : known) + ")");
  }
  return Status::Ok();
}

// The steps to execute: all of them, or the only_steps subset (wrappers kept in `subset`).
Result<std::vector<Step*>> SelectSteps(const std::vector<std::unique_ptr<Step>>& steps,
                                       const std::vector<std::string>& only,
                                       std::vector<std::unique_ptr<SubsetStep>>& subset) {
  std::vector<Step*> out;
  if (only.empty()) {
    for (const auto& step : steps) out.push_back(step.get());
    return out;
  }
  std::map<std::string, const Step*> by_id;
  for (const auto& step : steps) by_id[step->spec().id] = step.get();
  DRF_RETURN_IF_ERROR(CheckSelection(only, by_id, steps));
  std::set<std::string> selected(only.begin(), only.end());
  for (const auto& step : steps) {  // plan order, whatever the order of `only`
    if (selected.count(step->spec().id) == 0) continue;
    std::set<std::string> seen;
    std::vector<std::string> after;
    SelectedDependencies(step->spec().id, by_id, selected, seen, after);
    subset.push_back(std::make_unique<SubsetStep>(*step, std::move(after)));
    out.push_back(subset.back().get());
  }
  return out;
}

std::vector<std::string> OpenSteps(const RunRecord& run) {
  std::vector<std::string> open;
  for (const StepRecord& step : run.steps) {
    if (!StepStateOk(step.result.state)) open.push_back(step.id);
  }
  return open;
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

FailoverOutcome RunFailover(const FailoverRequest& request, FailoverEnv& world) {
  ApiCallCounter counter;
  std::unique_ptr<AwsSession> session;
  auto create_session = [&]() -> Status {
    DRF_ASSIGN_OR_RETURN(session, AwsSession::Create(world.env, world.http, world.clock,
                                                     request.aws, &counter, &world.cancel));
    return Status::Ok();
  };
  // A plan in S3 needs AWS to be read; any other plan is checked before AWS is set up.
  PlanFetcher fetch;
  if (IsS3PlanPath(PlanPath(world.env, request.plan_file).value_or(""))) {
    if (Status created = create_session(); !created.ok()) return NotStarted(created);
    fetch = S3PlanFetcher(session->client());
  }
  Result<PlanSpec> loaded = LoadPlan(world.env, request.plan_file, fetch);
  if (!loaded.ok()) return NotStarted(loaded.status());
  PlanSpec plan = std::move(loaded).value();
  if (request.deadline) plan.deadline = request.deadline;
  if (request.ordering) plan.ordering = *request.ordering;

  if (!session) {
    if (Status created = create_session(); !created.ok()) return NotStarted(created);
  }
  AwsSession& aws = *session;

  AwsServices services{aws.rds(), aws.autoscaling(), aws.ecs(), aws.elbv2()};
  auto steps = BuildSteps(plan, services);
  if (!steps.ok()) {
    return NotPrepared(steps.status().WithContext("preparing the plan"),
                       ContextFor(request, aws, plan), counter, world.clock);
  }
  std::vector<std::unique_ptr<SubsetStep>> subset;
  auto selected = SelectSteps(*steps, request.only_steps, subset);
  if (!selected.ok()) {
    FailoverOutcome outcome = NotStarted(selected.status());
    outcome.request_error = true;
    return outcome;
  }
  const std::vector<Step*>& step_ptrs = *selected;

  LiveRunner live;
  DryRunRunner dry;
  StepRunner& base = request.mode == FailoverMode::kRun ? static_cast<StepRunner&>(live) : dry;
  std::optional<ProgressRunner> observed;
  if (request.progress != nullptr) observed.emplace(base, *request.progress);
  StepRunner& runner = observed ? static_cast<StepRunner&>(*observed) : base;

  ExecutorOptions options;
  options.concurrency = plan.ordering == Ordering::kSequential ? 1 : plan.concurrency;
  options.deadline = RunDeadline(plan, request, world.clock);
  Executor executor(options, runner, world.clock, world.log, world.cancel);
  Result<RunRecord> run = executor.Run(step_ptrs);
  if (!run.ok()) return NotStarted(run.status());
  if (observed) observed->FinishUnstarted(*run);

  FailoverOutcome outcome;
  outcome.report = BuildReport(*run, counter.TakeSnapshot(), ContextFor(request, aws, plan));
  outcome.exit_code = ExitCodeFor(*run);
  outcome.run_status = run->status;
  outcome.stopped_at_stop_at =
      run->deadline_reached && request.stop_at && options.deadline == request.stop_at;
  outcome.open_steps = OpenSteps(*run);
  return outcome;
}

}  // namespace drf
