#include "steps/promotion.h"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

#include "aws/retry.h"

namespace drf {
namespace {

// What a replica looks like once AWS acted on the promote call: it leaves "available"
// (modifying, promoting...), or it is no longer a replica.
bool ShowsPromotion(const ReplicaState& replica) {
  return replica.status != "available" || replica.source.empty();
}

nlohmann::json Snapshot(const ReplicaState& replica) { return ReplicaSnapshot(replica); }

// One Run of a promote step after Inspect: the replica as last seen, and the result being
// filled.
class Promotion {
 public:
  Promotion(StepRun& run, PromotionTarget& target, const ReplicaState& inspected)
      : run_(run),
        ctx_(run.ctx()),
        result_(run.result()),
        target_(target),
        waiter_(ctx_, result_, kPromotionPollSchedule),
        latest_(inspected) {}

  void Run() {
    if (IsTerminalDbStatus(latest_.status)) {
      return run_.Fail(Status::Rejected("status is " + latest_.status +
                                        ": it cannot become a writable " + target_.standalone));
    }
    if (latest_.source.empty()) return NotAReplica();
    if (latest_.status != "available") return WaitBusyReplica();
    Promote();
  }

 private:
  const std::string& id() const { return target_.id; }

  // The original skipped with a warning. A settling status (e.g. "modifying" after an
  // interrupted earlier promotion) is still waited out, so a resumed run verifies.
  void NotAReplica() {
    ctx_.log.Warn(target_.noun + " " + id() + " is not a read replica, nothing to promote");
    if (latest_.status != "available") {
      Status waited = WaitFor(id() + " to become available", [&] { return IsPromoted(latest_); });
      if (!waited.ok()) return run_.EndUnfinished(waited, "");
    }
    result_.after = Snapshot(latest_);
    result_.state = StepState::kUnchanged;
    result_.summary = "not a read replica, nothing to do";
  }

  // A replica that is not "available" is busy, most likely promoting: an earlier run was
  // interrupted after its promote call, or another run is promoting. A second call could
  // only be rejected (already_promoting_code): wait until the replica settles, and
  // promote only if it settles still a replica.
  void WaitBusyReplica() {
    const std::string source = latest_.source;
    ctx_.log.Info(target_.replica_noun + " " + id() + " has status " + latest_.status +
                  ": its promotion may already be under way; waiting for it to settle");
    Status waited = WaitFor(id() + " to settle", [&] { return latest_.status == "available"; });
    if (!waited.ok()) {
      result_.after = Snapshot(latest_);
      return run_.EndUnfinished(waited, "waited for replica " + id() + " (status " +
                                            latest_.status + ") to settle before promoting");
    }
    if (!latest_.source.empty()) return Promote();
    Verified(source, "; the promotion was already under way");
  }

  // Sends the promote call until AWS has it, never twice blindly: the client does not
  // retry it after a failure that may have taken effect (aws/retry.h), and neither does
  // this step. After a refusal AWS did not act on (throttling, not sent) it backs off and
  // sends again; after an unknown outcome (5xx, reply lost, reply unreadable) it asks the
  // instance (TookEffect) and sends again only when it shows no sign of the promotion.
  void Promote() {
    const std::string source = latest_.source;
    Duration backoff = run_.poller().first_interval();
    for (;;) {
      if (run_.StopIfCancelled()) return;
      ctx_.log.Info("Promoting " + target_.replica_noun + " " + id() + " to " + target_.standalone);
      Result<std::string> promoted = run_.poller().Act([&] { return target_.promote(); });
      if (promoted.ok()) {
        run_.Record(target_.operation, id(), *promoted);
        ctx_.log.Info("Successfully initiated promotion of " + id());
        return WaitPromoted(source, "promotion of " + id() + " initiated", "");
      }
      const Status& failure = promoted.status();
      if (failure.aws() != nullptr && failure.aws()->code == target_.already_promoting_code) {
        // Another run is promoting, or an earlier call of ours took effect. Sending again
        // could only fail the same way: wait for that promotion.
        ctx_.log.Warn("Promotion of " + id() + " is already under way (" + failure.message() +
                      "); waiting for it instead");
        return WaitPromoted(source, target_.call + " was rejected (" + failure.message() + ")",
                            "; the promotion was already under way");
      }
      if (MayHaveTakenEffect(failure)) {
        Result<bool> took = TookEffect(failure);
        if (!took.ok()) return EndUnresolved(took.status(), failure);
        if (*took) {
          // Recorded: it changed the instance, even if its reply never came.
          const AwsErrorInfo* aws = failure.aws();
          run_.Record(target_.operation, id(), aws != nullptr ? aws->request_id : "");
          return WaitPromoted(source, target_.call + "'s reply was lost but it took effect",
                              "; " + target_.call + "'s reply was lost (" + failure.message() +
                                  "), the " + target_.noun + " showed it took effect");
        }
        continue;  // the evidence window was the wait
      }
      if (failure.code() == StatusCode::kCancelled) {
        return run_.EndUnfinished(failure, "");  // during a client backoff
      }
      if (!IsTransient(failure)) return run_.Fail(failure);
      // Throttled, or it never left: AWS did not act on it.
      Status slept = run_.poller().BackOff(failure, backoff);
      if (!slept.ok()) return run_.EndUnfinished(slept, "");
    }
  }

