#include "report/progress_runner.h"

namespace drf {

StepResult ProgressRunner::RunStep(Step& step, StepContext& ctx) {
  const std::string& id = step.spec().id;
  observer_.StepStarted(id, step.resource());
  ctx.waits = &observer_;
  ctx.step_id = id;
  StepResult result = inner_.RunStep(step, ctx);
  observer_.StepFinished(id, result.state, result.summary);
  return result;
}

void ProgressRunner::FinishUnstarted(const RunRecord& run) {
  for (const StepRecord& step : run.steps) {
    if (!step.started) observer_.StepFinished(step.id, step.result.state, step.result.summary);
  }
}

}  // namespace drf
