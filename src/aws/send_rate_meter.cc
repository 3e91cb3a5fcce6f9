#include "aws/send_rate_meter.h"

#include <cmath>

namespace drf {

// The first bucket starts at the whole second before the start, not the half second: the
// SDK does so (floor of the time), and matching it keeps our rates equal to its rates.
SendRateMeter::SendRateMeter(double start_seconds) : last_bucket_(std::floor(start_seconds)) {}

double SendRateMeter::Record(double now_seconds) {
  constexpr double kPerSecond = 1 / kBucketSeconds;
  const double bucket = std::floor(now_seconds * kPerSecond) / kPerSecond;
  ++count_;
  // Within the current bucket only the count grows; the rate changes when a response
  // arrives in a later bucket, and covers every bucket since (idle ones lower it).
  if (bucket > last_bucket_) {
    const double bucket_rate = count_ / (bucket - last_bucket_);
    rate_ = bucket_rate * kSmoothing + rate_ * (1 - kSmoothing);
    count_ = 0;
    last_bucket_ = bucket;
  }
  return rate_;
}

}  // namespace drf
