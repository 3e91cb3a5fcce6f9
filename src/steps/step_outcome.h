// How steps end: the few rules every step kind shares for filling StepResult, so the four
// kinds report failures, timeouts and cancellation the same way.
//
// Outcomes:
//  - any AWS or validation error        -> kFailed, `error` keeps the AWS details, and its
//                                          message names the step's resource;
//  - the deadline passes while waiting  -> kTimedOut, `calls` and `summary` say what was
//                                          done before;
//  - the run is cancelled (signal)      -> kNotRun if the step made no mutating call yet
//                                          (nothing to undo or verify), otherwise kFailed
//                                          with a Cancelled error: a change is in flight and
//                                          unverified, so the run must not look clean.
// Preview uses kSucceeded for "would change", kUnchanged for "nothing to do" and kFailed
// when the step could not run at all (missing resource, wrong type).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "plan/step.h"

namespace drf {

// Appends a mutating call made now.
void RecordCall(StepContext& ctx, StepResult& result, std::string operation, std::string resource,
                std::string request_id);

// Ends `result` as kFailed: `error` prefixed with `resource`, logged at ERROR.
void EndFailed(StepContext& ctx, StepResult& result, std::string_view resource, Status error);

// Ends `result` after an error, timeout or cancel that may come after some work was done
// (see the outcomes above). `done_so_far` says what the step achieved before ("promotion
// of dr-db initiated"); may be empty. It leads the summary.
void EndUnfinished(StepContext& ctx, StepResult& result, std::string_view resource,
                   const Status& status, std::string_view done_so_far);

// Checked before each mutating call: a cancelled run starts no new action. Returns true
// (and ends `result`) when cancelled.
bool StopIfCancelled(StepContext& ctx, StepResult& result, std::string_view resource);

}  // namespace drf
