#include "plan/validate.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <regex>
#include <set>

namespace drf {
namespace {

// Sanity bounds: far above any real DR group, low enough to catch a typo'd extra digit.
constexpr long long kMaxAsgSize = 10000;
constexpr long long kMaxEcsCount = 10000;

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool IsValidDbIdentifier(std::string_view v) {
  if (v.empty() || v.size() > 63) return false;
  if (!std::isalpha(static_cast<unsigned char>(v.front())) || v.back() == '-') return false;
  if (v.find("--") != std::string_view::npos) return false;
  for (char c : v) {
    if (!IsAlnum(c) && c != '-') return false;
  }
  return true;
}

bool IsValidEcsName(std::string_view v) {
  if (v.empty() || v.size() > 255) return false;
  for (char c : v) {
    if (!IsAlnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

void ValidatePromote(const PromoteDbSpec& s, const FieldPath& path, ConfigErrors& errors) {
  CheckDbInstanceIdentifier(path("db_instance_identifier"), s.db_instance_identifier, errors);
  if (s.backup_retention_period) {
    CheckIntRange(path("backup_retention_period"), *s.backup_retention_period, 0, 35, errors);
  }
  if (s.preferred_backup_window) {
    CheckBackupWindow(path("preferred_backup_window"), *s.preferred_backup_window, errors);
  }
}

void ValidateAsg(const ScaleAsgSpec& s, const FieldPath& path, ConfigErrors& errors) {
  CheckAsgName(path("name"), s.asg_name, errors);
  bool min_ok = CheckIntRange(path("min"), s.min_size, 0, kMaxAsgSize, errors);
  bool max_ok = CheckIntRange(path("max"), s.max_size, 0, kMaxAsgSize, errors);
  bool desired_ok = CheckIntRange(path("desired"), s.desired_capacity, 0, kMaxAsgSize, errors);
  if (!min_ok || !max_ok) return;
  if (s.min_size > s.max_size) {
    errors.Add(path("min"), std::to_string(s.min_size),
               "at most max (" + std::to_string(s.max_size) + ")");
  } else if (desired_ok) {
    CheckIntRange(path("desired"), s.desired_capacity, s.min_size, s.max_size, errors);
  }
}

void ValidateEcs(const ScaleEcsSpec& s, const FieldPath& path, ConfigErrors& errors) {
  CheckEcsName(path("cluster"), s.cluster, errors);
  std::set<std::string_view> seen;
  for (size_t i = 0; i < s.services.size(); ++i) {
    std::string field = "services[" + std::to_string(i) + "]";
    if (!CheckEcsName(path(field), s.services[i], errors)) continue;
    if (!seen.insert(s.services[i]).second) {
      errors.Add(path(field), Quote(s.services[i]), "each service listed once");
    }
  }
  if (s.services.empty() && !s.all_services) {
    errors.Add(path("services"), "an empty list", "service names or \"all\"");
  }
  CheckIntRange(path("min_desired_count"), s.min_desired_count, 0, kMaxEcsCount, errors);
}

void ValidateSource(const RegisterTargetsSpec& s, const FieldPath& path, ConfigErrors& errors) {
  if (s.source == RegisterTargetsSpec::Source::kAsg) {
    CheckAsgName(path("from_asg"), s.source_asg, errors);
  } else {
    std::string field = path("from_ecs_service");
    // Checked separately so the message says which half is wrong.
    if (CheckEcsName(field + " (cluster)", s.source_cluster, errors)) {
      CheckEcsName(field + " (service)", s.source_service, errors);
    }
  }
}

void ValidateRegister(const RegisterTargetsSpec& s, const FieldPath& path, ConfigErrors& errors) {
  CheckTargetGroupArn(path("target_group_arn"), s.target_group_arn, errors);
  ValidateSource(s, path, errors);
  if (s.port) CheckIntRange(path("port"), *s.port, 1, 65535, errors);
  bool from_asg = s.source == RegisterTargetsSpec::Source::kAsg;
  if (!s.target_type.empty() && s.target_type != "instance" && s.target_type != "ip") {
    errors.Add(path("type"), Quote(s.target_type), "\"instance\" or \"ip\"");
  } else if (s.target_type == "instance" && !from_asg) {
    errors.Add(path("type"), "\"instance\" with an ECS service source",
               "\"ip\" for ECS tasks, or an ASG source for \"instance\"");
  } else if (s.target_type == "ip" && from_asg) {
    errors.Add(path("type"), "\"ip\" with an ASG source",
               "\"instance\" for ASG instances, or an ECS service source for \"ip\"");
  }
}

}  // namespace

void ConfigErrors::Add(std::string_view path, std::string_view found, std::string_view expected) {
  std::string message(path);
  message += ": found ";
  message += found;
  message += ", expected ";
  message += expected;
  messages_.push_back(std::move(message));
}

Status ConfigErrors::ToStatus(std::string_view header) const {
  if (messages_.empty()) return Status::Ok();
  std::string message(header);
  message += ": " + std::to_string(messages_.size()) +
             (messages_.size() == 1 ? " problem:" : " problems:");
  for (const std::string& m : messages_) message += "\n" + m;
  return Status::InvalidArgument(std::move(message));
}

std::string Quote(std::string_view value) {
  constexpr size_t kMaxShown = 100;
  std::string out = "\"";
  for (size_t i = 0; i < value.size() && i < kMaxShown; ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += static_cast<char>(c);
    }
  }
  out += value.size() > kMaxShown ? "...\"" : "\"";
  return out;
}

bool CheckDbInstanceIdentifier(std::string_view path, std::string_view value,
                               ConfigErrors& errors) {
  if (IsValidDbIdentifier(value)) return true;
  errors.Add(path, Quote(value),
             "a DB instance identifier: 1-63 letters, digits or hyphens, starting with a "
             "letter, with no \"--\" and no trailing hyphen");
  return false;
}

bool CheckAsgName(std::string_view path, std::string_view value, ConfigErrors& errors) {
  bool ok = !value.empty() && value.size() <= 255;
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) ok = false;
  }
  if (!ok)
    errors.Add(path, Quote(value),
               "an Auto Scaling group name: 1-255 characters, no "
               "control characters");
  return ok;
}

bool CheckEcsName(std::string_view path, std::string_view value, ConfigErrors& errors) {
  if (IsValidEcsName(value)) return true;
  errors.Add(path, Quote(value), "an ECS name: 1-255 letters, digits, hyphens or underscores");
  return false;
}

bool CheckTargetGroupArn(std::string_view path, std::string_view value, ConfigErrors& errors) {
  static const std::regex kArn(
      "arn:aws(-[a-z]+)*:elasticloadbalancing:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:"
      "targetgroup/[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?/[0-9a-fA-F]+");
  if (std::regex_match(value.begin(), value.end(), kArn)) return true;
  errors.Add(path, Quote(value),
             "a target group ARN: arn:<partition>:elasticloadbalancing:<region>:"
             "<12-digit account>:targetgroup/<name>/<hex id>");
  return false;
}

bool CheckBackupWindow(std::string_view path, std::string_view value, ConfigErrors& errors) {
  static const std::regex kWindow("([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]");
  if (std::regex_match(value.begin(), value.end(), kWindow)) return true;
  errors.Add(path, Quote(value), "a UTC window \"hh24:mi-hh24:mi\", e.g. \"03:00-04:00\"");
  return false;
}

bool CheckStepId(std::string_view path, std::string_view value, ConfigErrors& errors) {
  bool ok = !value.empty() && value.size() <= 255;
  for (char c : value) {
    if (!IsAlnum(c) && std::string_view("-_:./@").find(c) == std::string_view::npos) ok = false;
  }
  if (!ok) errors.Add(path, Quote(value), "a step id: 1-255 letters, digits and - _ : . / @");
  return ok;
}

bool CheckIntRange(std::string_view path, long long value, long long min, long long max,
                   ConfigErrors& errors) {
  if (value >= min && value <= max) return true;
  errors.Add(path, std::to_string(value),
             "an integer from " + std::to_string(min) + " to " + std::to_string(max));
  return false;
}

bool CheckPositive(std::string_view path, std::chrono::seconds value, ConfigErrors& errors) {
  if (value.count() > 0) return true;
  errors.Add(path, std::to_string(value.count()) + "s", "a duration greater than 0");
  return false;
}

bool CheckTopicArn(std::string_view path, std::string_view value, ConfigErrors& errors) {
  static const std::regex kTopic(
      R"(arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]{1,256})");
  const bool ok = std::regex_match(std::string(value), kTopic);
  if (!ok) {
    errors.Add(path, Quote(value), "an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)");
  }
  return ok;
}

bool CheckTableName(std::string_view path, std::string_view value, ConfigErrors& errors) {
  const bool ok = value.size() >= 3 && value.size() <= 255 &&
                  std::all_of(value.begin(), value.end(), [](unsigned char c) {
                    return std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.';
                  });
  if (!ok) errors.Add(path, Quote(value), "a DynamoDB table name (3-255 of A-Z a-z 0-9 _ - .)");
  return ok;
}

void ValidateRunLock(const RunLock& lock, const FieldPath& path, ConfigErrors& errors) {
  if (!lock.table.empty()) CheckTableName(path("lock_table"), lock.table, errors);
  if (lock.ttl < kMinLockTtl) {
    errors.Add(path("lock_ttl"), std::to_string(lock.ttl.count()) + "s",
               "a duration of at least " + std::to_string(kMinLockTtl.count()) + "s");
  }
  if (lock.cooldown.count() < 0) {
    errors.Add(path("cooldown"), std::to_string(lock.cooldown.count()) + "s",
               "a duration of 0 (off) or more");
  }
}

// A domain name as Route 53 takes it: labels of letters, digits, '-', '_' (and a leading
// "*" label), at most 63 characters each and 255 in all; a trailing dot is allowed.
bool IsDnsName(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = std::min(name.find('.', start), name.size());
    std::string_view label = name.substr(start, end - start);
    if (label.empty() || label.size() > 63) return false;
    bool ok = label == "*" || std::all_of(label.begin(), label.end(), [](char c) {
                return IsAlnum(c) || c == '-' || c == '_';
              });
    if (!ok) return false;
    start = end + 1;
  }
  return true;
}

