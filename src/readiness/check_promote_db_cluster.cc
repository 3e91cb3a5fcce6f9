// promote_db_cluster's readiness: the cluster exists, is a cross-region read replica (the
// source as RDS reports it) and is available.
#include "readiness/step_checks.h"
#include "steps/promotion.h"

namespace drf {

void CheckPromoteDbCluster(const PromoteDbClusterSpec& spec, ReadinessServices& aws,
                           StepReadiness& out) {
  const std::string& id = spec.db_cluster_identifier;
  out.needs.push_back({"rds:DescribeDBClusters", "*", false});
  out.needs.push_back({"rds:PromoteReadReplicaDBCluster", "*", false});
  Result<std::vector<DbCluster>> found = aws.rds.DescribeDBClusters(id);
  if (!found.ok() || found->empty()) {
    out.findings.push_back(ReadFailed(
        "replica", id, found.ok() ? Status::NotFound("RDS returned nothing") : found.status()));
    return;
  }
  const DbCluster& cluster = found->front();
  Finding finding{"replica",
                  id,
                  Verdict::kReady,
                  "",
                  {{"status", cluster.status}, {"source", cluster.replication_source}}};
  if (cluster.replication_source.empty()) {
    finding.verdict = Verdict::kNotReady;
    finding.message = "Aurora cluster " + id + " is not a read replica (nothing to promote)";
  } else if (IsTerminalDbStatus(cluster.status)) {
    finding.verdict = Verdict::kNotReady;
    finding.message = "Aurora cluster " + id + " is " + cluster.status;
  } else if (cluster.status != "available") {
    finding.verdict = Verdict::kWarning;
    finding.message = "Aurora cluster " + id + " is " + cluster.status + " (a run waits for it)";
  } else {
    finding.message =
        "Aurora cluster " + id + " is an available replica of " + cluster.replication_source;
  }
  out.findings.push_back(std::move(finding));
}

}  // namespace drf
