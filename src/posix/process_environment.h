// The real Environment: getenv and the file system.
#pragma once

#include "core/environment.h"

namespace drf {

class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> Get(std::string_view name) const override;
  Result<std::string> ReadFile(const std::string& path) const override;
};

}  // namespace drf