std::string LowerNoDot(std::string_view name) {
  std::string out;
  for (char c : name) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

void ValidateDns(const SwitchDnsSpec& s, const FieldPath& path, ConfigErrors& errors) {
  static const std::set<std::string, std::less<>> kTypes = {
      "A", "AAAA", "CAA", "CNAME", "DS", "MX", "NAPTR", "NS", "PTR", "SPF", "SRV", "TXT"};
  static const std::regex kZoneId("[A-Z0-9]{1,32}");
  if (!s.zone_id.empty() && !std::regex_match(s.zone_id, kZoneId)) {
    errors.Add(path("zone_id"), Quote(s.zone_id), "a hosted zone id like Z0123456789ABCDEFGHIJ");
  }
  if (!s.zone_name.empty() && !IsDnsName(s.zone_name)) {
    errors.Add(path("zone"), Quote(s.zone_name), "a domain name like example.com");
  }
  if (!IsDnsName(s.record)) {
    errors.Add(path("record"), Quote(s.record), "a domain name like api.example.com");
  } else if (!s.zone_name.empty() && IsDnsName(s.zone_name)) {
    std::string record = LowerNoDot(s.record), zone = LowerNoDot(s.zone_name);
    if (record != zone && !record.ends_with("." + zone)) {
      errors.Add(path("record"), Quote(s.record), "a name in zone " + zone);
    }
  }
  if (kTypes.find(s.type) == kTypes.end()) {
    errors.Add(path("type"), Quote(s.type), "a record type such as A, AAAA, CNAME or TXT");
  } else if (!s.alias_load_balancer.empty() && s.type != "A" && s.type != "AAAA") {
    errors.Add(path("type"), Quote(s.type), "A or AAAA for an alias to a load balancer");
  }
  for (size_t i = 0; i < s.values.size(); ++i) {
    if (s.values[i].empty()) {
      errors.Add(path("values[" + std::to_string(i) + "]"), "\"\"", "a record value");
    }
  }
  if (s.values.empty() && s.alias_load_balancer.empty()) {
    errors.Add(path("values"), "an empty list", "at least one value");
  }
  if (s.ttl) {
    if (!s.alias_load_balancer.empty()) {
      errors.Add(path("ttl"), std::to_string(*s.ttl),
                 "no ttl with alias_to_load_balancer (an alias has the target's TTL)");
    } else {
      CheckIntRange(path("ttl"), *s.ttl, 0, 2147483647, errors);
    }
  }
  if (s.set_identifier.size() > 128) {
    errors.Add(path("set_identifier"), Quote(s.set_identifier), "at most 128 characters");
  }
  if (s.set_identifier.empty()) {
    const std::pair<const char*, bool> weighted[] = {
        {"weight", s.weight.has_value()},
        {"primary_set_identifier", !s.primary_set_identifier.empty()},
        {"primary_weight", s.primary_weight.has_value()}};
    for (const auto& [key, given] : weighted) {
      if (given) errors.Add(path(key), "a value", "set_identifier too (weighted records)");
    }
  }
  if (s.weight) CheckIntRange(path("weight"), *s.weight, 0, 255, errors);
  if (s.primary_weight) CheckIntRange(path("primary_weight"), *s.primary_weight, 0, 255, errors);
  if (!s.primary_set_identifier.empty() && s.primary_set_identifier == s.set_identifier) {
    errors.Add(path("primary_set_identifier"), Quote(s.primary_set_identifier),
               "another record's SetIdentifier than set_identifier");
  }
}

void ValidateCommand(const RunCommandSpec& s, const FieldPath& path, ConfigErrors& errors) {
  if (!s.argv.empty() && s.argv[0].empty()) errors.Add(path("argv[0]"), "\"\"", "a program");
  static const std::regex kName("[A-Za-z_][A-Za-z0-9_]*");
  for (const auto& [name, value] : s.env) {
    if (!std::regex_match(name, kName)) {
      errors.Add(path("env"), Quote(name), "environment variable names (letters, digits, _)");
    }
  }
}

// The FunctionName pattern of Lambda's API model: a name, a partial or full ARN, with an
// optional version or alias.
void ValidateInvoke(const InvokeLambdaSpec& s, const FieldPath& path, ConfigErrors& errors) {
  static const std::regex kFunction(
      "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
      "(function:)?([a-zA-Z0-9_.-]+)(:(\\$LATEST|[a-zA-Z0-9_-]+))?");
  if (s.function.size() > 256 || !std::regex_match(s.function, kFunction)) {
    errors.Add(path("function"), Quote(s.function),
               "a function name (my-function), ARN, or either with :<version or alias>");
  }
}

void ValidateGlobalDb(const FailoverGlobalDbSpec& s, const FieldPath& path, ConfigErrors& errors) {
  const bool failover = s.mode == FailoverGlobalDbSpec::Mode::kFailover;
  if (failover && !s.allow_data_loss) {
    errors.Add(path("allow_data_loss"), "false",
               "true with mode: failover (an unplanned failover loses the writes the DR "
               "region has not received; say so explicitly, or use mode: switchover)");
  } else if (!failover && s.allow_data_loss) {
    errors.Add(path("allow_data_loss"), "true", "false with mode: switchover (it loses no data)");
  }
}

void ValidateStepSpec(const StepSpec& step, const FieldPath& path, ConfigErrors& errors) {
  if (const auto* g = std::get_if<FailoverGlobalDbSpec>(&step.detail)) {
    ValidateGlobalDb(*g, path, errors);
  }
  if (const auto* c = std::get_if<PromoteDbClusterSpec>(&step.detail)) {
    // Cluster identifiers follow the instance identifiers' rules.
    CheckDbInstanceIdentifier(path("db_cluster_identifier"), c->db_cluster_identifier, errors);
  }
  if (const auto* l = std::get_if<InvokeLambdaSpec>(&step.detail)) ValidateInvoke(*l, path, errors);
  if (const auto* c = std::get_if<RunCommandSpec>(&step.detail)) ValidateCommand(*c, path, errors);
  if (const auto* d = std::get_if<SwitchDnsSpec>(&step.detail)) ValidateDns(*d, path, errors);
  if (const auto* p = std::get_if<PromoteDbSpec>(&step.detail)) ValidatePromote(*p, path, errors);
  if (const auto* a = std::get_if<ScaleAsgSpec>(&step.detail)) ValidateAsg(*a, path, errors);
  if (const auto* e = std::get_if<ScaleEcsSpec>(&step.detail)) ValidateEcs(*e, path, errors);
  if (const auto* r = std::get_if<RegisterTargetsSpec>(&step.detail)) {
    ValidateRegister(*r, path, errors);
  }
  if (step.timeout) CheckPositive(path("timeout"), *step.timeout, errors);
  if (step.stall_after) CheckPositive(path("stall_after"), *step.stall_after, errors);
}

// Depth-first search with three colours; the grey path is the cycle when an edge returns
// to a grey node. Steps are visited in spec order so the reported cycle is stable.
std::vector<std::string> FindCycle(const std::vector<StepSpec>& steps) {
  std::map<std::string_view, size_t> index;
  for (size_t i = 0; i < steps.size(); ++i) index.emplace(steps[i].id, i);
  enum Colour { kWhite, kGrey, kBlack };
  std::vector<Colour> colour(steps.size(), kWhite);
  std::vector<size_t> stack;
  std::function<std::vector<std::string>(size_t)> visit = [&](size_t node) {
    colour[node] = kGrey;
    stack.push_back(node);
    for (const std::string& dep : steps[node].after) {
      auto it = index.find(dep);
      if (it == index.end() || colour[it->second] == kBlack) continue;
      if (colour[it->second] == kGrey) {
        std::vector<std::string> cycle;
        auto start = std::find(stack.begin(), stack.end(), it->second);
        for (auto s = start; s != stack.end(); ++s) cycle.push_back(steps[*s].id);
        cycle.push_back(steps[it->second].id);
        return cycle;
      }
      auto cycle = visit(it->second);
      if (!cycle.empty()) return cycle;
    }
    stack.pop_back();
    colour[node] = kBlack;
    return std::vector<std::string>{};
  };
  for (size_t i = 0; i < steps.size(); ++i) {
    if (colour[i] != kWhite) continue;
    auto cycle = visit(i);
    if (!cycle.empty()) return cycle;
  }
  return {};
}

std::string FormatCycle(const std::vector<std::string>& cycle) {
  std::string out;
  for (const std::string& id : cycle) out += (out.empty() ? "" : " -> ") + id;
  return out;
}

std::optional<std::chrono::seconds> ParseDuration(std::string_view text) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  long long total = 0;
  while (!text.empty()) {
    long long number = 0;
    size_t digits = 0;
    for (; digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]));
         ++digits) {
      if (digits >= 9) return std::nullopt;  // no one means 30 years
      number = number * 10 + (text[digits] - '0');
    }
    if (digits == 0) return std::nullopt;
    text.remove_prefix(digits);
    long long unit = 1;
    if (!text.empty()) {
      char c = text.front();
      unit = c == 'h' ? 3600 : c == 'm' ? 60 : c == 's' ? 1 : 0;
      if (unit == 0) return std::nullopt;
      text.remove_prefix(1);
    } else if (total != 0) {
      return std::nullopt;  // "1h30": a bare number only on its own
    }
    total += number * unit;
  }
  return std::chrono::seconds(negative ? -total : total);
}

std::string TargetGroupNameFromArn(std::string_view arn) {
  size_t start = arn.find(":targetgroup/");
  if (start == std::string_view::npos) return std::string(arn);
  start += std::string_view(":targetgroup/").size();
  size_t end = arn.find('/', start);
  return std::string(arn.substr(start, end == std::string_view::npos ? end : end - start));
}

}  // namespace drf
