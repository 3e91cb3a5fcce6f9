// ProgressRunner: a StepRunner decorator that tells a ProgressObserver when each step
// starts and finishes, so live progress works with plan's Executor as it is: the app
// wraps LiveRunner (or DryRunRunner) in it. plan may not depend on report, so the
// executor cannot call ProgressObserver itself; this is the seam instead.
#pragma once

#include "plan/executor.h"
#include "plan/run_record.h"
#include "report/progress.h"

namespace drf {

class ProgressRunner final : public StepRunner {
 public:
  // Both must outlive this runner; `observer` must be thread-safe (ProgressReporter is).
  ProgressRunner(StepRunner& inner, ProgressObserver& observer)
      : inner_(inner), observer_(observer) {}

  // StepStarted, the inner runner's RunStep, StepFinished with its result.
  StepResult RunStep(Step& step, StepContext& ctx) override;

  // Steps the executor never handed out (a dependency failed, the run was stopped) reach
  // no runner; call this after Executor::Run so they are reported finished as not run.
  void FinishUnstarted(const RunRecord& run);

 private:
  StepRunner& inner_;
  ProgressObserver& observer_;
};

}  // namespace drf
