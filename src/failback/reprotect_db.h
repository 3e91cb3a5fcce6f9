// ReprotectDbStep: failback of a promote_db step when the plan asks for `reprotect_db`.
// The promoted instance stays the primary; a read replica of it is created in the region
// of its former primary (CreateDBInstanceReadReplica with the source's ARN), so the next
// failover can go the other way.
//
// The former primary comes from the standby record the failover left on the instance
// ("source=<ARN>", steps/standby_record.h); without one, or when the instance is still a
// replica (its promotion did not happen), the step leaves it alone and says so. The
// replica is named by the plan's `reprotect_identifier`, by default the instance's own
// identifier (a name is unique per region). An instance of that name that already
// replicates from this one is the replica (kUnchanged, after waiting for it to be
// available); one that replicates from anything else is refused. The step waits for the
// new replica to be "available", bounded by its deadline and stall rule.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "services/rds_client.h"
#include "steps/inspect_apply_step.h"

namespace drf {

// The RDS client of another region (made on first use; it must outlive the step).
using RdsInRegion = std::function<Result<RdsClient*>(const std::string& region)>;

// The region in an ARN ("arn:aws:rds:eu-west-1:...": eu-west-1); empty for a non-ARN.
std::string RegionOfArn(const std::string& arn);

struct Reprotection {
  std::string promoted_arn;  // empty: nothing to do (the summary says why)
  std::string why_not;
  std::string region;  // where the replica goes
  std::string replica_id;
  RdsClient* rds = nullptr;  // that region's
  std::optional<DbInstance> existing;
};

class ReprotectDbStep final : public InspectApplyStep<Reprotection> {
 public:
  // `spec.detail` must hold a PromoteDbSpec. `rds` (the DR region's) and the clients
  // `rds_in` gives must outlive the step.
  ReprotectDbStep(StepSpec spec, RdsClient& rds, RdsInRegion rds_in);

  std::string resource() const override;  // "db <identifier>"

 private:
  const PromoteDbSpec& db() const { return std::get<PromoteDbSpec>(spec().detail); }
  Result<Reprotection> Inspect(StepRun& run) override;
  void Explain(StepRun& run, const Reprotection& plan) override;
  void Apply(StepRun& run, const Reprotection& plan) override;
  void Wait(StepRun& run, const Reprotection& plan) override;

  RdsClient& rds_;
  RdsInRegion rds_in_;
};

}  // namespace drf
