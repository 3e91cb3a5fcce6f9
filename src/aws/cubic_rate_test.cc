#include "aws/cubic_rate.h"

#include <gtest/gtest.h>

#include <cmath>

namespace drf {
namespace {

TEST(CubicRateTest, BeforeAnyThrottleTheCurveClimbsFromZero) {
  CubicRate cubic(100.0);
  EXPECT_DOUBLE_EQ(cubic.OnSuccess(100.0), 0.0);
  EXPECT_DOUBLE_EQ(cubic.OnSuccess(101.0), 0.4);  // 0.4 × 1³
  EXPECT_DOUBLE_EQ(cubic.OnSuccess(102.0), 3.2);  // 0.4 × 2³
  EXPECT_DOUBLE_EQ(cubic.last_max_rate(), 0.0);
}

TEST(CubicRateTest, AThrottleKeepsSeventyPercentThenClimbsBackAlongTheCurve) {
  CubicRate cubic(0.0);
  EXPECT_DOUBLE_EQ(cubic.OnThrottle(10.0, 5.0), 7.0);
  EXPECT_DOUBLE_EQ(cubic.last_max_rate(), 10.0);
  // K = ∛(10 × 0.3 / 0.4) = ∛7.5: the time the curve takes back to the throttled rate.
  const double k = std::cbrt(7.5);
  EXPECT_NEAR(cubic.OnSuccess(5.0), 7.0, 1e-12);  // right after the throttle: 10 − 0.4 × 7.5
  EXPECT_NEAR(cubic.OnSuccess(5.0 + k / 2), 10.0 - 0.4 * 7.5 / 8, 1e-12);  // flattening
  EXPECT_NEAR(cubic.OnSuccess(5.0 + k), 10.0, 1e-12);                      // back at the top
  EXPECT_NEAR(cubic.OnSuccess(5.0 + k + 1), 10.4, 1e-12);                  // then probing
  EXPECT_NEAR(cubic.OnSuccess(5.0 + k + 2), 13.2, 1e-12);
}

TEST(CubicRateTest, EachThrottleRestartsTheCurveFromTheRateGiven) {
  CubicRate cubic(0.0);
  cubic.OnThrottle(10.0, 1.0);
  EXPECT_DOUBLE_EQ(cubic.OnThrottle(4.0, 3.0), 2.8);
  EXPECT_NEAR(cubic.OnSuccess(3.0 + std::cbrt(4.0 * 0.3 / 0.4)), 4.0, 1e-12);
}

}  // namespace
}  // namespace drf
