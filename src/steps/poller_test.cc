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
  // 2.25 s would wake at 4.75 s: stretched to the next 100 ms round, 4.8 s; then 3.375 s
  // would wake at 8.175 s, stretched to 8.2 s.
  EXPECT_EQ(sleeps[2], milliseconds(2300));
  EXPECT_EQ(sleeps[3], milliseconds(3400));
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

// --- Act: step-level retries of transient errors -------------------------------------------

// A schedule of its own, so these counts do not depend on the default poll timings.
class PollerActTest : public PollerTest {
 protected:
  Poller act_poller_{ctx_, result_, PollSchedule{seconds(1), 2.0, seconds(4)}};
};

Status RdsError(StatusCode code, const std::string& operation) {
  AwsErrorInfo info;
  info.service = "RDS";
  info.operation = operation;
  info.http_status = 400;
  info.code = "Throttling";
  info.throttling = info.retryable = true;
  return Status::FromAws(code, std::move(info));
}

TEST_F(PollerActTest, RetriesATransientErrorUntilItSucceeds) {
  int calls = 0;
  Result<int> value = act_poller_.Act([&]() -> Result<int> {
    ++calls;
    if (calls == 1) return RdsError(StatusCode::kRetryable, "DescribeDBInstances");
    if (calls == 2) return Status::Transport("connection reset");
    return 7;
  });
  ASSERT_TRUE(value.ok()) << value.status().ToString();
  EXPECT_EQ(*value, 7);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(clock_.sleeps(), (std::vector<Duration>{seconds(1), seconds(2)}));
  EXPECT_EQ(result_.acting, seconds(3));  // the backoff is acting time, not waiting
  EXPECT_EQ(result_.waiting, Duration(0));
  EXPECT_EQ(log_.Lines(),
            (std::vector<std::string>{
                "WARN: Transient error, trying again in 1000 ms: Retryable: An error occurred "
                "(Throttling) when calling the DescribeDBInstances operation (HTTP 400)",
                "WARN: Transient error, trying again in 2000 ms: Transport: connection reset"}));
}

// No deadline (the CLI's default): an API that keeps failing still ends the step.
TEST_F(PollerActTest, GivesUpAfterTheTransientFailureLimitWithoutADeadline) {
  ctx_.deadline = MonoTime::max();
  int calls = 0;
  Status status = act_poller_.Act([&] {
    ++calls;
    return Status::Retryable("HTTP 503");
  });
  EXPECT_EQ(status.code(), StatusCode::kRetryable);
  EXPECT_EQ(status.message(), "still failing after 303 s of transient errors: HTTP 503");
  // 1 + 2 + 4 s, then 4 s each: 7 + 4 × 74 = 303 s, the first sleep ending past 300 s.
  EXPECT_EQ(clock_.total_slept(), seconds(303));
  EXPECT_EQ(calls, 78);
}

TEST_F(PollerTest, WaitGivesUpAfterTheTransientFailureLimitAndCountsOnlyAnUnbrokenRun) {
  ctx_.deadline = MonoTime::max();
  int polls = 0;
  Status status = poller_.WaitUntil("the instance", [&]() -> Result<bool> {
    ++polls;
    if (polls == 3) return false;  // one good answer restarts the count
    return Status::Transport("connection refused");
  });
  EXPECT_EQ(status.code(), StatusCode::kTransport);
  EXPECT_EQ(status.message().rfind("still failing after 30", 0), 0u) << status.message();
  EXPECT_NE(status.message().find(" s of transient errors: connection refused"), std::string::npos)
      << status.message();
  // Counted from poll 4 (after sleeps of 1, 1.5 and 2.25 s), not from the first poll; and
  // given up at the first failing poll 300 s after that (polls are at most 10 s apart).
  EXPECT_GE(clock_.total_slept(), milliseconds(4750) + seconds(300));
  EXPECT_LT(clock_.total_slept(), milliseconds(4750) + seconds(310));
}

TEST_F(PollerActTest, GivesUpAtTheStepDeadlineWithTheLastError) {
  ctx_.deadline = clock_.Monotonic() + seconds(10);
  int calls = 0;
  Status status = act_poller_.Act([&] {
    ++calls;
    return Status::Transport("connection reset");
  });
  EXPECT_EQ(status.code(), StatusCode::kTransport);
  EXPECT_EQ(status.message(), "still failing at the step deadline: connection reset");
  // 1 + 2 + 4 + 3 (capped at 4 s, cut at the deadline): one last call at the deadline.
  EXPECT_EQ(clock_.sleeps(),
            (std::vector<Duration>{seconds(1), seconds(2), seconds(4), seconds(3)}));
  EXPECT_EQ(calls, 5);
}

