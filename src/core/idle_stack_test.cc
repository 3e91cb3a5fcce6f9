#include "core/idle_stack.h"

#include <gtest/gtest.h>

#include "testing/stack_pages.h"

namespace drf {
namespace {

TEST(IdleStackTest, AWorkerGivesBackTheStackItsDeepCallsTouched) {
  size_t released = 0;
  auto [before, after] = ResidentBeforeAndAfter([&] { released = ReleaseIdleStack(); });
  EXPECT_EQ(before, 8u);  // the 32 KiB looked at, 4 KiB pages
  EXPECT_EQ(after, 0u);
  EXPECT_GE(released, 32u * 1024);
}

TEST(IdleStackTest, TheMainThreadKeepsItsStack) { EXPECT_EQ(ReleaseIdleStack(), 0u); }

}  // namespace
}  // namespace drf
