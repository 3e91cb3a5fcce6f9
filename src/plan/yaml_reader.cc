#include "plan/yaml_reader.h"

#include <algorithm>
#include <set>

namespace drf {

std::string YamlReader::Where(std::string_view path, const YAML::Node& node) {
  std::string where(path);
  if (node.IsDefined() && !node.Mark().is_null()) {
    where += " (line " + std::to_string(node.Mark().line + 1) + ")";
  }
  return where;
}

std::string YamlReader::Describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  return Quote(node.Scalar());
}

void YamlReader::Add(const YAML::Node& node, std::string_view path, std::string_view expected) {
  errors_.Add(Where(path, node), Describe(node), expected);
}

void YamlReader::Found(const YAML::Node& at, std::string_view path, std::string_view found,
                       std::string_view expected) {
  errors_.Add(Where(path, at), found, expected);
}

void YamlReader::Missing(const YAML::Node& parent, std::string_view path,
                         std::string_view expected) {
  errors_.Add(Where(path, parent), "nothing", expected);
}

bool YamlReader::CheckMap(const YAML::Node& node, std::string_view path,
                          const std::vector<std::string_view>& allowed) {
  if (!node.IsMap()) {
    Add(node, path, "a mapping");
    return false;
  }
  std::string names;
  for (std::string_view name : allowed) names += (names.empty() ? "" : ", ") + std::string(name);
  bool ok = true;
  std::set<std::string> seen;
  for (const auto& item : node) {
    std::string key = item.first.IsScalar() ? item.first.Scalar() : Describe(item.first);
    std::string key_path = std::string(path) + (path.empty() ? "" : ".") + key;
    bool known =
        item.first.IsScalar() && std::find(allowed.begin(), allowed.end(), key) != allowed.end();
    if (!known) {
      errors_.Add(Where(key_path, item.first), "an unknown key", "one of " + names);
      ok = false;
    } else if (!seen.insert(key).second) {
      errors_.Add(Where(key_path, item.first), "a second " + Quote(key), "each key once");
      ok = false;
    }
  }
  return ok;
}

std::optional<std::string> YamlReader::String(const YAML::Node& node, std::string_view path,
                                              std::string_view expected) {
  if (!node.IsScalar()) {
    Add(node, path, expected);
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<int> YamlReader::Int(const YAML::Node& node, std::string_view path,
                                   std::string_view expected) {
  long long value = 0;
  constexpr long long kLimit = 1'000'000'000;  // fits an int; far beyond any real setting
  if (!node.IsScalar() || !YAML::convert<long long>::decode(node, value) || value > kLimit ||
      value < -kLimit) {
    Add(node, path, expected);
    return std::nullopt;
  }
  return static_cast<int>(value);
}

std::optional<bool> YamlReader::Bool(const YAML::Node& node, std::string_view path) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    Add(node, path, "true or false");
    return std::nullopt;
  }
  return value;
}

std::optional<std::chrono::seconds> YamlReader::Duration(const YAML::Node& node,
                                                         std::string_view path) {
  std::optional<std::chrono::seconds> value;
  if (node.IsScalar()) value = ParseDuration(node.Scalar());
  if (!value) Add(node, path, kDurationExpected);
  return value;
}

std::optional<std::vector<std::string>> YamlReader::StringList(const YAML::Node& node,
                                                               std::string_view path) {
  if (node.IsScalar()) return std::vector<std::string>{node.Scalar()};
  if (!node.IsSequence()) {
    Add(node, path, "a list of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < node.size(); ++i) {
    auto item = String(node[i], std::string(path) + "[" + std::to_string(i) + "]");
    if (!item) return std::nullopt;
    out.push_back(*item);
  }
  return out;
}

YAML::Node JsonToYaml(const nlohmann::ordered_json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::object: {
      YAML::Node map(YAML::NodeType::Map);
      for (const auto& [key, value] : json.items()) map[key] = JsonToYaml(value);
      return map;
    }
    case nlohmann::json::value_t::array: {
      YAML::Node list(YAML::NodeType::Sequence);
      for (const auto& value : json) list.push_back(JsonToYaml(value));
      return list;
    }
    case nlohmann::json::value_t::string:
      return YAML::Node(json.get<std::string>());
    case nlohmann::json::value_t::boolean:
      return YAML::Node(json.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return YAML::Node(json.get<long long>());
    case nlohmann::json::value_t::number_unsigned:
      return YAML::Node(json.get<unsigned long long>());
    case nlohmann::json::value_t::number_float:
      return YAML::Node(json.get<double>());
    default:
      return YAML::Node(YAML::NodeType::Null);
  }
}

}  // namespace drf
