#include "plan/env_config.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/strings.h"
#include "plan/finalize_plan.h"
#include "plan/validate.h"

namespace drf {
namespace {

using Json = nlohmann::ordered_json;

std::optional<std::string> GetTrimmed(const Environment& env, std::string_view name) {
  std::optional<std::string> value = env.Get(name);
  if (!value) return std::nullopt;
  std::string trimmed(TrimWhitespace(*value));
  if (trimmed.empty()) return std::nullopt;
  return trimmed;
}

// Every field of a step configured by one variable is named by that variable.
FieldPath WholeVariable(std::string_view name) {
  return [name](std::string_view) { return std::string(name); };
}

void AddStep(PlanSpec& plan, StepSpec step, const FieldPath& path, ConfigErrors& errors) {
  step.kind = static_cast<StepKind>(step.detail.index());
  ValidateStepSpec(step, path, errors);
  plan.steps.push_back(std::move(step));
}

void AddPromote(const Environment& env, PlanSpec& plan, ConfigErrors& errors) {
  auto id = GetTrimmed(env, kDbInstanceIdentifierVar);
  if (!id) return;
  StepSpec step;
  PromoteDbSpec promote;
  promote.db_instance_identifier = *id;
  step.detail = promote;
  step.origin = kDbInstanceIdentifierVar;
  AddStep(plan, std::move(step), WholeVariable(kDbInstanceIdentifierVar), errors);
}

void AddAsg(const Environment& env, std::string_view var, PlanSpec& plan, ConfigErrors& errors) {
  auto name = GetTrimmed(env, var);
  if (!name) return;
  StepSpec step;
  ScaleAsgSpec asg;  // the original's fixed 1/3/1
  asg.asg_name = *name;
  step.detail = asg;
  step.origin = var;
  AddStep(plan, std::move(step), WholeVariable(var), errors);
}

std::vector<std::string> SplitList(std::string_view list) {
  std::vector<std::string> services;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = TrimWhitespace(list.substr(0, comma));
    if (!item.empty()) services.emplace_back(item);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return services;
}

void AddEcs(const Environment& env, PlanSpec& plan, ConfigErrors& errors) {
  auto cluster = GetTrimmed(env, kEcsClusterVar);
  auto services = GetTrimmed(env, kEcsServicesVar);
  if (!cluster) {
    if (services) errors.Add(kEcsServicesVar, Quote(*services), "ECS_CLUSTER_NAME to be set too");
    return;
  }
  ScaleEcsSpec ecs;
  ecs.cluster = *cluster;
  if (services) ecs.services = SplitList(*services);
  ecs.all_services = ecs.services.empty();
  StepSpec step;
  step.detail = ecs;
  step.origin = kEcsClusterVar;
  FieldPath path = [](std::string_view field) {
    return std::string(field == "cluster" ? kEcsClusterVar : kEcsServicesVar);
  };
  AddStep(plan, std::move(step), path, errors);
}

std::string FoundJson(const Json& value) { return std::string("a JSON ") + value.type_name(); }

// Names fields as the original's TARGET_GROUPS entry spells them.
FieldPath EntryFields(std::string base) {
  return [base](std::string_view field) {
    if (field == "target_group_arn") return base;
    if (field == "from_asg") return base + ".source_asg";
    if (field == "from_ecs_service") return base + ".source_ecs";
    return base + "." + std::string(field);
  };
}

// Reads the entry's keys into `reg`; false when a key is unknown or has the wrong type.
bool ReadEntryKeys(const std::string& base, const Json& entry, RegisterTargetsSpec& reg,
                   std::optional<std::string>& asg, std::optional<std::string>& ecs,
                   ConfigErrors& errors) {
  bool ok = true;
  for (const auto& [key, value] : entry.items()) {
    std::string path = base + "." + key;
    bool is_string_key = key == "type" || key == "source_asg" || key == "source_ecs";
    if (!is_string_key && key != "port") {
      errors.Add(path, "an unknown key", "one of type, source_asg, source_ecs, port");
      ok = false;
    } else if (is_string_key && !value.is_string()) {
      errors.Add(path, FoundJson(value), "a string");
      ok = false;
    } else if (key == "port" && !value.is_number_integer()) {
      errors.Add(path, FoundJson(value), "an integer port from 1 to 65535");
      ok = false;
    } else if (key == "port") {
      long long port = value.get<long long>();
      ok = CheckIntRange(path, port, 1, 65535, errors) && ok;
      if (ok) reg.port = static_cast<int>(port);
    } else {
      std::string text = value.get<std::string>();
      if (key == "type") reg.target_type = text;
      if (key == "source_asg") asg = text;
      if (key == "source_ecs") ecs = text;
    }
  }
  return ok;
}

// Sets `reg`'s source from the entry's source_asg or source_ecs ("<cluster>/<service>");
// false, with the problem added to `errors`, unless exactly one is given and well formed.
bool ParseEntrySource(const std::string& base, const std::optional<std::string>& asg,
                      const std::optional<std::string>& ecs, RegisterTargetsSpec& reg,
                      ConfigErrors& errors) {
  if (asg.has_value() == ecs.has_value()) {
    errors.Add(base, asg ? "both source_asg and source_ecs" : "neither source_asg nor source_ecs",
               "exactly one: \"source_asg\" (type instance) or \"source_ecs\" (type ip)");
    return false;
  }
  if (asg) {
    reg.source = RegisterTargetsSpec::Source::kAsg;
    reg.source_asg = *asg;
    return true;
  }
  size_t slash = ecs->find('/');
  if (slash == std::string::npos || ecs->find('/', slash + 1) != std::string::npos) {
    errors.Add(base + ".source_ecs", Quote(*ecs), "\"<cluster>/<service>\" with exactly one '/'");
    return false;
  }
  reg.source = RegisterTargetsSpec::Source::kEcsService;
  reg.source_cluster = ecs->substr(0, slash);
  reg.source_service = ecs->substr(slash + 1);
  return true;
}

void AddTargetGroup(const std::string& arn, const Json& entry, PlanSpec& plan,
                    ConfigErrors& errors) {
  std::string base = std::string(kTargetGroupsVar) + "[" + Quote(arn) + "]";
  if (!entry.is_object()) {
    errors.Add(base, FoundJson(entry),
               "an object like {\"type\":\"instance\",\"source_asg\":\"<asg>\"}");
    return;
  }
  RegisterTargetsSpec reg;
  reg.target_group_arn = arn;
  std::optional<std::string> asg, ecs;
  bool keys_ok = ReadEntryKeys(base, entry, reg, asg, ecs, errors);
  if (!ParseEntrySource(base, asg, ecs, reg, errors) || !keys_ok) return;
  StepSpec step;
  step.detail = reg;
  step.origin = base;
  AddStep(plan, std::move(step), EntryFields(base), errors);
}

// nlohmann's message starts "[json.exception.parse_error.101] parse error at line 1,
// column 18: "; the byte offset says the same for a one-line variable, so keep the rest.
std::string ParseErrorDetail(const std::string& what) {
  size_t column = what.find("column ");
  size_t colon = what.find(": ", column == std::string::npos ? 0 : column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

void AddTargetGroups(const Environment& env, PlanSpec& plan, ConfigErrors& errors) {
  // Parsed untrimmed so byte offsets in errors count from the variable's first byte.
  auto text = env.Get(kTargetGroupsVar);
  if (!text || TrimWhitespace(*text).empty()) return;
  Json groups;
  try {
    groups = Json::parse(*text);
  } catch (const Json::parse_error& e) {
    errors.AddMessage(std::string(kTargetGroupsVar) + ": invalid JSON at byte " +
                      std::to_string(e.byte) + ": " + ParseErrorDetail(e.what()));
    return;
  } catch (const Json::exception& e) {  // a number no double holds (1e400)
    std::string what = e.what();        // "[json.exception.out_of_range.406] number overflow ..."
    size_t prefix_end = what.find("] ");
    errors.AddMessage(std::string(kTargetGroupsVar) + ": invalid JSON: " +
                      (prefix_end == std::string::npos ? what : what.substr(prefix_end + 2)));
    return;
  }
  if (!groups.is_object()) {
    errors.Add(kTargetGroupsVar, FoundJson(groups),
               "a JSON object: target group ARN -> {\"type\": ..., \"source_asg\" or "
               "\"source_ecs\": ...}");
    return;
  }
  for (const auto& [arn, entry] : groups.items()) AddTargetGroup(arn, entry, plan, errors);
}

// "scale_ecs=5m,register_targets=10m": step kind -> duration, for DRF_STEP_TIMEOUTS and
// DRF_STALL_AFTER.
void ReadKindDurations(const Environment& env, std::string_view var, KindDurations& out,
                       ConfigErrors& errors) {
  auto text = GetTrimmed(env, var);
  if (!text) return;
  std::string kinds;
  for (StepKind kind : kAllStepKinds) {
    kinds += (kinds.empty() ? "" : ", ") + std::string(StepKindName(kind));
  }
  const std::string expected =
      "<kind>=<duration>[,...] with kinds " + kinds + " (e.g. scale_ecs=5m,register_targets=10m)";
  for (const std::string& item : SplitList(*text)) {
    size_t eq = item.find('=');
    std::optional<StepKind> kind = eq == std::string::npos
                                       ? std::nullopt
                                       : StepKindFromName(TrimWhitespace(item.substr(0, eq)));
    if (!kind) {
      errors.Add(var, Quote(item), expected);
      continue;
    }
    auto seconds = ParseDuration(std::string(TrimWhitespace(item.substr(eq + 1))));
    if (!seconds) {
      errors.Add(var, Quote(item), std::string(kDurationExpected) + " after '='");
    } else if (CheckPositive(var, *seconds, errors)) {
      out[*kind] = *seconds;
    }
  }
}

// `var` as a duration (any sign: the caller checks its range); nullopt when unset or
// unreadable (`errors` says so).
std::optional<std::chrono::seconds> ReadDuration(const Environment& env, std::string_view var,
                                                 ConfigErrors& errors) {
  std::optional<std::string> text = GetTrimmed(env, var);
  if (!text) return std::nullopt;
  std::optional<std::chrono::seconds> seconds = ParseDuration(*text);
  if (!seconds) errors.Add(var, Quote(*text), kDurationExpected);
  return seconds;
}

// `var` as a duration greater than 0; nullopt when unset or wrong (`errors` says which).
std::optional<std::chrono::seconds> ReadPositiveDuration(const Environment& env,
                                                         std::string_view var,
                                                         ConfigErrors& errors) {
  std::optional<std::chrono::seconds> seconds = ReadDuration(env, var, errors);
  return seconds && CheckPositive(var, *seconds, errors) ? seconds : std::nullopt;
}

void ReadRunOptions(const Environment& env, PlanSpec& plan, ConfigErrors& errors) {
  if (auto ordering = GetTrimmed(env, kOrderingVar)) {
    if (*ordering == "parallel") {
      plan.ordering = Ordering::kParallel;
    } else if (*ordering == "sequential") {
      plan.ordering = Ordering::kSequential;
    } else {
      errors.Add(kOrderingVar, Quote(*ordering), "\"parallel\" or \"sequential\"");
    }
  }
  if (auto deadline = ReadPositiveDuration(env, kDeadlineVar, errors)) plan.deadline = deadline;
  if (auto max_lag = ReadPositiveDuration(env, kMaxReplicaLagVar, errors)) {
    plan.replica_lag.max_lag = *max_lag;
  }
  ReadKindDurations(env, kStepTimeoutsVar, plan.timeouts, errors);
  ReadKindDurations(env, kStallAfterVar, plan.stall_after, errors);
  if (auto table = GetTrimmed(env, kLockTableVar)) plan.lock.table = *table;
  if (auto topic = GetTrimmed(env, kSnsTopicVar);
      topic && CheckTopicArn(kSnsTopicVar, *topic, errors)) {
    plan.notify.topic_arn = *topic;
  }
  if (auto ttl = ReadDuration(env, kLockTtlVar, errors)) plan.lock.ttl = *ttl;
  if (auto cooldown = ReadDuration(env, kCooldownVar, errors)) plan.lock.cooldown = *cooldown;
  if (auto reprotect = GetTrimmed(env, kReprotectDbVar)) {
    if (*reprotect == "true" || *reprotect == "false") {
      plan.reprotect_db = *reprotect == "true";
    } else {
      errors.Add(kReprotectDbVar, Quote(*reprotect), "\"true\" or \"false\"");
    }
  }
  const std::map<std::string_view, std::string_view> variables = {
      {"lock_table", kLockTableVar}, {"lock_ttl", kLockTtlVar}, {"cooldown", kCooldownVar}};
  ValidateRunLock(
      plan.lock, [&](std::string_view key) { return std::string(variables.at(key)); }, errors);
}

}  // namespace

Status ApplyPlanVariables(const Environment& env, PlanSpec& plan) {
  ConfigErrors errors;
  std::optional<std::string> table = GetTrimmed(env, kLockTableVar);
  if (plan.lock.table.empty() && table && CheckTableName(kLockTableVar, *table, errors)) {
    plan.lock.table = *table;
  }
  std::optional<std::string> topic = GetTrimmed(env, kSnsTopicVar);
  if (plan.notify.topic_arn.empty() && topic && CheckTopicArn(kSnsTopicVar, *topic, errors)) {
    plan.notify.topic_arn = *topic;
  }
  return errors.ToStatus("invalid configuration");
}

Result<PlanSpec> PlanFromEnvironment(const Environment& env) {
  PlanSpec plan;
  plan.source = "environment";
  ConfigErrors errors;
  AddPromote(env, plan, errors);
  AddAsg(env, kJenkinsAsgVar, plan, errors);
  AddAsg(env, kMonitoringAsgVar, plan, errors);
  AddEcs(env, plan, errors);
  AddTargetGroups(env, plan, errors);
  ReadRunOptions(env, plan, errors);
  if (errors.empty() && plan.steps.empty()) {
    return Status::InvalidArgument(
        "nothing to fail over: set at least one of DB_INSTANCE_IDENTIFIER, JENKINS_ASG_NAME, "
        "MONITORING_ASG_NAME, ECS_CLUSTER_NAME (with ECS_SERVICES), TARGET_GROUPS, or give "
        "a plan file (DRF_PLAN_FILE)");
  }
  if (errors.empty()) CheckPlanGraph(plan, errors);
  DRF_RETURN_IF_ERROR(errors.ToStatus("invalid configuration in environment variables"));
  return plan;
}

}  // namespace drf
