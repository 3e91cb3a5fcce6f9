#include "posix/malloc_settings.h"

#include <gtest/gtest.h>

namespace drf {
namespace {

using Action = ThreadCacheStep::Action;

TEST(DecideThreadCachesTest, WithoutTunablesRestartsWithTheCachesOffAndRemembersThereWereNone) {
  ThreadCacheStep step = DecideThreadCaches(std::nullopt, std::nullopt);
  EXPECT_EQ(step.action, Action::kRestart);
  EXPECT_EQ(step.tunables, "glibc.malloc.tcache_count=0");
  // The restarted process, seeing that marker, unsets GLIBC_TUNABLES again.
  ThreadCacheStep restored = DecideThreadCaches(step.tunables, step.marker);
  EXPECT_EQ(restored.action, Action::kRestore);
  EXPECT_EQ(restored.tunables, std::nullopt);
}

TEST(DecideThreadCachesTest, KeepsTheOperatorsTunablesAndGivesThemBackAfterTheRestart) {
  const std::string operators = "glibc.malloc.mmap_threshold=65536";
  ThreadCacheStep step = DecideThreadCaches(operators, std::nullopt);
  EXPECT_EQ(step.action, Action::kRestart);
  EXPECT_EQ(step.tunables, operators + ":glibc.malloc.tcache_count=0");
  ThreadCacheStep restored = DecideThreadCaches(step.tunables, step.marker);
  EXPECT_EQ(restored.action, Action::kRestore);
  EXPECT_EQ(restored.tunables, operators);
}

TEST(DecideThreadCachesTest, AnEmptyTunablesVariableComesBackEmptyNotUnset) {
  ThreadCacheStep step = DecideThreadCaches(std::string(), std::nullopt);
  EXPECT_EQ(step.tunables, "glibc.malloc.tcache_count=0");
  EXPECT_EQ(DecideThreadCaches(step.tunables, step.marker).tunables, std::string());
}

TEST(DecideThreadCachesTest, TheOperatorsOwnThreadCacheSettingWinsAndNothingRestarts) {
  EXPECT_EQ(DecideThreadCaches("glibc.malloc.tcache_count=7", std::nullopt).action,
            Action::kNothing);
  EXPECT_EQ(DecideThreadCaches("glibc.malloc.arena_max=2:glibc.malloc.tcache_max=64", std::nullopt)
                .action,
            Action::kNothing);
}

TEST(DecideThreadCachesTest, ARestartedProcessNeverRestartsAgain) {
  // Whatever the marker holds, a process that has it restores and goes on.
  for (const char* marker : {"-", "=", "=x=1", "not ours"}) {
    EXPECT_EQ(DecideThreadCaches("glibc.malloc.tcache_count=0", std::string(marker)).action,
              Action::kRestore)
        << marker;
  }
  // A marker that is not ours leaves GLIBC_TUNABLES as it is.
  EXPECT_EQ(DecideThreadCaches("glibc.malloc.arena_max=1", std::string("yes")).tunables,
            "glibc.malloc.arena_max=1");
}

}  // namespace
}  // namespace drf