TEST_F(PollerActTest, NeverRepeatsANonIdempotentCall) {
  int calls = 0;
  Status status = act_poller_.Act([&] {
    ++calls;
    return RdsError(StatusCode::kRetryable, "PromoteReadReplica");
  });
  EXPECT_EQ(status.code(), StatusCode::kRetryable);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(PollerActTest, DoesNotRetryPermanentErrors) {
  int calls = 0;
  Status status = act_poller_.Act([&] {
    ++calls;
    return Status::Rejected("AccessDenied");
  });
  EXPECT_EQ(status.code(), StatusCode::kRejected);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(PollerActTest, CancelStopsTheRetries) {
  int calls = 0;
  Status status = act_poller_.Act([&] {
    ++calls;
    cancel_.Cancel();  // SIGTERM while the call is in flight
    return Status::Retryable("Throttling");
  });
  EXPECT_EQ(status.code(), StatusCode::kCancelled);
  EXPECT_EQ(status.message(), "cancelled while waiting to try again after: Throttling");
  EXPECT_EQ(calls, 1);
}

TEST_F(PollerActTest, BackOffSleepsGrowsAndAccounts) {
  Duration interval = act_poller_.first_interval();
  EXPECT_TRUE(act_poller_.BackOff(Status::Retryable("Throttling"), interval).ok());
  EXPECT_EQ(interval, seconds(2));
  EXPECT_EQ(result_.acting, seconds(1));
  ctx_.deadline = clock_.Monotonic();
  Status late = act_poller_.BackOff(Status::Retryable("Throttling"), interval);
  EXPECT_EQ(late.message(), "still failing at the step deadline: Throttling");
  EXPECT_EQ(clock_.sleeps().size(), 1u);
}

TEST(NextPollIntervalTest, GrowsByHalfUpToTheCap) {
  PollSchedule schedule;
  EXPECT_EQ(NextPollInterval(seconds(1), schedule), milliseconds(1500));
  EXPECT_EQ(NextPollInterval(seconds(8), schedule), seconds(10));
  EXPECT_EQ(NextPollInterval(seconds(10), schedule), seconds(10));
}

TEST(NextPollIntervalTest, PromotionScheduleStartsCloseAndGrowsByThreePercentToTheCap) {
  const PollSchedule& schedule = kPromotionPollSchedule;
  EXPECT_EQ(schedule.first, milliseconds(100));
  EXPECT_EQ(NextPollInterval(milliseconds(100), schedule), milliseconds(103));
  EXPECT_EQ(NextPollInterval(seconds(8), schedule), milliseconds(8240));
  EXPECT_EQ(NextPollInterval(milliseconds(9800), schedule), seconds(10));  // 10.094 s, capped
}

// The standard benchmark's promotion takes 3 s: with the default schedule it is seen at
// 4.75 s (sleeps 1 + 1.5 + 2.25 s), with the promotion's at 3.054 s, 23 polls.
TEST_F(PollerTest, PromotionScheduleSeesAThreeSecondConvergenceWithinAFiftieth) {
  Poller poller(ctx_, result_, kPromotionPollSchedule);
  const MonoTime start = clock_.Monotonic();
  int polls = 0;
  Status status = poller.WaitUntil("the promotion", [&]() -> Result<bool> {
    ++polls;
    return clock_.Monotonic() - start >= seconds(3);
  });

  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(polls, 23);
  std::vector<Duration> sleeps = clock_.sleeps();
  ASSERT_EQ(sleeps.size(), 22u);
  EXPECT_EQ(sleeps[0], milliseconds(100));
  EXPECT_EQ(sleeps[1], milliseconds(103));
  EXPECT_EQ(sleeps[2], std::chrono::microseconds(106090));
  EXPECT_EQ(sleeps[3], std::chrono::nanoseconds(109272700));
  EXPECT_EQ(result_.waiting, std::chrono::nanoseconds(3053677961));
}

TEST_F(PollerTest, DefaultScheduleSeesAThreeSecondConvergenceAtTheRoundAfterFourPointSevenFive) {
  const MonoTime start = clock_.Monotonic();
  int polls = 0;
  Status status = poller_.WaitUntil("x", [&]() -> Result<bool> {
    ++polls;
    return clock_.Monotonic() - start >= seconds(3);
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(polls, 4);
  EXPECT_EQ(result_.waiting, milliseconds(4800));
}

TEST_F(PollerTest, PollsAfterTheFirstLandOnRoundsWhateverPhaseTheWaitStartedIn) {
  // Waits started 37 ms and 81 ms into a round: every poll after their first is on a
  // 100 ms round, so steps waiting at the same time poll at the same instants and their
  // reads can share one call.
  std::vector<std::vector<Duration>> polled(2);
  for (size_t i = 0; i < 2; ++i) {
    clock_.Advance(milliseconds(i == 0 ? 37 : 44));
    StepResult result;
    Poller poller(ctx_, result);
    Status status = poller.WaitUntil("x", [&]() -> Result<bool> {
      polled[i].push_back(clock_.Monotonic().time_since_epoch());
      return polled[i].size() == 4;
    });
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  for (const auto& times : polled) {
    for (size_t p = 1; p < times.size(); ++p) {
      EXPECT_EQ(times[p] % milliseconds(100), Duration::zero()) << p;
      // Never earlier than the schedule, at most one round later.
      const Duration slept = times[p] - times[p - 1];
      EXPECT_GE(slept, p == 1 ? seconds(1) : milliseconds(1500));
    }
  }
}

}  // namespace
}  // namespace drf
