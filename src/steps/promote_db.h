// PromoteDbStep: turns the DR region's RDS read replica into a standalone, writable
// instance (the original's DB_INSTANCE_IDENTIFIER).
//
// Done means: no replica source any more AND status "available". Right after
// PromoteReadReplica AWS still reports "available" with the source set (the original's
// waiter returned at once on that); only the source disappearing proves the promotion ran.
//
// Idempotent and safe to run twice at once: PromoteReadReplica is sent at most once per
// Run, never after one was accepted, and an InvalidDBInstanceState answer (another run is
// promoting, or a retried call whose first attempt was applied) is treated as "promotion
// under way": the step re-reads the instance and waits instead of failing.
//
// A replica that is not "available" (e.g. "modifying": a run killed right after its
// PromoteReadReplica took effect, or another run promoting) is waited on, not promoted
// again; it is promoted only if it settles "available" still a replica. (Right after the
// call AWS may still show "available" with the source for a moment: a run resumed inside
// that moment cannot tell, calls again and takes the InvalidDBInstanceState path above.)
//
// Outcomes: kSucceeded (promoted and verified), kUnchanged (not a replica: the original
// skipped with a warning; if its status is settling, e.g. "modifying" after an earlier
// promotion, the step waits for "available" first), kFailed (not found, a terminal status
// such as failed/incompatible-*/storage-full/deleting, any other AWS error), kTimedOut.
#pragma once

#include <string>

#include "plan/step.h"
#include "services/rds_client.h"

namespace drf {

// Statuses from which an instance will not become available by waiting.
bool IsTerminalDbStatus(const std::string& status);

class PromoteDbStep final : public Step {
 public:
  // `spec.detail` must hold a PromoteDbSpec. `rds` must outlive the step.
  PromoteDbStep(StepSpec spec, RdsClient& rds);

  const StepSpec& spec() const override { return spec_; }
  std::string resource() const override;  // "db <identifier>"
  StepResult Preview(StepContext& ctx) override;
  StepResult Run(StepContext& ctx) override;

 private:
  const PromoteDbSpec& db() const { return std::get<PromoteDbSpec>(spec_.detail); }

  StepSpec spec_;
  RdsClient& rds_;
};

}  // namespace drf
