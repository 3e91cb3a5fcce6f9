#include "steps/promote_db.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "steps/poller.h"
#include "steps/step_outcome.h"

namespace drf {
namespace {

nlohmann::json Snapshot(const DbInstance& db) {
  return {{"status", db.status}, {"replica_source", db.read_replica_source}};
}

bool IsPromoted(const DbInstance& db) {
  return db.read_replica_source.empty() && db.status == "available";
}

bool IsAlreadyPromoting(const Status& status) {
  return status.aws() != nullptr && status.aws()->code == "InvalidDBInstanceState";
}

// DescribeDBInstances for one identifier; an empty answer is NotFound too.
Result<DbInstance> DescribeOne(RdsClient& rds, const std::string& id) {
  Result<std::vector<DbInstance>> found = rds.DescribeDBInstances(id);
  if (!found.ok()) return found.status();
  if (found->empty()) return Status::NotFound("RDS instance " + id + " not found");
  return found->front();
}

// One Run of the step: the instance as last seen, and the result being filled.
class Promotion {
 public:
  Promotion(StepContext& ctx, StepResult& result, RdsClient& rds, const PromoteDbSpec& spec,
            std::string resource)
      : ctx_(ctx),
        result_(result),
        rds_(rds),
        spec_(spec),
        resource_(std::move(resource)),
        poller_(ctx, result) {}

  void Run() {
    if (StopIfCancelled(ctx_, result_, resource_)) return;
    Result<DbInstance> db = poller_.Act([&] { return DescribeOne(rds_, id()); });
    if (!db.ok()) return EndFailed(ctx_, result_, resource_, db.status());
    latest_ = *db;
    result_.before = Snapshot(latest_);
    if (IsTerminalDbStatus(latest_.status)) {
      return EndFailed(ctx_, result_, resource_,
                       Status::Rejected("status is " + latest_.status +
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
      Status waited = poller_.WaitUntil(id() + " to become available", [&] { return Check(); });
      if (!waited.ok()) return EndUnfinished(ctx_, result_, resource_, waited, "");
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
    Status waited = poller_.WaitUntil(id() + " to settle", [&]() -> Result<bool> {
      Result<bool> promoted = Check();
      if (!promoted.ok()) return promoted.status();
      return *promoted || latest_.status == "available";
    });
    if (!waited.ok()) {
      result_.after = Snapshot(latest_);
      return EndUnfinished(ctx_, result_, resource_, waited,
                           "waited for replica " + id() + " (status " + latest_.status +
                               ") to settle before promoting");
    }
    if (!latest_.read_replica_source.empty()) return Promote();
    Verified(source, "; the promotion was already under way");
  }

  void Promote() {
    const std::string source = latest_.read_replica_source;
    if (StopIfCancelled(ctx_, result_, resource_)) return;
    ctx_.log.Info("Promoting RDS read replica " + id() + " to standalone instance");
    PromoteReadReplicaRequest request{id(), spec_.backup_retention_period,
                                      spec_.preferred_backup_window};
    Result<Mutated<DbInstance>> promoted =
        poller_.Act([&] { return rds_.PromoteReadReplica(request); });
    Status rejection;
    if (promoted.ok()) {
      RecordCall(ctx_, result_, "RDS.PromoteReadReplica", id(), promoted->request_id);
      ctx_.log.Info("Successfully initiated promotion of " + id());
    } else if (IsAlreadyPromoting(promoted.status())) {
      // Another run is promoting, or our call was retried after its first attempt was
      // applied. Sending again could only fail the same way: wait for that promotion.
      rejection = promoted.status();
      ctx_.log.Warn("Promotion of " + id() + " is already under way (" +
                    promoted.status().message() + "); waiting for it instead");
    } else {
      return EndFailed(ctx_, result_, resource_, promoted.status());
    }
    WaitPromoted(source, rejection);
  }

  void WaitPromoted(const std::string& source, const Status& rejection) {
    ctx_.log.Info("Waiting for " + id() + " to complete promotion...");
    Status waited = poller_.WaitUntil("the promotion of " + id(), [&] { return Check(); });
    result_.after = Snapshot(latest_);
    if (!waited.ok()) {
      std::string done = rejection.ok()
                             ? "promotion of " + id() + " initiated"
                             : "PromoteReadReplica was rejected (" + rejection.message() + ")";
      return EndUnfinished(ctx_, result_, resource_, waited,
                           done + "; last seen status " + latest_.status +
                               (latest_.read_replica_source.empty() ? ", no longer a replica"
                                                                    : ", still a replica"));
    }
    Verified(source, rejection.ok() ? "" : "; the promotion was already under way");
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

  // One poll: true once promoted; an error once the instance can no longer get there.
  Result<bool> Check() {
    Result<DbInstance> db = DescribeOne(rds_, id());
    if (!db.ok()) return db.status();
    latest_ = *db;
    if (IsTerminalDbStatus(latest_.status)) {
      return Status::Rejected("entered status " + latest_.status);
    }
    ctx_.log.Debug(id() + ": status " + latest_.status + ", replica source \"" +
                   latest_.read_replica_source + "\"");
    return IsPromoted(latest_);
  }

  StepContext& ctx_;
  StepResult& result_;
  RdsClient& rds_;
  const PromoteDbSpec& spec_;
  const std::string resource_;
  Poller poller_;
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

PromoteDbStep::PromoteDbStep(StepSpec spec, RdsClient& rds) : spec_(std::move(spec)), rds_(rds) {}

std::string PromoteDbStep::resource() const { return "db " + db().db_instance_identifier; }

StepResult PromoteDbStep::Preview(StepContext& ctx) {
  StepResult result;
  Poller poller(ctx, result);
  const std::string& id = db().db_instance_identifier;
  Result<DbInstance> found = poller.Act([&] { return DescribeOne(rds_, id); });
  if (!found.ok()) {
    EndFailed(ctx, result, resource(), found.status());
    return result;
  }
  result.before = result.after = Snapshot(*found);
  if (IsTerminalDbStatus(found->status)) {
    EndFailed(ctx, result, resource(),
              Status::Rejected("status is " + found->status + ": it cannot be promoted"));
  } else if (found->read_replica_source.empty()) {
    result.state = StepState::kUnchanged;
    result.summary = "not a replica: nothing to do";
  } else {
    result.state = StepState::kSucceeded;
    result.summary = "would promote " + id + " (replica of " + found->read_replica_source + ")";
    result.changes.push_back(result.summary);
    result.after = {{"status", "available"}, {"replica_source", ""}};
  }
  return result;
}

StepResult PromoteDbStep::Run(StepContext& ctx) {
  StepResult result;
  Promotion(ctx, result, rds_, db(), resource()).Run();
  return result;
}

}  // namespace drf
