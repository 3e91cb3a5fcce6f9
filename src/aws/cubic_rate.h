// CubicRate: the send rate that adaptive retry mode allows after throttling, on the CUBIC
// congestion-control curve (RFC 8312), as the AWS SDKs define it (botocore's
// retries/throttling.py CubicCalculator, the SDKs' "adaptive" retry mode). Implemented in
// cubic_rate.cc.
//
// After a throttle at rate W the allowed rate drops to W × kBeta, then climbs back along
//   rate(t) = kScale × (t − t_throttle − K)³ + W,   K = ∛(W × (1 − kBeta) / kScale),
// flat near W (where the service last pushed back) and faster the longer no throttle
// comes. Times are seconds as doubles (Clock::Monotonic), so results match the SDK's
// arithmetic to the last bit. Pure and not thread-safe: AdaptiveRateLimiter guards it.
#pragma once

namespace drf {

class CubicRate {
 public:
  static constexpr double kScale = 0.4;  // how fast the curve climbs (the SDKs' C)
  static constexpr double kBeta = 0.7;   // the share of the rate kept after a throttle

  // Before any throttle the curve starts at rate 0 at `start_seconds` and only climbs.
  explicit CubicRate(double start_seconds);

  // The rate allowed at `now_seconds` after a success.
  double OnSuccess(double now_seconds) const;
  // A throttle at `now_seconds` while sending at `rate`: the curve restarts there with
  // rate as its new top. Returns the rate allowed now (rate × kBeta).
  double OnThrottle(double rate, double now_seconds);

  double last_max_rate() const { return max_rate_; }  // the SDKs' W_max

 private:
  double ZeroPoint() const;  // K: when the curve climbs back to max_rate_

  double max_rate_ = 0;  // the rate at the last throttle
  double k_ = 0;
  double last_throttle_;  // seconds
};

}  // namespace drf
