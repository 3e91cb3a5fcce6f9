#include "plan/step_selection.h"

#include <gtest/gtest.h>

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

TEST(SelectStepsTest, KeepsPlanOrderAndWaitsThroughLeftOutSteps) {
  Result<std::vector<StepSpec>> subset = SelectSteps(Chain(), {"d", "c", "a"});
  ASSERT_TRUE(subset.ok()) << subset.status().ToString();
  ASSERT_EQ(subset->size(), 3u);
  EXPECT_EQ((*subset)[0].id, "a");
  EXPECT_EQ((*subset)[0].after, Ids{});
  EXPECT_EQ((*subset)[1].id, "c");
  EXPECT_EQ((*subset)[1].after, Ids{"a"});  // through b, left out
  EXPECT_EQ((*subset)[2].id, "d");
  EXPECT_EQ((*subset)[2].after, (Ids{"a", "c"}));
}

TEST(SelectStepsTest, UnknownIdIsAnErrorListingThePlansSteps) {
  Result<std::vector<StepSpec>> subset = SelectSteps(Chain(), {"a", "ghost"});
  ASSERT_FALSE(subset.ok());
  EXPECT_EQ(subset.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(subset.status().message(), "unknown step id \"ghost\" (the plan's steps: a, b, c, d)");
}

TEST(SelectStepsTest, NoSubsetIsEveryStepAsItIs) {
  Result<std::vector<StepSpec>> all = SelectSteps(Chain(), {});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[3].id, "d");
  EXPECT_EQ((*all)[3].after, (Ids{"a", "c"}));
}

TEST(SelectStepsTest, SubsetMembersKeepEverythingButTheirDependencies) {
  std::vector<StepSpec> plan = Chain();
  plan[2].timeout = std::chrono::seconds(42);
  Result<std::vector<StepSpec>> subset = SelectSteps(plan, {"c", "a"});
  ASSERT_TRUE(subset.ok());
  ASSERT_EQ(subset->size(), 2u);
  const StepSpec& c = (*subset)[1];
  EXPECT_EQ(c.id, "c");
  EXPECT_EQ(c.after, Ids{"a"});
  EXPECT_EQ(c.kind, plan[2].kind);
  EXPECT_EQ(c.timeout, std::chrono::seconds(42));
  EXPECT_EQ(std::get<ScaleAsgSpec>(c.detail).asg_name, "x");
}

}  // namespace
}  // namespace drf
