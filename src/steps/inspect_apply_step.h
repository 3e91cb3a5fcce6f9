// InspectApplyStep<Decision>: the shape every step kind takes. A kind says how to read
// live state and decide (Inspect), how to tell what it would do (Explain), how to act
// (Apply) and what to wait for afterwards (Wait); this class puts them in order, so
// `plan` and `run` cannot drift apart:
//
//   Preview:  CheckSpec -> Inspect -> Explain
//   Run:      CheckSpec -> (cancelled: not run) -> Inspect -> Apply -> Wait
//
// CheckSpec, or Inspect, failing ends the step as kFailed (StepRun::Fail) before any
// mutating call; a cancelled run never reaches Inspect. Wait runs only when Apply did not
// end the step.
//
// Contract for a kind (CONTRIBUTING.md has the longer version):
//  - Inspect makes read-only calls, through run.poller().Act, and returns what it decided:
//    the Decision holds what Explain and Apply need (what is there, what it should become).
//    It may record what it read in result().before. It must be the same for both verbs.
//  - Explain fills the result as Preview reports it: kSucceeded with `changes` for "would
//    change", kUnchanged for "nothing to do"; `summary`, `after` (what Run would leave).
//    It makes no mutating call. A kind whose change depends on state Run reads only after
//    waiting (register_targets: the source's ready targets) reads it here, read-only.
//  - Apply makes the change only if the decision says so (idempotent: a second run finds
//    nothing to do and ends kUnchanged), checks run.StopIfCancelled() before each mutating
//    call, records each one (run.RecordMutation), and ends the step through StepRun on
//    failure. A call AWS may have applied without saying so is never sent again blindly
//    (see promote_db.h). A kind whose wait needs what its call returned (a change id),
//    whose waiting decides whether to act again (promote_db), or whose wait must come
//    first (register_targets waits for its source) waits inside Apply.
//  - Wait waits until AWS shows the change done and verifies it, bounded by the step's
//    deadline and stall rule (Poller::Wait with a WaitSpec); it ends the step through
//    StepRun::EndUnfinished when the wait does not end well. Default: nothing to wait for.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "core/result.h"
#include "plan/step.h"
#include "steps/poller.h"
#include "steps/step_run.h"

namespace drf {

template <typename Decision>
class InspectApplyStep : public Step {
 public:
  const StepSpec& spec() const final { return spec_; }

  StepResult Preview(StepContext& ctx) final {
    StepResult result;
    StepRun run(ctx, result, resource(), StallLimit(spec_));
    if (std::optional<Decision> decision = Decide(run, /*acting=*/false)) {
      Explain(run, *decision);
    }
    return result;
  }

  StepResult Run(StepContext& ctx) final {
    StepResult result;
    StepRun run(ctx, result, resource(), StallLimit(spec_));
    if (std::optional<Decision> decision = Decide(run, /*acting=*/true)) {
      Apply(run, *decision);
      if (!run.ended()) Wait(run, *decision);
    }
    return result;
  }

 protected:
  explicit InspectApplyStep(StepSpec spec) : spec_(std::move(spec)) {}

  // Whether the spec can be acted on at all (e.g. scale_ecs needs exactly one service).
  // Checked before anything else, in both verbs.
  virtual Status CheckSpec() const { return Status::Ok(); }
  virtual Result<Decision> Inspect(StepRun& run) = 0;
  virtual void Explain(StepRun& run, const Decision& decision) = 0;
  virtual void Apply(StepRun& run, const Decision& decision) = 0;
  virtual void Wait(StepRun& /*run*/, const Decision& /*decision*/) {}

 private:
  // CheckSpec, the cancel check when `acting`, then Inspect; nullopt when one of them
  // ended the step.
  std::optional<Decision> Decide(StepRun& run, bool acting) {
    if (Status usable = CheckSpec(); !usable.ok()) {
      run.Fail(usable);
      return std::nullopt;
    }
    if (acting && run.StopIfCancelled()) return std::nullopt;
    Result<Decision> decision = Inspect(run);
    if (!decision.ok()) {
      run.Fail(decision.status());
      return std::nullopt;
    }
    return std::move(decision).value();
  }

  StepSpec spec_;
};

}  // namespace drf
