#include "aws/adaptive_rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

#include "testing/fake_clock.h"

namespace drf {
namespace {

using std::chrono::milliseconds;

class AdaptiveRateLimiterTest : public ::testing::Test {
 protected:
  // Five responses in the first half second (one each 0.1 s), the fifth throttled.
  void ThrottleAfterFourSuccesses() {
    for (int i = 0; i < 4; ++i) {
      clock_.Advance(milliseconds(100));
      EXPECT_FALSE(limiter_.OnResponse(false).limit.has_value()) << i;
    }
    clock_.Advance(milliseconds(100));
    throttle_ = limiter_.OnResponse(true);
  }

  FakeClock clock_;  // Monotonic starts at 3600 s: the limiter's start
  AdaptiveRateLimiter limiter_{clock_};
  SendRateUpdate throttle_;
};

TEST_F(AdaptiveRateLimiterTest, NothingIsLimitedBeforeTheFirstThrottle) {
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(limiter_.AcquireToSend(nullptr, std::nullopt).ok());
    limiter_.OnResponse(false);
  }
  EXPECT_TRUE(clock_.sleeps().empty());
  EXPECT_FALSE(limiter_.State().enabled);
}

// Hand-checked against the SDK's definition: 5 responses in [3600.0, 3600.5) are 10/s,
// smoothed to 8/s; the throttle sets the limit to 0.7 × 8 = 5.6/s. The bucket, filling at
// its floor of 0.5/s since the successes pulled its rate to min(cubic, 2 × measured = 0),
// holds 0.1 (its first 0.1 s at 1/s) + 4 × 0.05 = 0.3 tokens.
TEST_F(AdaptiveRateLimiterTest, AThrottleSetsTheLimitToSeventyPercentOfTheMeasuredRate) {
  ThrottleAfterFourSuccesses();
  EXPECT_NEAR(throttle_.measured_rate, 8.0, 1e-12);
  ASSERT_TRUE(throttle_.limit.has_value());
  EXPECT_NEAR(*throttle_.limit, 5.6, 1e-12);
  const AdaptiveRateState state = limiter_.State();
  EXPECT_TRUE(state.enabled);
  EXPECT_NEAR(state.tokens, 0.3, 1e-9);
  EXPECT_NEAR(state.capacity, 5.6, 1e-12);
  EXPECT_EQ(state.last_max_rate, 8.0);

  // From now on each send takes a token: the first waits for the missing 0.7 at 5.6/s,
  // the next for a whole one.
  // (Totals: rounding may leave a token a hair short and add a nanosecond's sleep.)
  auto slept = [&] { return std::chrono::duration<double>(clock_.total_slept()).count(); };
  ASSERT_TRUE(limiter_.AcquireToSend(nullptr, std::nullopt).ok());
  EXPECT_NEAR(slept(), 0.125, 1e-8);
  ASSERT_TRUE(limiter_.AcquireToSend(nullptr, std::nullopt).ok());
  EXPECT_NEAR(slept(), 0.125 + 1 / 5.6, 1e-8);
}

// Thirteen requests in flight when AWS's bucket ran dry: the SDK would cut thirteen times
// (5.6 × 0.7^12 ≈ 0.08/s, held at the floor); once per event, the first cut stands.
TEST_F(AdaptiveRateLimiterTest, ThrottlesOfAttemptsSentBeforeTheLastCutDoNotCutAgain) {
  const MonoTime sent = clock_.Monotonic();
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(milliseconds(100));
    limiter_.OnResponse(false, sent);
  }
  clock_.Advance(milliseconds(100));
  ASSERT_NEAR(*limiter_.OnResponse(true, sent).limit, 5.6, 1e-12);
  for (int i = 0; i < 12; ++i) {
    clock_.Advance(milliseconds(1));
    EXPECT_NEAR(*limiter_.OnResponse(true, sent).limit, 5.6, 1e-12) << i;
  }
  EXPECT_EQ(limiter_.State().last_max_rate, 8.0);
  // An attempt sent after the cut and throttled is a new event: it cuts.
  const MonoTime after_cut = clock_.Monotonic();
  clock_.Advance(milliseconds(100));
  EXPECT_LT(*limiter_.OnResponse(true, after_cut).limit, 5.6);
}

TEST_F(AdaptiveRateLimiterTest, SuccessesRaiseTheLimitAlongTheCubicCurve) {
  ThrottleAfterFourSuccesses();
  clock_.Advance(milliseconds(300));  // 3600.8: still the bucket that began at 3600.5
  const SendRateUpdate update = limiter_.OnResponse(false);
  EXPECT_NEAR(update.measured_rate, 8.0, 1e-12);
  // 0.4 × (0.3 − ∛(8 × 0.3 / 0.4))³ + 8, under the cap of 2 × 8.
  ASSERT_TRUE(update.limit.has_value());
  EXPECT_NEAR(*update.limit, 0.4 * std::pow(0.3 - std::cbrt(6.0), 3) + 8, 1e-9);
  EXPECT_GT(*update.limit, 5.6);
}

TEST_F(AdaptiveRateLimiterTest, TheLimitNeverRunsAheadOfTwiceTheMeasuredRate) {
  ThrottleAfterFourSuccesses();
  // One response after 20 quiet seconds: the curve is far above, the measured rate low.
  clock_.Advance(std::chrono::seconds(20));
  const SendRateUpdate update = limiter_.OnResponse(false);
  ASSERT_TRUE(update.limit.has_value());
  EXPECT_NEAR(*update.limit, 2 * update.measured_rate, 1e-12);
  EXPECT_LT(*update.limit, 8.0);
}

TEST_F(AdaptiveRateLimiterTest, ACancelEndsTheWait) {
  ThrottleAfterFourSuccesses();
  CancelToken cancel;
  cancel.Cancel();
  Status waited = limiter_.AcquireToSend(&cancel, std::nullopt);
  EXPECT_EQ(waited.code(), StatusCode::kCancelled);
  EXPECT_NE(waited.message().find("rate limit"), std::string::npos) << waited.message();
}

TEST_F(AdaptiveRateLimiterTest, AWaitPastTheHardStopIsRefusedWithoutSleeping) {
  ThrottleAfterFourSuccesses();  // the next token is 125 ms away
  Status refused = limiter_.AcquireToSend(nullptr, clock_.Monotonic() + milliseconds(100));
  EXPECT_EQ(refused.code(), StatusCode::kCancelled);
  EXPECT_NE(refused.message().find("hard stop"), std::string::npos) << refused.message();
  EXPECT_TRUE(clock_.sleeps().empty());
  EXPECT_TRUE(limiter_.AcquireToSend(nullptr, clock_.Monotonic() + milliseconds(200)).ok());
}

TEST_F(AdaptiveRateLimiterTest, ManyThreadsShareOneLimiter) {
  ThrottleAfterFourSuccesses();
  constexpr int kThreads = 6;
  constexpr int kSends = 40;
  std::atomic<int> sent{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kSends; ++i) {
        if (!limiter_.AcquireToSend(nullptr, std::nullopt).ok()) return;
        ++sent;
        limiter_.OnResponse((i + t) % 17 == 0);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(sent.load(), kThreads * kSends);
  const AdaptiveRateState state = limiter_.State();
  EXPECT_TRUE(state.enabled);
  EXPECT_GE(state.fill_rate, 0.5);
  EXPECT_GE(state.tokens, 0.0);
  EXPECT_FALSE(clock_.sleeps().empty());  // time passes only when a sender waits
}

}  // namespace
}  // namespace drf
