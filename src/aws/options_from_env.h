// Retry settings from the environment and the shared config file
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
#pragma once

#include <string>

#include "aws/retry.h"
#include "aws/shared_config.h"
#include "core/environment.h"
#include "core/result.h"

namespace drf {

// RetryOptions with AWS_RETRY_MODE / AWS_MAX_ATTEMPTS applied, falling back to the selected
// profile's `retry_mode` / `max_attempts` when `config` is given, then to the defaults.
// Modes: "standard", "adaptive" (standard plus a client-side send rate limit per operation,
// adaptive_rate_limiter.h) and "legacy" (runs as standard: its differences are not
// implemented). max_attempts: a positive integer (no upper
// bound, as in the SDKs: a value set for other tools must not break us). An invalid value is
// InvalidArgument naming the variable (or profile key) and the expected values; an empty variable
// counts as unset.
Result<RetryOptions> RetryOptionsFromEnvironment(const Environment& env,
                                                 const SharedConfig* config = nullptr);

// Sets options.mode to `value` ("standard", "legacy" or "adaptive"); otherwise
// InvalidArgument: `<origin> is "<value>"; expected standard, legacy or adaptive`.
Status SetRetryMode(const std::string& value, const std::string& origin, RetryOptions& options);

}  // namespace drf
