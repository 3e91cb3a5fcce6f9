#include "plan/plan_file.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <exception>
#include <nlohmann/json.hpp>

#include "plan/finalize_plan.h"
#include "plan/validate.h"
#include "plan/yaml_reader.h"

namespace drf {
namespace {

constexpr int kSchemaVersion = 1;
constexpr int kMaxConcurrency = 64;  // beyond this AWS throttling, not threads, limits us

// Reads the keys of one mapping into spec fields, remembering whether all were good.
struct MapReader {
  YamlReader& r;
  const YAML::Node& node;
  std::string path;
  bool ok = true;

  // "deadline" at the top level, "steps[2].scale_asg.min" below it.
  std::string Key(std::string_view key) const {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }
  const YAML::Node Get(std::string_view key) const { return node[std::string(key)]; }

  bool Required(std::string_view key, std::string& out, std::string_view expected) {
    const YAML::Node value = Get(key);
    if (!value.IsDefined()) {
      r.Missing(node, Key(key), expected);
      return ok = false;
    }
    auto s = r.String(value, Key(key), expected);
    if (s) out = *s;
    return ok = ok && s.has_value();
  }
  template <typename T, typename Read>
  void Optional(std::string_view key, T& out, Read read) {
    const YAML::Node value = Get(key);
    if (!value.IsDefined()) return;
    auto v = read(value, Key(key));
    if (v) out = *v;
    ok = ok && v.has_value();
  }
  void Int(std::string_view key, int& out) {
    Optional(key, out, [&](const YAML::Node& v, const std::string& p) { return r.Int(v, p); });
  }
  void OptInt(std::string_view key, std::optional<int>& out) {
    Optional(key, out, [&](const YAML::Node& v, const std::string& p) { return r.Int(v, p); });
  }
  void Bool(std::string_view key, bool& out) {
    Optional(key, out, [&](const YAML::Node& v, const std::string& p) { return r.Bool(v, p); });
  }
  void OptBool(std::string_view key, std::optional<bool>& out) {
    Optional(key, out, [&](const YAML::Node& v, const std::string& p) { return r.Bool(v, p); });
  }
  void Duration(std::string_view key, std::optional<std::chrono::seconds>& out) {
    Optional(key, out, [&](const YAML::Node& v, const std::string& p) { return r.Duration(v, p); });
  }
  // A duration that must be greater than 0 (`errors` says so otherwise).
  void PositiveDuration(std::string_view key, std::optional<std::chrono::seconds>& out,
                        ConfigErrors& errors) {
    Duration(key, out);
    if (out) CheckPositive(YamlReader::Where(Key(key), Get(key)), *out, errors);
  }
};

// Every step kind's key, in StepKind's order.
std::vector<std::string_view> KindKeys() {
  std::vector<std::string_view> keys;
  for (StepKind kind : kAllStepKinds) keys.push_back(StepKindName(kind));
  return keys;
}

// `timeouts:` / `stall_after:` at the top level: step kind -> duration.
void ReadKindDurations(YamlReader& r, const YAML::Node& doc, const std::string& key,
                       KindDurations& out, ConfigErrors& errors) {
  const YAML::Node node = doc[key];
  if (!node.IsDefined()) return;
  if (!r.CheckMap(node, key, KindKeys())) return;
  for (const auto& item : node) {
    const std::string kind_name = item.first.Scalar();
    const std::string path = key + "." + kind_name;
    std::optional<StepKind> kind = StepKindFromName(kind_name);
    std::optional<std::chrono::seconds> value = r.Duration(item.second, path);
    if (!kind || !value) continue;
    if (CheckPositive(YamlReader::Where(path, item.second), *value, errors)) out[*kind] = *value;
  }
}

// `notify: {topic_arn: ..., on: [start, failure, end]}`.
void ReadNotify(YamlReader& r, const YAML::Node& doc, NotifySpec& out, ConfigErrors& errors) {
  const YAML::Node node = doc["notify"];
  if (!node.IsDefined() || !r.CheckMap(node, "notify", {"topic_arn", "on"})) return;
  MapReader m{r, node, "notify"};
  if (m.Required("topic_arn", out.topic_arn, "an SNS topic ARN")) {
    CheckTopicArn(YamlReader::Where("notify.topic_arn", node["topic_arn"]), out.topic_arn, errors);
  }
  if (!node["on"].IsDefined()) return;
  std::optional<std::vector<std::string>> names = r.StringList(node["on"], "notify.on");
  if (!names) return;
  out.on.clear();
  for (const std::string& name : *names) {
    std::optional<NotifyEvent> event = NotifyEventFromName(name);
    if (event) {
      out.on.push_back(*event);
    } else {
      r.Add(node["on"], "notify.on", "start, failure and/or end");
    }
  }
}

std::optional<PromoteDbSpec> ReadPromote(MapReader m) {
  PromoteDbSpec s;
  m.Required("db_instance_identifier", s.db_instance_identifier, "a DB instance identifier");
  m.OptInt("backup_retention_period", s.backup_retention_period);
  m.Optional("preferred_backup_window", s.preferred_backup_window,
             [&](const YAML::Node& v, const std::string& p) { return m.r.String(v, p); });
  m.Optional("source", s.expected_source,
             [&](const YAML::Node& v, const std::string& p) { return m.r.String(v, p); });
  m.Optional("reprotect_identifier", s.reprotect_identifier,
             [&](const YAML::Node& v, const std::string& p) { return m.r.String(v, p); });
  return m.ok ? std::optional(s) : std::nullopt;
}

std::optional<ScaleAsgSpec> ReadAsg(MapReader m) {
  ScaleAsgSpec s;
  m.Required("name", s.asg_name, "an Auto Scaling group name");
  m.Int("min", s.min_size);
  m.Int("max", s.max_size);
  m.Int("desired", s.desired_capacity);
  m.OptBool("wait", s.wait);
  return m.ok ? std::optional(s) : std::nullopt;
}

std::optional<ScaleEcsSpec> ReadEcs(MapReader m) {
  ScaleEcsSpec s;
  m.Required("cluster", s.cluster, "an ECS cluster name");
  const YAML::Node services = m.Get("services");
  if (!services.IsDefined()) {
    m.r.Missing(m.node, m.Key("services"), "a list of service names or \"all\"");
    m.ok = false;
  } else if (services.IsScalar() && services.Scalar() == "all") {
    s.all_services = true;
  } else if (auto list = m.r.StringList(services, m.Key("services"))) {
    s.services = *list;
  } else {
    m.ok = false;
  }
  m.Int("min_desired_count", s.min_desired_count);
  m.OptBool("wait", s.wait);
  return m.ok ? std::optional(s) : std::nullopt;
}

bool ReadEcsSource(MapReader& m, RegisterTargetsSpec& s) {
  std::string text;
  if (!m.Required("from_ecs_service", text, "\"<cluster>/<service>\"")) return false;
  size_t slash = text.find('/');
  if (slash == std::string::npos || text.find('/', slash + 1) != std::string::npos) {
    m.r.Add(m.Get("from_ecs_service"), m.Key("from_ecs_service"),
            "\"<cluster>/<service>\" with exactly one '/'");
    return m.ok = false;
  }
  s.source = RegisterTargetsSpec::Source::kEcsService;
  s.source_cluster = text.substr(0, slash);
  s.source_service = text.substr(slash + 1);
  return true;
}

std::optional<RegisterTargetsSpec> ReadRegister(MapReader m) {
  RegisterTargetsSpec s;
  m.Required("target_group_arn", s.target_group_arn, "a target group ARN");
  bool from_asg = m.Get("from_asg").IsDefined();
  if (from_asg == m.Get("from_ecs_service").IsDefined()) {
    m.r.Found(m.node, m.path, from_asg ? "both from_asg and from_ecs_service" : "no source",
              "exactly one of from_asg (an ASG name) or from_ecs_service (cluster/service)");
    m.ok = false;
  } else if (from_asg) {
    m.Required("from_asg", s.source_asg, "an Auto Scaling group name");
  } else {
    ReadEcsSource(m, s);
  }
  m.OptInt("port", s.port);
  m.Optional("type", s.target_type,
             [&](const YAML::Node& v, const std::string& p) { return m.r.String(v, p); });
  m.Bool("partial", s.partial);
  return m.ok ? std::optional(s) : std::nullopt;
}

std::optional<SwitchDnsSpec> ReadDns(MapReader m) {
  SwitchDnsSpec s;
  auto text = [&](const YAML::Node& v, const std::string& p) { return m.r.String(v, p); };
  auto number = [&](const YAML::Node& v, const std::string& p) -> std::optional<long long> {
    std::optional<int> n = m.r.Int(v, p);
    return n ? std::optional<long long>(*n) : std::nullopt;
  };
  if (m.Get("zone_id").IsDefined() == m.Get("zone").IsDefined()) {
    m.r.Found(m.node, m.path, m.Get("zone").IsDefined() ? "both zone and zone_id" : "no zone",
              "exactly one of zone (the hosted zone's name) or zone_id");
    m.ok = false;
  }
  m.Optional("zone_id", s.zone_id, text);
  m.Optional("zone", s.zone_name, text);
  m.Required("record", s.record, "the record's name");
  m.Optional("type", s.type, text);
  if (m.Get("alias_to_load_balancer").IsDefined() == m.Get("values").IsDefined()) {
    m.r.Found(m.node, m.path,
              m.Get("values").IsDefined() ? "both alias_to_load_balancer and values" : "no target",
              "exactly one of alias_to_load_balancer (the DR load balancer's name or ARN) or "
              "values (a list)");
    m.ok = false;
  }
  m.Optional("alias_to_load_balancer", s.alias_load_balancer, text);
  m.Optional("values", s.values,
             [&](const YAML::Node& v, const std::string& p) { return m.r.StringList(v, p); });
  m.Optional("ttl", s.ttl, number);
  m.Bool("evaluate_target_health", s.evaluate_target_health);
  m.Optional("set_identifier", s.set_identifier, text);
  m.Optional("weight", s.weight, number);
  m.Optional("primary_set_identifier", s.primary_set_identifier, text);
  m.Optional("primary_weight", s.primary_weight, number);
  return m.ok ? std::optional(s) : std::nullopt;
}

std::optional<RunCommandSpec> ReadCommand(MapReader m) {
  RunCommandSpec s;
  const YAML::Node argv = m.Get("argv");
  if (!argv.IsDefined()) {
    m.r.Missing(m.node, m.Key("argv"), "a list: the program and its arguments");
    m.ok = false;
  } else if (auto list = m.r.StringList(argv, m.Key("argv"))) {
    s.argv = *list;
    if (s.argv.empty()) {
      m.r.Add(argv, m.Key("argv"), "the program and its arguments");
      m.ok = false;
    }
  } else {
    m.ok = false;
  }
  const YAML::Node env = m.Get("env");
  if (env.IsDefined() && !env.IsMap()) {
    m.r.Add(env, m.Key("env"), "a mapping of variable names to values");
    m.ok = false;
  } else if (env.IsDefined()) {
    for (const auto& item : env) {
      const std::string name = item.first.Scalar();
      auto value = m.r.String(item.second, m.Key("env." + name));
      if (value) s.env.emplace_back(name, *value);
      m.ok = m.ok && value.has_value();
    }
  }
  return m.ok ? std::optional(s) : std::nullopt;
}

// A YAML value as JSON: mappings, lists, and scalars as strings (so "${...}" facts can go
// anywhere a string does), except plain true/false/null and numbers.
nlohmann::json YamlToJson(const YAML::Node& node) {
  if (node.IsMap()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& item : node) out[item.first.Scalar()] = YamlToJson(item.second);
    return out;
  }
  if (node.IsSequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : node) out.push_back(YamlToJson(item));
    return out;
  }
  if (!node.IsScalar()) return nullptr;
  const std::string& text = node.Scalar();
  if (node.Tag() != "!") {  // unquoted
    if (text == "true" || text == "false") return text == "true";
    if (text == "null" || text == "~") return nullptr;
    nlohmann::json number = nlohmann::json::parse(text, nullptr, false);
    if (number.is_number()) return number;
  }
  return text;
}

