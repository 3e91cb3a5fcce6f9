// Tests of what a thread's stack keeps resident (core/idle_stack.h): a deep call to touch
// pages, and mincore to see which stayed.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <thread>
#include <utility>

namespace drf {

inline constexpr size_t kDeepCallBytes = 64 * 1024;  // how deep a call (an AWS request) goes

// Makes the kDeepCallBytes of stack below the caller's frame resident, as a deep call does,
// and returns (1).
[[gnu::noinline]] inline char CallDeeply() {
  volatile char frame[kDeepCallBytes];
  for (size_t i = 0; i < kDeepCallBytes; i += 512) frame[i] = 1;
  return frame[0];
}

// How many of the pages in [from, to) are resident (mincore); SIZE_MAX if it cannot say.
[[gnu::noinline]] inline size_t ResidentPages(uintptr_t from, uintptr_t to) {
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  from &= ~(page - 1);
  unsigned char in_core[64] = {};
  const size_t pages = (to - from) / page;
  if (pages > sizeof in_core || mincore(reinterpret_cast<void*>(from), to - from, in_core) != 0) {
    return SIZE_MAX;
  }
  size_t resident = 0;
  for (size_t i = 0; i < pages; ++i) resident += in_core[i] & 1;
  return resident;
}

// On a new thread, after a deep call: how many of the 8 pages 24-56 KiB below the thread's
// frame (well inside what the call touched, well below the margin core/idle_stack.h keeps)
// are resident, before and after `go_idle` runs there.
template <typename GoIdle>
std::pair<size_t, size_t> ResidentBeforeAndAfter(GoIdle go_idle) {
  std::pair<size_t, size_t> resident{SIZE_MAX, SIZE_MAX};
  std::thread([&] {
    volatile char here = 0;
    const uintptr_t frame = reinterpret_cast<uintptr_t>(&here);
    if (CallDeeply() != 1) return;
    resident.first = ResidentPages(frame - 56 * 1024, frame - 24 * 1024);
    go_idle();
    resident.second = ResidentPages(frame - 56 * 1024, frame - 24 * 1024);
  }).join();
  return resident;
}

}  // namespace drf
