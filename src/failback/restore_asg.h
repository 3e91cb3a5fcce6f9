// RestoreAsgStep: failback of a scale_asg step. Puts the Auto Scaling group back to the
// sizes its standby record holds (steps/standby_record.h), then removes the record.
//
// The one place drfailover lowers capacity, and only to the recorded values: a group
// without a record (never failed over by drfailover, or failed back already) is left as
// it is and reported (kUnchanged); sizes are set exactly to the record, never below it. It
// does not wait for instances to terminate: nothing depends on capacity going away.
//
// Resumable: the sizes are set before the record is removed, so a run that dies in
// between finds the group at its standby sizes with the record still there, and only
// removes the record.
#pragma once

#include <optional>
#include <string>

#include "services/autoscaling_client.h"
#include "services/shared_reads.h"
#include "steps/inspect_apply_step.h"
#include "steps/scale_asg.h"

namespace drf {

// What Inspect found: the group's sizes and its standby record (none: leave it alone).
struct AsgRestore {
  AsgSizes current;
  std::optional<AsgSizes> standby;
};

class RestoreAsgStep final : public InspectApplyStep<AsgRestore> {
 public:
  // `spec.detail` must hold a ScaleAsgSpec (the failover's step). `autoscaling` and
  // `reads` must outlive the step.
  RestoreAsgStep(StepSpec spec, AutoScalingClient& autoscaling, SharedReads& reads);

  std::string resource() const override;  // "asg <name>"

 private:
  const std::string& name() const { return std::get<ScaleAsgSpec>(spec().detail).asg_name; }
  Result<AsgRestore> Inspect(StepRun& run) override;
  void Explain(StepRun& run, const AsgRestore& restore) override;
  void Apply(StepRun& run, const AsgRestore& restore) override;

  AutoScalingClient& autoscaling_;
  SharedReads& reads_;
};

}  // namespace drf