std::optional<InvokeLambdaSpec> ReadInvoke(MapReader m) {
  InvokeLambdaSpec s;
  m.Required("function", s.function, "a Lambda function name or ARN");
  const YAML::Node payload = m.Get("payload");
  if (payload.IsDefined()) s.payload_json = YamlToJson(payload).dump();
  return m.ok ? std::optional(s) : std::nullopt;
}

std::optional<FailoverGlobalDbSpec> ReadGlobalDb(MapReader m) {
  FailoverGlobalDbSpec s;
  m.Required("global_cluster_identifier", s.global_cluster_identifier,
             "the global database's identifier");
  m.Required("target_cluster", s.target_cluster, "the DR member cluster's identifier or ARN");
  std::string mode = "switchover";
  m.Optional("mode", mode,
             [&](const YAML::Node& v, const std::string& p) { return m.r.String(v, p); });
  m.Bool("allow_data_loss", s.allow_data_loss);
  if (mode == "failover") {
    s.mode = FailoverGlobalDbSpec::Mode::kFailover;
  } else if (mode != "switchover") {
    m.r.Add(m.Get("mode"), m.Key("mode"), "\"switchover\" or \"failover\"");
    m.ok = false;
  }
  return m.ok ? std::optional(s) : std::nullopt;
}

