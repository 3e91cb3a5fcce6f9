#include "plan/plan_spec.h"

namespace drf {

std::string_view StepKindName(StepKind kind) {
  switch (kind) {
    case StepKind::kPromoteDb:
      return "promote_db";
    case StepKind::kScaleAsg:
      return "scale_asg";
    case StepKind::kScaleEcs:
      return "scale_ecs";
    case StepKind::kRegisterTargets:
      return "register_targets";
  }
  return "unknown";
}

}  // namespace drf
