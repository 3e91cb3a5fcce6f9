// The promotion of a read replica, an RDS instance (promote_db) or an Aurora cluster
// (promote_db_cluster): the same rules and waits for both, written once.
//
// Done means: no replica source any more AND status "available". Right after the promote
// call AWS may still report "available" with the source set (the original's waiter
// returned at once on that); only the source disappearing proves the promotion ran.
//
// Idempotent and safe to run twice at once: the promote call is never sent again after one
// took effect, and an "already promoting" answer (another run is promoting, or an earlier
// call took effect) is treated as the promotion under way: the replica is re-read and
// waited for.
//
// Under API faults (AwsClient never retries the promote calls after a failure that may have
// taken effect):
//  - throttled, or never sent (connection refused): AWS did not act on it. Sent again
//    after a backoff (Poller::BackOff), within the step deadline.
//  - unknown outcome (HTTP 5xx, connection lost after sending, unreadable 2xx): the replica
//    is described. Status no longer "available", or no replica source: it took effect; the
//    call is recorded and the promotion waited for. Still "available" with its source: AWS
//    may not show a fresh promotion at once (the emulator's promotion_trap_seconds), so the
//    step keeps looking for kPromoteEvidenceWindow before it sends again. Should it still
//    cross an applied call, AWS answers "already promoting", handled as above.
//
// A replica that is not "available" (e.g. "modifying": a run killed right after its
// promote call took effect, or another run promoting) is waited on, not promoted again; it
// is promoted only if it settles "available" still a replica.
//
// Outcomes: kSucceeded (promoted and verified), kUnchanged (not a replica: the original
// skipped with a warning; a settling status is waited out first), kFailed (not found, a
// terminal status such as failed/incompatible-*/storage-full/deleting, any other AWS
// error), kTimedOut.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "steps/step_run.h"

namespace drf {

// How long a replica that still reads "available" with its source is watched, after a
// promote call whose outcome is unknown, before the call is sent again. RDS's Describe*
// reads are eventually consistent: an accepted promotion can take a moment to show (AWS
// does not document how long; seconds in practice, 0.3 s in the emulator), and a call sent
// again inside that moment is one too many. 15 s covers that lag with a wide margin and
// costs little: the wait is paid only when the first call really did not reach AWS (a rare
// fault), against a promotion that itself takes minutes; when it did, the replica shows it
// within the first polls and nothing is sent again. A longer lag than this is still safe:
// the second call is answered "already promoting" and waited out.
inline constexpr Duration kPromoteEvidenceWindow = std::chrono::seconds(15);

// Statuses from which an instance or cluster will not become available by waiting.
bool IsTerminalDbStatus(const std::string& status);

// A replica as a promotion sees it.
struct ReplicaState {
  std::string status;
  std::string source;    // what it replicates from; empty: not (or no longer) a replica
  std::string endpoint;  // where it answers; may be empty
};

// {"status", "replica_source", "endpoint" (when known)}: a promote step's before and after.
nlohmann::json ReplicaSnapshot(const ReplicaState& replica);
bool IsPromoted(const ReplicaState& replica);  // available, no source

// What is promoted, and how.
struct PromotionTarget {
  std::string id;
  std::string noun;                    // "RDS instance", for log lines
  std::string replica_noun;            // "RDS read replica"
  std::string standalone;              // "standalone instance": what it becomes
  std::string call;                    // "PromoteReadReplica"
  std::string operation;               // "RDS.PromoteReadReplica", for the report
  std::string already_promoting_code;  // AWS's answer to a second call: "InvalidDBInstanceState"
  std::function<Result<ReplicaState>()> describe;  // NotFound when it does not exist
  std::function<Result<std::string>()> promote;    // the call; its request id
  std::function<std::string(const ReplicaState&)> stall_evidence;
};

// Promotes `target` (as `inspected` was) and waits for it, ending `run`'s result.
void RunPromotion(StepRun& run, PromotionTarget& target, const ReplicaState& inspected);

}  // namespace drf
