#include "steps/promote_db.h"

#include <future>

#include "steps/replica_lag.h"
#include "steps/stall_evidence.h"
#include "steps/standby_record.h"

namespace drf {
namespace {

ReplicaState StateOf(const DbInstance& db) {
  return {db.status, db.read_replica_source, db.endpoint_address};
}

}  // namespace

Result<DbInstance> DescribeDbInstance(RdsClient& rds, const std::string& id) {
  Result<std::vector<DbInstance>> found = rds.DescribeDBInstances(id);
  if (!found.ok()) return found.status();
  if (found->empty()) return Status::NotFound("RDS instance " + id + " not found");
  return found->front();
}

PromoteDbStep::PromoteDbStep(StepSpec spec, RdsClient& rds, CloudWatchClient* lag)
    : InspectApplyStep(std::move(spec)), rds_(rds), lag_(lag) {}

std::string PromoteDbStep::resource() const { return "db " + db().db_instance_identifier; }

Result<ReplicaState> PromoteDbStep::Inspect(StepRun& run) {
  auto describe = [&] {
    return run.poller().Act([&] { return DescribeDbInstance(rds_, db().db_instance_identifier); });
  };
  Result<DbInstance> found = describe();
  if (!found.ok()) return found.status();
  arn_ = found->arn;
  tags_ = found->tags;
  run.result().before = ReplicaSnapshot(StateOf(*found));
  // Only a replica Apply would promote at once: a busy one ("modifying"...) is most likely
  // promoting already (a resumed run), and refusing to wait for it would help no one.
  bool promotes_now = !found->read_replica_source.empty() && found->status == "available";
  if (lag_ == nullptr || !promotes_now) return StateOf(*found);
  // The decision is taken on the instance as it is when the lag is read, so a promotion
  // that started meanwhile (another run's, or a killed run's last call) is waited for
  // instead of being sent again. The two reads go to different services and need nothing
  // from each other: sent together, they cost the promotion one round trip, not two.
  std::future<ReplicaLagReading> lag =
      std::async(std::launch::async, [this, now = run.ctx().clock.Now()] {
        return ReadReplicaLag(*lag_, db().db_instance_identifier, now);
      });
  Result<DbInstance> now = describe();
  DRF_RETURN_IF_ERROR(JudgeLag(run, lag.get()));
  if (!now.ok()) return now.status();
  tags_ = now->tags;
  return StateOf(*now);
}

Status PromoteDbStep::JudgeLag(StepRun& run, const ReplicaLagReading& reading) {
  const std::string& id = db().db_instance_identifier;
  LagVerdict verdict = JudgeReplicaLag(id, reading, db().replica_lag);
  run.result().checks = {{"replica_lag", verdict.evidence}};
  if (!verdict.warning.empty()) run.ctx().log.Warn(verdict.warning);
  return verdict.refusal;
}

void PromoteDbStep::Explain(StepRun& run, const ReplicaState& instance) {
  StepResult& result = run.result();
  result.after = ReplicaSnapshot(instance);
  if (IsTerminalDbStatus(instance.status)) {
    return run.Fail(Status::Rejected("status is " + instance.status + ": it cannot be promoted"));
  }
  if (instance.source.empty()) {
    result.state = StepState::kUnchanged;
    result.summary = "not a replica: nothing to do";
    return;
  }
  result.state = StepState::kSucceeded;
  result.summary =
      "would promote " + db().db_instance_identifier + " (replica of " + instance.source + ")";
  result.changes.push_back(result.summary);
  result.after = {{"status", "available"}, {"replica_source", ""}};
}

void PromoteDbStep::Apply(StepRun& run, const ReplicaState& instance) {
  const PromoteDbSpec& spec = db();
  const std::string& id = spec.db_instance_identifier;
  PromotionTarget target{
      id,
      "RDS instance",
      "RDS read replica",
      "standalone instance",
      "PromoteReadReplica",
      "RDS.PromoteReadReplica",
      "InvalidDBInstanceState",
      [&]() -> Result<ReplicaState> {
        DRF_ASSIGN_OR_RETURN(DbInstance db, DescribeDbInstance(rds_, id));
        return StateOf(db);
      },
      [&]() -> Result<std::string> {
        DRF_ASSIGN_OR_RETURN(Mutated<DbInstance> promoted,
                             rds_.PromoteReadReplica(
                                 {id, spec.backup_retention_period, spec.preferred_backup_window}));
        return promoted.request_id;
      },
      [&](const ReplicaState& last) {
        return ReplicaStallEvidence(rds_, "db-instance", id, last.status, last.source);
      }};
  if (!instance.source.empty() && !run.ctx().cancel.cancelled()) RecordSource(run, instance.source);
  RunPromotion(run, target, instance);
}

void PromoteDbStep::RecordSource(StepRun& run, const std::string& source) {
  if (arn_.empty()) return;
  // DescribeDBInstances carries the tags; an answer without them is read apart.
  Result<ResourceTags> tags =
      tags_ ? Result<ResourceTags>(*tags_)
            : run.poller().Act([&] { return rds_.ListTagsForResource(arn_); });
  Status recorded = tags.status();
  if (tags.ok()) {
    if (auto it = tags->find(kStandbyTag); it != tags->end()) {
      run.result().before["standby"] = it->second;
      return;
    }
    const std::string value = DbStandbyValue(source);
    Result<Ack> ack = run.poller().Act([&] { return rds_.AddTag(arn_, kStandbyTag, value); });
    recorded = run.RecordMutation("RDS.AddTagsToResource", db().db_instance_identifier, ack);
    if (recorded.ok()) {
      run.result().before["standby"] = value;
      return;
    }
  }
  run.log().Warn(
      "RDS instance " + db().db_instance_identifier +
      ": its source was not recorded (failback cannot reprotect it): " + recorded.UserMessage());
}

}  // namespace drf
