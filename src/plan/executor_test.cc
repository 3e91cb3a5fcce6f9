#include "plan/executor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>

#include "plan/finalize_plan.h"
#include "testing/fake_clock.h"
#include "testing/fake_step.h"
#include "testing/test_specs.h"

namespace drf {
namespace {

using std::chrono::minutes;
using ::testing::ElementsAre;

// Real-time bound for waits between threads: a broken executor fails a test, not hangs it.
constexpr std::chrono::seconds kBound(10);

StepSpec Spec(std::string id, std::vector<std::string> after = {},
              std::optional<std::chrono::seconds> timeout = std::nullopt) {
  StepSpec spec;
  spec.id = std::move(id);
  spec.kind = StepKind::kScaleAsg;
  spec.detail = ScaleAsgSpec{};
  spec.after = std::move(after);
  spec.timeout = timeout;
  return spec;
}

StepResult Ended(StepState state) {
  StepResult result;
  result.state = state;
  if (state == StepState::kFailed) result.error = Status::Rejected("scripted");
  return result;
}

// A one-shot flag waited on with a bound.
class Gate {
 public:
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kBound, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// Records notifications as text, in order.
class RecordingObserver final : public RunObserver {
 public:
  void StepStarted(std::string_view id, std::string_view resource) override {
    Add("started " + std::string(id) + " " + std::string(resource));
  }
  void StepWaiting(std::string_view id, std::string_view what) override {
    Add("waiting " + std::string(id) + " " + std::string(what));
  }
  void StepFinished(std::string_view id, const StepResult& result) override {
    Add("finished " + std::string(id) + " " + std::string(StepStateName(result.state)) + " " +
        result.summary);
  }
  std::vector<std::string> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  void Add(std::string event) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(std::move(event));
  }
  std::mutex mu_;
  std::vector<std::string> events_;  // guarded by mu_
};

class ExecutorTest : public ::testing::Test {
 protected:
  ExecutorTest()
      : log_file_(std::tmpfile()),
        log_(LoggerOptions{LogLevel::kDebug, LogFormat::kText, false, log_file_, ""}, clock_) {}
  ~ExecutorTest() override { std::fclose(log_file_); }

  FakeStep& Add(StepSpec spec, FakeStep::Script script) {
    steps_.push_back(std::make_unique<FakeStep>(std::move(spec), std::move(script)));
    return *steps_.back();
  }
  RunRecord Run(ExecutorOptions options = {}, StepRunner* runner = nullptr,
                RunObserver* observer = nullptr) {
    std::vector<Step*> steps;
    for (auto& step : steps_) steps.push_back(step.get());
    Executor executor(options, runner ? *runner : live_, clock_, log_, cancel_, observer);
    Result<RunRecord> record = executor.Run(steps);
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    return record.ok() ? std::move(record).value() : RunRecord{};
  }
  static const StepRecord& Find(const RunRecord& run, const std::string& id) {
    for (const StepRecord& step : run.steps) {
      if (step.id == id) return step;
    }
    static const StepRecord kMissing;
    ADD_FAILURE() << "no record for " << id;
    return kMissing;
  }

  FakeClock clock_;
  std::FILE* log_file_;
  Logger log_;
  CancelToken cancel_;
  LiveRunner live_;
  std::vector<std::unique_ptr<FakeStep>> steps_;
};

TEST_F(ExecutorTest, EmptyPlanSucceeds) {
  RunRecord run = Run();
  EXPECT_TRUE(run.steps.empty());
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
}

TEST_F(ExecutorTest, IndependentStepsStartTogether) {
  Gate b_started;
  // A can only succeed if B starts while A is still running.
  Add(Spec("a"), [&](StepContext&) {
    return Ended(b_started.Wait() ? StepState::kSucceeded : StepState::kFailed);
  });
  Add(Spec("b"), [&](StepContext&) {
    b_started.Open();
    return Ended(StepState::kSucceeded);
  });
  RunRecord run = Run();
  EXPECT_EQ(Find(run, "a").result.state, StepState::kSucceeded);
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
}

// Each step waits until two run at once (or no more will start), so a correct executor
// reaches exactly the bound and a wrong one exceeds it.
struct OverlapTracker {
  std::mutex mu;
  std::condition_variable cv;
  int running = 0, started = 0, peak = 0;
  int total = 0;

