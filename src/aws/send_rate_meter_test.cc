#include "aws/send_rate_meter.h"

#include <gtest/gtest.h>

namespace drf {
namespace {

TEST(SendRateMeterTest, TheRateChangesOnlyWhenALaterHalfSecondStarts) {
  SendRateMeter meter(10.2);  // the first bucket starts at 10.0, the whole second
  EXPECT_EQ(meter.Record(10.3), 0.0);
  EXPECT_EQ(meter.Record(10.4), 0.0);
  // Three responses since 10.0, counted when 10.5's bucket starts: 6/s, smoothed 0.8 × 6.
  EXPECT_NEAR(meter.Record(10.6), 4.8, 1e-12);
  EXPECT_NEAR(meter.Record(10.7), 4.8, 1e-12);
  // Two since 10.5, over 1.5 s (the idle buckets count): 0.8 × 4/3 + 0.2 × 4.8.
  EXPECT_NEAR(meter.Record(12.0), 0.8 * 4.0 / 3.0 + 0.2 * 4.8, 1e-12);
  EXPECT_NEAR(meter.rate(), 0.8 * 4.0 / 3.0 + 0.2 * 4.8, 1e-12);
}

TEST(SendRateMeterTest, ASteadyRateIsApproachedGeometrically) {
  SendRateMeter meter(0.0);
  double rate = 0;
  // 10 responses a second, one every 0.1 s, for 5 s.
  for (int i = 1; i <= 50; ++i) rate = meter.Record(i * 0.1);
  EXPECT_NEAR(rate, 10.0, 0.1);
}

}  // namespace
}  // namespace drf
