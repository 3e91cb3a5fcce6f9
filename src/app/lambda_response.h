// The Lambda function's response: the original's shape ({"statusCode", "body"} with the
// body a JSON-encoded string, so automation written for the Python function keeps working)
// plus "status", "open_steps" and "report". Pure: built from a FailoverOutcome.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "app/failover.h"

namespace drf {

// The original's bodies (before JSON-encoding into "body").
inline constexpr std::string_view kSucceededBody = "DR failover completed successfully";
inline constexpr std::string_view kErrorBodyPrefix = "Error during DR failover: ";
inline constexpr std::string_view kInProgressBody =
    "DR failover in progress: invoke again to continue";
inline constexpr std::string_view kPlannedBody = "DR failover plan computed (no changes made)";

// "SUCCEEDED" | "PARTIAL" | "FAILED" (the run's status) or "IN_PROGRESS" (stopped before
// the invocation deadline with steps open; invoking again continues):
//   SUCCEEDED       200  "DR failover completed successfully"
//                        (dry run: "DR failover plan computed (no changes made)")
//   IN_PROGRESS     202  "DR failover in progress: invoke again to continue"
//   PARTIAL/FAILED  500  "Error during DR failover: <which steps are open and why>"
//   REFUSED         409  "Error during DR failover: <the lease's holder, or the cooldown>"
//                        (nothing was done: another run holds the lease, or the cooldown)
// A run that never started (report null) is FAILED/500 with the reason.
nlohmann::json ShapeResponse(const FailoverOutcome& outcome, bool dry_run);

// "SUCCEEDED", "PARTIAL", "FAILED", "IN_PROGRESS" or "REFUSED" (see ShapeResponse).
std::string ResponseStatus(const FailoverOutcome& outcome);
// The text of "body" before JSON-encoding, e.g. "DR failover completed successfully".
std::string ResponseMessage(const FailoverOutcome& outcome, bool dry_run);

// The "Error during DR failover: " message: the open steps with their state and error, at
// most a few (then "and N more"), from the report's steps.
std::string FailureMessage(const FailoverOutcome& outcome);

// The response as JSON text. When it exceeds `max_bytes` (Lambda's 6 MB limit), the
// report is replaced by null and "report_omitted" says why.
std::string SerializeResponse(nlohmann::json response, size_t max_bytes);

}  // namespace drf
