// Cross-check of adaptive retry mode against botocore (tools/oracle/adaptive_botocore.py):
// the same scripted sends and responses, on fake clocks that start and move alike, must
// leave our AdaptiveRateLimiter and botocore's ClientRateLimiter in the same state after
// every response, and let every send go at the same nanosecond.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "aws/adaptive_rate_limiter.h"
#include "aws/retry.h"
#include "testing/fake_clock.h"

namespace drf {
namespace {

namespace fs = std::filesystem;

// One scripted event: the clock moves `advance`, then a send asks for a token, or a
// response arrives (AWS's code, or none; `transport`: no response at all).
struct ScriptedEvent {
  std::chrono::nanoseconds advance{0};
  bool send = false;
  int status = 200;
  std::string code;
  bool transport = false;
};

ScriptedEvent SendAfter(std::chrono::nanoseconds advance) { return {advance, true, 0, "", false}; }
ScriptedEvent AnswerAfter(std::chrono::nanoseconds advance, int status = 200,
                          std::string code = "") {
  return {advance, false, status, std::move(code), false};
}

nlohmann::json EventsJson(const std::vector<ScriptedEvent>& events) {
  nlohmann::json out = nlohmann::json::array();
  for (const ScriptedEvent& e : events) {
    nlohmann::json event = {{"advance_ns", e.advance.count()}};
    if (e.send) {
      event["send"] = true;
    } else {
      event["status"] = e.status;
      event["code"] = e.code.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.code);
      event["transport"] = e.transport;
    }
    out.push_back(event);
  }
  return out;
}

// Runs the oracle on `scripts`, each from `start`; null when it could not run.
nlohmann::json RunAdaptiveOracle(const std::vector<std::vector<ScriptedEvent>>& scripts,
                                 MonoTime start) {
  nlohmann::json request = {
      {"start_ns", std::chrono::nanoseconds(start.time_since_epoch()).count()},
      {"service", "rds"},
      {"operation", "DescribeDBInstances"},
      {"scripts", nlohmann::json::array()}};
  for (const auto& events : scripts) request["scripts"].push_back(EventsJson(events));
  const fs::path input = fs::path(::testing::TempDir()) / "adaptive_oracle_input.json";
  std::ofstream(input) << request.dump();
  const fs::path oracle = fs::path(DRF_SOURCE_DIR) / "tools" / "oracle" / "adaptive_botocore.py";
  const std::string command = "python3 '" + oracle.string() + "' < '" + input.string() + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return nullptr;
  std::string output;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof(buf), pipe)) output.append(buf, n);
  if (pclose(pipe) != 0) return nullptr;
  return nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
}

int64_t NowNanos(FakeClock& clock) {
  return std::chrono::nanoseconds(clock.Monotonic().time_since_epoch()).count();
}

// Where both limiters start: FakeClock's start, plus a fraction of a second so that the
// SDK's first measuring bucket (which starts at the whole second) differs from the others.
MonoTime ScriptStart() { return FakeClock().Monotonic() + std::chrono::nanoseconds(300000007); }

// Close enough to be the same arithmetic: equal but for the last bits.
void ExpectSameRate(double ours, const nlohmann::json& theirs, const std::string& what) {
  const double expected = theirs.get<double>();
  EXPECT_NEAR(ours, expected, 1e-9 * std::max(1.0, std::abs(expected))) << what;
}

// Plays `events` on our limiter, comparing after each event with what botocore's did
// (`theirs`, the oracle's answer for the same script).
void ExpectSameAsBotocore(const std::vector<ScriptedEvent>& events, const nlohmann::json& theirs) {
  FakeClock clock;
  clock.Advance(ScriptStart() - clock.Monotonic());
  AdaptiveRateLimiter limiter(clock);
  ASSERT_TRUE(theirs.is_array());
  ASSERT_EQ(theirs.size(), events.size());
  int throttles = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    const ScriptedEvent& e = events[i];
    const nlohmann::json& t = theirs[i];
    const std::string what = "event " + std::to_string(i) + ": " + t.dump();
    clock.Advance(e.advance);
    if (e.send) {
      ASSERT_TRUE(limiter.AcquireToSend(nullptr, std::nullopt).ok());
      EXPECT_EQ(NowNanos(clock), t["now_ns"].get<int64_t>()) << what;
      continue;
    }
    const bool throttled = !e.transport && IsThrottlingCode(e.code);
    throttles += throttled ? 1 : 0;
    EXPECT_EQ(throttled, t["throttled"].get<bool>()) << what;
    const SendRateUpdate update = limiter.OnResponse(throttled);
    const AdaptiveRateState state = limiter.State();
    EXPECT_EQ(state.enabled, t["enabled"].get<bool>()) << what;
    EXPECT_EQ(update.limit.has_value(), state.enabled) << what;
    ExpectSameRate(update.measured_rate, t["measured_rate"], what + " measured_rate");
    ExpectSameRate(state.fill_rate, t["fill_rate"], what + " fill_rate");
    ExpectSameRate(state.capacity, t["capacity"], what + " capacity");
    ExpectSameRate(state.tokens, t["tokens"], what + " tokens");
    ExpectSameRate(state.last_max_rate, t["last_max_rate"], what + " last_max_rate");
    EXPECT_EQ(NowNanos(clock), t["now_ns"].get<int64_t>()) << what;
  }
  EXPECT_GT(throttles, 0) << "a script without throttles checks nothing adaptive";
}

