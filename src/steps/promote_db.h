// PromoteDbStep: turns the DR region's RDS read replica into a standalone, writable
// instance (the original's DB_INSTANCE_IDENTIFIER).
//
// The promotion's rules (done, idempotence, faults, outcomes) are steps/promotion.h's. The
// replica-lag guard (steps/replica_lag.h) runs before a replica is promoted.
#pragma once

#include <chrono>
#include <string>

#include "services/cloudwatch_client.h"
#include "services/rds_client.h"
#include "steps/inspect_apply_step.h"
#include "steps/promotion.h"
#include "steps/replica_lag.h"

namespace drf {

// Its decision is the instance as inspected: promoted or not follows from its status and
// replica source.
// DescribeDBInstances for one identifier; an empty answer is NotFound too.
Result<DbInstance> DescribeDbInstance(RdsClient& rds, const std::string& id);

class PromoteDbStep final : public InspectApplyStep<ReplicaState> {
 public:
  // `spec.detail` must hold a PromoteDbSpec. `rds` (and `lag`) must outlive the step.
  // With `lag`, a replica is promoted only if its lag passes the spec's guard
  // (steps/replica_lag.h); without, the lag is not looked at.
  PromoteDbStep(StepSpec spec, RdsClient& rds, CloudWatchClient* lag = nullptr);

  std::string resource() const override;  // "db <identifier>"

 private:
  const PromoteDbSpec& db() const { return std::get<PromoteDbSpec>(spec().detail); }
  Result<ReplicaState> Inspect(StepRun& run) override;
  void Explain(StepRun& run, const ReplicaState& instance) override;
  // Promotes and waits for the promotion: whether PromoteReadReplica may be sent again is
  // decided by what the instance shows while waiting, so the waits are part of acting.
  void Apply(StepRun& run, const ReplicaState& instance) override;

  // The lag guard on `reading`, for a replica Apply would promote: its evidence in
  // result().checks, a warning logged when it lets the promotion go ahead regardless, and
  // its refusal.
  Status JudgeLag(StepRun& run, const ReplicaLagReading& reading);
  // Tags the replica with its source (steps/standby_record.h) before promoting it, unless
  // it has a record already: the way back for failback's reprotect_db. A failure is a
  // warning.
  void RecordSource(StepRun& run, const std::string& source);

  RdsClient& rds_;
  std::string arn_;                   // the instance's, as Inspect read it
  std::optional<ResourceTags> tags_;  // its tags, when Inspect's describe carried them
  CloudWatchClient* lag_;
};

}  // namespace drf
