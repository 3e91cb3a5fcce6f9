// SendRateMeter: how many requests a second a client is getting answers to, measured the
// way adaptive retry mode does (botocore's RateClocker): responses are counted in
// half-second buckets, and each time a new bucket starts the count of the buckets since the
// last one is folded into an exponentially smoothed rate. Adaptive mode caps the allowed
// rate at twice this, and a throttle starts the cubic curve from it (adaptive_rate_limiter.h).
// Times are seconds as doubles (Clock::Monotonic). Pure and not thread-safe:
// AdaptiveRateLimiter guards it.
#pragma once

namespace drf {

class SendRateMeter {
 public:
  static constexpr double kBucketSeconds = 0.5;
  static constexpr double kSmoothing = 0.8;  // weight of the newest bucket

  explicit SendRateMeter(double start_seconds);

  // Counts one response at `now_seconds`; returns the measured rate (requests/s).
  double Record(double now_seconds);
  double rate() const { return rate_; }

 private:
  double rate_ = 0;
  double last_bucket_;  // start of the bucket the rate was last updated in (seconds)
  int count_ = 0;       // responses since then
};

}  // namespace drf
