#include "steps/failover_global_db.h"

#include "aws/retry.h"
#include "steps/promotion.h"

namespace drf {
namespace {

// "arn:aws:rds:us-west-2:1:cluster:app-dr" names "app-dr" and itself.
bool NamesCluster(const std::string& arn, const std::string& target) {
  return arn == target || arn.ends_with(":cluster:" + target);
}

std::string ClusterIdOf(const std::string& arn) { return arn.substr(arn.rfind(':') + 1); }

nlohmann::json MoveJson(const GlobalDbMove& move) {
  return {{"writer", move.writer_arn}, {"moving_to", move.moving_to}};
}

}  // namespace

FailoverGlobalDbStep::FailoverGlobalDbStep(StepSpec spec, RdsClient& rds)
    : InspectApplyStep(std::move(spec)), rds_(rds) {}

std::string FailoverGlobalDbStep::resource() const {
  return "global db " + global().global_cluster_identifier;
}

std::string FailoverGlobalDbStep::call() const {
  return global().mode == FailoverGlobalDbSpec::Mode::kSwitchover ? "SwitchoverGlobalCluster"
                                                                  : "FailoverGlobalCluster";
}

Result<GlobalDbMove> FailoverGlobalDbStep::Read() {
  DRF_ASSIGN_OR_RETURN(GlobalCluster cluster,
                       rds_.DescribeGlobalCluster(global().global_cluster_identifier));
  GlobalDbMove move;
  for (const GlobalClusterMember& member : cluster.members) {
    if (NamesCluster(member.db_cluster_arn, global().target_cluster)) {
      move.target_arn = member.db_cluster_arn;
    }
    if (member.is_writer) move.writer_arn = member.db_cluster_arn;
  }
  if (move.target_arn.empty()) {
    std::string members;
    for (const GlobalClusterMember& member : cluster.members) {
      members += (members.empty() ? "" : ", ") + member.db_cluster_arn;
    }
    return Status::NotFound(global().target_cluster + " is not a member of global database " +
                            cluster.identifier + " (members: " + members + ")");
  }
  if (!cluster.failover_status.empty()) move.moving_to = cluster.failover_to_arn;
  return move;
}

Result<GlobalDbMove> FailoverGlobalDbStep::Inspect(StepRun& run) {
  Result<GlobalDbMove> move = run.poller().Act([&] { return Read(); });
  if (move.ok()) run.result().before = MoveJson(*move);
  return move;
}

void FailoverGlobalDbStep::Explain(StepRun& run, const GlobalDbMove& move) {
  StepResult& result = run.result();
  result.after = {{"writer", move.target_arn}, {"moving_to", ""}};
  if (move.writer_arn == move.target_arn && move.moving_to.empty()) {
    result.state = StepState::kUnchanged;
    result.summary = "the DR cluster is already the writer";
    return;
  }
  result.state = StepState::kSucceeded;
  if (!move.moving_to.empty()) {
    result.summary = "would wait for the move under way to " + move.moving_to;
  } else {
    result.summary = "would " +
                     std::string(global().mode == FailoverGlobalDbSpec::Mode::kSwitchover
                                     ? "switch over"
                                     : "fail over (data loss allowed)") +
                     " from " + move.writer_arn + " to " + move.target_arn;
  }
  result.changes.push_back(result.summary);
}

void FailoverGlobalDbStep::Apply(StepRun& run, const GlobalDbMove& move) {
  const std::string& id = global().global_cluster_identifier;
  if (move.writer_arn == move.target_arn && move.moving_to.empty()) {
    run.log().Info("Global database " + id + ": " + move.target_arn + " is already the writer");
    run.result().state = StepState::kUnchanged;
    run.result().summary = "the DR cluster is already the writer";
    return WaitForWriter(run, move, "");
  }
  if (!move.moving_to.empty()) {
    run.log().Info("Global database " + id + " is already moving to " + move.moving_to +
                   "; waiting for it");
    if (move.moving_to != move.target_arn) {
      return run.Fail(Status::Rejected("a move to another member (" + move.moving_to +
                                       ") is under way; not starting a second one"));
    }
    return WaitForWriter(run, move, "; the move was already under way");
  }
  if (run.StopIfCancelled()) return;
  run.log().Info(call() + ": making " + move.target_arn + " the writer of global database " + id +
                 " (now " + move.writer_arn + ")");
  Result<Mutated<GlobalCluster>> sent = run.poller().Act([&] {
    return global().mode == FailoverGlobalDbSpec::Mode::kSwitchover
               ? rds_.SwitchoverGlobalCluster(id, move.target_arn)
               : rds_.FailoverGlobalCluster(id, move.target_arn, /*allow_data_loss=*/true,
                                            /*switchover=*/false);
  });
  if (sent.ok()) {
    run.Record("RDS." + call(), id, sent->request_id);
    return WaitForWriter(run, move, "");
  }
  const Status& failure = sent.status();
  const bool running =
      failure.aws() != nullptr && failure.aws()->code == "InvalidGlobalClusterStateFault";
  if (!running && !MayHaveTakenEffect(failure)) return run.Fail(failure);
  // Did it (or another run's) take effect? Only what AWS shows decides; never re-send.
  Result<GlobalDbMove> now = run.poller().Act([&] { return Read(); });
  if (now.ok() && (now->moving_to == move.target_arn || now->writer_arn == move.target_arn)) {
    if (!running) {
      const AwsErrorInfo* aws = failure.aws();
      run.Record("RDS." + call(), id, aws != nullptr ? aws->request_id : "");
    }
    return WaitForWriter(
        run, *now,
        "; " + call() + " answered " + failure.message() + ", the global database shows the move");
  }
  run.Fail(failure.WithContext(call() + "'s outcome is unknown and the global database does "
                                        "not show the move; not sent again (run again to decide "
                                        "from AWS's state)"));
}

// Until the target is the writer, nothing moves, and the target cluster is available.
void FailoverGlobalDbStep::WaitForWriter(StepRun& run, const GlobalDbMove& move,
                                         const std::string& note) {
  StepResult& result = run.result();
  GlobalDbMove latest = move;
  std::string cluster_status;
  WaitSpec wait;
  wait.what = "global database " + global().global_cluster_identifier + " to have " +
              move.target_arn + " as its writer";
  wait.stall_after = run.stall_after();
  wait.check = [&]() -> Result<WaitProgress> {
    DRF_ASSIGN_OR_RETURN(latest, Read());
    const bool writer = latest.writer_arn == latest.target_arn && latest.moving_to.empty();
    if (!writer) {
      return WaitProgress{
          false, "writer " + latest.writer_arn + (latest.moving_to.empty() ? "" : ", moving"),
          latest.moving_to.empty() ? 0 : 1};
    }
    DRF_ASSIGN_OR_RETURN(std::vector<DbCluster> clusters,
                         rds_.DescribeDBClusters(ClusterIdOf(latest.target_arn)));
    cluster_status = clusters.empty() ? "missing" : clusters.front().status;
    return WaitProgress{cluster_status == "available", "writer; cluster " + cluster_status, 2};
  };
  Status waited = run.poller().Wait(wait);
  result.after = MoveJson(latest);
  result.after["cluster_status"] = cluster_status;
  if (!waited.ok()) {
    return run.EndUnfinished(waited, result.state == StepState::kUnchanged
                                         ? ""
                                         : call() + " sent; last seen writer " + latest.writer_arn);
  }
  if (result.state == StepState::kUnchanged) return;
  run.log().Info("Global database " + global().global_cluster_identifier + ": " +
                 latest.target_arn + " is the writer");
  result.state = StepState::kSucceeded;
  result.summary = "made " + latest.target_arn + " the writer (was " + move.writer_arn + ")" + note;
  result.changes.push_back(result.summary);
}

}  // namespace drf
