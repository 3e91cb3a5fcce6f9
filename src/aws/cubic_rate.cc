#include "aws/cubic_rate.h"

#include <cmath>

namespace drf {

CubicRate::CubicRate(double start_seconds) : last_throttle_(start_seconds) { k_ = ZeroPoint(); }

// pow(x, 1/3) rather than cbrt: that is what the SDK computes (x ** (1/3.0)), and the two
// can differ in the last bit; x is never negative (rates are not).
double CubicRate::ZeroPoint() const {
  return std::pow(max_rate_ * (1 - kBeta) / kScale, 1.0 / 3.0);
}

double CubicRate::OnSuccess(double now_seconds) const {
  return kScale * std::pow(now_seconds - last_throttle_ - k_, 3.0) + max_rate_;
}

double CubicRate::OnThrottle(double rate, double now_seconds) {
  max_rate_ = rate;
  k_ = ZeroPoint();
  last_throttle_ = now_seconds;
  return rate * kBeta;
}

}  // namespace drf
