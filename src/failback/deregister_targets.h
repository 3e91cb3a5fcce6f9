// DeregisterTargetsStep: failback of a register_targets step. Deregisters the targets a
// failover registered with the target group, as its drfailover:registered tags record them
// (steps/standby_record.h), and only those: a target registered by anyone else stays.
// Then removes the record. A group without a record is left alone and reported.
//
// Targets recorded but no longer registered are skipped; the record goes last, so a resumed
// run deregisters what is left and converges. It does not wait for connection draining:
// the targets stop receiving new requests at once.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "services/elbv2_client.h"
#include "services/shared_reads.h"
#include "steps/inspect_apply_step.h"

namespace drf {

struct TargetsToRemove {
  TargetGroup group;
  std::set<std::string> recorded;     // "<id>:<port>", as the tags say
  std::vector<Target> registered;     // those of them still registered: to deregister
  std::vector<std::string> tag_keys;  // the record's tags; empty: no record
};

class DeregisterTargetsStep final : public InspectApplyStep<TargetsToRemove> {
 public:
  // `spec.detail` must hold a RegisterTargetsSpec. `elbv2` and `reads` must outlive
  // the step.
  DeregisterTargetsStep(StepSpec spec, Elbv2Client& elbv2, SharedReads& reads);

  std::string resource() const override;  // "targets <target group arn>"

 private:
  const std::string& arn() const {
    return std::get<RegisterTargetsSpec>(spec().detail).target_group_arn;
  }
  Result<TargetsToRemove> Inspect(StepRun& run) override;
  void Explain(StepRun& run, const TargetsToRemove& remove) override;
  void Apply(StepRun& run, const TargetsToRemove& remove) override;

  Elbv2Client& elbv2_;
  SharedReads& reads_;
};

}  // namespace drf
