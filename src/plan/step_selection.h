// Running a subset of a finalized plan's steps (the Lambda event's "steps", to redo one
// step or a few). The subset keeps the plan's order among its members: a selected step's
// dependencies on left-out steps are replaced by the selected steps those depended on.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "plan/plan_spec.h"

namespace drf {

// The specs to build and run: all of `specs` when `only` is empty; otherwise each spec
// whose id is in `only`, in plan order, its `after` rewritten to the selected steps it
// waits for, directly or through left-out ones. `specs` must be finalized (acyclic).
// Unknown ids in `only`: InvalidArgument "unknown step id "x" (the plan's steps: a, b)",
// naming the first.
Result<std::vector<StepSpec>> SelectSteps(const std::vector<StepSpec>& specs,
                                          const std::vector<std::string>& only);

}  // namespace drf
