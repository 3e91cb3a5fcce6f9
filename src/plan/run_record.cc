#include "plan/run_record.h"

#include <algorithm>
#include <map>

namespace drf {

std::string_view RunStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::kSucceeded:
      return "SUCCEEDED";
    case RunStatus::kPartial:
      return "PARTIAL";
    case RunStatus::kFailed:
      return "FAILED";
  }
  return "FAILED";
}

bool StepStateOk(StepState state) {
  return state == StepState::kSucceeded || state == StepState::kUnchanged;
}

RunStatus ComputeRunStatus(const std::vector<StepRecord>& steps) {
  size_t ok = 0;
  for (const StepRecord& step : steps) {
    if (StepStateOk(step.result.state)) ++ok;
  }
  if (ok == steps.size()) return RunStatus::kSucceeded;
  return ok == 0 ? RunStatus::kFailed : RunStatus::kPartial;
}

// Walking back by "finished last" rather than by planned dependencies alone shows what
// the run actually waited for: a step that depends on two others was held up by the
// later of the two.
std::vector<std::string> CriticalPath(const RunRecord& run) {
  std::map<std::string, const StepRecord*> by_id;
  const StepRecord* last = nullptr;
  for (const StepRecord& step : run.steps) {
    by_id[step.id] = &step;
    if (step.started && (last == nullptr || step.end_offset > last->end_offset)) last = &step;
  }
  std::vector<std::string> path;
  while (last != nullptr) {
    path.push_back(last->id);
    const StepRecord* next = nullptr;
    for (const std::string& dep : last->after) {
      auto it = by_id.find(dep);
      if (it == by_id.end() || !it->second->started) continue;
      if (next == nullptr || it->second->end_offset > next->end_offset) next = it->second;
    }
    last = next;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace drf
