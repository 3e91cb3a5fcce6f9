#include "app/failover_stages.h"

#include "failback/failback_factory.h"
#include "failback/failback_plan.h"
#include "plan/finalize_plan.h"
#include "plan/plan_file.h"
#include "steps/step_factory.h"

namespace drf {

AwsSessionOptions RunSessionOptions(const FailoverContext& f) {
  AwsSessionOptions options = f.request.aws;
  if (!options.retry_mode) options.retry_mode = f.plan_retry_mode;
  return options;
}

Status Connect(FailoverContext& f) {
  if (f.session) return Status::Ok();
  DRF_ASSIGN_OR_RETURN(f.session, AwsSession::Create(f.effects.env, f.effects.http, f.effects.clock,
                                                     RunSessionOptions(f), &f.counter, &f.cancel));
  return Status::Ok();
}

Result<PlanSpec> Load(FailoverContext& f) {
  PlanFetcher fetch;
  if (IsS3PlanPath(PlanPath(f.effects.env, f.request.plan_file).value_or(""))) {
    DRF_RETURN_IF_ERROR(Connect(f));
    fetch = S3PlanFetcher(f.session->client());
  }
  DRF_ASSIGN_OR_RETURN(PlanSpec plan, LoadPlan(f.effects.env, f.request.plan_file, fetch));
  if (plan.retry_mode && !f.request.aws.retry_mode) {
    f.plan_retry_mode = plan.retry_mode;
    // A plan in S3 was read over a session in the environment's retry mode; the run's calls
    // go through a new one in the plan's.
    f.session.reset();
  }
  if (f.request.deadline) plan.deadline = f.request.deadline;
  if (f.request.force) plan.replica_lag.forced = true;
  if (f.request.ordering) plan.ordering = *f.request.ordering;
  return plan;
}

Status Finalize(FailoverContext& f, PlanSpec& plan) {
  EcsClient& ecs = f.session->ecs();
  DRF_RETURN_IF_ERROR(ResolveAllServices(
      plan, [&ecs](const std::string& cluster) { return ecs.ListServiceNames(cluster); }));
  return FinalizePlan(plan);
}

std::vector<std::unique_ptr<Step>> Build(FailoverContext& f, const std::vector<StepSpec>& specs,
                                         bool reprotect_db) {
  AwsSession& aws = *f.session;
  f.facts.SetRun(f.request.holder + "@" + FormatTimestamp(f.effects.clock.Now()),
                 aws.region().region);
  StepServices services{
      aws.rds(),     aws.autoscaling(), aws.ecs(),   aws.elbv2(),        aws.cloudwatch(),
      aws.route53(), aws.lambda(),      aws.reads(), f.effects.commands, f.facts};
  if (f.request.action == FailoverAction::kFailback) {
    f.other_regions =
        std::make_unique<OtherRegions>(f.effects, RunSessionOptions(f), &f.counter, &f.cancel);
    FailbackOptions options{reprotect_db,
                            [regions = f.other_regions.get()](const std::string& region) {
                              return regions->Rds(region);
                            }};
    return BuildFailbackSteps(ReverseDependencies(specs), services, options);
  }
  return BuildSteps(specs, services);
}

Result<RunRecord> Execute(FailoverContext& f, const ExecutorOptions& options,
                          const std::vector<std::unique_ptr<Step>>& built, RunObserver* observer,
                          Logger& log) {
  std::vector<Step*> steps;
  for (const auto& step : built) steps.push_back(step.get());
  LiveRunner live;
  DryRunRunner dry;
  StepRunner& runner = f.request.mode == FailoverMode::kRun ? static_cast<StepRunner&>(live) : dry;
  RunObservers observers({&f.facts, observer});
  Executor executor(options, runner, f.effects.clock, log, f.cancel, &observers);
  return executor.Run(steps);
}

}  // namespace drf
