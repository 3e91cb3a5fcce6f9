#include "report/progress_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "plan/fake_step.h"
#include "testing/fake_clock.h"

namespace drf {
namespace {

using ::testing::ElementsAre;

// Records notifications as text, in order.
class RecordingObserver final : public ProgressObserver {
 public:
  void StepStarted(std::string_view id, std::string_view resource) override {
    events.push_back("started " + std::string(id) + " " + std::string(resource));
  }
  void StepWaiting(std::string_view id, std::string_view what) override {
    events.push_back("waiting " + std::string(id) + " " + std::string(what));
  }
  void StepFinished(std::string_view id, StepState state, std::string_view summary) override {
    events.push_back("finished " + std::string(id) + " " + std::string(StepStateName(state)) + " " +
                     std::string(summary));
  }
  std::vector<std::string> events;
};

StepSpec Spec(std::string id) {
  StepSpec spec;
  spec.id = std::move(id);
  return spec;
}

TEST(ProgressRunnerTest, ReportsStartAndFinishAroundTheInnerRunner) {
  FakeClock clock;
  LoggerOptions log_options;
  log_options.min_level = LogLevel::kFatal;  // the fake step logs nothing; keep it quiet
  Logger log(log_options, clock);
  CancelToken cancel;
  StepContext ctx{clock, log, cancel, clock.Monotonic()};
  RecordingObserver observer;
  LiveRunner live;
  ProgressRunner runner(live, observer);
  FakeStep step(Spec("scale-asg:a"), FakeStep::Ends(StepState::kUnchanged));

  StepResult result = runner.RunStep(step, ctx);

  EXPECT_EQ(result.state, StepState::kUnchanged);
  EXPECT_EQ(step.runs(), 1);
  EXPECT_THAT(observer.events, ElementsAre("started scale-asg:a fake scale-asg:a",
                                           "finished scale-asg:a unchanged unchanged"));
}

TEST(ProgressRunnerTest, FinishUnstartedReportsOnlyStepsThatNeverRan) {
  RecordingObserver observer;
  LiveRunner live;
  ProgressRunner runner(live, observer);
  RunRecord run;
  run.steps.resize(2);
  run.steps[0].id = "a";
  run.steps[0].started = true;
  run.steps[0].result.state = StepState::kFailed;
  run.steps[1].id = "b";
  run.steps[1].result.state = StepState::kNotRun;
  run.steps[1].result.summary = "dependency a failed";

  runner.FinishUnstarted(run);

  EXPECT_THAT(observer.events, ElementsAre("finished b not_run dependency a failed"));
}

}  // namespace
}  // namespace drf
