// Retry policy: AWS "standard" mode (aws-wire.md §3). Implemented in retry.cc.
#pragma once

#include <chrono>
#include <string>

namespace drf {

struct RetryOptions {
  std::string mode = "standard";  // AWS_RETRY_MODE: "standard" (also accepts "legacy", "adaptive" as standard)
  int max_attempts = 3;           // AWS_MAX_ATTEMPTS: total attempts including the first
  std::chrono::milliseconds max_backoff{20000};  // full-jitter cap
  int quota_capacity = 500;       // retry token bucket
};

}  // namespace drf
