// The stages `run`, `plan` and `check` share, over one FailoverContext: load the plan (with
// the request's overrides), connect to AWS, finalize the plan, build its steps, execute them
// (acting, or previewing in plan mode).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/aws_session.h"
#include "app/effects.h"
#include "app/failover.h"
#include "app/other_regions.h"
#include "plan/executor.h"
#include "plan/plan_spec.h"
#include "plan/run_facts.h"
#include "plan/step.h"
#include "report/api_call_counter.h"

namespace drf {

struct FailoverContext {
  const FailoverRequest& request;
  const Effects& effects;
  Logger& log;
  CancelToken& cancel;
  ApiCallCounter counter;
  std::unique_ptr<AwsSession> session;          // set by Connect
  RunFacts facts;                               // what hooks may use; filled as steps finish
  std::unique_ptr<OtherRegions> other_regions;  // failback's reprotect_db, made by Build
  std::optional<std::string> plan_retry_mode;   // the plan's retry_mode, set by Load
};

// The request's AWS options, with the plan's retry mode unless --retry-mode was given.
AwsSessionOptions RunSessionOptions(const FailoverContext& f);

// Sets up AWS once; later calls do nothing.
Status Connect(FailoverContext& f);

// The plan as loaded, with the request's overrides. A plan in S3 needs AWS to be read;
// any other plan is checked before AWS is set up.
Result<PlanSpec> Load(FailoverContext& f);

// Looks up the services of `all_services` specs (read-only) and fixes the step graph:
// from here on `plan` holds exactly the steps that can run.
Status Finalize(FailoverContext& f, PlanSpec& plan);

// One step per spec: the failover's, or for a failback (request.action) the steps that take
// them back, with their dependencies reversed (failback/failback_plan.h); `reprotect_db`
// is the plan's.
std::vector<std::unique_ptr<Step>> Build(FailoverContext& f, const std::vector<StepSpec>& specs,
                                         bool reprotect_db = false);

// Runs (or, in plan mode, previews) the steps, logging to `log`; `observer` (optional) is
// told as they go.
Result<RunRecord> Execute(FailoverContext& f, const ExecutorOptions& options,
                          const std::vector<std::unique_ptr<Step>>& built, RunObserver* observer,
                          Logger& log);

}  // namespace drf
