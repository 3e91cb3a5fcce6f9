// RunRecord: what one execution of a plan did, step by step, for the report and the
// Lambda response. Written by a RunRecorder observing the run; plain data afterwards.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "plan/plan_spec.h"
#include "plan/run_observer.h"
#include "plan/step.h"

namespace drf {

struct StepRecord {
  std::string id;
  StepKind kind = StepKind::kPromoteDb;
  std::string resource;            // Step::resource(): "asg dr-jenkins"
  std::vector<std::string> after;  // dependencies (explicit + implied + sequential chain)
  // The step's result; for a step that never started: kNotRun and `summary` says why
  // ("dependency promote-db:x failed", "run stopped: deadline", "interrupted").
  StepResult result;
  bool started = false;  // false: the times below are unset
  WallTime started_at{};
  WallTime finished_at{};
  Duration start_offset{0};  // monotonic, from the run's start
  Duration end_offset{0};
};

enum class RunStatus {
  kSucceeded,  // every step succeeded or was unchanged (also: an empty plan)
  kPartial,    // some steps succeeded or were unchanged, others did not
  kFailed,     // no step succeeded or was unchanged
};
std::string_view RunStatusName(RunStatus status);  // "SUCCEEDED", "PARTIAL", "FAILED"

struct RunRecord {
  std::vector<StepRecord> steps;  // in plan order
  RunStatus status = RunStatus::kSucceeded;
  bool deadline_reached = false;  // the run deadline stopped the run
  bool interrupted = false;       // the run's CancelToken was cancelled from outside
  WallTime started{};
  WallTime finished{};
};

// Writes the RunRecord of one run from the executor's notifications: the steps and their
// dependencies at RunStarted, each step's times from the clock at StepStarted and
// StepFinished, the stop reason, and the status at RunFinished.
class RunRecorder final : public RunObserver {
 public:
  explicit RunRecorder(Clock& clock) : clock_(clock) {}

  void RunStarted(const std::vector<Step*>& steps) override;
  void StepStarted(std::string_view id, std::string_view resource) override;
  void StepWaiting(std::string_view, std::string_view) override {}
  void StepFinished(std::string_view id, const StepResult& result) override;
  void RunStopped(RunStop why) override;
  void RunFinished() override;

  // The record, once the run has finished.
  RunRecord Take();

 private:
  StepRecord* Find(std::string_view id);  // null for an id not in the run; needs mu_

  Clock& clock_;
  std::mutex mu_;
  RunRecord record_;                                  // guarded by mu_
  std::map<std::string, size_t, std::less<>> index_;  // id -> record_.steps position
  MonoTime run_start_{};
};

// The status that `steps` imply (see RunStatus).
RunStatus ComputeRunStatus(const std::vector<StepRecord>& steps);

// True for kSucceeded and kUnchanged: the step's resource is where it should be.
bool StepStateOk(StepState state);

// The chain of dependent steps that decided the run's length, first step first: starts at
// the started step that finished last and walks back through the dependency that
// finished last. Empty when no step started.
std::vector<std::string> CriticalPath(const RunRecord& run);

}  // namespace drf
