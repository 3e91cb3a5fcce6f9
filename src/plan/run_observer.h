// RunObserver: what the executor tells about a run while it happens, as ninja's Builder
// tells its Status. The executor calls it; live progress (report/progress.h) is one
// implementation. Only the executor knows when a step starts and which steps never will,
// so the notifications come from there and callers need no bookkeeping of their own.
#pragma once

#include <string_view>

#include "plan/step.h"

namespace drf {

// Called from the executor's threads: implementations must be thread-safe. Calls for one
// step arrive in order: StepStarted, any number of StepWaiting (WaitObserver, from the
// step's own polls), StepFinished. A step that never started gets only StepFinished, with
// kNotRun and the reason as `summary`, once the run has stopped handing out work.
class RunObserver : public WaitObserver {
 public:
  // On the worker thread, just before the step acts (or previews).
  virtual void StepStarted(std::string_view id, std::string_view resource) = 0;
  // On the worker thread with the step's result, or for a step that never started, on
  // the executor's coordinating thread after every worker has stopped.
  virtual void StepFinished(std::string_view id, StepState state, std::string_view summary) = 0;
};

}  // namespace drf