  StepResult Enter() {
    std::unique_lock<std::mutex> lock(mu);
    ++running;
    ++started;
    peak = std::max(peak, running);
    cv.notify_all();
    bool ok = cv.wait_for(lock, kBound, [this] { return running >= 2 || started == total; });
    --running;
    cv.notify_all();
    return Ended(ok ? StepState::kSucceeded : StepState::kFailed);
  }
};

TEST_F(ExecutorTest, ConcurrencyBoundIsNeverExceeded) {
  OverlapTracker tracker;
  tracker.total = 7;
  for (int i = 0; i < tracker.total; ++i) {
    Add(Spec("s" + std::to_string(i)), [&](StepContext&) { return tracker.Enter(); });
  }
  ExecutorOptions options;
  options.concurrency = 2;
  RunRecord run = Run(options);
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  EXPECT_EQ(tracker.peak, 2);
}

// A step waiting for AWS gives its permit back while it sleeps between polls: with
// concurrency 1, a second step runs during the first one's wait (it would otherwise only
// start once the first had ended, and the first waits for it: the gate times out).
TEST_F(ExecutorTest, AStepThatGaveItsPermitBackLetsAnotherAct) {
  Gate b_ran;
  Add(Spec("a"), [&](StepContext& ctx) {
    ctx.permit->Release();
    const bool ran = b_ran.Wait();
    ctx.permit->Reacquire(ctx.cancel);
    return Ended(ran ? StepState::kSucceeded : StepState::kFailed);
  });
  Add(Spec("b"), [&](StepContext&) {
    b_ran.Open();
    return Ended(StepState::kSucceeded);
  });
  ExecutorOptions options;
  options.concurrency = 1;
  RunRecord run = Run(options);
  EXPECT_EQ(Find(run, "a").result.state, StepState::kSucceeded);
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
}

// Steps that give their permit back and take it again never hold more than the bound at
// once. Each gives its permit back, lets a new step start on it (while any is left) and
// takes it back, so a permit it takes back may be one another step holds: a correct
// executor makes it wait for a free one; a wrong one lets three hold two permits.
TEST_F(ExecutorTest, StepsTakingTheirPermitBackStayWithinTheBound) {
  constexpr int kSteps = 7;
  std::mutex mu;
  std::condition_variable cv;
  int holding = 0, peak = 0, started = 0;
  auto hold = [&](int change) {
    std::lock_guard<std::mutex> lock(mu);
    holding += change;
    peak = std::max(peak, holding);
  };
  for (int i = 0; i < kSteps; ++i) {
    Add(Spec("s" + std::to_string(i)), [&](StepContext& ctx) {
      int started_before = 0;
      {
        std::lock_guard<std::mutex> lock(mu);
        peak = std::max(peak, ++holding);
        started_before = ++started;
        cv.notify_all();
      }
      hold(-1);
      ctx.permit->Release();
      bool ok = false;
      {
        std::unique_lock<std::mutex> lock(mu);
        ok = cv.wait_for(lock, kBound,
                         [&] { return started > started_before || started == kSteps; });
      }
      ctx.permit->Reacquire(ctx.cancel);
      hold(+1);
      hold(-1);  // before the step ends: the executor frees its permit after
      return Ended(ok ? StepState::kSucceeded : StepState::kFailed);
    });
  }
  ExecutorOptions options;
  options.concurrency = 2;
  RunRecord run = Run(options);
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  EXPECT_LE(peak, 2);
}

TEST_F(ExecutorTest, FailedStepStopsItsDependentsOnly) {
  Add(Spec("a"), FakeStep::Ends(StepState::kFailed));
  FakeStep& b = Add(Spec("b", {"a"}), FakeStep::Ends(StepState::kSucceeded));
  FakeStep& c = Add(Spec("c", {"b"}), FakeStep::Ends(StepState::kSucceeded));
  Add(Spec("d"), FakeStep::Takes(minutes(2)));
  RunRecord run = Run();
  EXPECT_EQ(Find(run, "a").result.state, StepState::kFailed);
  EXPECT_TRUE(Find(run, "a").started);
  for (const char* id : {"b", "c"}) {
    EXPECT_EQ(Find(run, id).result.state, StepState::kNotRun) << id;
    EXPECT_EQ(Find(run, id).result.summary, "dependency a failed") << id;
    EXPECT_FALSE(Find(run, id).started);
  }
  EXPECT_EQ(b.runs() + c.runs(), 0);
  EXPECT_EQ(Find(run, "d").result.state, StepState::kSucceeded);
  EXPECT_EQ(run.status, RunStatus::kPartial);
}

TEST_F(ExecutorTest, UnchangedCountsAsSuccessForDependents) {
  Add(Spec("a"), FakeStep::Ends(StepState::kUnchanged));
  Add(Spec("b", {"a"}), FakeStep::Ends(StepState::kSucceeded));
  RunRecord run = Run();
  EXPECT_EQ(Find(run, "b").result.state, StepState::kSucceeded);
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
}

TEST_F(ExecutorTest, NothingSucceededIsFailed) {
  Add(Spec("a"), FakeStep::Ends(StepState::kTimedOut));
  Add(Spec("b", {"a"}), FakeStep::Ends(StepState::kSucceeded));
  RunRecord run = Run();
  EXPECT_EQ(Find(run, "b").result.state, StepState::kNotRun);
  EXPECT_EQ(run.status, RunStatus::kFailed);
}

TEST_F(ExecutorTest, DeadlineStopsWaitingStepsAndStartsNoMore) {
  ExecutorOptions options;
  options.concurrency = 2;
  options.deadline = clock_.Monotonic() + minutes(10);
  Add(Spec("a"), FakeStep::Takes(minutes(15)));  // runs past the deadline
  Add(Spec("waiter"), [](StepContext& ctx) {     // waits until the run is stopped
    return Ended(ctx.cancel.WaitFor(kBound) ? StepState::kTimedOut : StepState::kFailed);
  });
  FakeStep& d = Add(Spec("d"), FakeStep::Ends(StepState::kSucceeded));  // no free slot
  FakeStep& b = Add(Spec("b", {"a"}), FakeStep::Ends(StepState::kSucceeded));
  RunRecord run = Run(options);
  EXPECT_TRUE(run.deadline_reached);
  EXPECT_FALSE(run.interrupted);
  EXPECT_TRUE(cancel_.cancelled());
  EXPECT_EQ(Find(run, "a").result.state, StepState::kSucceeded);
  EXPECT_EQ(Find(run, "waiter").result.state, StepState::kTimedOut);
  for (const char* id : {"b", "d"}) {
    EXPECT_EQ(Find(run, id).result.state, StepState::kNotRun) << id;
    EXPECT_EQ(Find(run, id).result.summary, "run stopped: deadline") << id;
  }
  EXPECT_EQ(b.runs() + d.runs(), 0);
  EXPECT_EQ(run.status, RunStatus::kPartial);
}

TEST_F(ExecutorTest, StepDeadlineIsEarlierOfTimeoutAndRunDeadline) {
  MonoTime start = clock_.Monotonic();
  ExecutorOptions options;
  options.deadline = start + minutes(10);
  MonoTime short_deadline{}, long_deadline{};
  Add(Spec("short", {}, minutes(1)), [&](StepContext& ctx) {
    short_deadline = ctx.deadline;
    return Ended(StepState::kSucceeded);
  });
  Add(Spec("long", {"short"}, minutes(60)), [&](StepContext& ctx) {
    long_deadline = ctx.deadline;
    return Ended(StepState::kSucceeded);
  });
  RunRecord run = Run(options);
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  EXPECT_EQ(short_deadline, start + minutes(1));
  EXPECT_EQ(long_deadline, start + minutes(10));
}

TEST_F(ExecutorTest, OutsideCancellationInterrupts) {
  Add(Spec("a"), [&](StepContext&) {
    cancel_.Cancel();  // as SIGTERM would, while a runs
    return Ended(StepState::kSucceeded);
  });
  FakeStep& b = Add(Spec("b", {"a"}), FakeStep::Ends(StepState::kSucceeded));
  RunRecord run = Run();
  EXPECT_TRUE(run.interrupted);
  EXPECT_FALSE(run.deadline_reached);
  EXPECT_EQ(Find(run, "a").result.state, StepState::kSucceeded);
  EXPECT_EQ(Find(run, "b").result.state, StepState::kNotRun);
  EXPECT_EQ(Find(run, "b").result.summary, "interrupted");
  EXPECT_EQ(b.runs(), 0);
  EXPECT_EQ(run.status, RunStatus::kPartial);
}

TEST_F(ExecutorTest, CancelledBeforeStartRunsNothing) {
  FakeStep& a = Add(Spec("a"), FakeStep::Ends(StepState::kSucceeded));
  cancel_.Cancel();
  RunRecord run = Run();
  EXPECT_EQ(a.runs(), 0);
  EXPECT_TRUE(run.interrupted);
  EXPECT_EQ(run.status, RunStatus::kFailed);
}

TEST_F(ExecutorTest, SequentialOrderingRunsOneAtATimeInOriginalOrder) {
  PlanSpec plan;
  plan.ordering = Ordering::kSequential;
  // Configured in reverse: the sequential order is the original's, not the file's.
  plan.steps = {test::RegisterFromAsg("tg", "other"), test::Ecs("dr", {"fe", "api"}),
                test::Asg("dr-jenkins"), test::Promote("db")};
  ASSERT_TRUE(FinalizePlan(plan).ok());
  std::mutex mu;
  std::vector<std::string> order;
  int running = 0, peak = 0;
  for (const StepSpec& spec : plan.steps) {
    Add(spec, [&, id = spec.id](StepContext& ctx) {
      {
        std::lock_guard<std::mutex> lock(mu);
        order.push_back(id);
        peak = std::max(peak, ++running);
      }
      ctx.clock.SleepFor(minutes(1));
      std::lock_guard<std::mutex> lock(mu);
      --running;
      return Ended(StepState::kSucceeded);
    });
  }
  RunRecord run = Run();
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
  EXPECT_EQ(peak, 1);
  EXPECT_EQ(order,
            (std::vector<std::string>{"promote-db:db", "scale-asg:dr-jenkins", "scale-ecs:dr/fe",
                                      "scale-ecs:dr/api", "register-targets:tg"}));
}

TEST_F(ExecutorTest, DryRunCallsPreviewOnly) {
  FakeStep& a = Add(Spec("a"), FakeStep::Ends(StepState::kSucceeded));
  FakeStep& b = Add(Spec("b", {"a"}), FakeStep::Ends(StepState::kSucceeded));
  DryRunRunner dry;
  RunRecord run = Run({}, &dry);
  EXPECT_EQ(a.runs() + b.runs(), 0);
  EXPECT_EQ(a.previews(), 1);
  EXPECT_EQ(b.previews(), 1);  // "would change" lets dependents be previewed too
  EXPECT_EQ(Find(run, "b").result.summary, "would change b");
  EXPECT_EQ(run.status, RunStatus::kSucceeded);
}

TEST_F(ExecutorTest, RecordsTimesDependenciesAndCriticalPath) {
  WallTime wall_start = clock_.Now();
  Add(Spec("a"), FakeStep::Takes(minutes(5)));
  Add(Spec("b", {"a"}), FakeStep::Takes(minutes(3)));
  RunRecord run = Run();
  const StepRecord& b = Find(run, "b");
  EXPECT_EQ(b.after, std::vector<std::string>{"a"});
  EXPECT_EQ(b.resource, "fake b");
  EXPECT_EQ(Find(run, "a").start_offset, Duration(0));
  EXPECT_EQ(b.start_offset, minutes(5));
  EXPECT_EQ(b.end_offset, minutes(8));
  EXPECT_EQ(b.finished_at, wall_start + minutes(8));
  EXPECT_EQ(run.started, wall_start);
  EXPECT_EQ(run.finished, wall_start + minutes(8));
  EXPECT_EQ(CriticalPath(run), (std::vector<std::string>{"a", "b"}));
}

TEST_F(ExecutorTest, ThrowingStepFailsWithoutStoppingOthers) {
  Add(Spec("a"), [](StepContext&) -> StepResult { throw std::runtime_error("boom"); });
  Add(Spec("b"), FakeStep::Ends(StepState::kSucceeded));
  RunRecord run = Run();
  EXPECT_EQ(Find(run, "a").result.state, StepState::kFailed);
  EXPECT_EQ(Find(run, "a").result.error.code(), StatusCode::kInternal);
  EXPECT_EQ(Find(run, "b").result.state, StepState::kSucceeded);
}

TEST_F(ExecutorTest, ObserverHearsStartAndFinishAroundEachStep) {
  FakeStep& step = Add(Spec("scale-asg:a"), FakeStep::Ends(StepState::kUnchanged));
  RecordingObserver observer;
  RunRecord run = Run({}, nullptr, &observer);
  EXPECT_EQ(Find(run, "scale-asg:a").result.state, StepState::kUnchanged);
  EXPECT_EQ(step.runs(), 1);
  EXPECT_THAT(observer.events(), ElementsAre("started scale-asg:a fake scale-asg:a",
                                             "finished scale-asg:a unchanged unchanged"));
}

TEST_F(ExecutorTest, ObserverHearsOfStepsThatNeverRanOnceAsNotRun) {
  Add(Spec("a"), FakeStep::Ends(StepState::kFailed));
  Add(Spec("b", {"a"}), FakeStep::Ends(StepState::kSucceeded));
  RecordingObserver observer;
  Run({}, nullptr, &observer);
  EXPECT_THAT(observer.events(), ElementsAre("started a fake a", "finished a failed failed",
                                             "finished b not_run dependency a failed"));
}

TEST_F(ExecutorTest, ObserverIsEachStepsWaitObserver) {
  Add(Spec("a"), [](StepContext& ctx) {
    ctx.waits->StepWaiting(ctx.step_id, "1 of 3 tasks running");
    return Ended(StepState::kSucceeded);
  });
  RecordingObserver observer;
  Run({}, nullptr, &observer);
  EXPECT_THAT(observer.events(), ElementsAre("started a fake a", "waiting a 1 of 3 tasks running",
                                             "finished a succeeded "));
}

TEST_F(ExecutorTest, MalformedGraphIsRejected) {
  Add(Spec("a", {"missing"}), FakeStep::Ends(StepState::kSucceeded));
  Executor executor({}, live_, clock_, log_, cancel_);
  Result<RunRecord> run = executor.Run({steps_[0].get()});
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(run.status().message().find("missing"), std::string::npos);
}

}  // namespace
}  // namespace drf
