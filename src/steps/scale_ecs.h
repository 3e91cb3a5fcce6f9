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

#include "services/ecs_client.h"
#include "services/shared_reads.h"
#include "steps/inspect_apply_step.h"

namespace drf {

// What Inspect found and decided: the service's desired count now and what it should be.
struct EcsResize {
  int current = 0;
  int desired = 0;
  std::string arn;                   // the service's, for its standby record
  std::optional<ResourceTags> tags;  // the service's, when the describe carried them
};

class ScaleEcsStep final : public InspectApplyStep<EcsResize> {
 public:
  // `spec.detail` must hold a ScaleEcsSpec with exactly one service (else Run and Preview
  // fail with InvalidArgument). `ecs` and `reads` must outlive the step.
  ScaleEcsStep(StepSpec spec, EcsClient& ecs, SharedReads& reads);

  std::string resource() const override;  // "ecs <cluster>/<service>"

 private:
  const ScaleEcsSpec& ecs() const { return std::get<ScaleEcsSpec>(spec().detail); }
  const std::string& service() const;  // the one service; "" if the spec is malformed
  Status CheckSpec() const override;
  Result<EcsResize> Inspect(StepRun& run) override;
  void Explain(StepRun& run, const EcsResize& resize) override;
  // Sets the desired count if it must rise.
  void Apply(StepRun& run, const EcsResize& resize) override;
  // Until the service runs `desired` tasks, if the plan says so.
  void Wait(StepRun& run, const EcsResize& resize) override;
  // Tags the service with its standby desired count, unless it has one already (a second
  // failover keeps the first record). A failure is a warning: failback then leaves it alone.
  void RecordStandby(StepRun& run, const EcsResize& resize);

  EcsClient& ecs_;
  SharedReads& reads_;
};

}  // namespace drf
