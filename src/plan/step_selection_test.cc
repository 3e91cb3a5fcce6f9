#include "plan/step_selection.h"

#include <gtest/gtest.h>

#include "testing/fake_clock.h"
#include "testing/fake_step.h"
#include "testing/test_specs.h"

namespace drf {
namespace {

using test::Asg;
using test::WithId;
using Ids = std::vector<std::string>;

// a -> b -> c, and d after a and c: a chain with a shortcut.
std::vector<StepSpec> Chain() {
  return {WithId(Asg("x"), "a"), WithId(Asg("x"), "b", {"a"}), WithId(Asg("x"), "c", {"b"}),
          WithId(Asg("x"), "d", {"a", "c"})};
}

TEST(SelectSubsetTest, KeepsPlanOrderAndWaitsThroughLeftOutSteps) {
  Result<std::vector<SelectedStep>> subset = SelectSubset(Chain(), {"d", "c", "a"});
  ASSERT_TRUE(subset.ok()) << subset.status().ToString();
  ASSERT_EQ(subset->size(), 3u);
  EXPECT_EQ((*subset)[0].id, "a");
  EXPECT_EQ((*subset)[0].after, Ids{});
  EXPECT_EQ((*subset)[1].id, "c");
  EXPECT_EQ((*subset)[1].after, Ids{"a"});  // through b, left out
  EXPECT_EQ((*subset)[2].id, "d");
  EXPECT_EQ((*subset)[2].after, (Ids{"a", "c"}));
}

TEST(SelectSubsetTest, UnknownIdIsAnErrorListingThePlansSteps) {
  Result<std::vector<SelectedStep>> subset = SelectSubset(Chain(), {"a", "ghost"});
  ASSERT_FALSE(subset.ok());
  EXPECT_EQ(subset.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(subset.status().message(), "unknown step id \"ghost\" (the plan's steps: a, b, c, d)");
}

TEST(StepSelectionTest, NoSubsetIsEveryStepAsItIs) {
  std::vector<std::unique_ptr<Step>> steps;
  for (StepSpec& spec : Chain()) {
    steps.push_back(std::make_unique<FakeStep>(spec, FakeStep::Ends(StepState::kSucceeded)));
  }
  Result<StepSelection> all = StepSelection::Select(steps, {});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->steps().size(), 4u);
  EXPECT_EQ(all->steps()[3], steps[3].get());
}

TEST(StepSelectionTest, SubsetMembersScheduleByTheRewrittenDependencies) {
  std::vector<std::unique_ptr<Step>> steps;
  for (StepSpec& spec : Chain()) {
    steps.push_back(std::make_unique<FakeStep>(spec, FakeStep::Ends(StepState::kSucceeded)));
  }
  Result<StepSelection> subset = StepSelection::Select(steps, {"c", "a"});
  ASSERT_TRUE(subset.ok());
  ASSERT_EQ(subset->steps().size(), 2u);
  Step& c = *subset->steps()[1];
  EXPECT_EQ(c.spec().id, "c");
  EXPECT_EQ(c.spec().after, Ids{"a"});
  EXPECT_EQ(c.resource(), "fake c");
  FakeClock clock;
  LoggerOptions quiet;
  quiet.min_level = LogLevel::kFatal;
  Logger log(quiet, clock);
  CancelToken cancel;
  StepContext ctx{clock, log, cancel, clock.Monotonic()};
  EXPECT_EQ(c.Run(ctx).state, StepState::kSucceeded);
  EXPECT_EQ(static_cast<FakeStep&>(*steps[2]).runs(), 1);  // the wrapped step ran
}

}  // namespace
}  // namespace drf
