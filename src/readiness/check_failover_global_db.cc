// failover_global_db's readiness: the global database exists, the target is one of its
// members, and no move is running.
#include "readiness/step_checks.h"

namespace drf {

void CheckFailoverGlobalDb(const FailoverGlobalDbSpec& spec, ReadinessServices& aws,
                           StepReadiness& out) {
  const std::string& id = spec.global_cluster_identifier;
  const bool switchover = spec.mode == FailoverGlobalDbSpec::Mode::kSwitchover;
  out.needs.push_back({"rds:DescribeGlobalClusters", "*", false});
  out.needs.push_back({"rds:DescribeDBClusters", "*", false});
  out.needs.push_back(
      {switchover ? "rds:SwitchoverGlobalCluster" : "rds:FailoverGlobalCluster", "*", false});
  Result<GlobalCluster> cluster = aws.rds.DescribeGlobalCluster(id);
  if (!cluster.ok()) {
    out.findings.push_back(ReadFailed("global_database", id, cluster.status()));
    return;
  }
  Finding finding{"global_database", id, Verdict::kReady, "", {{"status", cluster->status}}};
  std::string target, writer;
  for (const GlobalClusterMember& member : cluster->members) {
    const std::string& arn = member.db_cluster_arn;
    if (arn == spec.target_cluster || arn.ends_with(":cluster:" + spec.target_cluster)) {
      target = arn;
    }
    if (member.is_writer) writer = arn;
  }
  finding.evidence["writer"] = writer;
  if (target.empty()) {
    finding.verdict = Verdict::kNotReady;
    finding.message = spec.target_cluster + " is not a member of global database " + id;
  } else if (!cluster->failover_status.empty()) {
    finding.verdict = Verdict::kWarning;
    finding.message = "global database " + id + " is moving to " + cluster->failover_to_arn;
  } else if (writer == target) {
    finding.message = "global database " + id + ": the DR cluster is already the writer";
  } else {
    finding.message = "global database " + id + ": writer " + writer + ", DR member " + target;
  }
  out.findings.push_back(std::move(finding));
}

}  // namespace drf
