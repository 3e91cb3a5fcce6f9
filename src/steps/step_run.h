// StepRun: one Preview or Run of a step in progress: what it may use (the context, the
// result being filled, a Poller for its calls and waits, its stall limit) and the few
// rules every step kind shares for ending, so all kinds report failures, timeouts and
// cancellation the same way.
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

#include "core/result.h"
#include "core/status.h"
#include "plan/step.h"
#include "services/mutated.h"
#include "steps/poller.h"

namespace drf {

class StepRun {
 public:
  // `ctx` and `result` must outlive the run. `resource` names the step in messages
  // ("asg dr-jenkins"); `stall_after` is the stall limit of its waits (StallLimit).
  StepRun(StepContext& ctx, StepResult& result, std::string resource, Duration stall_after);

  StepContext& ctx() { return ctx_; }
  Logger& log() { return ctx_.log; }
  StepResult& result() { return result_; }
  // Inspections, mutating calls and waits, on the default schedule (poller.h).
  Poller& poller() { return poller_; }
  const std::string& resource() const { return resource_; }
  Duration stall_after() const { return stall_after_; }

  // Appends a mutating call made now.
  void Record(std::string operation, std::string target, std::string request_id);

  // Records the outcome of a mutating call (its reply a Result<Ack> or
  // Result<Mutated<T>>): made, with its request id; or accepted by AWS but unreadable,
  // made too, so listed (its error says it is unconfirmed). Returns the call's error, OK
  // when it was made.
  template <typename Reply>
  Status RecordMutation(std::string operation, std::string target, const Result<Reply>& reply) {
    if (reply.ok()) {
      Record(std::move(operation), std::move(target), reply->request_id);
      return Status::Ok();
    }
    if (AcceptedButUnreadable(reply.status())) {
      Record(std::move(operation), std::move(target), reply.status().aws()->request_id);
    }
    return reply.status();
  }

  // Ends the result as kFailed: `error` prefixed with the resource, logged at ERROR.
  void Fail(Status error);

  // Ends the result after an error, timeout or cancel that may come after some work was
  // done (see the outcomes above). `done_so_far` says what the step achieved before
  // ("promotion of dr-db initiated"); may be empty. It leads the summary.
  void EndUnfinished(const Status& status, std::string_view done_so_far);

  // Checked before each mutating call: a cancelled run starts no new action. Returns true
  // (and ends the result) when cancelled.
  bool StopIfCancelled();

  // Whether one of the endings above ended the result (kFailed, kTimedOut, kNotRun).
  bool ended() const;

 private:
  StepContext& ctx_;
  StepResult& result_;
  const std::string resource_;
  const Duration stall_after_;
  Poller poller_;
};

}  // namespace drf
