#include "aws/options_from_env.h"

#include <charconv>
#include <optional>
#include <string>

namespace drf {
namespace {

// A setting and where it came from, so errors name the place to fix.
struct Setting {
  std::string value;
  std::string origin;  // "AWS_RETRY_MODE" or "retry_mode in profile dev (~/.aws/config)"
};

std::optional<Setting> Lookup(const Environment& env, const SharedConfig* config,
                              const char* variable, const char* key) {
  if (auto value = env.GetNonEmpty(variable)) return Setting{*value, variable};
  if (config == nullptr) return std::nullopt;
  auto value = config->Get(config->profile(), key);
  if (!value || value->value.empty()) return std::nullopt;
  return Setting{value->value, std::string(key) + " in profile " + config->profile() + " (" +
                                   config->config_path() + ")"};
}

Status ApplyMaxAttempts(const Setting& setting, RetryOptions& options) {
  int attempts = 0;
  const char* end = setting.value.data() + setting.value.size();
  auto [ptr, ec] = std::from_chars(setting.value.data(), end, attempts);
  if (ec != std::errc() || ptr != end || attempts < 1) {
    return Status::InvalidArgument(setting.origin + " is \"" + setting.value +
                                   "\"; expected a positive integer");
  }
  options.max_attempts = attempts;
  return Status::Ok();
}

}  // namespace

Status SetRetryMode(const std::string& value, const std::string& origin, RetryOptions& options) {
  if (value != "standard" && value != "legacy" && value != "adaptive") {
    return Status::InvalidArgument(origin + " is \"" + value +
                                   "\"; expected standard, legacy or adaptive");
  }
  options.mode = value;
  return Status::Ok();
}

Result<RetryOptions> RetryOptionsFromEnvironment(const Environment& env,
                                                 const SharedConfig* config) {
  RetryOptions options;
  if (auto mode = Lookup(env, config, "AWS_RETRY_MODE", "retry_mode")) {
    DRF_RETURN_IF_ERROR(SetRetryMode(mode->value, mode->origin, options));
  }
  if (auto attempts = Lookup(env, config, "AWS_MAX_ATTEMPTS", "max_attempts")) {
    DRF_RETURN_IF_ERROR(ApplyMaxAttempts(*attempts, options));
  }
  return options;
}

}  // namespace drf
