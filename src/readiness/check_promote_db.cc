// promote_db's readiness: the DB is an available read replica, replicating, and its lag is
// within the plan's max_replica_lag (the guard `run` applies, judged the same way).
#include "readiness/step_checks.h"
#include "steps/replica_lag.h"

namespace drf {
namespace {

// "eu-west-1" from "arn:aws:rds:eu-west-1:123456789012:db:primary"; "" for a plain
// identifier (a source in the same region).
std::string RegionOfArn(const std::string& arn) {
  if (arn.rfind("arn:", 0) != 0) return "";
  size_t start = 0;
  for (int field = 0; field < 3; ++field) {
    start = arn.find(':', start);
    if (start == std::string::npos) return "";
    ++start;
  }
  return arn.substr(start, arn.find(':', start) - start);
}

// The identifier in "arn:aws:rds:eu-west-1:123456789012:db:primary" ("primary"); a plain
// identifier as is.
std::string DbIdentifier(const std::string& id_or_arn) {
  const size_t db = id_or_arn.rfind(":db:");
  return db == std::string::npos ? id_or_arn : id_or_arn.substr(db + 4);
}

// Whether `source` (as RDS reports it) is the plan's `expected` one: the same ARN, or, when
// either is a plain identifier, the same identifier.
bool SameSource(const std::string& source, const std::string& expected) {
  if (source.rfind("arn:", 0) == 0 && expected.rfind("arn:", 0) == 0) return source == expected;
  return DbIdentifier(source) == DbIdentifier(expected);
}

Finding ReplicaFinding(const DbInstance& db, const std::string& region,
                       const std::string& expected_source) {
  Finding finding{"replica", db.identifier, Verdict::kReady, "", {}};
  const std::string source_region = RegionOfArn(db.read_replica_source);
  finding.evidence = {{"status", db.status},
                      {"source", db.read_replica_source},
                      {"source_region", source_region.empty() ? region : source_region},
                      {"engine", db.engine}};
  if (db.read_replica_source.empty()) {
    finding.verdict = Verdict::kNotReady;
    finding.message = db.identifier +
                      " is not a read replica (already promoted, or never one): a failover "
                      "has nothing to promote, and the DB no longer receives the primary's "
                      "writes";
    return finding;
  }
  for (const DbInstanceStatusInfo& info : db.status_infos) {
    if (info.status_type == "read replication" && !info.normal) {
      finding.verdict = Verdict::kNotReady;
      finding.message = db.identifier + " read replication is " + info.status +
                        (info.message.empty() ? "" : ": " + info.message);
      return finding;
    }
  }
  if (!expected_source.empty() && !SameSource(db.read_replica_source, expected_source)) {
    finding.verdict = Verdict::kNotReady;
    finding.evidence["expected_source"] = expected_source;
    finding.message = db.identifier + " replicates from " + db.read_replica_source +
                      ", not from the expected source " + expected_source;
    return finding;
  }
  if (db.status != "available") {
    finding.verdict = Verdict::kWarning;
    finding.message =
        db.identifier + " is " + db.status + ", not available: a run waits for it before promoting";
    return finding;
  }
  finding.message = db.identifier + " is an available read replica of " + db.read_replica_source;
  return finding;
}

Finding LagFinding(const std::string& instance, const ReplicaLagReading& reading,
                   ReplicaLagGuard guard) {
  guard.forced = false;  // readiness: what an ordinary run would decide
  LagVerdict lag = JudgeReplicaLag(instance, reading, guard);
  Finding finding{"replica_lag", instance, Verdict::kReady, "", lag.evidence};
  if (!lag.refusal.ok()) {
    finding.verdict = Verdict::kNotReady;
    finding.message = lag.refusal.message();
  } else if (!lag.warning.empty()) {  // unknown, and on_unknown_lag: proceed
    finding.verdict = Verdict::kWarning;
    finding.message = "replica lag of " + instance + " unknown (" + reading.unknown_why +
                      "): a run would promote it without the lag check (on_unknown_lag: proceed)";
  } else {
    finding.message = "replica lag of " + instance + " is within max_replica_lag";
  }
  return finding;
}

}  // namespace

void CheckPromoteDb(const PromoteDbSpec& spec, ReadinessServices& aws, WallTime now,
                    StepReadiness& out) {
  const std::string& id = spec.db_instance_identifier;
  std::string arn = "*";
  Result<std::vector<DbInstance>> found = aws.rds.DescribeDBInstances(id);
  if (!found.ok()) {
    out.findings.push_back(ReadFailed("replica", id, found.status()));
  } else if (found->empty()) {
    out.findings.push_back(ReadFailed("replica", id, Status::NotFound("RDS returned nothing")));
  } else {
    const DbInstance& db = found->front();
    arn = db.arn.empty() ? "*" : db.arn;
    out.findings.push_back(ReplicaFinding(db, RegionOfArn(db.arn), spec.expected_source));
    if (!db.read_replica_source.empty()) {
      out.findings.push_back(
          LagFinding(id, ReadReplicaLag(aws.cloudwatch, id, now), spec.replica_lag));
    }
  }
  // Authorized on the instance's ARN: unknown when it cannot be read (already not ready).
  if (arn != "*") {
    out.needs.push_back({"rds:DescribeDBInstances", arn, false});
    out.needs.push_back({"rds:PromoteReadReplica", arn, false});
  }
  out.needs.push_back({"cloudwatch:GetMetricData", "*", true});
}

}  // namespace drf
