#include "core/environment.h"

#include <strings.h>

namespace drf {

bool Environment::GetBool(std::string_view name, bool fallback) const {
  auto value = GetNonEmpty(name);
  if (!value) return fallback;
  return strcasecmp(value->c_str(), "true") == 0 || *value == "1" ||
         strcasecmp(value->c_str(), "yes") == 0;
}

}  // namespace drf
