// RunCheck: `drfailover check` (and the Lambda's {"check": true}): would a failover work
// now? Loads and finalizes the plan as `run` would, then, all at once and read-only, runs
// each step's readiness checks (readiness/step_checks.h) and the plan preview; then
// evaluates the IAM actions the steps would need. Makes no mutating AWS call, except the
// optional SNS Publish of a not-ready summary (the plan's notify topic, DRF_SNS_TOPIC_ARN),
// which changes nothing
// in the region.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/effects.h"
#include "app/exit_codes.h"
#include "app/failover.h"
#include "core/log.h"

namespace drf {

struct CheckRequest {
  // plan_file, aws, only_steps and deadline are used; the mode is always a preview.
  FailoverRequest failover;
  // A previous run's report (drfailover.report/v1): its measured recovery time is what
  // `check` says to expect.
  std::optional<std::string> last_report;
};

struct CheckOutcome {
  // kSucceeded ready, kReadyWithWarnings, kFailed not ready; kInvalidConfig when the
  // plan or configuration is invalid (then `result` is null and `error` says why).
  ExitCode exit_code = ExitCode::kSucceeded;
  nlohmann::json result;  // drfailover.check/v1
  Status error;
  bool request_error = false;  // `error` is an unknown only_steps id, not the configuration
};

CheckOutcome RunCheck(const CheckRequest& request, const Effects& effects, Logger& log,
                      CancelToken& cancel);

// The exit code of a check result's verdict.
ExitCode ExitCodeForVerdict(std::string_view verdict);

}  // namespace drf
