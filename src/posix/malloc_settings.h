// Memory: how glibc's malloc serves drfailover's threads. Both mains call these first thing,
// before any thread starts.
#pragma once

#include <optional>
#include <string>

namespace drf {

// glibc gives each new thread its own malloc arena, up to 8 per core. drfailover runs up to
// `concurrency` worker threads (64 in the scale plan) that mostly wait on the network, so
// separate arenas buy no speed but each keeps its own freed, still-resident pages. One arena
// for the whole process: peak RSS on the scale benchmark (500 services, 64 workers) 26.4 ->
// 23.3-23.8 MiB (bench/README.md, "Where the 26 MiB went"), same wall time and CPU. An operator's
// MALLOC_ARENA_MAX or GLIBC_TUNABLES=glibc.malloc.arena_max wins. No-op outside glibc.
void UseOneMallocArena();

// glibc also keeps, per thread, a cache of freed small blocks (up to 7 of each size to
// 1 KiB) that no other thread can reuse. A scale run has ~116 threads (a step has one while
// it runs or waits), so those caches held ~3.5 MB of a ~8.5 MB heap at the peak, for no
// speed a run can see: its threads wait on the network. glibc sizes the caches only from
// GLIBC_TUNABLES as the process starts, so the process restarts itself once (execv of
// /proc/self/exe, same arguments and pid) with `glibc.malloc.tcache_count=0` added, and the
// restarted process puts GLIBC_TUNABLES back as the operator had it, so hooks and other
// programs it runs see the operator's environment. An operator's own glibc.malloc.tcache_*
// setting wins (no restart); so does a failed execv (the run goes on with the caches).
// A program started by naming it to the dynamic loader (the Lambda package's launchers,
// deploy/package.sh) cannot restart that way: its launcher sets the variables instead.
// No-op outside glibc.
void RestartWithoutThreadCaches(char** argv);

// The environment variable that carries the operator's GLIBC_TUNABLES across the restart,
// and tells the restarted process that it is one.
inline constexpr const char* kMallocRestartVar = "DRF_MALLOC_RESTART";

// What RestartWithoutThreadCaches does, given GLIBC_TUNABLES and kMallocRestartVar as the
// process found them (nullopt: unset).
struct ThreadCacheStep {
  enum class Action {
    kNothing,  // the operator set the caches: leave everything as it is
    kRestart,  // set GLIBC_TUNABLES to `tunables` and kMallocRestartVar to `marker`; execv
    kRestore,  // restarted: set GLIBC_TUNABLES back to `tunables` (nullopt: unset it)
  };
  Action action = Action::kNothing;
  std::optional<std::string> tunables;
  std::string marker;
};
ThreadCacheStep DecideThreadCaches(const std::optional<std::string>& tunables,
                                   const std::optional<std::string>& marker);

}  // namespace drf
