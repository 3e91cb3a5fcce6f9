#include "steps/promote_db.h"

#include <algorithm>
#include <array>
#include <functional>
#include <set>
#include <string_view>

#include "aws/retry.h"
#include "steps/replica_lag.h"
#include "steps/stall_evidence.h"

namespace drf {
namespace {

// The endpoint is what hooks and people need next: where the new writer answers.
nlohmann::json Snapshot(const DbInstance& db) {
  nlohmann::json out = {{"status", db.status}, {"replica_source", db.read_replica_source}};
  if (!db.endpoint_address.empty()) out["endpoint"] = db.endpoint_address;
  return out;
}

bool IsPromoted(const DbInstance& db) {
  return db.read_replica_source.empty() && db.status == "available";
}

bool IsAlreadyPromoting(const Status& status) {
  return status.aws() != nullptr && status.aws()->code == "InvalidDBInstanceState";
}

// What a replica looks like once AWS acted on PromoteReadReplica: it leaves "available"
// (modifying, rebooting...), or it is no longer a replica.
bool ShowsPromotion(const DbInstance& db) {
  return db.status != "available" || db.read_replica_source.empty();
}

// DescribeDBInstances for one identifier; an empty answer is NotFound too.
Result<DbInstance> DescribeOne(RdsClient& rds, const std::string& id) {
  Result<std::vector<DbInstance>> found = rds.DescribeDBInstances(id);
  if (!found.ok()) return found.status();
  if (found->empty()) return Status::NotFound("RDS instance " + id + " not found");
  return found->front();
}

// One Run of the step after Inspect: the instance as last seen, and the result being filled.
class Promotion {
 public:
  Promotion(StepRun& run, RdsClient& rds, const PromoteDbSpec& spec, const DbInstance& inspected)
      : run_(run),
        ctx_(run.ctx()),
        result_(run.result()),
        rds_(rds),
        spec_(spec),
        waiter_(ctx_, result_, kPromotionPollSchedule),
        latest_(inspected) {}

  void Run() {
    if (IsTerminalDbStatus(latest_.status)) {
      return run_.Fail(Status::Rejected("status is " + latest_.status +
                                        ": it cannot become a writable standalone instance"));
    }
    if (latest_.read_replica_source.empty()) return NotAReplica();
    if (latest_.status != "available") return WaitBusyReplica();
    Promote();
  }

 private:
  const std::string& id() const { return spec_.db_instance_identifier; }

  // The original skipped with a warning. A settling status (e.g. "modifying" after an
  // interrupted earlier promotion) is still waited out, so a resumed run verifies.
  void NotAReplica() {
    ctx_.log.Warn("RDS instance " + id() + " is not a read replica, nothing to promote");
    if (latest_.status != "available") {
      Status waited = WaitFor(id() + " to become available", [&] { return IsPromoted(latest_); });
      if (!waited.ok()) return run_.EndUnfinished(waited, "");
    }
    result_.after = Snapshot(latest_);
    result_.state = StepState::kUnchanged;
    result_.summary = "not a read replica, nothing to do";
  }

  // A replica that is not "available" is busy, most likely promoting: an earlier run was
  // interrupted after PromoteReadReplica, or another run is promoting. A second call
  // could only be rejected (InvalidDBInstanceState): wait until the instance settles, and
  // promote only if it settles still a replica.
  void WaitBusyReplica() {
    const std::string source = latest_.read_replica_source;
    ctx_.log.Info("RDS read replica " + id() + " has status " + latest_.status +
                  ": its promotion may already be under way; waiting for it to settle");
    Status waited = WaitFor(id() + " to settle", [&] { return latest_.status == "available"; });
    if (!waited.ok()) {
      result_.after = Snapshot(latest_);
      return run_.EndUnfinished(waited, "waited for replica " + id() + " (status " +
                                            latest_.status + ") to settle before promoting");
    }
    if (!latest_.read_replica_source.empty()) return Promote();
    Verified(source, "; the promotion was already under way");
  }