// "one of promote_db, scale_asg, ...".
std::string KindsExpected() {
  std::string out = "one of ";
  for (std::string_view key : KindKeys()) out += (out.size() > 7 ? ", " : "") + std::string(key);
  return out;
}

// Names a step's fields as the file spells them, with the line of the value when present.
FieldPath StepFields(std::string step_path, std::string kind_key, YAML::Node step_node) {
  return [=](std::string_view field) {
    bool step_level =
        field == "id" || field == "after" || field == "timeout" || field == "stall_after";
    const YAML::Node parent = step_level ? step_node : step_node[kind_key];
    std::string path = step_path + "." + (step_level ? "" : kind_key + ".") + std::string(field);
    size_t bracket = field.find('[');
    const YAML::Node value = parent[std::string(field.substr(0, bracket))];
    if (bracket != std::string_view::npos && value.IsSequence()) {
      const YAML::Node item = value[std::stoul(std::string(field.substr(bracket + 1)))];
      return YamlReader::Where(path, item);
    }
    return YamlReader::Where(path, value.IsDefined() ? value : parent);
  };
}

bool ReadDetail(YamlReader& r, const std::string& kind, const YAML::Node& node,
                const std::string& path, StepSpec& step) {
  if (!node.IsMap()) {
    r.Add(node, path, "a mapping");
    return false;
  }
  MapReader m{r, node, path};
  if (kind == "promote_db") {
    r.CheckMap(node, path,
               {"db_instance_identifier", "backup_retention_period", "preferred_backup_window",
                "source", "reprotect_identifier"});
    if (auto s = ReadPromote(m)) return step.detail = *s, true;
  } else if (kind == "scale_asg") {
    r.CheckMap(node, path, {"name", "min", "max", "desired", "wait"});
    if (auto s = ReadAsg(m)) return step.detail = *s, true;
  } else if (kind == "scale_ecs") {
    r.CheckMap(node, path, {"cluster", "services", "min_desired_count", "wait"});
    if (auto s = ReadEcs(m)) return step.detail = *s, true;
  } else if (kind == "register_targets") {
    r.CheckMap(node, path,
               {"target_group_arn", "from_asg", "from_ecs_service", "port", "type", "partial"});
    if (auto s = ReadRegister(m)) return step.detail = *s, true;
  } else if (kind == "failover_global_db") {
    r.CheckMap(node, path,
               {"global_cluster_identifier", "target_cluster", "mode", "allow_data_loss"});
    if (auto s = ReadGlobalDb(m)) return step.detail = *s, true;
  } else if (kind == "promote_db_cluster") {
    r.CheckMap(node, path, {"db_cluster_identifier"});
    PromoteDbClusterSpec s;
    if (m.Required("db_cluster_identifier", s.db_cluster_identifier, "a DB cluster identifier")) {
      return step.detail = s, true;
    }
  } else if (kind == "invoke_lambda") {
    r.CheckMap(node, path, {"function", "payload"});
    if (auto s = ReadInvoke(m)) return step.detail = *s, true;
  } else if (kind == "run_command") {
    r.CheckMap(node, path, {"argv", "env"});
    if (auto s = ReadCommand(m)) return step.detail = *s, true;
  } else {
    r.CheckMap(node, path,
               {"zone", "zone_id", "record", "type", "alias_to_load_balancer", "values", "ttl",
                "evaluate_target_health", "set_identifier", "weight", "primary_set_identifier",
                "primary_weight"});
    if (auto s = ReadDns(m)) return step.detail = *s, true;
  }
  return false;
}

