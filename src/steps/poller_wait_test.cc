// Poller::Wait: the stall rule, what a failed wait says, the periodic log line in both
// formats, and the live-progress notifications. All on the fake clock: no real waiting.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "steps/poller.h"
#include "testing/fake_clock.h"
#include "testing/log_capture.h"

namespace drf {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

class RecordingWaits final : public WaitObserver {
 public:
  void StepWaiting(std::string_view id, std::string_view what) override {
    seen.push_back(std::string(id) + " " + std::string(what));
  }
  std::vector<std::string> seen;
};

// What a step did with its acting permit, in order.
class RecordingPermit final : public ActingPermit {
 public:
  void Release() override { events.push_back("release"); }
  void Reacquire(const CancelToken&) override { events.push_back("reacquire"); }
  std::vector<std::string> events;
};

class PollerWaitTest : public ::testing::Test {
 protected:
  explicit PollerWaitTest(LogFormat format = LogFormat::kText)
      : log_(clock_, LogLevel::kInfo, format) {
    ctx_.waits = &waits_;
    ctx_.step_id = "scale-ecs:dr/kafka";
  }

  // "ECS service dr/kafka" at `running()` of 3 tasks.
  WaitSpec Kafka(const std::function<int()>& running, Duration stall_after = minutes(5)) {
    WaitSpec wait;
    wait.what = "ECS service dr/kafka";
    wait.stall_after = stall_after;
    wait.check = [running]() -> Result<WaitProgress> {
      const int n = running();
      return WaitProgress{n >= 3, std::to_string(n) + " of 3 tasks running", n};
    };
    wait.evidence = [] { return "stopped tasks: 3 x CannotPullContainerError: no such image"; };
    return wait;
  }
  Duration Elapsed() { return clock_.Monotonic() - start_; }

