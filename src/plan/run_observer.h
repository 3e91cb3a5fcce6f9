// RunObserver: what the executor tells about a run while it happens, as ninja's Builder
// tells its Status. The executor calls it; the run's record (RunRecorder,
// plan/run_record.h), from which the report and the Lambda's answer are made, and live
// progress (report/progress.h) are implementations. Only the executor knows when a step
// starts and which steps never will, so the notifications come from there and callers need
// no bookkeeping of their own.
#pragma once

#include <string_view>
#include <vector>

#include "plan/step.h"

namespace drf {

// Why a run stopped handing out work before its graph was done.
enum class RunStop {
  kDeadline,     // the run deadline passed
  kInterrupted,  // the run's CancelToken was cancelled from outside
};

// Calls for one step arrive in order: StepStarted, any number of StepWaiting (WaitObserver,
// from the step's own polls), StepFinished. A step that never started gets only
// StepFinished, with kNotRun and the reason as its summary, once the run has stopped
// handing out work. The Run* calls come from the executor's coordinating thread, the Step*
// calls from worker threads: implementations must be thread-safe.
class RunObserver : public WaitObserver {
 public:
  // Before any step starts: the steps of the run, in plan order.
  virtual void RunStarted(const std::vector<Step*>& steps) { (void)steps; }
  // On the worker thread, just before the step acts (or previews).
  virtual void StepStarted(std::string_view id, std::string_view resource) = 0;
  // On the worker thread with the step's result, or for a step that never started, on
  // the coordinating thread after every worker has stopped.
  virtual void StepFinished(std::string_view id, const StepResult& result) = 0;
  // The run stops starting steps (at most once per run).
  virtual void RunStopped(RunStop why) { (void)why; }
  // Last: every step has finished or will not run.
  virtual void RunFinished() {}
};

// Several observers as one (the executor's: the run's record and the caller's), each told
// in the order given. Null entries are left out.
class RunObservers final : public RunObserver {
 public:
  explicit RunObservers(std::vector<RunObserver*> observers);

  void RunStarted(const std::vector<Step*>& steps) override;
  void StepStarted(std::string_view id, std::string_view resource) override;
  void StepWaiting(std::string_view id, std::string_view what) override;
  void StepFinished(std::string_view id, const StepResult& result) override;
  void RunStopped(RunStop why) override;
  void RunFinished() override;

 private:
  std::vector<RunObserver*> all_;
};

}  // namespace drf
