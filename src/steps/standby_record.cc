#include "steps/standby_record.h"

#include <cctype>
#include <charconv>
#include <limits>
#include <map>
#include <string_view>

#include "core/strings.h"

namespace drf {
namespace {

// "a=1 b=2" -> {a: "1", b: "2"}; nullopt for a word without '='.
std::optional<std::map<std::string, std::string>> Words(const std::string& value) {
  std::map<std::string, std::string> words;
  for (const std::string& word : SplitList(value, ' ')) {
    const size_t eq = word.find('=');
    if (eq == std::string::npos || eq == 0) return std::nullopt;
    words[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return words;
}

// A non-negative whole number, nothing else ("3"; not "3x", "-1" or "").
std::optional<long long> Number(const std::string& text) {
  long long n = -1;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || ptr != end || n < 0) return std::nullopt;
  return n;
}

std::optional<int> Count(const std::map<std::string, std::string>& words, const char* key) {
  auto it = words.find(key);
  if (it == words.end()) return std::nullopt;
  std::optional<long long> n = Number(it->second);
  if (!n || *n > std::numeric_limits<int>::max()) return std::nullopt;
  return static_cast<int>(*n);
}

bool IsRegisteredKey(const std::string& key) {
  const std::string base = kRegisteredTag;
  return key == base || (key.rfind(base + ":", 0) == 0 && key.size() > base.size() + 1);
}

// Letters, digits, space and _ . : / = + - @: what every service accepts in a tag value.
bool TagSafe(const std::string& text) {
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("_.:/=+-@").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string DnsStandbyKey(const std::string& record, const std::string& type) {
  return "drfailover:dns:" + NormalizeDnsName(record) + ":" + type;
}

std::optional<std::string> DnsStandbyValue(const std::vector<DnsSetBefore>& sets) {
  std::vector<std::string> words;
  for (const DnsSetBefore& before : sets) {
    words.push_back("set=" + before.set_identifier);
    if (!before.set) {
      words.push_back("absent");
      continue;
    }
    const ResourceRecordSet& set = *before.set;
    if (set.weight) words.push_back("w=" + std::to_string(*set.weight));
    if (set.ttl) words.push_back("ttl=" + std::to_string(*set.ttl));
    for (const std::string& value : set.values) words.push_back("v=" + value);
    if (set.alias) {
      words.push_back("alias=" + set.alias->hosted_zone_id + "/" + set.alias->dns_name + "/" +
                      (set.alias->evaluate_target_health ? "1" : "0"));
    }
  }
  std::string value;
  for (const std::string& word : words) {
    if (!TagSafe(word)) return std::nullopt;
    value += (value.empty() ? "" : " ") + word;
  }
  if (value.size() > kMaxTagValue) return std::nullopt;
  return value;
}

std::optional<std::vector<DnsSetBefore>> ParseDnsStandby(const std::string& value) {
  std::vector<DnsSetBefore> sets;
  for (const std::string& word : SplitList(value, ' ')) {
    if (word.rfind("set=", 0) == 0) {
      sets.push_back({word.substr(4), ResourceRecordSet{}});
      continue;
    }
    if (sets.empty() || !sets.back().set) return std::nullopt;
    ResourceRecordSet& set = *sets.back().set;
    const size_t eq = word.find('=');
    const std::string key = word.substr(0, eq);
    const std::string arg = eq == std::string::npos ? "" : word.substr(eq + 1);
    if (word == "absent") {
      sets.back().set.reset();
    } else if (key == "w" && Number(arg)) {
      set.weight = Number(arg);
    } else if (key == "ttl" && Number(arg)) {
      set.ttl = Number(arg);
    } else if (key == "v" && !arg.empty()) {
      set.values.push_back(arg);
    } else if (key == "alias") {
      std::vector<std::string> parts = SplitList(arg, '/');
      if (parts.size() != 3) return std::nullopt;
      set.alias = AliasTarget{parts[0], parts[1], parts[2] == "1"};
    } else {
      return std::nullopt;
    }
  }
  for (const DnsSetBefore& before : sets) {
    if (before.set && !before.set->alias && before.set->values.empty()) return std::nullopt;
  }
  if (sets.empty()) return std::nullopt;
  return sets;
}

std::string AsgStandbyValue(const AsgSizes& sizes) {
  return "min=" + std::to_string(sizes.min) + " max=" + std::to_string(sizes.max) +
         " desired=" + std::to_string(sizes.desired);
}

std::optional<AsgSizes> ParseAsgStandby(const std::string& value) {
  auto words = Words(value);
  if (!words) return std::nullopt;
  std::optional<int> min = Count(*words, "min"), max = Count(*words, "max"),
                     desired = Count(*words, "desired");
  if (!min || !max || !desired || *min > *desired || *desired > *max) return std::nullopt;
  return AsgSizes{*min, *max, *desired};
}

std::string EcsStandbyValue(int desired_count) {
  return "desired=" + std::to_string(desired_count);
}

std::optional<int> ParseEcsStandby(const std::string& value) {
  auto words = Words(value);
  if (!words) return std::nullopt;
  return Count(*words, "desired");
}

std::string DbStandbyValue(const std::string& source) { return "source=" + source; }

std::optional<std::string> ParseDbStandby(const std::string& value) {
  auto words = Words(value);
  if (!words) return std::nullopt;
  auto it = words->find("source");
  if (it == words->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

RegisteredTags RegisteredTargetTags(const std::set<std::string>& targets) {
  RegisteredTags out;
  std::string value;
  auto flush = [&] {
    if (value.empty()) return;
    const size_t n = out.tags.size();
    out.tags[n == 0 ? std::string(kRegisteredTag)
                    : std::string(kRegisteredTag) + ":" + std::to_string(n + 1)] = value;
    value.clear();
  };
  for (const std::string& target : targets) {
    if (target.size() > kMaxTagValue) {
      ++out.unrecorded;
      continue;
    }
    if (!value.empty() && value.size() + 1 + target.size() > kMaxTagValue) flush();
    if (out.tags.size() == kMaxRegisteredTags) {
      ++out.unrecorded;
      continue;
    }
    value += (value.empty() ? "" : " ") + target;
  }
  flush();
  return out;
}

std::set<std::string> RecordedTargets(const ResourceTags& tags) {
  std::set<std::string> targets;
  for (const auto& [key, value] : tags) {
    if (!IsRegisteredKey(key)) continue;
    for (std::string& target : SplitList(value, ' ')) targets.insert(std::move(target));
  }
  return targets;
}

std::vector<std::string> RegisteredTagKeys(const ResourceTags& tags) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : tags) {
    if (IsRegisteredKey(key)) keys.push_back(key);
  }
  return keys;
}

}  // namespace drf
