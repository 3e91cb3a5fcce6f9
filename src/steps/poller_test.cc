#include "steps/poller.h"

#include <gtest/gtest.h>

#include "testing/fake_clock.h"
#include "testing/log_capture.h"

namespace drf {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class PollerTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  LogCapture log_{clock_};
  CancelToken cancel_;
  StepContext ctx_{clock_, log_.logger(), cancel_, clock_.Monotonic() + seconds(60)};
  StepResult result_;
  Poller poller_{ctx_, result_};
};

TEST_F(PollerTest, BacksOffFromOneSecondToTenAndStopsAtTheDeadline) {
  int polls = 0;
  Status status = poller_.WaitUntil("nothing", [&]() -> Result<bool> {
    ++polls;
    return false;
  });

  EXPECT_EQ(status.code(), StatusCode::kTimedOut);
  EXPECT_NE(status.message().find("waiting for nothing"), std::string::npos) << status.message();
  std::vector<Duration> sleeps = clock_.sleeps();
  ASSERT_GE(sleeps.size(), 8u);
  EXPECT_EQ(sleeps[0], seconds(1));
  EXPECT_EQ(sleeps[1], milliseconds(1500));
  EXPECT_EQ(sleeps[2], milliseconds(2250));
  EXPECT_EQ(sleeps[3], std::chrono::microseconds(3375000));
  EXPECT_EQ(sleeps[6], seconds(10));  // 1.5^6 = 11.4 s, capped
  for (Duration d : sleeps) EXPECT_LE(d, seconds(10));
  // The last sleep ends exactly at the deadline, and one last poll follows it.
  EXPECT_EQ(clock_.total_slept(), seconds(60));
  EXPECT_EQ(polls, static_cast<int>(sleeps.size()) + 1);
  EXPECT_EQ(result_.waiting, seconds(60));
  EXPECT_EQ(result_.acting, Duration(0));
}

TEST_F(PollerTest, ReturnsAsSoonAsTheCheckSucceeds) {
  int polls = 0;
  Status status = poller_.WaitUntil("three polls", [&]() -> Result<bool> { return ++polls == 3; });

  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(polls, 3);
  EXPECT_EQ(clock_.sleeps(), (std::vector<Duration>{seconds(1), milliseconds(1500)}));
  EXPECT_EQ(result_.waiting, milliseconds(2500));
}

TEST_F(PollerTest, FirstPollIsImmediate) {
  Status status = poller_.WaitUntil("done", []() -> Result<bool> { return true; });
  EXPECT_TRUE(status.ok());
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(PollerTest, StopsOnAPermanentError) {
  int polls = 0;
  Status status = poller_.WaitUntil("x", [&]() -> Result<bool> {
    ++polls;
    return Status::Rejected("entered status failed");
  });
  EXPECT_EQ(status.code(), StatusCode::kRejected);
  EXPECT_EQ(status.message(), "entered status failed");
  EXPECT_EQ(polls, 1);
}

TEST_F(PollerTest, KeepsPollingThroughTransientErrors) {
  int polls = 0;
  Status status = poller_.WaitUntil("recovery", [&]() -> Result<bool> {
    ++polls;
    if (polls == 1) return Status::Retryable("Throttling");
    if (polls == 2) return Status::Transport("connection reset");
    return true;
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(polls, 3);
  std::vector<std::string> lines = log_.Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "WARN: Still waiting for recovery after a transient error: Retryable: Throttling");
}

TEST_F(PollerTest, CancelStopsTheWaitWithoutAnotherPoll) {
  int polls = 0;
  Status status = poller_.WaitUntil("cancel", [&]() -> Result<bool> {
    if (++polls == 2) cancel_.Cancel();
    return false;
  });
  EXPECT_EQ(status.code(), StatusCode::kCancelled);
  EXPECT_EQ(polls, 2);
  EXPECT_LT(clock_.total_slept(), seconds(60));
}

TEST_F(PollerTest, CancelAfterTheDeadlineIsATimeout) {
  // The run deadline both passes and cancels the run: that is a timeout, not a signal.
  ctx_.deadline = clock_.Monotonic() + seconds(2);
  Status status = poller_.WaitUntil("x", [&]() -> Result<bool> {
    if (clock_.Monotonic() >= ctx_.deadline) cancel_.Cancel();
    return false;
  });
  EXPECT_EQ(status.code(), StatusCode::kTimedOut);
}

TEST_F(PollerTest, ActAccountsActingTime) {
  int value = poller_.Act([&] {
    clock_.Advance(seconds(3));
    return 7;
  });
  EXPECT_EQ(value, 7);
  EXPECT_EQ(result_.acting, seconds(3));
  EXPECT_EQ(result_.waiting, Duration(0));
}

TEST(NextPollIntervalTest, GrowsByHalfUpToTheCap) {
  PollSchedule schedule;
  EXPECT_EQ(NextPollInterval(seconds(1), schedule), milliseconds(1500));
  EXPECT_EQ(NextPollInterval(seconds(8), schedule), seconds(10));
  EXPECT_EQ(NextPollInterval(seconds(10), schedule), seconds(10));
}

}  // namespace
}  // namespace drf