bool ReadStepOptions(YamlReader& r, const YAML::Node& node, const std::string& path, StepSpec& step,
                     ConfigErrors& errors) {
  MapReader m{r, node, path};
  if (node["id"].IsDefined()) {
    std::string id;
    if (m.Required("id", id, "a step id")) m.ok = CheckStepId(m.Key("id"), id, errors);
    step.id = id;
  }
  m.Optional("after", step.after,
             [&](const YAML::Node& v, const std::string& p) { return r.StringList(v, p); });
  m.Duration("timeout", step.timeout);
  m.Duration("stall_after", step.stall_after);
  return m.ok;
}

void ReadStep(YamlReader& r, const YAML::Node& node, size_t index, PlanSpec& plan,
              ConfigErrors& errors) {
  std::string path = "steps[" + std::to_string(index) + "]";
  std::vector<std::string_view> keys = KindKeys();
  keys.insert(keys.end(), {"id", "after", "timeout", "stall_after"});
  bool keys_ok = r.CheckMap(node, path, keys);
  if (!keys_ok && !node.IsMap()) return;
  std::vector<std::string> kinds;
  for (std::string_view kind : KindKeys()) {
    if (node[std::string(kind)].IsDefined()) kinds.emplace_back(kind);
  }
  if (kinds.size() != 1) {
    r.Found(node, path, kinds.empty() ? "no step kind" : "more than one step kind",
            "exactly " + KindsExpected());
    return;
  }
  StepSpec step;
  step.origin = path;
  bool options_ok = ReadStepOptions(r, node, path, step, errors);
  bool detail_ok = ReadDetail(r, kinds[0], node[kinds[0]], path + "." + kinds[0], step);
  if (!options_ok || !detail_ok) return;
  step.kind = static_cast<StepKind>(step.detail.index());
  ValidateStepSpec(step, StepFields(path, kinds[0], node), errors);
  plan.steps.push_back(std::move(step));
}

