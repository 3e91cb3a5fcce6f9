#include "posix/system_clock.h"

#include <gtest/gtest.h>

#include "testing/stack_pages.h"

namespace drf {
namespace {

TEST(SystemClockTest, ALongSleepGivesBackTheThreadsIdleStackAShortPauseDoesNot) {
  SystemClock clock;
  CancelToken cancelled;  // so that nothing really sleeps: SleepFor returns at once
  cancelled.Cancel();
  auto [before_long, after_long] =
      ResidentBeforeAndAfter([&] { clock.SleepFor(std::chrono::seconds(1), &cancelled); });
  EXPECT_EQ(before_long, 8u);
  EXPECT_EQ(after_long, 0u);
  auto [before_short, after_short] =
      ResidentBeforeAndAfter([&] { clock.SleepFor(std::chrono::milliseconds(20), &cancelled); });
  EXPECT_EQ(before_short, 8u);
  EXPECT_EQ(after_short, 8u);
}

TEST(SystemClockTest, SleepForReturnsFalseWhenCancelledAndTrueWhenTheTimeHasPassed) {
  SystemClock clock;
  CancelToken token;
  EXPECT_TRUE(clock.SleepFor(std::chrono::milliseconds(1), &token));
  token.Cancel();
  EXPECT_FALSE(clock.SleepFor(std::chrono::seconds(30), &token));
}

}  // namespace
}  // namespace drf
