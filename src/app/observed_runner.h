// ObservedRunner: a StepRunner decorator that tells a ProgressObserver when steps start and
// finish, so live progress needs nothing from the executor or the steps.
#pragma once

#include "plan/executor.h"
#include "report/progress.h"

namespace drf {

class ObservedRunner final : public StepRunner {
 public:
  ObservedRunner(StepRunner& inner, ProgressObserver& observer)
      : inner_(inner), observer_(observer) {}

  StepResult RunStep(Step& step, StepContext& ctx) override {
    observer_.StepStarted(step.spec().id, step.resource());
    StepResult result = inner_.RunStep(step, ctx);
    observer_.StepFinished(step.spec().id, result.state, result.summary);
    return result;
  }

 private:
  StepRunner& inner_;
  ProgressObserver& observer_;
};

}  // namespace drf
