// SendTokenBucket: the client-side rate limit of adaptive retry mode (botocore's
// retries/bucket.py TokenBucket). Each request takes one token; tokens come back at the
// fill rate, and the bucket holds at most max(1, rate) of them, so a burst after a quiet
// spell is at most about one second's worth. Not to be confused with RetryQuota
// (retry.h), which limits retries, not sends.
//
// Times are seconds as doubles (Clock::Monotonic). Pure and not thread-safe:
// AdaptiveRateLimiter guards it and does the waiting.
#pragma once

namespace drf {

class SendTokenBucket {
 public:
  static constexpr double kMinRate = 0.5;  // requests/s: the limit never stops sending

  // Starts empty, filling at 1 token/s from `start_seconds` (the SDK's starting state).
  explicit SendTokenBucket(double start_seconds);

  // Changes the fill rate (at least kMinRate) from `now_seconds` on; the tokens earned at
  // the old rate until then are kept, up to the new capacity.
  void SetRate(double rate, double now_seconds);
  // Takes a token if one is there (returns 0); else takes nothing and returns the seconds
  // until one will be, at the current rate.
  double TryTake(double now_seconds);

  double rate() const { return fill_rate_; }
  double capacity() const { return capacity_; }
  double tokens() const { return tokens_; }

 private:
  void Refill(double now_seconds);

  double fill_rate_ = 1;  // tokens per second
  double capacity_ = 1;
  double tokens_ = 0;
  double last_refill_;  // seconds
};

}  // namespace drf
