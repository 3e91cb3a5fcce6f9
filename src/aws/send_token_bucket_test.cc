#include "aws/send_token_bucket.h"

#include <gtest/gtest.h>

namespace drf {
namespace {

TEST(SendTokenBucketTest, StartsEmptyFillingAtOnePerSecond) {
  SendTokenBucket bucket(0.0);
  EXPECT_EQ(bucket.rate(), 1.0);
  EXPECT_EQ(bucket.capacity(), 1.0);
  EXPECT_DOUBLE_EQ(bucket.TryTake(0.0), 1.0);    // a second until the first token
  EXPECT_DOUBLE_EQ(bucket.TryTake(0.25), 0.75);  // nothing taken: the wait only shrinks
  EXPECT_EQ(bucket.TryTake(1.0), 0.0);
  EXPECT_EQ(bucket.tokens(), 0.0);
}

TEST(SendTokenBucketTest, HoldsOneSecondOfTokensAtMost) {
  SendTokenBucket bucket(0.0);
  bucket.SetRate(4.0, 0.0);
  EXPECT_EQ(bucket.capacity(), 4.0);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(bucket.TryTake(10.0), 0.0) << i;  // 40 earned, 4 kept
  EXPECT_DOUBLE_EQ(bucket.TryTake(10.0), 0.25);
}

TEST(SendTokenBucketTest, ARateChangeKeepsWhatTheOldRateEarnedUpToTheNewCapacity) {
  SendTokenBucket bucket(0.0);
  bucket.SetRate(4.0, 0.0);
  bucket.SetRate(2.0, 0.25);  // one token earned at 4/s
  EXPECT_DOUBLE_EQ(bucket.tokens(), 1.0);
  EXPECT_DOUBLE_EQ(bucket.TryTake(0.5), 0.0);  // 1 + 0.25 s × 2/s = 1.5: one taken
  EXPECT_DOUBLE_EQ(bucket.TryTake(0.5), 0.25);
  bucket.SetRate(10.0, 5.0);  // 5 s at 2/s, but at most the old capacity: 2
  EXPECT_DOUBLE_EQ(bucket.tokens(), 2.0);
}

TEST(SendTokenBucketTest, NeverSlowerThanTheMinimumRateAndHoldsOneTokenBelowOnePerSecond) {
  SendTokenBucket bucket(0.0);
  bucket.SetRate(0.1, 0.0);
  EXPECT_EQ(bucket.rate(), SendTokenBucket::kMinRate);
  EXPECT_EQ(bucket.capacity(), 1.0);
  EXPECT_DOUBLE_EQ(bucket.TryTake(0.0), 2.0);  // one token at 0.5/s
  bucket.SetRate(-3.0, 0.0);                   // nonsense in, still the minimum out
  EXPECT_EQ(bucket.rate(), SendTokenBucket::kMinRate);
  bucket.SetRate(0.0, 10.0);
  EXPECT_EQ(bucket.tokens(), 1.0);
}

}  // namespace
}  // namespace drf
