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

void RunRecorder::RunStarted(const std::vector<Step*>& steps) {
  std::lock_guard<std::mutex> lock(mu_);
  record_ = RunRecord{};
  index_.clear();
  record_.started = clock_.Now();
  run_start_ = clock_.Monotonic();
  // Sized once: grown by doubling, 651 records (~360 bytes each) took a 1,024-record block.
  record_.steps.reserve(steps.size());
  for (const Step* step : steps) {
    const StepSpec& spec = step->spec();
    index_[spec.id] = record_.steps.size();
    StepRecord record;
    record.id = spec.id;
    record.kind = spec.kind;
    record.resource = step->resource();
    record.after = spec.after;
    record_.steps.push_back(std::move(record));
  }
}

StepRecord* RunRecorder::Find(std::string_view id) {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &record_.steps[it->second];
}

void RunRecorder::StepStarted(std::string_view id, std::string_view /*resource*/) {
  WallTime now = clock_.Now();
  MonoTime mono = clock_.Monotonic();
  std::lock_guard<std::mutex> lock(mu_);
  StepRecord* step = Find(id);
  if (step == nullptr) return;
  step->started = true;
  step->started_at = now;
  step->start_offset = mono - run_start_;
}

void RunRecorder::StepFinished(std::string_view id, const StepResult& result) {
  WallTime now = clock_.Now();
  MonoTime mono = clock_.Monotonic();
  std::lock_guard<std::mutex> lock(mu_);
  StepRecord* step = Find(id);
  if (step == nullptr) return;
  step->result = result;
  if (!step->started) return;  // never ran: no times
  step->finished_at = now;
  step->end_offset = mono - run_start_;
}

void RunRecorder::RunStopped(RunStop why) {
  std::lock_guard<std::mutex> lock(mu_);
  (why == RunStop::kDeadline ? record_.deadline_reached : record_.interrupted) = true;
}

void RunRecorder::RunFinished() {
  std::lock_guard<std::mutex> lock(mu_);
  record_.status = ComputeRunStatus(record_.steps);
  record_.finished = clock_.Now();
}

RunRecord RunRecorder::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::move(record_);
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
