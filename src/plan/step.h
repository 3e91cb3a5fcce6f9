// Step: one unit of the failover (promote a DB, scale an ASG, scale ECS services, register
// targets). Steps inspect live state, decide, act only if needed, wait and verify; they
// are idempotent, so a second run (or a resumed one) changes nothing that is already done.
// The executor knows nothing about what a step does; a step knows nothing about order.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/log.h"
#include "core/status.h"
#include "plan/plan_spec.h"

namespace drf {

enum class StepState {
  kPending,    // not finished yet
  kSucceeded,  // changed something and verified it
  kUnchanged,  // already in the wanted state: no mutating call
  kFailed,     // an error; `error` says which
  kTimedOut,   // its timeout or the run deadline ran out while waiting
  kNotRun,     // a dependency failed, or the run was stopped before it started
};
std::string_view StepStateName(
    StepState state);  // "succeeded", "unchanged", "failed", "timed_out", "not_run", "pending"

// A mutating AWS call a step made, for the report (and for "never twice" checks).
struct MutatingCall {
  std::string operation;   // "RDS.PromoteReadReplica"
  std::string resource;    // what it changed
  std::string request_id;  // AWS request id
  WallTime at;
};

// What a step did (Run) or would do (Preview).
struct StepResult {
  StepState state = StepState::kPending;
  std::string summary;               // one line for humans: "scaled dr-jenkins 0/0/0 -> 1/3/1"
  std::vector<std::string> changes;  // per change, what would / did change (plan output)
  nlohmann::json before = nlohmann::json::object();  // resource values before
  nlohmann::json after = nlohmann::json::object();   // after (Run) or wanted (Preview)
  std::vector<MutatingCall> calls;
  Duration acting{0};   // time in inspect/act calls
  Duration waiting{0};  // time spent waiting for AWS to converge
  Status error;         // set for kFailed / kTimedOut
  // The step's last wait, null if it waited for nothing: {"for": what, "seen": what it
  // last measured, "seconds": how long, "outcome": "done" | "stalled" | "timed_out" |
  // "cancelled" | "failed"}. Kept when a run stops mid-wait (the Lambda's IN_PROGRESS).
  nlohmann::json wait = nullptr;
  // What the step checked before acting, by check: {"replica_lag": {...}} (promote_db's
  // guard, steps/replica_lag.h); null when it checked nothing.
  nlohmann::json checks = nullptr;
};

// Told what a running step is waiting for, at every poll, for live progress. Called from
// the step's worker thread: implementations must be thread-safe.
class WaitObserver {
 public:
  virtual ~WaitObserver() = default;
  // `what` names the wait and what was seen: "ECS service dr/kafka: 0 of 3 tasks running".
  virtual void StepWaiting(std::string_view id, std::string_view what) = 0;
};

// The executor's permit for a running step to act: `concurrency` bounds the steps holding
// one. A wait gives it back while it sleeps between polls (steps/poller.h), so that steps
// waiting minutes for AWS do not keep the steps that could act from starting; it takes it
// back before its next poll. Called from the step's worker thread.
class ActingPermit {
 public:
  virtual ~ActingPermit() = default;
  virtual void Release() = 0;  // no-op when not held
  // Blocks until the permit is held again, or `cancel` is cancelled (the step then goes on
  // without one: it is about to end).
  virtual void Reacquire(const CancelToken& cancel) = 0;
};

// What a running step may use. Owned by the executor; valid during Run/Preview.
struct StepContext {
  StepContext(Clock& clock_in, Logger& log_in, const CancelToken& cancel_in, MonoTime deadline_in)
      : clock(clock_in), log(log_in), cancel(cancel_in), deadline(deadline_in) {}

  Clock& clock;
  Logger& log;
  const CancelToken& cancel;       // run-wide: SIGINT/SIGTERM or the run deadline
  MonoTime deadline;               // the earlier of the step timeout and the run deadline
  WaitObserver* waits = nullptr;   // optional: the run's observer (plan/run_observer.h)
  std::string step_id;             // for `waits`
  ActingPermit* permit = nullptr;  // optional: none outside the executor
};

class Step {
 public:
  virtual ~Step() = default;
  virtual const StepSpec& spec() const = 0;
  // What it acts on, for humans: "db dr-app-db", "asg dr-jenkins", "ecs dr/frontend".
  virtual std::string resource() const = 0;
  // Reads live state and says what Run would change. Makes no mutating call.
  virtual StepResult Preview(StepContext& ctx) = 0;
  // Inspect, decide, act only if needed, wait, verify. Thread-safe with respect to other
  // steps (each step runs on one thread at a time).
  virtual StepResult Run(StepContext& ctx) = 0;
};

}  // namespace drf
