#include "aws/send_token_bucket.h"

#include <algorithm>

namespace drf {

SendTokenBucket::SendTokenBucket(double start_seconds) : last_refill_(start_seconds) {}

void SendTokenBucket::Refill(double now_seconds) {
  tokens_ = std::min(capacity_, tokens_ + (now_seconds - last_refill_) * fill_rate_);
  last_refill_ = now_seconds;
}

void SendTokenBucket::SetRate(double rate, double now_seconds) {
  // Earn what the old rate gave until now first, or the new rate would apply backwards.
  Refill(now_seconds);
  fill_rate_ = std::max(rate, kMinRate);
  // The capacity follows the requested rate, not the clamped one (as in the SDK): below one
  // request a second the bucket still holds one token, else one second's worth.
  capacity_ = rate >= 1 ? rate : 1;
  tokens_ = std::min(tokens_, capacity_);
}

double SendTokenBucket::TryTake(double now_seconds) {
  Refill(now_seconds);
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return 0;
  }
  return (1 - tokens_) / fill_rate_;
}

}  // namespace drf
