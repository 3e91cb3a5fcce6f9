// PromoteDbStep: turns the DR region's RDS read replica into a standalone, writable
// instance (the original's DB_INSTANCE_IDENTIFIER).
//
// Done means: no replica source any more AND status "available". Right after
// PromoteReadReplica AWS still reports "available" with the source set (the original's
// waiter returned at once on that); only the source disappearing proves the promotion ran.
//
// Idempotent and safe to run twice at once: PromoteReadReplica is never sent again after
// one took effect, and an InvalidDBInstanceState answer (another run is promoting, or an
// earlier call took effect) is treated as "promotion under way": the step re-reads the
// instance and waits instead of failing.
//
// Under API faults (AwsClient never retries PromoteReadReplica after a failure that may
// have taken effect):
//  - throttled, or never sent (connection refused): AWS did not act on it. Sent again
//    after a backoff (Poller::BackOff), within the step deadline.
//  - unknown outcome (HTTP 5xx, connection lost after sending, unreadable 2xx): the step
//    describes the instance. Status no longer "available", or no replica source: it took
//    effect; the call is recorded and the promotion waited for. Still "available" with its
//    source: AWS may not show a fresh promotion at once (the emulator's
//    promotion_trap_seconds), so the step keeps looking for kPromoteEvidenceWindow before
//    it sends again. Should it still cross an applied call, AWS answers
//    InvalidDBInstanceState, handled as above.
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

#include <chrono>
#include <string>

#include "services/cloudwatch_client.h"
#include "services/rds_client.h"
#include "steps/inspect_apply_step.h"

namespace drf {

// How long a replica that still reads "available" with its source is watched, after a
// PromoteReadReplica whose outcome is unknown, before the call is sent again. RDS's
// Describe* reads are eventually consistent: an accepted promotion can take a moment to
// show (AWS does not document how long; seconds in practice, 0.3 s in the emulator), and a
// call sent again inside that moment is one too many. 15 s covers that lag with a wide
// margin and costs little: the wait is paid only when the first call really did not
// reach AWS (a rare fault), against a promotion that itself takes minutes; when it did, the
// instance shows it within the first polls and nothing is sent again. A longer lag than
// this is still safe: the second call is answered InvalidDBInstanceState and waited out.
inline constexpr Duration kPromoteEvidenceWindow = std::chrono::seconds(15);

// Statuses from which an instance will not become available by waiting.
bool IsTerminalDbStatus(const std::string& status);

// Its decision is the instance as inspected: promoted or not follows from its status and
// replica source.
class PromoteDbStep final : public InspectApplyStep<DbInstance> {
 public:
  // `spec.detail` must hold a PromoteDbSpec. `rds` (and `lag`) must outlive the step.
  // With `lag`, a replica is promoted only if its lag passes the spec's guard
  // (steps/replica_lag.h); without, the lag is not looked at.
  PromoteDbStep(StepSpec spec, RdsClient& rds, CloudWatchClient* lag = nullptr);

  std::string resource() const override;  // "db <identifier>"

 private:
  const PromoteDbSpec& db() const { return std::get<PromoteDbSpec>(spec().detail); }
  Result<DbInstance> Inspect(StepRun& run) override;
  void Explain(StepRun& run, const DbInstance& instance) override;
  // Promotes and waits for the promotion: whether PromoteReadReplica may be sent again is
  // decided by what the instance shows while waiting, so the waits are part of acting.
  void Apply(StepRun& run, const DbInstance& instance) override;

  // The lag guard, for a replica Apply would promote: its evidence in result().checks, a
  // warning logged when it lets the promotion go ahead regardless, and its refusal.
  Status CheckLag(StepRun& run);

  RdsClient& rds_;
  CloudWatchClient* lag_;
};

}  // namespace drf
