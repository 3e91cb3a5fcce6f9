#include "core/http.h"

#include <strings.h>

namespace drf {
namespace {

constexpr std::string_view kNotSentPrefix = "request not sent: ";

}  // namespace

Status NotSentError(std::string_view message) {
  return Status::Transport(std::string(kNotSentPrefix) + std::string(message));
}

bool IsNotSentError(const Status& status) {
  return status.code() == StatusCode::kTransport && status.message().starts_with(kNotSentPrefix);
}

std::optional<std::string> FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace drf
