#include "services/read_coalescer.h"

#include <gtest/gtest.h>

#include <thread>

#include "testing/fake_clock.h"
#include "testing/gate_clock.h"
#include "testing/stack_pages.h"

namespace drf {
namespace {

constexpr Duration kGather = std::chrono::milliseconds(5);
constexpr Duration kFresh = std::chrono::seconds(2);

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
    ReadCoalescer<std::string> coalescer(10, kGather, kFresh, clock, recorder.Call());
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

// A step waiting for the batch another step opened (its call perhaps slowed by retries)
// keeps only the stack it is using, as waits between polls do (core/idle_stack.h).
TEST(ReadCoalescerTest, AnAskerWaitingForAnotherAskersCallGivesBackItsIdleStack) {
  GateClock clock;
  Recorder recorder;
  ReadCoalescer<std::string> coalescer(10, kGather, kFresh, clock, recorder.Call());
  // Opens the batch and sleeps at the gate through its gathering window.
  std::thread opener([&] { (void)coalescer.Get("dr", "svc-0"); });
  while (coalescer.asked() < 1) std::this_thread::yield();
  // The second asker joins the open batch and waits for it (holding the coalescer's lock
  // until it does, so the opener cannot send before).
  std::thread gate([&] {
    while (coalescer.asked() < 2) std::this_thread::yield();
    clock.Open();
  });
  std::string answer;
  auto [before, after] = ResidentBeforeAndAfter([&] {
    Result<std::optional<std::string>> got = coalescer.Get("dr", "svc-1");
    if (got.ok()) answer = got->value_or("");
  });
  gate.join();
  opener.join();
  EXPECT_EQ(answer, "dr/svc-1 described");
  EXPECT_EQ(recorder.calls.size(), 1u);
  EXPECT_EQ(before, 8u);
  EXPECT_EQ(after, 0u);
}

TEST(ReadCoalescerTest, BatchesOfDifferentGroupsAreSentApart) {
  GateClock clock;
  Recorder recorder;
  ReadCoalescer<std::string> coalescer(10, kGather, kFresh, clock, recorder.Call());
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
  ReadCoalescer<std::string> coalescer(10, kGather, kFresh, clock, recorder.Call());
  auto answers = AskAtOnce(coalescer, clock, {{"", "dr-jenkins"}, {"", "dr-jenkins"}});
  ASSERT_EQ(recorder.calls.size(), 1u);
  EXPECT_EQ(recorder.calls[0].second, std::vector<std::string>{"dr-jenkins"});
  EXPECT_EQ(answers[0]->value_or(""), "/dr-jenkins described");
  EXPECT_EQ(answers[1]->value_or(""), "/dr-jenkins described");
}

TEST(ReadCoalescerTest, AnItemAwsDoesNotKnowIsNoValueAndTheOthersAreAnswered) {
  GateClock clock;
  Recorder recorder;
  ReadCoalescer<std::string> coalescer(10, kGather, kFresh, clock, recorder.Call());
  auto answers = AskAtOnce(coalescer, clock, {{"dr", "unknown"}, {"dr", "web"}});
  ASSERT_TRUE(answers[0].ok());
  EXPECT_FALSE(answers[0]->has_value());
  EXPECT_EQ(answers[1]->value_or(""), "dr/web described");
}

TEST(ReadCoalescerTest, AFailedCallFailsEveryItemOfItsBatchWithItsStatus) {
  GateClock clock;
  ReadCoalescer<std::string> coalescer(
      10, kGather, kFresh, clock,
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
  ReadCoalescer<std::string> coalescer(10, Duration::zero(), kFresh, clock, recorder.Call());
  for (const auto& [group, key] : Services(3, "dr")) {
    EXPECT_EQ(coalescer.Get(group, key)->value_or(""), group + "/" + key + " described");
  }
  EXPECT_EQ(coalescer.calls(), 3);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(ReadCoalescerTest, TheGatheringWindowIsOneSleepOfTheOpener) {
  FakeClock clock;
  Recorder recorder;
  ReadCoalescer<std::string> coalescer(10, kGather, kFresh, clock, recorder.Call());
  EXPECT_EQ(coalescer.Get("dr", "web")->value_or(""), "dr/web described");
  EXPECT_EQ(clock.sleeps(), std::vector<Duration>{std::chrono::milliseconds(5)});
}

// Looking ahead: steps reach their first reads one after another, not at once.
class ReadAheadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& [group, key] : Services(25, "dr")) coalescer_.Expect(group, key);
  }
  std::string Get(const std::string& key) { return coalescer_.Get("dr", key)->value_or(""); }
  std::vector<std::string> Sent(size_t call) { return recorder_.calls.at(call).second; }

