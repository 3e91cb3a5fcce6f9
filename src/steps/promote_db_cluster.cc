#include "steps/promote_db_cluster.h"

#include "steps/stall_evidence.h"

namespace drf {

PromoteDbClusterStep::PromoteDbClusterStep(StepSpec spec, RdsClient& rds)
    : InspectApplyStep(std::move(spec)), rds_(rds) {}

std::string PromoteDbClusterStep::resource() const { return "db cluster " + id(); }

Result<ReplicaState> PromoteDbClusterStep::Describe() {
  DRF_ASSIGN_OR_RETURN(std::vector<DbCluster> found, rds_.DescribeDBClusters(id()));
  if (found.empty()) return Status::NotFound("Aurora cluster " + id() + " not found");
  const DbCluster& cluster = found.front();
  return ReplicaState{cluster.status, cluster.replication_source, cluster.endpoint};
}

Result<ReplicaState> PromoteDbClusterStep::Inspect(StepRun& run) {
  Result<ReplicaState> found = run.poller().Act([&] { return Describe(); });
  if (found.ok()) run.result().before = ReplicaSnapshot(*found);
  return found;
}

void PromoteDbClusterStep::Explain(StepRun& run, const ReplicaState& cluster) {
  StepResult& result = run.result();
  result.after = ReplicaSnapshot(cluster);
  if (IsTerminalDbStatus(cluster.status)) {
    return run.Fail(Status::Rejected("status is " + cluster.status + ": it cannot be promoted"));
  }
  if (cluster.source.empty()) {
    result.state = StepState::kUnchanged;
    result.summary = "not a replica: nothing to do";
    return;
  }
  result.state = StepState::kSucceeded;
  result.summary = "would promote " + id() + " (replica of " + cluster.source + ")";
  result.changes.push_back(result.summary);
  result.after = {{"status", "available"}, {"replica_source", ""}};
}

void PromoteDbClusterStep::Apply(StepRun& run, const ReplicaState& cluster) {
  PromotionTarget target{
      id(),
      "Aurora cluster",
      "Aurora read replica cluster",
      "standalone cluster",
      "PromoteReadReplicaDBCluster",
      "RDS.PromoteReadReplicaDBCluster",
      "InvalidDBClusterStateFault",
      [&] { return Describe(); },
      [&]() -> Result<std::string> {
        DRF_ASSIGN_OR_RETURN(Mutated<DbCluster> promoted, rds_.PromoteReadReplicaDBCluster(id()));
        return promoted.request_id;
      },
      [&](const ReplicaState& last) {
        return ReplicaStallEvidence(rds_, "db-cluster", id(), last.status, last.source);
      }};
  RunPromotion(run, target, cluster);
}

}  // namespace drf
