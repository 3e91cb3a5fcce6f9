#include "report/rate_limit_log.h"

#include <cmath>

namespace drf {
namespace {

// Keeps the even-numbered samples (the first among them): half the resolution over the
// same span of time.
int64_t ThinOut(std::vector<RateSample>& samples) {
  const size_t before = samples.size();
  size_t kept = 0;
  for (size_t i = 0; i < before; i += 2) samples[kept++] = samples[i];
  samples.resize(kept);
  return static_cast<int64_t>(before - kept);
}

}  // namespace

void RateLimitLog::Record(std::string_view operation, std::string_view mode, bool throttled,
                          std::optional<double> limit, WallTime at) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = by_operation_.try_emplace(std::string(operation));
  OperationRateLimits& entry = it->second;
  if (inserted) entry.operation = std::string(operation);
  entry.mode = std::string(mode);
  if (throttled) ++entry.throttles;
  if (!limit) return;
  entry.limit = limit;
  // Successes move the cubic curve a little on every answer; only a visible move (a
  // throttle's drop is 30%) is worth a sample. A throttle at the floor moves nothing.
  if (!entry.samples.empty() &&
      std::abs(*limit - entry.samples.back().limit) < kMinChange * entry.samples.back().limit) {
    return;
  }
  if (entry.samples.size() >= kMaxSamples) entry.samples_dropped += ThinOut(entry.samples);
  entry.samples.push_back({at, *limit});
}

std::vector<OperationRateLimits> RateLimitLog::Take() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<OperationRateLimits> out;
  out.reserve(by_operation_.size());
  for (const auto& [operation, entry] : by_operation_) out.push_back(entry);
  return out;
}

}  // namespace drf
