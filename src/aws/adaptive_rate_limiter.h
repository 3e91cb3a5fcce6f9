// AdaptiveRateLimiter: the client-side rate limit of the AWS "adaptive" retry mode
// (AWS_RETRY_MODE=adaptive; botocore's retries/adaptive.py ClientRateLimiter). The SDKs keep
// one per service endpoint; AwsClient keeps one per operation (aws_client.cc says why).
// Implemented in adaptive_rate_limiter.cc.
//
// Every response is measured (SendRateMeter). Until the first throttling response nothing is
// limited. From then on each attempt first takes a token from a bucket (SendTokenBucket),
// waiting for one if need be; a throttle lowers the bucket's rate to 70% of the rate that
// was throttled, and each other response lets it climb back along the cubic curve
// (CubicRate), never above twice the measured rate. Standard mode's retry rules (backoff,
// retry quota, non-idempotent calls) apply unchanged on top.
//
// One departure from the SDK, for many requests in flight at once: the SDK lowers the rate
// on every throttled answer, so the 13 answers of requests that were all sent before AWS's
// bucket ran dry cut the rate 13 times (to 0.7^13, 1 %), and the cubic climb back starts from
// the last, tiny rate (bench/README.md: a 500-service failover 1.7 times slower than without
// the limit). As TCP does once per window, a throttle answering an attempt sent before the
// last cut is counted but does not cut again: those attempts left at the rate already cut.
// Attempts sent one after another (what the SDK cross-check drives) see no difference.
//
// Every time-based step goes through the Clock: tests drive it with a FakeClock, and waits
// sleep with Clock::SleepFor, so a cancel ends them. Thread-safe: the threads of a run share
// one limiter per operation.
#pragma once

#include <mutex>
#include <optional>

#include "aws/cubic_rate.h"
#include "aws/send_rate_meter.h"
#include "aws/send_token_bucket.h"
#include "core/clock.h"
#include "core/status.h"

namespace drf {

// The limiter after a response.
struct SendRateUpdate {
  double measured_rate = 0;  // responses a second, smoothed (SendRateMeter)
  // The client-side limit (requests a second); nullopt before the first throttle, while
  // sends are not limited.
  std::optional<double> limit;
};

// Everything the limiter holds, for tests and the SDK cross-check.
struct AdaptiveRateState {
  bool enabled = false;      // a throttle has been seen: sends take tokens
  double measured_rate = 0;  // SendRateMeter::rate
  double fill_rate = 0;      // SendTokenBucket::rate: the limit once enabled
  double capacity = 0;       // SendTokenBucket::capacity
  double tokens = 0;         // SendTokenBucket::tokens, as of its last refill
  double last_max_rate = 0;  // CubicRate::last_max_rate: the rate last throttled
};

class AdaptiveRateLimiter {
 public:
  // Twice the measured rate: how far the limit may run ahead of what is actually sent.
  static constexpr double kMaxRateScale = 2.0;

  // `clock` must outlive the limiter.
  explicit AdaptiveRateLimiter(Clock& clock);

  // Before each attempt. Returns OK at once while not enabled, else once a token was taken,
  // sleeping on the clock until there is one (at most 2 s per wait: the rate is at least
  // 0.5/s). Cancelled (no token taken; the attempt must not be sent) when `cancel` fires
  // during a wait, or when the wait would end after `calls_end` (Clock::Monotonic time).
  Status AcquireToSend(const CancelToken* cancel, const std::optional<MonoTime>& calls_end);

  // After each attempt that was sent, with or without an answer: `throttled` when AWS
  // answered with a throttling code (IsThrottlingCode); any other outcome, an error
  // included, counts as a success, as in the SDK. `sent_at`: when the attempt was sent
  // (Clock::Monotonic); without it every throttle cuts the rate, as in the SDK.
  SendRateUpdate OnResponse(bool throttled, std::optional<MonoTime> sent_at = std::nullopt);

  AdaptiveRateState State() const;

 private:
  AdaptiveRateLimiter(Clock& clock, double start_seconds);  // every part starts at one time

  Clock& clock_;
  mutable std::mutex mu_;
  bool enabled_ = false;            // guarded by mu_
  SendRateMeter meter_;             // guarded by mu_
  CubicRate cubic_;                 // guarded by mu_
  SendTokenBucket bucket_;          // guarded by mu_
  std::optional<double> last_cut_;  // when a throttle last lowered the rate; guarded by mu_
};

}  // namespace drf
