// RateLimitLog: per AWS operation, how the run's client retried ("standard" or "adaptive"
// mode), how many answers were throttling, and in adaptive mode the operation's client-side
// send limit over time, for the report's `rate_limits` (docs/report.md). Fed one record per HTTP
// attempt, through ApiCallCounter. Thread-safe: steps on many threads record at once.
//
// Memory stays bounded on a long run: a sample is kept only when the limit moved by at
// least kMinChange, and when kMaxSamples are held every second one is dropped, so the
// history covers the whole run, coarser in its older part.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace drf {

struct RateSample {
  WallTime at;
  double limit = 0;  // requests a second
};

struct OperationRateLimits {
  std::string operation;            // as in api_calls.operations: "ECS.UpdateService"
  std::string mode;                 // "standard" or "adaptive"
  int64_t throttles = 0;            // attempts AWS answered with a throttling code
  std::optional<double> limit;      // adaptive: the send limit after the last attempt
  std::vector<RateSample> samples;  // adaptive: the limit when it moved, oldest first
  int64_t samples_dropped = 0;      // thinned out to keep `samples` bounded
};

class RateLimitLog {
 public:
  static constexpr size_t kMaxSamples = 200;
  static constexpr double kMinChange = 0.01;  // a move of 1% of the last sample's limit

  // One attempt of `operation`: its client's retry `mode`, whether it was throttled, and the
  // adaptive send limit after it (nullopt: none, in standard mode or before a throttle).
  void Record(std::string_view operation, std::string_view mode, bool throttled,
              std::optional<double> limit, WallTime at);

  // Every operation seen so far, sorted by name.
  std::vector<OperationRateLimits> Take() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, OperationRateLimits, std::less<>> by_operation_;  // guarded by mu_
};

}  // namespace drf
