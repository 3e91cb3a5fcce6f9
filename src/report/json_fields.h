// Tolerant readers of a JSON document that may come from a file (a saved report or check
// result): absent or mistyped fields give defaults rather than exceptions, since rendering
// a summary is no reason to abort. Header-only.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace drf {

// `object[key]`, or null when `object` is not an object or has no `key`.
inline const nlohmann::json& JsonField(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

// The string at `key`, or "".
inline std::string JsonStr(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json& value = JsonField(object, key);
  return value.is_string() ? value.get<std::string>() : "";
}

// The number at `key`, or 0.
inline int64_t JsonInt(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json& value = JsonField(object, key);
  return value.is_number() ? value.get<int64_t>() : 0;
}

// The array at `key`, or an empty one.
inline const nlohmann::json& JsonArray(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const nlohmann::json& value = JsonField(object, key);
  return value.is_array() ? value : kEmpty;
}

}  // namespace drf
