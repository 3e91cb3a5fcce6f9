// ScaleAsgStep: raises an Auto Scaling group to at least the spec's sizes and (optionally)
// waits until enough instances serve. It never lowers anything: the original set fixed
// 1/3/1, which would shrink a group an operator had already raised.
//
// Target sizes: min' = max(min, spec.min); desired' = max(desired, spec.desired, min');
// max' = max(max, spec.max, desired'). UpdateAutoScalingGroup is called only when one of
// them changes, and sends only the changed fields (a concurrent change to the others is
// left alone). When its plan says it waits (capacity_wait, see FinalizePlan), the step
// then waits until at least desired' instances are InService and Healthy, bounded by its
// deadline and by the stall rule (whose error quotes the latest scaling activity); with
// CapacityWait::kYes this also runs when nothing had to change, so a resumed run verifies
// what its dependents need.
//
// Before raising a group the first time, it records the sizes it had (the standby state
// `failback` restores) in the group's drfailover:standby tag; a failed record is a warning.
//
// Outcomes: kSucceeded, kUnchanged (already at or above target), kFailed (group missing
// or being deleted, AWS errors), kTimedOut (raised but not enough instances in time).
#pragma once

#include <string>

#include "services/autoscaling_client.h"
#include "services/shared_reads.h"
#include "steps/inspect_apply_step.h"

namespace drf {

struct AsgSizes {
  int min = 0;
  int max = 0;
  int desired = 0;
  bool operator==(const AsgSizes&) const = default;
};

// {"min", "max", "desired"}: a group's sizes in the report.
nlohmann::json AsgSizesJson(const AsgSizes& sizes);
// "0/0/0": min/max/desired, for summaries.
std::string AsgSlashed(const AsgSizes& sizes);

// The sizes the step sets for a group currently at `current` (see above).
AsgSizes RaisedSizes(const AsgSizes& current, const ScaleAsgSpec& spec);

// What Inspect found and decided: the group's sizes now, the sizes it should have, and
// whether its standby sizes are on record already (steps/standby_record.h).
struct AsgResize {
  AsgSizes current;
  AsgSizes target;
  bool standby_recorded = false;
};

class ScaleAsgStep final : public InspectApplyStep<AsgResize> {
 public:
  // `spec.detail` must hold a ScaleAsgSpec. `autoscaling` and `reads` must outlive the step.
  ScaleAsgStep(StepSpec spec, AutoScalingClient& autoscaling, SharedReads& reads);

  std::string resource() const override;  // "asg <name>"

 private:
  const ScaleAsgSpec& asg() const { return std::get<ScaleAsgSpec>(spec().detail); }
  Result<AsgResize> Inspect(StepRun& run) override;
  void Explain(StepRun& run, const AsgResize& resize) override;
  // Updates the group if the target differs.
  void Apply(StepRun& run, const AsgResize& resize) override;
  // Tags the group with its standby sizes.
  void RecordStandby(StepRun& run, const AsgSizes& standby);
  // Until at least desired' instances are InService and Healthy, if the plan says so.
  void Wait(StepRun& run, const AsgResize& resize) override;

  AutoScalingClient& autoscaling_;
  SharedReads& reads_;
};

}  // namespace drf