  FakeClock clock_;
  LogCapture log_;
  CancelToken cancel_;
  StepContext ctx_{clock_, log_.logger(), cancel_, clock_.Monotonic() + minutes(15)};
  RecordingWaits waits_;
  StepResult result_;
  Poller poller_{ctx_, result_};
  const MonoTime start_ = clock_.Monotonic();
};

// A waiting step does not count against the run's concurrency: it gives its permit back for
// each sleep between polls and takes it again before the next poll. Back-offs after a
// transient error keep it (they pace calls).
TEST_F(PollerWaitTest, EachSleepBetweenPollsIsWithoutTheActingPermit) {
  RecordingPermit permit;
  ctx_.permit = &permit;
  int polls = 0;
  std::vector<size_t> held_at_poll;
  Status status = poller_.Wait(Kafka([&] {
    held_at_poll.push_back(permit.events.size());
    return ++polls == 3 ? 3 : 0;
  }));
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(permit.events,
            (std::vector<std::string>{"release", "reacquire", "release", "reacquire"}));
  // Every poll with the permit held: none yet, then after each reacquire.
  EXPECT_EQ(held_at_poll, (std::vector<size_t>{0, 2, 4}));

  permit.events.clear();
  int tries = 0;
  Status acted =
      poller_.Act([&] { return ++tries == 1 ? Status::Retryable("Throttling") : Status::Ok(); });
  EXPECT_TRUE(acted.ok()) << acted.ToString();
  EXPECT_EQ(tries, 2);
  EXPECT_TRUE(permit.events.empty()) << "a back-off keeps the permit";
}

TEST_F(PollerWaitTest, AWaitThatNeverMovesStallsWithWhatItSawAndTheEvidence) {
  Status status = poller_.Wait(Kafka([] { return 0; }));

  ASSERT_EQ(status.code(), StatusCode::kStalled) << status.ToString();
  EXPECT_THAT(status.message(), HasSubstr("no progress for 5m"));
  EXPECT_THAT(status.message(),
              HasSubstr("waiting for ECS service dr/kafka: 0 of 3 tasks running"));
  EXPECT_THAT(status.message(), HasSubstr("CannotPullContainerError: no such image"));
  // Ends when the stall limit is reached: a poll is made then, whatever the schedule.
  EXPECT_EQ(Elapsed(), minutes(5));
  EXPECT_EQ(result_.wait["outcome"], "stalled");
  EXPECT_EQ(result_.wait["for"], "ECS service dr/kafka");
  EXPECT_EQ(result_.wait["seen"], "0 of 3 tasks running");
}

TEST_F(PollerWaitTest, AWaitThatMovedStallsTheLimitAfterItsLastProgressNotAPollLater) {
  std::optional<Duration> moved;
  Status status = poller_.Wait(Kafka([&] {
    if (!moved && Elapsed() >= minutes(1)) moved = Elapsed();
    return moved ? 1 : 0;
  }));
  ASSERT_EQ(status.code(), StatusCode::kStalled) << status.ToString();
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(Elapsed(), *moved + minutes(5));
  EXPECT_THAT(status.message(), HasSubstr("no progress for 5m00s"));
}

TEST_F(PollerWaitTest, AWaitRightAfterAChangeFirstPollsAfterTheFirstSleep) {
  std::vector<Duration> polled;
  WaitSpec wait = Kafka([&] {
    polled.push_back(Elapsed());
    return polled.size() == 2 ? 3 : 0;
  });
  wait.poll_at_once = false;
  ASSERT_TRUE(poller_.Wait(wait).ok());
  // The default schedule's sleeps (1 s, then 1.5 s), each poll on a 100 ms round.
  EXPECT_EQ(polled, (std::vector<Duration>{seconds(1), milliseconds(2500)}));
}

TEST_F(PollerWaitTest, AWaitCancelledBeforeItsFirstPollSaysSoWithoutPolling) {
  int polls = 0;
  WaitSpec wait = Kafka([&] {
    ++polls;
    return 0;
  });
  wait.poll_at_once = false;
  cancel_.Cancel();
  Status status = poller_.Wait(wait);
  EXPECT_EQ(status.code(), StatusCode::kCancelled) << status.ToString();
  EXPECT_EQ(polls, 0);
}

TEST_F(PollerWaitTest, SlowButSteadyProgressIsNotCutByTheStallRule) {
  // One more task every 4 minutes: slower than any healthy start, faster than the limit.
  Status status = poller_.Wait(Kafka([&] { return static_cast<int>(Elapsed() / minutes(4)); }));

  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_GE(Elapsed(), minutes(12));
  EXPECT_EQ(result_.wait["outcome"], "done");
}

TEST_F(PollerWaitTest, FlappingBelowTheBestSeenIsNotProgress) {
  // A crash loop: 1 task, then 0, then 1 again... never more than the best already seen.
  int polls = 0;
  Status status = poller_.Wait(Kafka([&] { return ++polls % 2; }));

  EXPECT_EQ(status.code(), StatusCode::kStalled) << status.ToString();
  EXPECT_EQ(Elapsed(), minutes(5));
}

TEST_F(PollerWaitTest, AWaitThatMovesButNeverEndsEndsAtTheDeadlineSayingWhatItSaw) {
  Status status = poller_.Wait(Kafka([&] { return 0; }, /*stall_after=*/Duration(0)));

  ASSERT_EQ(status.code(), StatusCode::kTimedOut) << status.ToString();
  EXPECT_EQ(Elapsed(), minutes(15));
  EXPECT_THAT(status.message(), HasSubstr("0 of 3 tasks running"));
  EXPECT_THAT(status.message(), HasSubstr("CannotPullContainerError"));
  EXPECT_EQ(result_.wait["outcome"], "timed_out");
}

TEST_F(PollerWaitTest, AnOpenWaitIsLoggedEveryThirtySeconds) {
  Status status = poller_.Wait(Kafka([] { return 0; }, minutes(2)));
  ASSERT_EQ(status.code(), StatusCode::kStalled);

  std::vector<std::string> waiting;
  for (const std::string& line : log_.Lines()) {
    if (line.rfind("INFO: Waiting for ", 0) == 0) waiting.push_back(line);
  }
  // Lines at about 30 s, 1 min and 1.5 min (the first poll past each mark); at 2 min the
  // stall rule ends the wait, whose error says what it saw.
  ASSERT_EQ(waiting.size(), 3u) << log_.Text();
  EXPECT_THAT(waiting[0], HasSubstr("Waiting for ECS service dr/kafka: 0 of 3 tasks running (3"));
  EXPECT_THAT(waiting[1], HasSubstr("(1m0"));
  EXPECT_THAT(waiting[2], HasSubstr("(1m3"));
}

TEST_F(PollerWaitTest, EveryPollTellsTheObserverWhatItSaw) {
  int polls = 0;
  Status status = poller_.Wait(Kafka([&] { return ++polls; }));
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(waits_.seen, (std::vector<std::string>{
                             "scale-ecs:dr/kafka ECS service dr/kafka: 1 of 3 tasks running",
                             "scale-ecs:dr/kafka ECS service dr/kafka: 2 of 3 tasks running",
                             "scale-ecs:dr/kafka ECS service dr/kafka: 3 of 3 tasks running"}));
}

class PollerWaitJsonLogTest : public PollerWaitTest {
 protected:
  PollerWaitJsonLogTest() : PollerWaitTest(LogFormat::kJson) {}
};

TEST_F(PollerWaitJsonLogTest, AnOpenWaitIsLoggedEveryThirtySecondsAsJsonLines) {
  Status status = poller_.Wait(Kafka([] { return 0; }, minutes(2)));
  ASSERT_EQ(status.code(), StatusCode::kStalled);

  int waiting = 0;
  for (const std::string& line : log_.Lines()) {
    nlohmann::json entry = nlohmann::json::parse(line);
    std::string message = entry.value("message", entry.value("msg", ""));
    if (message.rfind("Waiting for ECS service dr/kafka: 0 of 3 tasks running (", 0) == 0) {
      ++waiting;
      EXPECT_EQ(entry.value("level", ""), "INFO") << line;
    }
  }
  EXPECT_EQ(waiting, 3) << log_.Text();
}

}  // namespace
}  // namespace drf
