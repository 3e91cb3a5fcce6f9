#include "plan/step.h"

namespace drf {

std::string_view StepStateName(StepState state) {
  switch (state) {
    case StepState::kPending:
      return "pending";
    case StepState::kSucceeded:
      return "succeeded";
    case StepState::kUnchanged:
      return "unchanged";
    case StepState::kFailed:
      return "failed";
    case StepState::kTimedOut:
      return "timed_out";
    case StepState::kNotRun:
      return "not_run";
  }
  return "pending";
}

}  // namespace drf
