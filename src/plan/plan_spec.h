// PlanSpec: what the operator asked for, from the original's environment variables or a
// plan file, validated but not yet looked up in AWS. Knows nothing about AWS calls.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace drf {

// Promote an RDS read replica (the original's DB_INSTANCE_IDENTIFIER).
// The replica-lag guard: a replica whose ReplicaLag is over `max_lag` is not promoted
// (that would lose the writes it has not received yet) unless the run is forced.
inline constexpr std::chrono::seconds kDefaultMaxReplicaLag = std::chrono::minutes(5);
struct ReplicaLagGuard {
  std::chrono::seconds max_lag = kDefaultMaxReplicaLag;  // plan key max_replica_lag
  bool refuse_unknown = false;  // on_unknown_lag: refuse (default proceed, with a warning)
  bool forced = false;          // --force / {"force": true}: promote whatever the lag
};

struct PromoteDbSpec {
  std::string db_instance_identifier;
  std::optional<int> backup_retention_period;          // 0-35 days, passed to PromoteReadReplica
  std::optional<std::string> preferred_backup_window;  // "hh24:mi-hh24:mi"
  ReplicaLagGuard replica_lag;                         // the plan's, set by FinalizePlan
  // The primary it must replicate from (an identifier or an ARN), for `check`: a replica of
  // another source is not ready. Empty: any source.
  std::string expected_source;
  // failback with the plan's reprotect_db: the name of the replica it creates in the former
  // primary's region. Empty: the instance's own identifier (its "-replica" in one region).
  std::string reprotect_identifier;
};

// Promote an Aurora cross-region read-replica cluster (PromoteReadReplicaDBCluster), with
// promote_db's rules and waits. No lag guard: Aurora reports replica lag per engine
// (AuroraBinlogReplicaLag, ...), not as one metric.
struct PromoteDbClusterSpec {
  std::string db_cluster_identifier;
};

// Make the DR region's member cluster the writer of an Aurora global database
// (docs/plan-file.md, "failover_global_db").
struct FailoverGlobalDbSpec {
  std::string global_cluster_identifier;
  std::string target_cluster;  // the DR member: its identifier or ARN
  // switchover: planned, no data loss (SwitchoverGlobalCluster); failover: the primary
  // region is down (FailoverGlobalCluster with AllowDataLoss), only with allow_data_loss.
  enum class Mode { kSwitchover, kFailover } mode = Mode::kSwitchover;
  bool allow_data_loss = false;
};

// Whether a scaling step waits for the capacity it asked for (FinalizePlan decides it from
// the plan's `wait` and the steps that depend on it; see docs/plan-file.md, "Waits").
enum class CapacityWait {
  kNo,         // ends once AWS accepted the change: nothing waits for this capacity
  kIfChanged,  // `wait: true` and nothing depends on it: waits only if it changed something
  kYes,        // a dependent step needs the capacity
};

// Raise an Auto Scaling group to at least these values (never lower).
struct ScaleAsgSpec {
  std::string asg_name;
  int min_size = 1;
  int max_size = 3;
  int desired_capacity = 1;
  std::optional<bool> wait;                        // as configured: wait for InService and Healthy
  CapacityWait capacity_wait = CapacityWait::kNo;  // resolved by FinalizePlan
};

// Raise ECS services of one cluster to at least `min_desired_count` tasks.
struct ScaleEcsSpec {
  std::string cluster;
  std::vector<std::string> services;  // empty together with all_services: every service
  bool all_services = false;
  int min_desired_count = 1;
  std::optional<bool> wait;                        // as configured: wait for RUNNING tasks
  CapacityWait capacity_wait = CapacityWait::kNo;  // resolved by FinalizePlan
};

// Register the targets of a source (ASG instances or ECS tasks) with a target group.
struct RegisterTargetsSpec {
  std::string target_group_arn;
  enum class Source { kAsg, kEcsService } source = Source::kAsg;
  std::string source_asg;      // Source::kAsg
  std::string source_cluster;  // Source::kEcsService
  std::string source_service;  // Source::kEcsService
  std::optional<int> port;     // default: the target group's own port
  std::string target_type;     // "instance" or "ip" as written in the config; may be empty
  // When the source stalls or the step's time runs out with some targets ready, register
  // those (a partial target group serves traffic, an empty one none); the step still fails.
  bool partial = true;
};

// Point a Route 53 record at the DR region: an alias to the DR load balancer, or given
// values (docs/plan-file.md, "switch_dns"). Never deletes a record.
struct SwitchDnsSpec {
  std::string zone_id;    // hosted zone id ("Z123..."), or
  std::string zone_name;  // its name ("example.com"), looked up
  std::string record;     // the record's name ("api.example.com")
  std::string type = "A";
  std::string alias_load_balancer;     // name or ARN of the DR load balancer, or
  std::vector<std::string> values;     // the values to serve
  std::optional<long long> ttl;        // values only; default: the record's own, else 60
  bool evaluate_target_health = true;  // alias only
  // Weighted and failover records: the DR record's SetIdentifier; weighted only: its
  // weight, and the primary record's SetIdentifier and weight.
  std::string set_identifier;
  std::optional<long long> weight;
  std::string primary_set_identifier;
  std::optional<long long> primary_weight;
};

// A hook: a local program the CLI runs (never the Lambda function), with the run's facts
// ("${region}", "${<step id>.<output>}") in its arguments and environment
// (docs/plan-file.md, "run_command"). Exit code 0 is success.
struct RunCommandSpec {
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> env;  // added to the inherited one
};