  FakeClock clock_;
  Recorder recorder_;
  ReadCoalescer<std::string> coalescer_{10, kGather, kFresh, clock_, recorder_.Call()};
};

TEST_F(ReadAheadTest, ABatchWithRoomCarriesTheNextAnnouncedItemsForTheirFirstAskers) {
  EXPECT_EQ(Get("svc-3"), "dr/svc-3 described");
  ASSERT_EQ(recorder_.calls.size(), 1u);
  EXPECT_EQ(Sent(0), (std::vector<std::string>{"svc-3", "svc-0", "svc-1", "svc-2", "svc-4", "svc-5",
                                               "svc-6", "svc-7", "svc-8", "svc-9"}));
  for (int i : {0, 1, 2, 4, 5, 6, 7, 8, 9}) {
    EXPECT_EQ(Get("svc-" + std::to_string(i)), "dr/svc-" + std::to_string(i) + " described");
  }
  EXPECT_EQ(coalescer_.calls(), 1);
  EXPECT_EQ(coalescer_.read_ahead_used(), 9);
  // 25 services read one step after another: 3 calls instead of 25.
  for (int i = 10; i < 25; ++i) Get("svc-" + std::to_string(i));
  EXPECT_EQ(coalescer_.calls(), 3);
  EXPECT_EQ(Sent(2).size(), 5u);
}

TEST_F(ReadAheadTest, OnlyTheFirstReadOfAnItemIsServedAheadLaterOnesGoToAws) {
  Get("svc-0");
  Get("svc-1");  // read ahead
  Get("svc-1");  // a poll: current state, not the read-ahead answer again
  ASSERT_EQ(recorder_.calls.size(), 2u);
  EXPECT_EQ(Sent(1).front(), "svc-1");
}

TEST_F(ReadAheadTest, AnAnswerOlderThanFreshForIsReadAgain) {
  Get("svc-0");
  clock_.Advance(kFresh + std::chrono::milliseconds(1));
  Get("svc-1");
  ASSERT_EQ(recorder_.calls.size(), 2u);
  EXPECT_EQ(Sent(1).front(), "svc-1");
  EXPECT_EQ(coalescer_.read_ahead_used(), 0);
}

TEST(ReadCoalescerTest, AnItemTheReadAheadDidNotFindIsReadAgainForItsAsker) {
  FakeClock clock;
  Recorder recorder;
  ReadCoalescer<std::string> coalescer(10, kGather, kFresh, clock, recorder.Call());
  coalescer.Expect("dr", "web");
  coalescer.Expect("dr", "unknown");
  EXPECT_EQ(coalescer.Get("dr", "web")->value_or(""), "dr/web described");
  EXPECT_FALSE(coalescer.Get("dr", "unknown")->has_value());
  ASSERT_EQ(recorder.calls.size(), 2u);
  EXPECT_EQ(recorder.calls[1].second, std::vector<std::string>{"unknown"});
}

// A read-ahead item the caller may not read must not fail the reads of those who asked.
TEST(ReadCoalescerTest, ACallFailingWithItemsReadAheadIsSentAgainWithoutThem) {
  FakeClock clock;
  std::vector<std::vector<std::string>> sent;
  ReadCoalescer<std::string> coalescer(
      10, kGather, kFresh, clock,
      [&sent](const std::string&,
              const std::vector<std::string>& keys) -> Result<ReadCoalescer<std::string>::Found> {
        sent.push_back(keys);
        if (std::find(keys.begin(), keys.end(), "secret") != keys.end()) {
          return Status::Rejected("AccessDeniedException: not authorized");
        }
        return ReadCoalescer<std::string>::Found{{keys.front(), "described"}};
      });
  coalescer.Expect("dr", "web");
  coalescer.Expect("dr", "secret");
  EXPECT_EQ(coalescer.Get("dr", "web")->value_or(""), "described");
  EXPECT_EQ(sent, (std::vector<std::vector<std::string>>{{"web", "secret"}, {"web"}}));
  EXPECT_EQ(coalescer.calls(), 2);
  // The item read ahead is then read for its own asker, and fails there.
  EXPECT_FALSE(coalescer.Get("dr", "secret").ok());
}

TEST(ReadCoalescerTest, AFailedCallKeepsNothingForTheItemsItReadAhead) {
  FakeClock clock;
  int calls = 0;
  ReadCoalescer<std::string> coalescer(
      10, kGather, kFresh, clock,
      [&calls](const std::string&,
               const std::vector<std::string>& keys) -> Result<ReadCoalescer<std::string>::Found> {
        // Fails with and then without the item read ahead.
        if (++calls <= 2) return Status::Retryable("Throttling: Rate exceeded");
        return ReadCoalescer<std::string>::Found{{keys.front(), "fresh"}};
      });
  coalescer.Expect("dr", "web");
  coalescer.Expect("dr", "api");
  EXPECT_FALSE(coalescer.Get("dr", "web").ok());
  EXPECT_EQ(coalescer.Get("dr", "api")->value_or(""), "fresh");
  EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace drf