using std::chrono::milliseconds;

// A steady 20 requests a second, throttled every 15th answer for a while, then not, then a
// quiet minute (the curve climbs, the 2× measured cap holds it), then throttled again.
std::vector<ScriptedEvent> SteadyLoadScript() {
  std::vector<ScriptedEvent> events;
  for (int i = 0; i < 120; ++i) {
    events.push_back(SendAfter(milliseconds(20)));
    const bool throttle = i < 60 && i % 15 == 14;
    events.push_back(throttle ? AnswerAfter(milliseconds(30), 400, "Throttling")
                              : AnswerAfter(milliseconds(30)));
  }
  events.push_back(AnswerAfter(std::chrono::seconds(60)));
  for (int i = 0; i < 20; ++i) {
    events.push_back(SendAfter(milliseconds(5)));
    events.push_back(AnswerAfter(milliseconds(5), 400, i % 4 == 0 ? "ThrottlingException" : ""));
  }
  return events;
}

// Pseudo-random traffic (fixed seed): bursts of sends, answers that succeed, are throttled
// under several codes, fail with 5xx or never arrive, gaps from none to several seconds.
std::vector<ScriptedEvent> RandomScript(uint32_t seed, int count) {
  std::mt19937 rng(seed);
  auto uniform = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  const std::vector<std::string> throttling = {"Throttling", "RequestLimitExceeded", "SlowDown",
                                               "TooManyRequestsException"};
  std::vector<ScriptedEvent> events;
  for (int i = 0; i < count; ++i) {
    // Mostly short gaps, some of whole seconds; nanosecond resolution, odd values.
    const int64_t gap = uniform(10) == 0 ? int64_t{uniform(4000)} * 1000003
                                         : int64_t{uniform(150)} * 1000003 + uniform(1000);
    const std::chrono::nanoseconds advance(gap);
    const int kind = uniform(100);
    if (kind < 40) {
      events.push_back(SendAfter(advance));
    } else if (kind < 80) {
      events.push_back(AnswerAfter(advance));
    } else if (kind < 92) {
      events.push_back(AnswerAfter(advance, 400, throttling[static_cast<size_t>(uniform(4))]));
    } else if (kind < 96) {
      events.push_back(AnswerAfter(advance, 500, "InternalFailure"));
    } else if (kind < 98) {
      events.push_back(AnswerAfter(advance, 400, "ValidationError"));
    } else {
      events.push_back({advance, false, 0, "", true});
    }
  }
  return events;
}

// The scripts, and botocore's answers to them from one run of the oracle (a Python start
// with botocore loaded takes about a second).
class AdaptiveBotocoreTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kSeeds[] = {1, 7, 2024};

  static void SetUpTestSuite() {
    scripts_ = new std::vector<std::vector<ScriptedEvent>>{SteadyLoadScript()};
    for (uint32_t seed : kSeeds) scripts_->push_back(RandomScript(seed, 400));
    answers_ = new nlohmann::json(RunAdaptiveOracle(*scripts_, ScriptStart()));
  }
  static void TearDownTestSuite() {
    delete scripts_;
    delete answers_;
  }

  void SetUp() override {
    ASSERT_TRUE(answers_->is_array() && answers_->size() == scripts_->size())
        << "tools/oracle/adaptive_botocore.py failed; it needs python3 with botocore installed";
  }

  static void Check(size_t script) {
    ExpectSameAsBotocore((*scripts_)[script], (*answers_)[script]);
  }

  static std::vector<std::vector<ScriptedEvent>>* scripts_;
  static nlohmann::json* answers_;
};

std::vector<std::vector<ScriptedEvent>>* AdaptiveBotocoreTest::scripts_ = nullptr;
nlohmann::json* AdaptiveBotocoreTest::answers_ = nullptr;

TEST_F(AdaptiveBotocoreTest, SteadyLoadWithThrottlesThenQuietThenThrottlesAgain) { Check(0); }

TEST_F(AdaptiveBotocoreTest, PseudoRandomTraffic) {
  for (size_t i = 0; i < std::size(kSeeds); ++i) {
    SCOPED_TRACE("seed " + std::to_string(kSeeds[i]));
    Check(i + 1);
  }
}

}  // namespace
}  // namespace drf
