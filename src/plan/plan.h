// Plan: the step graph during a run, modelled on ninja's Plan. It hands out steps whose
// dependencies have all succeeded (FindWork), learns how each ended (StepFinished), and
// decides which steps will not run. No AWS, no I/O, no threads: one thread owns it (the
// executor's coordinating thread).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "plan/plan_spec.h"
#include "plan/step.h"

namespace drf {

class Plan {
 public:
  // From finalized specs (see FinalizePlan). InvalidArgument for duplicate ids, `after`
  // ids not in `specs`, or a cycle.
  static Result<Plan> Create(const std::vector<StepSpec>& specs);

  // The next step whose dependencies all succeeded (or were unchanged), earliest in spec
  // order first, now marked running; nullopt when none is ready right now.
  std::optional<std::string> FindWork();
  // Records how a running step ended. kSucceeded/kUnchanged may make dependents ready;
  // any other state marks every dependent (transitively) not run, "dependency <id>
  // failed". Ignores ids that are not running.
  void StepFinished(const std::string& id, StepState state);
  // Marks every step that has not started not run with `reason` ("run stopped:
  // deadline", "interrupted"); running steps are left to finish.
  void Cancel(const std::string& reason);

  // True while some step is ready, waiting or running.
  bool more_to_do() const;
  size_t running() const { return running_; }
  // Why a step did not run; empty for steps that ran or may still run.
  const std::string& NotRunReason(const std::string& id) const;
  StepState state(const std::string& id) const;  // kPending until finished or not run

 private:
  enum class NodeState { kWaiting, kReady, kRunning, kFinished, kNotRun };
  struct Node {
    std::string id;
    std::vector<size_t> dependents;
    size_t unmet = 0;  // dependencies not yet succeeded
    NodeState state = NodeState::kWaiting;
    StepState result = StepState::kPending;
    std::string reason;  // kNotRun only
  };

  size_t IndexOf(const std::string& id) const;  // nodes_.size() when unknown
  void MarkDependentsNotRun(size_t index, const std::string& reason);

  std::vector<Node> nodes_;  // spec order
  std::set<size_t> ready_;   // indexes, so FindWork hands out in spec order
  size_t running_ = 0;
};

}  // namespace drf
