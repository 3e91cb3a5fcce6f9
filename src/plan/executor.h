// Executor: runs a finalized plan's steps, independent ones in parallel, like ninja's
// Builder: start work until full, then collect results. "Full" is `concurrency` steps
// acting: a step that waits for AWS gives its permit back while it sleeps between polls,
// so steps that wait minutes do not keep others from starting. Each running step has a
// worker thread of its own (reused from step to step).
// The coordinating thread (the caller of Run) owns the Plan; workers only run steps.
// What "running a step" means is the StepRunner's business: LiveRunner acts,
// DryRunRunner only previews (ninja's DryRunCommandRunner). Who hears about it while it
// happens is the RunObservers' (plan/run_observer.h), as ninja's Status: the run's own
// record (RunRecorder) is one, the caller's live progress another.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/log.h"
#include "core/result.h"
#include "plan/run_observer.h"
#include "plan/run_record.h"
#include "plan/step.h"

namespace drf {

class StepRunner {
 public:
  virtual ~StepRunner() = default;
  // Called on a worker thread, one call per step. Must be thread-safe across steps.
  virtual StepResult RunStep(Step& step, StepContext& ctx) = 0;
};

// Acts: Step::Run.
class LiveRunner final : public StepRunner {
 public:
  StepResult RunStep(Step& step, StepContext& ctx) override { return step.Run(ctx); }
};

// Makes no mutating call: Step::Preview. A preview that leaves the state kPending counts
// as kSucceeded ("would change"), so the dry run goes on to the dependents.
class DryRunRunner final : public StepRunner {
 public:
  StepResult RunStep(Step& step, StepContext& ctx) override;
};

struct ExecutorOptions {
  // Steps acting at once; at least 1. A step waiting between polls gives its permit back
  // (plan/step.h, ActingPermit), so more steps may be running, one worker thread each.
  int concurrency = 8;
  std::optional<MonoTime> deadline;  // whole run, Clock::Monotonic() time; none: no limit
  // Real time between checks of the deadline and of outside cancellation while steps run
  // (results wake the coordinator at once; this bounds the wait when none arrive).
  Duration poll_interval = std::chrono::milliseconds(200);
};

class Executor {
 public:
  // All references must outlive the executor. `cancel` is the run's token: steps see it;
  // the executor cancels it when the deadline passes; cancelled from outside
  // (SIGINT/SIGTERM) it means "interrupted". `observer` (optional, not owned) is told
  // about every Run beside the run's own RunRecorder, steps' waits included.
  Executor(ExecutorOptions options, StepRunner& runner, Clock& clock, Logger& log,
           CancelToken& cancel, RunObserver* observer = nullptr);

  // Runs `steps` (specs finalized: unique ids, known `after`, no cycle) and returns what
  // each did (the RunRecorder's record). A step starts once all its dependencies succeeded or were
  // unchanged; one that failed, timed out or did not run leaves its dependents not run. At the
  // deadline or on cancellation no new step starts, waiting steps see `cancel`, and steps not
  // started are recorded as not run. Each step's StepContext::deadline is the earlier of
  // its own timeout (from its start) and the run deadline. InvalidArgument only for a
  // malformed graph; step failures are in the record. Call from one thread at a time.
  Result<RunRecord> Run(const std::vector<Step*>& steps);

 private:
  ExecutorOptions options_;
  StepRunner& runner_;
  Clock& clock_;
  Logger& log_;
  CancelToken& cancel_;
  RunObserver* observer_;
};

}  // namespace drf
