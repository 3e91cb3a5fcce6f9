// BuildFailbackSteps: for each step of a failover plan, the step that takes it back
// (docs/failback.md): scale_asg -> RestoreAsgStep, scale_ecs -> RestoreEcsStep,
// register_targets -> DeregisterTargetsStep, switch_dns -> SwitchDnsBackStep, promote_db
// -> ReprotectDbStep with reprotect_db; every other kind, and promote_db without it, is a
// NotReversedStep saying why.
#pragma once

#include <memory>
#include <vector>

#include "failback/reprotect_db.h"
#include "plan/plan_spec.h"
#include "plan/step.h"
#include "steps/step_factory.h"

namespace drf {

struct FailbackOptions {
  bool reprotect_db = false;  // the plan's reprotect_db
  RdsInRegion rds_in;         // the RDS client of the former primary's region
};

// One Step per spec, in the same order; `specs` as ReverseDependencies returns them.
std::vector<std::unique_ptr<Step>> BuildFailbackSteps(const std::vector<StepSpec>& specs,
                                                      StepServices& aws,
                                                      const FailbackOptions& options);

}  // namespace drf
