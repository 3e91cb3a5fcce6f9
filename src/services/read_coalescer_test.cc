#include "services/read_coalescer.h"

#include <gtest/gtest.h>

#include <thread>

#include "testing/fake_clock.h"
#include "testing/gate_clock.h"

namespace drf {
namespace {

// The batch calls a coalescer made, and what each carried.
struct Recorder {
  std::mutex mu;
  std::vector<std::pair<std::string, std::vector<std::string>>> calls;

  ReadCoalescer<std::string>::BatchCall Call() {
    return
        [this](const std::string& group,
               const std::vector<std::string>& keys) -> Result<ReadCoalescer<std::string>::Found> {
          std::lock_guard lock(mu);
          calls.emplace_back(group, keys);
          ReadCoalescer<std::string>::Found found;
          for (const std::string& key : keys) {
            if (key != "unknown") found[key] = group + "/" + key + " described";
          }
          return found;
        };
  }
};

// Asks for each of `keys` (group, key) on its own thread, all at once; returns the answers
// in the same order once every asker is in a batch and the gate has opened.
std::vector<Result<std::optional<std::string>>> AskAtOnce(
    ReadCoalescer<std::string>& coalescer, GateClock& clock,
    const std::vector<std::pair<std::string, std::string>>& keys) {
  std::vector<Result<std::optional<std::string>>> answers(keys.size(),
                                                          Status::Internal("not answered"));
  std::vector<std::thread> askers;
  for (size_t i = 0; i < keys.size(); ++i) {
    askers.emplace_back([&, i] { answers[i] = coalescer.Get(keys[i].first, keys[i].second); });
  }
  // Every asker has joined a batch (full ones are already sent); then the window closes.
  while (coalescer.asked() < static_cast<int>(keys.size())) std::this_thread::yield();
  clock.Open();
  for (std::thread& t : askers) t.join();
  return answers;
}

std::vector<std::pair<std::string, std::string>> Services(int n, const std::string& cluster) {
  std::vector<std::pair<std::string, std::string>> keys;
  for (int i = 0; i < n; ++i) keys.emplace_back(cluster, "svc-" + std::to_string(i));
  return keys;
}

TEST(ReadCoalescerTest, SendsOneCallPerTenItemsAskedForAtOnce) {
  for (int n : {1, 9, 10, 11, 25, 64}) {
    GateClock clock;
    Recorder recorder;
    ReadCoalescer<std::string> coalescer(10, std::chrono::milliseconds(5), clock, recorder.Call());
    std::vector<std::pair<std::string, std::string>> keys = Services(n, "dr");
    auto answers = AskAtOnce(coalescer, clock, keys);
    EXPECT_EQ(coalescer.calls(), (n + 9) / 10) << n << " services";
    EXPECT_EQ(static_cast<int>(recorder.calls.size()), (n + 9) / 10) << n << " services";
    size_t sent = 0;
    for (const auto& [group, batch] : recorder.calls) {
      EXPECT_LE(batch.size(), 10u);
      sent += batch.size();
    }
    EXPECT_EQ(sent, keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      ASSERT_TRUE(answers[i].ok()) << answers[i].status().message();
      EXPECT_EQ(answers[i]->value_or(""), "dr/" + keys[i].second + " described");
    }
  }
}

TEST(ReadCoalescerTest, BatchesOfDifferentGroupsAreSentApart) {
  GateClock clock;
  Recorder recorder;
  ReadCoalescer<std::string> coalescer(10, std::chrono::milliseconds(5), clock, recorder.Call());
  auto keys = Services(3, "dr");
  for (auto& key : Services(2, "batch")) keys.push_back(key);
  auto answers = AskAtOnce(coalescer, clock, keys);
  ASSERT_EQ(recorder.calls.size(), 2u);
  for (const auto& [group, batch] : recorder.calls) {
    EXPECT_EQ(batch.size(), group == "dr" ? 3u : 2u) << group;
  }
  EXPECT_EQ(answers[4]->value_or(""), "batch/svc-1 described");
}

TEST(ReadCoalescerTest, AnItemAskedForTwiceIsSentOnceAndBothGetIt) {
  GateClock clock;
  Recorder recorder;
  ReadCoalescer<std::string> coalescer(10, std::chrono::milliseconds(5), clock, recorder.Call());
  auto answers = AskAtOnce(coalescer, clock, {{"", "dr-jenkins"}, {"", "dr-jenkins"}});
  ASSERT_EQ(recorder.calls.size(), 1u);
  EXPECT_EQ(recorder.calls[0].second, std::vector<std::string>{"dr-jenkins"});
  EXPECT_EQ(answers[0]->value_or(""), "/dr-jenkins described");
  EXPECT_EQ(answers[1]->value_or(""), "/dr-jenkins described");
}

TEST(ReadCoalescerTest, AnItemAwsDoesNotKnowIsNoValueAndTheOthersAreAnswered) {
  GateClock clock;
  Recorder recorder;
  ReadCoalescer<std::string> coalescer(10, std::chrono::milliseconds(5), clock, recorder.Call());
  auto answers = AskAtOnce(coalescer, clock, {{"dr", "unknown"}, {"dr", "web"}});
  ASSERT_TRUE(answers[0].ok());
  EXPECT_FALSE(answers[0]->has_value());
  EXPECT_EQ(answers[1]->value_or(""), "dr/web described");
}

TEST(ReadCoalescerTest, AFailedCallFailsEveryItemOfItsBatchWithItsStatus) {
  GateClock clock;
  ReadCoalescer<std::string> coalescer(
      10, std::chrono::milliseconds(5), clock,
      [](const std::string&,
         const std::vector<std::string>&) -> Result<ReadCoalescer<std::string>::Found> {
        return Status::Retryable("Throttling: Rate exceeded");
      });
  auto answers = AskAtOnce(coalescer, clock, Services(3, "dr"));
  for (const auto& answer : answers) {
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.status().message(), "Throttling: Rate exceeded");
  }
  EXPECT_EQ(coalescer.calls(), 1);
}

TEST(ReadCoalescerTest, WithoutAGatheringWindowEveryAskerSendsAtOnceAndNeverSleeps) {
  FakeClock clock;
  Recorder recorder;
  ReadCoalescer<std::string> coalescer(10, Duration::zero(), clock, recorder.Call());
  for (const auto& [group, key] : Services(3, "dr")) {
    EXPECT_EQ(coalescer.Get(group, key)->value_or(""), group + "/" + key + " described");
  }
  EXPECT_EQ(coalescer.calls(), 3);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(ReadCoalescerTest, TheGatheringWindowIsOneSleepOfTheOpener) {
  FakeClock clock;
  Recorder recorder;
  ReadCoalescer<std::string> coalescer(10, std::chrono::milliseconds(5), clock, recorder.Call());
  EXPECT_EQ(coalescer.Get("dr", "web")->value_or(""), "dr/web described");
  EXPECT_EQ(clock.sleeps(), std::vector<Duration>{std::chrono::milliseconds(5)});
}

}  // namespace
}  // namespace drf
