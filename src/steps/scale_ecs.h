// ScaleEcsStep: raises ONE ECS service to at least `min_desired_count` tasks. Plans name
// several services (or all of a cluster); FinalizePlan splits them into one step per
// service so each can fail, time out and be reported alone.
//
// Never lowers: the original set desiredCount=1 and so shrank a service already running 3.
// A service that is missing, INACTIVE or DRAINING is a failure naming service and cluster
// (the original warned and went on, and the run still reported success).
// When its plan says it waits (capacity_wait, see FinalizePlan), the step then waits until
// the service has as many RUNNING tasks as it wants (counted from the tasks, not from
// runningCount, see capacity.h), bounded by its deadline and by the stall rule, whose
// error quotes the service's events and its stopped tasks' reasons; a deployment whose
// rollout FAILED ends the wait as a failure.
//
// Outcomes: kSucceeded, kUnchanged (already at or above the minimum), kFailed, kTimedOut.
#pragma once

#include <string>

#include "plan/step.h"
#include "services/ecs_client.h"

namespace drf {

class Poller;

class ScaleEcsStep final : public Step {
 public:
  // `spec.detail` must hold a ScaleEcsSpec with exactly one service (else Run and Preview
  // fail with InvalidArgument). `ecs` must outlive the step.
  ScaleEcsStep(StepSpec spec, EcsClient& ecs);

  const StepSpec& spec() const override { return spec_; }
  std::string resource() const override;  // "ecs <cluster>/<service>"
  StepResult Preview(StepContext& ctx) override;
  StepResult Run(StepContext& ctx) override;

 private:
  const ScaleEcsSpec& ecs() const { return std::get<ScaleEcsSpec>(spec_.detail); }
  const std::string& service() const;  // the one service; "" if the spec is malformed
  // Sets the desired count if it must rise; false when that ended the step (failed).
  bool Raise(StepContext& ctx, Poller& poller, StepResult& result, int current, int desired);
  void WaitRunning(StepContext& ctx, Poller& poller, StepResult& result, int desired);

  StepSpec spec_;
  EcsClient& ecs_;
};

}  // namespace drf