  // After a promote call whose outcome is unknown, watches the replica for up to
  // kPromoteEvidenceWindow (promotion.h says why that long): true as soon as it shows the
  // promotion (status no longer "available", or no replica source), false when the window
  // ends with it still "available" and a replica (AWS did not act on the call). Errors:
  // the step deadline, cancel, a terminal status.
  Result<bool> TookEffect(const Status& failure) {
    ctx_.log.Warn(target_.call + " on " + id() + " may or may not have taken effect (" +
                  failure.ToString() +
                  "); not sending it again until the instance shows whether it did");
    const MonoTime window_end =
        std::min(ctx_.deadline, ctx_.clock.Monotonic() + kPromoteEvidenceWindow);
    StepContext window{ctx_.clock, ctx_.log, ctx_.cancel, window_end};
    window.waits = ctx_.waits;
    window.step_id = ctx_.step_id;
    Poller watcher(window, result_, kPromotionPollSchedule);  // watched as closely as a wait
    Status seen = watcher.WaitUntil("a sign that " + target_.call + " on " + id() + " took effect",
                                    [&]() -> Result<bool> {
                                      DRF_RETURN_IF_ERROR(Describe());
                                      return ShowsPromotion(latest_);
                                    });
    if (seen.ok()) {
      ctx_.log.Info(id() + " shows the promotion (" + Described() +
                    "): the call took effect; waiting for it, not sending it again");
      return true;
    }
    if (seen.code() == StatusCode::kTimedOut && ctx_.clock.Monotonic() < ctx_.deadline) {
      ctx_.log.Warn(
          "No sign of the promotion of " + id() + " after " +
          std::to_string(
              std::chrono::duration_cast<std::chrono::seconds>(kPromoteEvidenceWindow).count()) +
          " s (" + Described() + "): the call was not applied; sending it again");
      return false;
    }
    return seen;
  }

  // The outcome of a promote call stayed unknown (deadline, cancel, terminal status).
  // Never "not run": the call may have changed the instance.
  void EndUnresolved(const Status& status, const Status& failure) {
    result_.after = Snapshot(latest_);
    const std::string done = target_.call + "'s outcome unknown (" + failure.message() + ")";
    if (status.code() == StatusCode::kCancelled) {
      return run_.Fail(status.WithContext(done));
    }
    run_.EndUnfinished(status, done);
  }

  // `done` leads the summary if the wait does not end well; `note` ends it if it does.
  void WaitPromoted(const std::string& source, const std::string& done, const std::string& note) {
    ctx_.log.Info("Waiting for " + id() + " to complete promotion...");
    Status waited = WaitFor("the promotion of " + id(), [&] { return IsPromoted(latest_); });
    result_.after = Snapshot(latest_);
    if (!waited.ok()) {
      return run_.EndUnfinished(
          waited, done + "; last seen status " + latest_.status +
                      (latest_.source.empty() ? ", no longer a replica" : ", still a replica"));
    }
    Verified(source, note);
  }

  // The instance is promoted (seen available without a replica source).
  void Verified(const std::string& source, const std::string& note) {
    result_.after = Snapshot(latest_);
    ctx_.log.Info(target_.noun + " " + id() + " successfully promoted to " + target_.standalone);
    result_.state = StepState::kSucceeded;
    result_.summary = "promoted " + id() + " (was replica of " + source + ")" + note;
    result_.changes.push_back("promoted " + id() + " to a " + target_.standalone +
                              " (was replica of " + source + ")");
  }

  // Polls the instance until `done` holds for it, bounded by the deadline and the stall
  // rule. Progress is each new (status, still a replica) state seen: a promotion moves
  // through modifying, backing-up, ... in minutes, so a long time in one state is a stall.
  Status WaitFor(const std::string& what, const std::function<bool()>& done) {
    std::set<std::string> states;
    WaitSpec wait;
    wait.what = what;
    wait.stall_after = run_.stall_after();
    wait.check = [&]() -> Result<WaitProgress> {
      DRF_RETURN_IF_ERROR(Describe());
      states.insert(Described());
      return WaitProgress{done(), Described(), static_cast<long long>(states.size())};
    };
    wait.evidence = [&] { return target_.stall_evidence(latest_); };
    return waiter_.Wait(wait);
  }

  // Reads the replica into latest_; an error once it can no longer become promoted.
  Status Describe() {
    Result<ReplicaState> now = target_.describe();
    if (!now.ok()) return now.status();
    latest_ = *now;
    if (IsTerminalDbStatus(latest_.status)) {
      return Status::Rejected("entered status " + latest_.status);
    }
    ctx_.log.Debug(id() + ": " + Described());
    return Status::Ok();
  }

  std::string Described() const {
    return "status " + latest_.status + ", replica source \"" + latest_.source + "\"";
  }

  StepRun& run_;  // its poller: inspections, the promote call and their retries
  StepContext& ctx_;
  StepResult& result_;
  PromotionTarget& target_;
  Poller waiter_;        // waits for the replica: watched closely (kPromotionPollSchedule)
  ReplicaState latest_;  // the replica as last described
};

}  // namespace

nlohmann::json ReplicaSnapshot(const ReplicaState& replica) {
  nlohmann::json out = {{"status", replica.status}, {"replica_source", replica.source}};
  if (!replica.endpoint.empty()) out["endpoint"] = replica.endpoint;
  return out;
}

bool IsPromoted(const ReplicaState& replica) {
  return replica.source.empty() && replica.status == "available";
}

bool IsTerminalDbStatus(const std::string& status) {
  static constexpr std::array<std::string_view, 13> kTerminal = {
      "failed",
      "incompatible-restore",
      "incompatible-parameters",
      "incompatible-network",
      "incompatible-option-group",
      "incompatible-credentials",
      "storage-full",
      "deleting",
      "deleted",
      "stopping",
      "stopped",
      "inaccessible-encryption-credentials",
      "inaccessible-encryption-credentials-recoverable",
  };
  return std::find(kTerminal.begin(), kTerminal.end(), status) != kTerminal.end();
}

void RunPromotion(StepRun& run, PromotionTarget& target, const ReplicaState& inspected) {
  Promotion(run, target, inspected).Run();
}

}  // namespace drf
