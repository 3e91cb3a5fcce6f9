// RunFailover: one failover (or its dry run) from configuration to report. The CLI's `run`
// and `plan` verbs and the Lambda handler are thin shells around it.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/aws_session.h"
#include "app/effects.h"
#include "app/exit_codes.h"
#include "app/plan_source.h"
#include "core/clock.h"
#include "core/log.h"
#include "plan/plan_spec.h"
#include "plan/run_observer.h"
#include "plan/run_record.h"
#include "services/s3_client.h"

namespace drf {

inline constexpr std::string_view kPlanFileVar = "DRF_PLAN_FILE";
inline constexpr std::string_view kToolVersion = "0.1.0";

enum class FailoverMode {
  kRun,   // act
  kPlan,  // read live state, show what would change, make no mutating call
};

enum class FailoverAction {
  kFailover,  // make the DR region serve
  kFailback,  // take a failover back to standby (docs/failback.md)
};

struct FailoverRequest {
  FailoverMode mode = FailoverMode::kRun;
  FailoverAction action = FailoverAction::kFailover;
  // A drill: the report, the notifications and the hooks' facts say so; the account and
  // caller identity are looked up for the report.
  bool drill = false;
  std::optional<std::string>
      plan_file;  // --plan; else DRF_PLAN_FILE; else the original's variables
  AwsSessionOptions aws;
  std::optional<std::chrono::seconds> deadline;  // overrides the plan's whole-run deadline
  std::optional<MonoTime> stop_at;   // hard stop (Lambda: before the invocation deadline)
  std::optional<Ordering> ordering;  // overrides the plan's ordering
  // Promote a replica whatever its lag (the replica-lag guard, steps/replica_lag.h); the
  // report says the run was forced.
  bool force = false;
  // Only these step ids (as in the report); empty: every step. The others are left out of
  // the executed plan, and a selected step's dependencies on left-out steps are replaced by
  // the selected steps those depended on (so the subset keeps the plan's order among its
  // members). An unknown id: InvalidArgument naming it, nothing run.
  std::vector<std::string> only_steps;
  RunObserver* observer = nullptr;  // told about each step as the run goes (live progress)
  // Who runs it, for the run lease and notifications ("host:pid", "lambda:<request id>").
  std::string holder = "drfailover";
  // Where the report will be (the CLI's --report), for the end notification; "" if nowhere.
  std::string report_location;
  // Where the run's reports are uploaded, JSON and HTML (the Lambda's DRF_REPORT_S3_URI,
  // app/report_upload.h); the report's `report_s3` says where or why not.
  std::optional<S3Location> report_s3;
};

struct FailoverOutcome {
  ExitCode exit_code = ExitCode::kSucceeded;
  // The report (drfailover.report/v1); null when the run never started (bad config, or
  // AWS could not be set up). When AWS was reached but the plan could not be prepared, both
  // the report (FAILED, with a top-level error) and `error` are set.
  nlohmann::json report;
  // Why the run never started, or failed before its steps ran; OK otherwise.
  Status error;
  // `error` is the request's fault (an unknown only_steps id), not the configuration's.
  bool request_error = false;
  // Nothing was done because another run holds the lease or the cooldown applies
  // (exit_code kRefused; `error` names the holder or the cooldown's end).
  bool refused = false;
  // The rest is set only when the steps ran (report not null).
  RunStatus run_status = RunStatus::kSucceeded;
  // request.stop_at (not the plan's or request's deadline) stopped the run.
  bool stopped_at_stop_at = false;
  // Ids of the executed steps that are not succeeded or unchanged, in plan order.
  std::vector<std::string> open_steps;
};

// Loads the plan (file, S3 object, or the original's variables) and validates it. A plan
// path starting with s3:// is read with `fetch` (app/plan_source.h); without one, that is
// an InvalidArgument error. Any other plan is loaded before any AWS call.
Result<PlanSpec> LoadPlan(const Environment& env, const std::optional<std::string>& plan_file,
                          const PlanFetcher& fetch = nullptr);

// The pipeline: load the plan (with the request's overrides) -> connect to AWS -> finalize
// it (resolve `all_services`, fix the step graph) -> select the requested subset -> build
// one Step per selected spec -> execute -> report. `cancel` is the run's token (SIGINT/SIGTERM
// cancel it; the executor cancels it at the deadline).
FailoverOutcome RunFailover(const FailoverRequest& request, const Effects& effects, Logger& log,
                            CancelToken& cancel);

}  // namespace drf
