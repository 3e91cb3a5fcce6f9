// Environment: process environment variables and files, behind an interface so config,
// credentials and endpoint resolution are tested with fakes (testing/fake_environment).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace drf {

class Environment {
 public:
  virtual ~Environment() = default;
  // The variable's value, or nullopt when unset. Thread-safe.
  virtual std::optional<std::string> Get(std::string_view name) const = 0;
  // The whole file, or NotFound / InvalidArgument with the path in the message.
  virtual Result<std::string> ReadFile(const std::string& path) const = 0;

  // Helpers: empty strings count as unset.
  std::optional<std::string> GetNonEmpty(std::string_view name) const {
    auto value = Get(name);
    if (value && value->empty()) return std::nullopt;
    return value;
  }
  // "true"/"1"/"yes" (any case) -> true; unset -> fallback.
  bool GetBool(std::string_view name, bool fallback = false) const;
};

}  // namespace drf
