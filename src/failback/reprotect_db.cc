#include "failback/reprotect_db.h"

#include "core/strings.h"
#include "steps/promote_db.h"
#include "steps/standby_record.h"

namespace drf {
namespace {

// "<id> in <region>", for messages.
std::string Where(const Reprotection& plan) { return plan.replica_id + " in " + plan.region; }

}  // namespace

std::string RegionOfArn(const std::string& arn) {
  if (arn.rfind("arn:", 0) != 0) return "";
  std::vector<std::string> parts = SplitList(arn, ':');
  return parts.size() > 3 ? parts[3] : "";
}

ReprotectDbStep::ReprotectDbStep(StepSpec spec, RdsClient& rds, RdsInRegion rds_in)
    : InspectApplyStep(std::move(spec)), rds_(rds), rds_in_(std::move(rds_in)) {}

std::string ReprotectDbStep::resource() const { return "db " + db().db_instance_identifier; }

Result<Reprotection> ReprotectDbStep::Inspect(StepRun& run) {
  const std::string& id = db().db_instance_identifier;
  Reprotection plan;
  Result<DbInstance> primary = run.poller().Act([&] { return DescribeDbInstance(rds_, id); });
  if (!primary.ok()) return primary.status();
  run.result().before = {{"status", primary->status},
                         {"replica_source", primary->read_replica_source}};
  if (!primary->read_replica_source.empty()) {
    plan.why_not = "still a read replica of " + primary->read_replica_source +
                   " (not promoted): nothing to reprotect";
    return plan;
  }
  Result<ResourceTags> tags =
      run.poller().Act([&] { return rds_.ListTagsForResource(primary->arn); });
  if (!tags.ok()) return tags.status();
  auto tag = tags->find(kStandbyTag);
  std::optional<std::string> source =
      tag == tags->end() ? std::nullopt : ParseDbStandby(tag->second);
  if (!source) {
    plan.why_not = "no record of its former primary (the " + std::string(kStandbyTag) +
                   " tag a failover leaves): left as the primary";
    return plan;
  }
  run.result().before["standby"] = tag->second;
  plan.promoted_arn = primary->arn;
  const std::string source_region = RegionOfArn(*source);
  plan.region = source_region.empty() ? RegionOfArn(primary->arn) : source_region;
  const bool same_region = plan.region == RegionOfArn(primary->arn);
  plan.replica_id = !db().reprotect_identifier.empty() ? db().reprotect_identifier
                    : same_region                      ? id + "-replica"
                                                       : id;
  Result<RdsClient*> there = rds_in_(plan.region);
  if (!there.ok()) return there.status();
  plan.rds = *there;
  Result<DbInstance> existing =
      run.poller().Act([&] { return DescribeDbInstance(*plan.rds, plan.replica_id); });
  if (existing.ok()) {
    const std::string& from = existing->read_replica_source;
    if (from != plan.promoted_arn && from != id) {
      return Status::Rejected("RDS instance " + Where(plan) + " exists and " +
                              (from.empty() ? "is not a replica" : "replicates from " + from) +
                              "; give the plan another reprotect_identifier");
    }
    plan.existing = *existing;
  } else if (existing.status().code() != StatusCode::kNotFound) {
    return existing.status();
  }
  return plan;
}

void ReprotectDbStep::Explain(StepRun& run, const Reprotection& plan) {
  StepResult& result = run.result();
  result.state = StepState::kUnchanged;
  if (plan.promoted_arn.empty()) {
    result.summary = "left as it is: " + plan.why_not;
    return;
  }
  result.after = {{"replica", plan.replica_id}, {"replica_region", plan.region}};
  if (plan.existing) {
    result.summary = "already protected by replica " + Where(plan);
    return;
  }
  result.state = StepState::kSucceeded;
  result.summary = "would create read replica " + Where(plan) + " of " + plan.promoted_arn;
  result.changes.push_back(result.summary);
}

void ReprotectDbStep::Apply(StepRun& run, const Reprotection& plan) {
  Explain(run, plan);
  StepResult& result = run.result();
  if (plan.promoted_arn.empty() || plan.existing) return;
  result.changes.clear();
  if (run.StopIfCancelled()) return;
  run.log().Info("Creating read replica " + Where(plan) + " of " + plan.promoted_arn);
  Result<Mutated<DbInstance>> created = run.poller().Act(
      [&] { return plan.rds->CreateDBInstanceReadReplica(plan.replica_id, plan.promoted_arn); });
  Status made = run.RecordMutation("RDS.CreateDBInstanceReadReplica", Where(plan), created);
  if (!made.ok()) return run.Fail(made);
  result.state = StepState::kSucceeded;
  result.summary = "created read replica " + Where(plan) + " of " + plan.promoted_arn;
  result.changes.push_back(result.summary);
}

void ReprotectDbStep::Wait(StepRun& run, const Reprotection& plan) {
  if (plan.promoted_arn.empty()) return;
  std::string status;
  long long statuses_seen = 0;
  WaitSpec wait;
  wait.what = "RDS replica " + Where(plan);
  wait.stall_after = run.stall_after();
  wait.check = [&]() -> Result<WaitProgress> {
    DRF_ASSIGN_OR_RETURN(DbInstance replica, DescribeDbInstance(*plan.rds, plan.replica_id));
    // A status change is progress: creating -> backing-up -> available.
    if (replica.status != status) ++statuses_seen;
    status = replica.status;
    return WaitProgress{status == "available", "status " + status, statuses_seen};
  };
  Status waited = run.poller().Wait(wait);
  run.result().after["replica_status"] = status;
  if (!waited.ok()) run.EndUnfinished(waited, run.result().summary);
}

}  // namespace drf
