#include "failback/left_alone.h"

#include "core/log.h"

namespace drf {

void LeaveAlone(StepResult& result, const std::string& resource) {
  result.state = StepState::kUnchanged;
  result.summary = "no standby record on " + resource +
                   ": not failed over by drfailover (or failed back already); left as it is";
}

NotReversedStep::NotReversedStep(StepSpec spec, std::string resource, std::string why)
    : spec_(std::move(spec)), resource_(std::move(resource)), why_(std::move(why)) {}

StepResult NotReversedStep::Run(StepContext& ctx) {
  StepResult result;
  result.state = StepState::kUnchanged;
  result.summary = "left as it is: " + why_;
  ctx.log.Info(resource_ + " " + result.summary);
  return result;
}

}  // namespace drf
