#include "failback/failback_plan.h"

#include <gtest/gtest.h>

namespace drf {
namespace {

StepSpec FailbackPlanSpec(std::string id, std::vector<std::string> after) {
  StepSpec spec;
  spec.id = std::move(id);
  spec.after = std::move(after);
  return spec;
}

// Failover: scale the group, then register its instances, then point DNS at them.
// Failback: DNS first, then deregister, then scale down; same steps, same order.
TEST(FailbackPlanTest, EveryDependencyIsTurnedAround) {
  std::vector<StepSpec> reversed = ReverseDependencies(
      {FailbackPlanSpec("scale-asg:a", {}),
       FailbackPlanSpec("register-targets:tg", {"scale-asg:a"}),
       FailbackPlanSpec("promote-db:db", {}),
       FailbackPlanSpec("switch-dns:api", {"register-targets:tg", "promote-db:db"})});
  ASSERT_EQ(reversed.size(), 4u);
  EXPECT_EQ(reversed[0].id, "scale-asg:a");
  EXPECT_EQ(reversed[0].after, (std::vector<std::string>{"register-targets:tg"}));
  EXPECT_EQ(reversed[1].after, (std::vector<std::string>{"switch-dns:api"}));
  EXPECT_EQ(reversed[2].after, (std::vector<std::string>{"switch-dns:api"}));
  EXPECT_TRUE(reversed[3].after.empty());
}

}  // namespace
}  // namespace drf
