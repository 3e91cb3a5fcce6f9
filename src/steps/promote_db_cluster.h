// PromoteDbClusterStep: turns the DR region's Aurora cross-region read-replica cluster into
// a standalone, writable cluster (PromoteReadReplicaDBCluster). Its rules (done,
// idempotence, faults, outcomes) are promote_db's, written once in steps/promotion.h: done
// is "available" with no ReplicationSourceIdentifier; a second call is answered
// InvalidDBClusterStateFault and waited out; the call is never sent again blindly.
// No lag guard (plan/plan_spec.h says why).
#pragma once

#include <string>

#include "services/rds_client.h"
#include "steps/inspect_apply_step.h"
#include "steps/promotion.h"

namespace drf {

class PromoteDbClusterStep final : public InspectApplyStep<ReplicaState> {
 public:
  // `spec.detail` must hold a PromoteDbClusterSpec. `rds` must outlive the step.
  PromoteDbClusterStep(StepSpec spec, RdsClient& rds);

  std::string resource() const override;  // "db cluster <identifier>"

 private:
  const std::string& id() const {
    return std::get<PromoteDbClusterSpec>(spec().detail).db_cluster_identifier;
  }
  Result<ReplicaState> Inspect(StepRun& run) override;
  void Explain(StepRun& run, const ReplicaState& cluster) override;
  // Promotes and waits: as promote_db, the waits decide whether the call may be sent again.
  void Apply(StepRun& run, const ReplicaState& cluster) override;

  Result<ReplicaState> Describe();

  RdsClient& rds_;
};

}  // namespace drf