void ReadRunOptions(YamlReader& r, const YAML::Node& doc, PlanSpec& plan, ConfigErrors& errors) {
  MapReader m{r, doc, ""};
  const YAML::Node version = doc["version"];
  if (!version.IsDefined()) {
    r.Missing(doc, "version", "version: 1");
  } else if (auto v = r.Int(version, "version", "1"); v && *v != kSchemaVersion) {
    r.Add(version, "version", "1 (the only schema version)");
  }
  std::string ordering;
  m.Optional("ordering", ordering,
             [&](const YAML::Node& v, const std::string& p) { return r.String(v, p); });
  if (ordering == "sequential") plan.ordering = Ordering::kSequential;
  if (!ordering.empty() && ordering != "sequential" && ordering != "parallel") {
    r.Add(doc["ordering"], "ordering", "\"parallel\" or \"sequential\"");
  }
  if (const YAML::Node mode = doc["retry_mode"]; mode.IsDefined()) {
    constexpr std::string_view kModes = "\"standard\" or \"adaptive\"";
    std::optional<std::string> value = r.String(mode, "retry_mode", kModes);
    if (value == "standard" || value == "adaptive") {
      plan.retry_mode = value;
    } else if (value) {
      r.Add(mode, "retry_mode", kModes);
    }
  }
  m.PositiveDuration("deadline", plan.deadline, errors);
  m.PositiveDuration("rto", plan.rto, errors);
  std::optional<std::chrono::seconds> max_lag;
  m.PositiveDuration("max_replica_lag", max_lag, errors);
  if (max_lag) plan.replica_lag.max_lag = *max_lag;
  std::string on_unknown;
  m.Optional("on_unknown_lag", on_unknown,
             [&](const YAML::Node& v, const std::string& p) { return r.String(v, p); });
  if (!on_unknown.empty() && on_unknown != "proceed" && on_unknown != "refuse") {
    r.Add(doc["on_unknown_lag"], "on_unknown_lag", "\"proceed\" or \"refuse\"");
  }
  plan.replica_lag.refuse_unknown = on_unknown == "refuse";
  m.Optional("lock_table", plan.lock.table,
             [&](const YAML::Node& v, const std::string& p) { return r.String(v, p); });
  std::optional<std::chrono::seconds> lock_ttl, cooldown;
  m.Duration("lock_ttl", lock_ttl);
  m.Duration("cooldown", cooldown);
  if (lock_ttl) plan.lock.ttl = *lock_ttl;
  if (cooldown) plan.lock.cooldown = *cooldown;
  ValidateRunLock(
      plan.lock,
      [&](std::string_view key) {
        return YamlReader::Where(std::string(key), doc[std::string(key)]);
      },
      errors);
  ReadNotify(r, doc, plan.notify, errors);
  m.Bool("reprotect_db", plan.reprotect_db);
  m.Int("concurrency", plan.concurrency);
  CheckIntRange(YamlReader::Where("concurrency", doc["concurrency"]), plan.concurrency, 1,
                kMaxConcurrency, errors);
  ReadKindDurations(r, doc, "timeouts", plan.timeouts, errors);
  ReadKindDurations(r, doc, "stall_after", plan.stall_after, errors);
}

