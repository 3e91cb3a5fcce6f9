#include "steps/capacity.h"

#include <gtest/gtest.h>

namespace drf {
namespace {

TEST(WaitsForCapacityTest, FollowsThePolicyAndNeverWaitsForNothing) {
  EXPECT_TRUE(WaitsForCapacity(CapacityWait::kYes, /*changed=*/false, 1));
  EXPECT_TRUE(WaitsForCapacity(CapacityWait::kIfChanged, /*changed=*/true, 1));
  EXPECT_FALSE(WaitsForCapacity(CapacityWait::kIfChanged, /*changed=*/false, 1));
  EXPECT_FALSE(WaitsForCapacity(CapacityWait::kNo, /*changed=*/true, 1));
  EXPECT_FALSE(WaitsForCapacity(CapacityWait::kYes, /*changed=*/true, 0));
}

TEST(ReadyCountTest, SaysHowManyOfHowMany) {
  EXPECT_EQ(ReadyCount(1, 3, kReadyInstances), "1 of 3 instances InService and Healthy");
  EXPECT_EQ(ReadyCount(0, 2, kReadyTasks), "0 of 2 tasks running");
}

}  // namespace
}  // namespace drf
