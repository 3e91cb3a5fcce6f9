// YamlReader: typed reads from a yaml-cpp tree that record a problem (with the key path
// and the line) instead of throwing, so the plan-file loader collects every problem in
// one pass. Also converts a JSON text's tree into YAML nodes, so JSON plan files go
// through the same reader. Not thread-safe.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plan/validate.h"

namespace drf {

class YamlReader {
 public:
  explicit YamlReader(ConfigErrors& errors) : errors_(errors) {}

  // "path (line N)" when the node knows its line (YAML input); else "path".
  static std::string Where(std::string_view path, const YAML::Node& node);
  // How a node is described in "found ...": "a mapping", "a list", "nothing", "\"text\"".
  static std::string Describe(const YAML::Node& node);

  // True for a mapping whose keys are scalars from `allowed`, each once; otherwise
  // records every bad key (or the wrong node type) and returns false.
  bool CheckMap(const YAML::Node& node, std::string_view path,
                const std::vector<std::string_view>& allowed);

  // Each reads a defined node and records a problem when it is not of the type;
  // `expected` overrides the default wording.
  std::optional<std::string> String(const YAML::Node& node, std::string_view path,
                                    std::string_view expected = "a string");
  std::optional<int> Int(const YAML::Node& node, std::string_view path,
                         std::string_view expected = "an integer");
  std::optional<bool> Bool(const YAML::Node& node, std::string_view path);
  std::optional<std::chrono::seconds> Duration(const YAML::Node& node, std::string_view path);
  // A list of strings (a single string counts as a one-item list).
  std::optional<std::vector<std::string>> StringList(const YAML::Node& node, std::string_view path);

  // Records "path: found nothing, expected ..." at the parent's line.
  void Missing(const YAML::Node& parent, std::string_view path, std::string_view expected);
  void Add(const YAML::Node& node, std::string_view path, std::string_view expected);
  // A problem not about one node's value ("both from_asg and from_ecs_service").
  void Found(const YAML::Node& at, std::string_view path, std::string_view found,
             std::string_view expected);

 private:
  ConfigErrors& errors_;
};

// The same tree as YAML nodes (keys in the object's order). Numbers and booleans become
// scalars that read back as such.
YAML::Node JsonToYaml(const nlohmann::ordered_json& json);

}  // namespace drf
