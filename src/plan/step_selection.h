// Running a subset of a finalized plan's steps (the Lambda event's "steps", to redo one
// step or a few). The subset keeps the plan's order among its members: a selected step's
// dependencies on left-out steps are replaced by the selected steps those depended on.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "plan/plan_spec.h"
#include "plan/step.h"

namespace drf {

// A member of a subset and the selected steps it must wait for.
struct SelectedStep {
  std::string id;
  std::vector<std::string> after;
};

// For each spec whose id is in `only`, in plan order: its selected dependencies and, for
// each left-out one, what that one waited for (transitively). `specs` must be finalized
// (acyclic). Unknown ids in `only`: InvalidArgument "unknown step id "x" (the plan's
// steps: a, b)", naming the first.
Result<std::vector<SelectedStep>> SelectSubset(const std::vector<StepSpec>& specs,
                                               const std::vector<std::string>& only);

// The steps to execute: all of `steps`, or the `only` subset, each seen through a wrapper
// whose spec carries the rewritten dependencies (the executor schedules by spec().after;
// everything else is the wrapped step's). Owns the wrappers; the steps must outlive it.
class StepSelection {
 public:
  // Errors as SelectSubset's.
  static Result<StepSelection> Select(const std::vector<std::unique_ptr<Step>>& steps,
                                      const std::vector<std::string>& only);

  const std::vector<Step*>& steps() const { return steps_; }

 private:
  std::vector<std::unique_ptr<Step>> subset_;  // the wrappers, when `only` was given
  std::vector<Step*> steps_;                   // plan order
};

}  // namespace drf
