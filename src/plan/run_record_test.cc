#include "plan/run_record.h"

#include <gtest/gtest.h>

namespace drf {
namespace {

using std::chrono::minutes;

StepRecord Rec(std::string id, StepState state, std::vector<std::string> after = {},
               std::optional<std::pair<int, int>> minutes_span = std::nullopt) {
  StepRecord record;
  record.id = std::move(id);
  record.result.state = state;
  record.after = std::move(after);
  if (minutes_span) {
    record.started = true;
    record.start_offset = minutes(minutes_span->first);
    record.end_offset = minutes(minutes_span->second);
  }
  return record;
}

TEST(RunRecordTest, StatusFollowsStepStates) {
  using S = StepState;
  EXPECT_EQ(ComputeRunStatus({}), RunStatus::kSucceeded);
  EXPECT_EQ(ComputeRunStatus({Rec("a", S::kSucceeded), Rec("b", S::kUnchanged)}),
            RunStatus::kSucceeded);
  EXPECT_EQ(ComputeRunStatus({Rec("a", S::kSucceeded), Rec("b", S::kNotRun)}), RunStatus::kPartial);
  EXPECT_EQ(ComputeRunStatus({Rec("a", S::kFailed), Rec("b", S::kTimedOut)}), RunStatus::kFailed);
  EXPECT_EQ(RunStatusName(RunStatus::kPartial), "PARTIAL");
}

TEST(RunRecordTest, CriticalPathFollowsTheDependencyThatFinishedLast) {
  RunRecord run;
  run.steps = {Rec("db", StepState::kSucceeded, {}, {{0, 12}}),
               Rec("asg", StepState::kSucceeded, {}, {{0, 4}}),
               Rec("ecs", StepState::kSucceeded, {}, {{0, 3}}),
               Rec("reg-asg", StepState::kSucceeded, {"asg", "ecs"}, {{4, 5}}),
               Rec("late", StepState::kSucceeded, {"db", "asg"}, {{12, 14}}),
               Rec("skipped", StepState::kNotRun, {"late"})};
  EXPECT_EQ(CriticalPath(run), (std::vector<std::string>{"db", "late"}));
}

TEST(RunRecordTest, CriticalPathIsEmptyWhenNothingStarted) {
  RunRecord run;
  run.steps = {Rec("a", StepState::kNotRun)};
  EXPECT_TRUE(CriticalPath(run).empty());
}

}  // namespace
}  // namespace drf
