#include "plan/plan.h"

#include <gtest/gtest.h>

#include "testing/test_specs.h"

namespace drf {
namespace {

using test::Asg;
using test::WithId;

// Four steps: b and c wait for a, d waits for b and c; e is independent.
std::vector<StepSpec> Diamond() {
  return {WithId(Asg("x"), "a"), WithId(Asg("x"), "b", {"a"}), WithId(Asg("x"), "c", {"a"}),
          WithId(Asg("x"), "d", {"b", "c"}), WithId(Asg("x"), "e")};
}

std::vector<std::string> DrainReady(Plan& plan) {
  std::vector<std::string> ids;
  while (auto id = plan.FindWork()) ids.push_back(*id);
  return ids;
}

TEST(PlanTest, HandsOutReadyStepsInSpecOrder) {
  Result<Plan> plan = Plan::Create(Diamond());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(DrainReady(*plan), (std::vector<std::string>{"a", "e"}));
  EXPECT_EQ(plan->running(), 2u);
  plan->StepFinished("a", StepState::kSucceeded);
  EXPECT_EQ(DrainReady(*plan), (std::vector<std::string>{"b", "c"}));
  plan->StepFinished("c", StepState::kUnchanged);
  EXPECT_FALSE(plan->FindWork());  // d still waits for b
  plan->StepFinished("b", StepState::kSucceeded);
  EXPECT_EQ(DrainReady(*plan), std::vector<std::string>{"d"});
  plan->StepFinished("d", StepState::kSucceeded);
  EXPECT_TRUE(plan->more_to_do());  // e still running
  plan->StepFinished("e", StepState::kSucceeded);
  EXPECT_FALSE(plan->more_to_do());
}

TEST(PlanTest, FailureMarksDependentsTransitivelyNotRun) {
  Result<Plan> plan = Plan::Create(Diamond());
  ASSERT_TRUE(plan.ok());
  DrainReady(*plan);
  plan->StepFinished("a", StepState::kFailed);
  EXPECT_FALSE(plan->FindWork());
  for (const char* id : {"b", "c", "d"}) {
    EXPECT_EQ(plan->state(id), StepState::kNotRun) << id;
    EXPECT_EQ(plan->NotRunReason(id), "dependency a failed") << id;
  }
  EXPECT_EQ(plan->state("a"), StepState::kFailed);
  EXPECT_TRUE(plan->more_to_do());  // e is independent and still running
}

TEST(PlanTest, OneFailedBranchStopsTheJoinButNotTheSibling) {
  Result<Plan> plan = Plan::Create(Diamond());
  ASSERT_TRUE(plan.ok());
  DrainReady(*plan);
  plan->StepFinished("a", StepState::kSucceeded);
  DrainReady(*plan);
  plan->StepFinished("b", StepState::kTimedOut);
  EXPECT_EQ(plan->NotRunReason("d"), "dependency b failed");
  plan->StepFinished("c", StepState::kSucceeded);  // c was already running: it finishes
  EXPECT_EQ(plan->state("c"), StepState::kSucceeded);
  EXPECT_FALSE(plan->FindWork());
}

TEST(PlanTest, CancelMarksEveryStepNotStarted) {
  Result<Plan> plan = Plan::Create(Diamond());
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->FindWork(), "a");  // e stays ready, not started
  plan->Cancel("run stopped: deadline");
  EXPECT_FALSE(plan->FindWork());
  for (const char* id : {"b", "c", "d", "e"}) {
    EXPECT_EQ(plan->NotRunReason(id), "run stopped: deadline") << id;
  }
  EXPECT_TRUE(plan->more_to_do());  // a is running
  plan->StepFinished("a", StepState::kSucceeded);
  EXPECT_EQ(plan->state("a"), StepState::kSucceeded);
  EXPECT_EQ(plan->NotRunReason("b"), "run stopped: deadline");  // not revived
  EXPECT_FALSE(plan->more_to_do());
}

TEST(PlanTest, IgnoresFinishOfStepsThatAreNotRunning) {
  Result<Plan> plan = Plan::Create(Diamond());
  ASSERT_TRUE(plan.ok());
  plan->StepFinished("b", StepState::kFailed);  // never started
  plan->StepFinished("nope", StepState::kFailed);
  EXPECT_EQ(DrainReady(*plan), (std::vector<std::string>{"a", "e"}));
  EXPECT_EQ(plan->NotRunReason("d"), "");
}

TEST(PlanTest, RejectsMalformedGraphs) {
  auto message = [](std::vector<StepSpec> specs) {
    Result<Plan> plan = Plan::Create(specs);
    EXPECT_FALSE(plan.ok());
    EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
    return plan.status().message();
  };
  EXPECT_NE(message({WithId(Asg("x"), "a", {"ghost"})}).find("\"ghost\""), std::string::npos);
  EXPECT_NE(message({WithId(Asg("x"), "a"), WithId(Asg("x"), "a")}).find("duplicate"),
            std::string::npos);
  EXPECT_NE(
      message({WithId(Asg("x"), "a", {"b"}), WithId(Asg("x"), "b", {"a"})}).find("a -> b -> a"),
      std::string::npos);
}

}  // namespace
}  // namespace drf
