// Configuration from the original Lambda's environment variables, so drfailover is a
// drop-in replacement (README.md, "Configuration: the original's variables, unchanged").
// A plan file (DRF_PLAN_FILE) is handled by the caller instead of this.
#pragma once

#include <string_view>

#include "core/environment.h"
#include "core/result.h"
#include "plan/plan_spec.h"

namespace drf {

// The original's variables.
inline constexpr std::string_view kDbInstanceIdentifierVar = "DB_INSTANCE_IDENTIFIER";
inline constexpr std::string_view kJenkinsAsgVar = "JENKINS_ASG_NAME";
inline constexpr std::string_view kMonitoringAsgVar = "MONITORING_ASG_NAME";
inline constexpr std::string_view kEcsClusterVar = "ECS_CLUSTER_NAME";
inline constexpr std::string_view kEcsServicesVar = "ECS_SERVICES";
inline constexpr std::string_view kTargetGroupsVar = "TARGET_GROUPS";
// Ours, optional.
inline constexpr std::string_view kOrderingVar = "DRF_ORDERING";          // parallel | sequential
inline constexpr std::string_view kDeadlineVar = "DRF_DEADLINE_SECONDS";  // or "15m"
// Per step kind, "scale_ecs=5m,register_targets=10m": the plan file's `timeouts` and
// `stall_after`.
inline constexpr std::string_view kStepTimeoutsVar = "DRF_STEP_TIMEOUTS";
inline constexpr std::string_view kStallAfterVar = "DRF_STALL_AFTER";
inline constexpr std::string_view kMaxReplicaLagVar = "DRF_MAX_REPLICA_LAG";  // "5m", "300"
// The run lease (PlanSpec::lock): its DynamoDB table, its ttl, the cooldown.
inline constexpr std::string_view kLockTableVar = "DRF_LOCK_TABLE";
inline constexpr std::string_view kLockTtlVar = "DRF_LOCK_TTL";
inline constexpr std::string_view kCooldownVar = "DRF_COOLDOWN";
// An SNS topic told about runs (PlanSpec::notify) and about a check that is not ready.
inline constexpr std::string_view kSnsTopicVar = "DRF_SNS_TOPIC_ARN";
// failback: "true" creates a replica of each promoted DB in its former region (reprotect_db).
inline constexpr std::string_view kReprotectDbVar = "DRF_REPROTECT_DB";

// Builds the plan the original would run, in its order: promote DB_INSTANCE_IDENTIFIER;
// scale JENKINS_ASG_NAME then MONITORING_ASG_NAME to 1/3/1; scale ECS_SERVICES of
// ECS_CLUSTER_NAME (empty or unset: every service of the cluster, `all_services`) to at
// least 1 task; register TARGET_GROUPS entries in the JSON object's order. Values are
// trimmed; empty counts as unset. What waits for what is FinalizePlan's rule (a
// registration waits for its source's ready targets). Not finalized (see FinalizePlan). Errors:
// InvalidArgument listing every problem, each naming its variable; also when nothing at all is
// configured.
Result<PlanSpec> PlanFromEnvironment(const Environment& env);

// For a plan file: DRF_LOCK_TABLE names the lease table when the file has no lock_table,
// and DRF_SNS_TOPIC_ARN the topic when it has no notify (the template sets both for the
// function, whatever its plan). InvalidArgument naming the variable for a bad value.
Status ApplyPlanVariables(const Environment& env, PlanSpec& plan);

}  // namespace drf
