#include "aws/adaptive_rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace drf {
namespace {

// The parts compute in seconds as doubles, as the SDK does, so that the same times give
// the same rates.
double Seconds(MonoTime t) {
  return static_cast<double>(std::chrono::nanoseconds(t.time_since_epoch()).count()) / 1e9;
}

// Rounded up: a sleep cut short by rounding would find the token not quite there and sleep
// again for a nanosecond.
Duration SecondsToDuration(double seconds) {
  return Duration(static_cast<Duration::rep>(std::ceil(seconds * 1e9)));
}

}  // namespace

AdaptiveRateLimiter::AdaptiveRateLimiter(Clock& clock)
    : AdaptiveRateLimiter(clock, Seconds(clock.Monotonic())) {}

AdaptiveRateLimiter::AdaptiveRateLimiter(Clock& clock, double start_seconds)
    : clock_(clock), meter_(start_seconds), cubic_(start_seconds), bucket_(start_seconds) {}

// The token is taken under the lock, the sleep is outside it: other threads keep sending
// and answering meanwhile. A sleeper does not learn of a rate change until it wakes (the SDK
// wakes its waiters), which costs at most one wait of 2 s.
Status AdaptiveRateLimiter::AcquireToSend(const CancelToken* cancel,
                                          const std::optional<MonoTime>& calls_end) {
  for (;;) {
    Duration wait;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!enabled_) return Status::Ok();
      // Read under the lock: the bucket must see times in order, or a late reader would
      // refill it backwards.
      const MonoTime now = clock_.Monotonic();
      const double seconds = bucket_.TryTake(Seconds(now));
      if (seconds <= 0) return Status::Ok();
      wait = SecondsToDuration(seconds);
      if (calls_end && now + wait > *calls_end) {
        return Status::Cancelled(
            "not sent: the client-side rate limit (adaptive retry mode) would hold it past the "
            "run's hard stop");
      }
    }
    if (!clock_.SleepFor(wait, cancel)) {
      return Status::Cancelled("cancelled while waiting for the client-side rate limit");
    }
  }
}

SendRateUpdate AdaptiveRateLimiter::OnResponse(bool throttled, std::optional<MonoTime> sent_at) {
  std::lock_guard<std::mutex> lock(mu_);
  const double now = Seconds(clock_.Monotonic());
  const double measured = meter_.Record(now);
  SendRateUpdate update;
  update.measured_rate = measured;
  if (throttled && enabled_ && sent_at && last_cut_ && Seconds(*sent_at) < *last_cut_) {
    update.limit = bucket_.rate();  // sent before the last cut: that cut answered it already
    return update;
  }
  double rate = 0;
  if (!throttled) {
    rate = cubic_.OnSuccess(now);
  } else {
    // The rate that was too much: what was measured, or less if the limit already held
    // sends below that.
    const double throttled_at = enabled_ ? std::min(measured, bucket_.rate()) : measured;
    rate = cubic_.OnThrottle(throttled_at, now);
    enabled_ = true;
    last_cut_ = now;
  }
  // Also before the first throttle, as in the SDK: the bucket's state when it is enabled
  // (its tokens, its rate) is what this made it.
  bucket_.SetRate(std::min(rate, kMaxRateScale * measured), now);
  if (enabled_) update.limit = bucket_.rate();
  return update;
}

AdaptiveRateState AdaptiveRateLimiter::State() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {enabled_,           meter_.rate(),    bucket_.rate(),
          bucket_.capacity(), bucket_.tokens(), cubic_.last_max_rate()};
}

}  // namespace drf