  // Sends PromoteReadReplica until AWS has it, never twice blindly: the client does not
  // retry it after a failure that may have taken effect (aws/retry.h), and neither does
  // this step. After a refusal AWS did not act on (throttling, not sent) it backs off and
  // sends again; after an unknown outcome (5xx, reply lost, reply unreadable) it asks the
  // instance (TookEffect) and sends again only when it shows no sign of the promotion.
  void Promote() {
    const std::string source = latest_.read_replica_source;
    const PromoteReadReplicaRequest request{id(), spec_.backup_retention_period,
                                            spec_.preferred_backup_window};
    Duration backoff = run_.poller().first_interval();
    for (;;) {
      if (run_.StopIfCancelled()) return;
      ctx_.log.Info("Promoting RDS read replica " + id() + " to standalone instance");
      Result<Mutated<DbInstance>> promoted =
          run_.poller().Act([&] { return rds_.PromoteReadReplica(request); });
      if (promoted.ok()) {
        run_.Record("RDS.PromoteReadReplica", id(), promoted->request_id);
        ctx_.log.Info("Successfully initiated promotion of " + id());
        return WaitPromoted(source, "promotion of " + id() + " initiated", "");
      }
      const Status& failure = promoted.status();
      if (IsAlreadyPromoting(failure)) {
        // Another run is promoting, or an earlier call of ours took effect. Sending again
        // could only fail the same way: wait for that promotion.
        ctx_.log.Warn("Promotion of " + id() + " is already under way (" + failure.message() +
                      "); waiting for it instead");
        return WaitPromoted(source, "PromoteReadReplica was rejected (" + failure.message() + ")",
                            "; the promotion was already under way");
      }
      if (MayHaveTakenEffect(failure)) {
        Result<bool> took = TookEffect(failure);
        if (!took.ok()) return EndUnresolved(took.status(), failure);
        if (*took) {
          // Recorded: it changed the instance, even if its reply never came.
          const AwsErrorInfo* aws = failure.aws();
          run_.Record("RDS.PromoteReadReplica", id(), aws != nullptr ? aws->request_id : "");
          return WaitPromoted(source, "PromoteReadReplica's reply was lost but it took effect",
                              "; PromoteReadReplica's reply was lost (" + failure.message() +
                                  "), the instance showed it took effect");
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

  // After a PromoteReadReplica whose outcome is unknown, watches the instance for up to
  // kPromoteEvidenceWindow (promote_db.h says why that long): true as soon as it shows the
  // promotion (status no longer "available", or no replica source), false when the window
  // ends with it still "available" and a replica (AWS did not act on the call). Errors:
  // the step deadline, cancel, a terminal status.
  Result<bool> TookEffect(const Status& failure) {
    ctx_.log.Warn("PromoteReadReplica on " + id() + " may or may not have taken effect (" +
                  failure.ToString() +
                  "); not sending it again until the instance shows whether it did");
    const MonoTime window_end =
        std::min(ctx_.deadline, ctx_.clock.Monotonic() + kPromoteEvidenceWindow);
    StepContext window{ctx_.clock, ctx_.log, ctx_.cancel, window_end};
    window.waits = ctx_.waits;
    window.step_id = ctx_.step_id;
    Poller watcher(window, result_, kPromotionPollSchedule);  // watched as closely as a wait
    Status seen = watcher.WaitUntil("a sign that PromoteReadReplica on " + id() + " took effect",
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

  // The outcome of a PromoteReadReplica stayed unknown (deadline, cancel, terminal status).
  // Never "not run": the call may have changed the instance.
  void EndUnresolved(const Status& status, const Status& failure) {
    result_.after = Snapshot(latest_);
    const std::string done = "PromoteReadReplica's outcome unknown (" + failure.message() + ")";
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
      return run_.EndUnfinished(waited,
                                done + "; last seen status " + latest_.status +
                                    (latest_.read_replica_source.empty() ? ", no longer a replica"
                                                                         : ", still a replica"));
    }
    Verified(source, note);
  }

  // The instance is promoted (seen available without a replica source).
  void Verified(const std::string& source, const std::string& note) {
    result_.after = Snapshot(latest_);
    ctx_.log.Info("RDS instance " + id() + " successfully promoted to standalone instance");
    result_.state = StepState::kSucceeded;
    result_.summary = "promoted " + id() + " (was replica of " + source + ")" + note;
    result_.changes.push_back("promoted " + id() + " to a standalone instance (was replica of " +
                              source + ")");
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
    wait.evidence = [&] { return DbStallEvidence(rds_, latest_); };
    return waiter_.Wait(wait);
  }

  // Reads the instance into latest_; an error once it can no longer become promoted.
  Status Describe() {
    Result<DbInstance> db = DescribeOne(rds_, id());
    if (!db.ok()) return db.status();
    latest_ = *db;
    if (IsTerminalDbStatus(latest_.status)) {
      return Status::Rejected("entered status " + latest_.status);
    }
    ctx_.log.Debug(id() + ": " + Described());
    return Status::Ok();
  }

  std::string Described() const {
    return "status " + latest_.status + ", replica source \"" + latest_.read_replica_source + "\"";
  }

  StepRun& run_;  // its poller: inspections, the promote call and their retries
  StepContext& ctx_;
  StepResult& result_;
  RdsClient& rds_;
  const PromoteDbSpec& spec_;
  Poller waiter_;      // waits for the instance: watched closely (kPromotionPollSchedule)
  DbInstance latest_;  // the instance as last described
};

}  // namespace

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

PromoteDbStep::PromoteDbStep(StepSpec spec, RdsClient& rds, CloudWatchClient* lag)
    : InspectApplyStep(std::move(spec)), rds_(rds), lag_(lag) {}

std::string PromoteDbStep::resource() const { return "db " + db().db_instance_identifier; }

Result<DbInstance> PromoteDbStep::Inspect(StepRun& run) {
  auto describe = [&] {
    return run.poller().Act([&] { return DescribeOne(rds_, db().db_instance_identifier); });
  };
  Result<DbInstance> found = describe();
  if (!found.ok()) return found;
  run.result().before = Snapshot(*found);
  // Only a replica Apply would promote at once: a busy one ("modifying"...) is most likely
  // promoting already (a resumed run), and refusing to wait for it would help no one.
  bool promotes_now = !found->read_replica_source.empty() && found->status == "available";
  if (lag_ == nullptr || !promotes_now) return found;
  DRF_RETURN_IF_ERROR(CheckLag(run));
  // The lag read took a round trip: decide on the instance as it is now, so a promotion
  // that started meanwhile (another run's, or a killed run's last call) is waited for
  // instead of being sent again.
  return describe();
}

Status PromoteDbStep::CheckLag(StepRun& run) {
  const std::string& id = db().db_instance_identifier;
  ReplicaLagReading reading = ReadReplicaLag(*lag_, id, run.ctx().clock.Now());
  LagVerdict verdict = JudgeReplicaLag(id, reading, db().replica_lag);
  run.result().checks = {{"replica_lag", verdict.evidence}};
  if (!verdict.warning.empty()) run.ctx().log.Warn(verdict.warning);
  return verdict.refusal;
}

void PromoteDbStep::Explain(StepRun& run, const DbInstance& instance) {
  StepResult& result = run.result();
  result.after = Snapshot(instance);
  if (IsTerminalDbStatus(instance.status)) {
    return run.Fail(Status::Rejected("status is " + instance.status + ": it cannot be promoted"));
  }
  if (instance.read_replica_source.empty()) {
    result.state = StepState::kUnchanged;
    result.summary = "not a replica: nothing to do";
    return;
  }
  result.state = StepState::kSucceeded;
  result.summary = "would promote " + db().db_instance_identifier + " (replica of " +
                   instance.read_replica_source + ")";
  result.changes.push_back(result.summary);
  result.after = {{"status", "available"}, {"replica_source", ""}};
}

void PromoteDbStep::Apply(StepRun& run, const DbInstance& instance) {
  Promotion(run, rds_, db(), instance).Run();
}

}  // namespace drf