void ReadPlan(const YAML::Node& doc, PlanSpec& plan, ConfigErrors& errors) {
  YamlReader r(errors);
  if (!doc.IsMap()) {
    r.Add(doc, "the document", "a mapping with version: 1 and steps");
    return;
  }
  r.CheckMap(doc, "",
             {"version", "ordering", "deadline", "rto", "max_replica_lag", "on_unknown_lag",
              "lock_table", "lock_ttl", "cooldown", "notify", "reprotect_db", "concurrency",
              "retry_mode", "timeouts", "stall_after", "steps"});
  ReadRunOptions(r, doc, plan, errors);
  const YAML::Node steps = doc["steps"];
  if (!steps.IsDefined() || (steps.IsSequence() && steps.size() == 0)) {
    r.Found(doc, "steps", steps.IsDefined() ? "an empty list" : "nothing", "a list of steps");
    return;
  }
  if (!steps.IsSequence()) return r.Add(steps, "steps", "a list of steps");
  for (size_t i = 0; i < steps.size(); ++i) ReadStep(r, steps[i], i, plan, errors);
  // Graph checks on broken steps would only add confusing echoes of the same problems.
  if (errors.empty()) CheckPlanGraph(plan, errors);
}

bool StartsWithBrace(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{';
}

// Plans nest five levels or so. Deeper input is refused while it is parsed, before
// anything recursive (JsonToYaml, yaml-cpp) walks it and runs out of stack.
constexpr int kMaxJsonNesting = 64;

struct TooDeep : std::exception {};

// nlohmann's message starts "[json.exception.parse_error.101] "; the rest has the line
// and column.
std::optional<YAML::Node> LoadJson(std::string_view text, ConfigErrors& errors) {
  auto limit = [](int depth, nlohmann::ordered_json::parse_event_t, nlohmann::ordered_json&) {
    if (depth >= kMaxJsonNesting) throw TooDeep();
    return true;
  };
  try {
    nlohmann::ordered_json json = nlohmann::ordered_json::parse(text, limit);
    // JSON is YAML: read by yaml-cpp, the values keep their lines for error messages. The
    // rare JSON it cannot read is converted instead (errors then have no line).
    try {
      return YAML::Load(std::string(text));
    } catch (const YAML::Exception&) {
      return JsonToYaml(json);
    }
  } catch (const TooDeep&) {
    errors.AddMessage("invalid JSON: nested more than " + std::to_string(kMaxJsonNesting) +
                      " levels deep (a plan needs about five)");
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    size_t prefix_end = what.find("] ");
    errors.AddMessage("invalid JSON at byte " + std::to_string(e.byte) + ": " +
                      (prefix_end == std::string::npos ? what : what.substr(prefix_end + 2)));
  } catch (const nlohmann::json::exception& e) {  // a number no double holds (1e400)
    std::string what = e.what();
    size_t prefix_end = what.find("] ");
    errors.AddMessage("invalid JSON: " +
                      (prefix_end == std::string::npos ? what : what.substr(prefix_end + 2)));
  }
  return std::nullopt;
}

std::optional<YAML::Node> LoadYaml(std::string_view text, ConfigErrors& errors) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {  // its own message is only "bad file"
    errors.AddMessage("invalid YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                      std::to_string(e.mark.column + 1) + ": nested more than " +
                      std::to_string(e.depth() - 1) + " levels deep (a plan needs about five)");
  } catch (const YAML::ParserException& e) {
    errors.AddMessage("invalid YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  return std::nullopt;
}

}  // namespace

Result<PlanSpec> ParsePlanFile(std::string_view text, std::string_view source_name) {
  PlanSpec plan;
  plan.source = std::string(source_name);
  ConfigErrors errors;
  // yaml-cpp and nlohmann throw; nothing past this function does.
  try {
    auto doc = StartsWithBrace(text) ? LoadJson(text, errors) : LoadYaml(text, errors);
    if (doc) ReadPlan(*doc, plan, errors);
  } catch (const YAML::Exception& e) {
    errors.AddMessage(std::string("unexpected YAML error: ") + e.what());
  } catch (const nlohmann::json::exception& e) {
    errors.AddMessage(std::string("unexpected JSON error: ") + e.what());
  } catch (const std::exception& e) {
    errors.AddMessage(std::string("unexpected error: ") + e.what());
  }
  DRF_RETURN_IF_ERROR(errors.ToStatus("invalid plan file " + plan.source));
  return plan;
}

}  // namespace drf