// A hook: a Lambda function invoked synchronously (RequestResponse) with a JSON payload
// whose strings may use the run's facts (docs/plan-file.md, "invoke_lambda").
struct InvokeLambdaSpec {
  std::string function;      // name or ARN, optionally with ":<version or alias>"
  std::string payload_json;  // serialized JSON; empty: {"drfailover": <the run's facts>}
};

enum class StepKind {
  kPromoteDb,
  kScaleAsg,
  kScaleEcs,
  kRegisterTargets,
  kSwitchDns,
  kRunCommand,
  kInvokeLambda,
  kPromoteDbCluster,
  kFailoverGlobalDb
};
inline constexpr StepKind kAllStepKinds[] = {
    StepKind::kPromoteDb,       StepKind::kScaleAsg,         StepKind::kScaleEcs,
    StepKind::kRegisterTargets, StepKind::kSwitchDns,        StepKind::kRunCommand,
    StepKind::kInvokeLambda,    StepKind::kPromoteDbCluster, StepKind::kFailoverGlobalDb};
std::string_view StepKindName(StepKind kind);  // "promote_db", "scale_asg", ...
std::optional<StepKind> StepKindFromName(std::string_view name);

struct StepSpec {
  std::string id;  // unique in the plan; generated when not given ("scale-asg:dr-jenkins")
  StepKind kind = StepKind::kPromoteDb;
  // Its index is the kind: StepKind's order.
  std::variant<PromoteDbSpec, ScaleAsgSpec, ScaleEcsSpec, RegisterTargetsSpec, SwitchDnsSpec,
               RunCommandSpec, InvokeLambdaSpec, PromoteDbClusterSpec, FailoverGlobalDbSpec>
      detail;
  std::vector<std::string> after;  // ids of steps that must succeed first (explicit + implied)
  // This step's own limit (acting + waiting); as configured, then resolved by FinalizePlan
  // (the plan's setting for its kind, else the kind's default).
  std::optional<std::chrono::seconds> timeout;
  std::string origin;  // where it was configured ("steps[2]", "JENKINS_ASG_NAME"), for messages
  // How long its waits may see no progress before they fail; resolved like `timeout`.
  std::optional<std::chrono::seconds> stall_after;
};

// One failover at a time, and a pause between them: a lease in a DynamoDB table
// (app/run_lease.h) held while a run acts, and the time after a completed failover during
// which a new `run` needs --force.
inline constexpr std::chrono::seconds kDefaultLockTtl{60};
inline constexpr std::chrono::seconds kMinLockTtl{3};
struct RunLock {
  std::string table;  // lock_table / DRF_LOCK_TABLE; empty: no lease (check warns)
  // lock_ttl / DRF_LOCK_TTL: how long a run that died keeps the lease (renewed every third
  // of it while the run lives).
  std::chrono::seconds ttl = kDefaultLockTtl;
  std::chrono::seconds cooldown{0};  // cooldown / DRF_COOLDOWN; 0: off
};

// Who hears about a run: an SNS topic told when it starts, when a step fails (an error, a
// stall, a timeout) and when it ends (app/run_notifier.h). A failed publish never fails the
// run.
enum class NotifyEvent { kStart, kFailure, kEnd };
std::string_view NotifyEventName(NotifyEvent event);  // "start", "failure", "end"
std::optional<NotifyEvent> NotifyEventFromName(std::string_view name);
struct NotifySpec {
  std::string topic_arn;  // notify.topic_arn / DRF_SNS_TOPIC_ARN; empty: nobody is told
  std::vector<NotifyEvent> on = {NotifyEvent::kStart, NotifyEvent::kFailure, NotifyEvent::kEnd};
  bool Wants(NotifyEvent event) const;
};

enum class Ordering {
  kParallel,    // dependency graph, independent steps at once (default)
  kSequential,  // the original's order, one step at a time
};

// Per step kind, limits that apply to every step of that kind without its own.
using KindDurations = std::map<StepKind, std::chrono::seconds>;

// The documented defaults (docs/plan-file.md, "Waits"): generous enough for AWS's slowest
// normal case, short enough that nobody is left looking at a silent tool.
std::chrono::seconds DefaultStepTimeout(StepKind kind);
std::chrono::seconds DefaultStallAfter(StepKind kind);

struct PlanSpec {
  // From the environment: the original's order (promote, ASGs, ECS, targets); from a plan
  // file: the file's order; after FinalizePlan with kSequential: the run order.
  std::vector<StepSpec> steps;
  Ordering ordering = Ordering::kParallel;
  std::optional<std::chrono::seconds> deadline;  // whole-run limit
  std::optional<std::chrono::seconds> rto;       // recovery-time objective, for the report
  int concurrency = 8;                           // steps running at once
  KindDurations timeouts;                        // plan-wide step timeouts by kind
  KindDurations stall_after;                     // plan-wide stall limits by kind
  ReplicaLagGuard replica_lag;                   // for every promote_db step
  RunLock lock;
  NotifySpec notify;
  // failback: create a read replica of each promoted DB in its former primary's region
  // (reprotect_db / DRF_REPROTECT_DB); false: leave the promoted DB as the primary.
  bool reprotect_db = false;
  // The AWS retry mode, "standard" or "adaptive" (README "AWS retries"); unset: from
  // AWS_RETRY_MODE or the profile. --retry-mode beats it.
  std::optional<std::string> retry_mode;
  std::string source;  // "environment" or the plan file path, for messages and the report
};

}  // namespace drf
