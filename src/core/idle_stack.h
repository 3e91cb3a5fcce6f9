// Memory: a thread about to sleep gives back the pages of its stack it is not using.
#pragma once

#include <cstddef>

namespace drf {

// A run of hundreds of steps has as many worker threads, most of them waiting at any moment.
// Each made AWS calls (libcurl, OpenSSL, the parsers) and so touched 20-28 KiB of stack,
// which stays resident while it waits: 2.9 MiB on the scale benchmark's 116 threads, 1.9 MiB
// once the idle ones keep 8 KiB (bench/README.md). Tells the kernel that the part of the
// calling thread's stack below its current frame, less a margin for the wait's own calls,
// holds nothing (madvise MADV_DONTNEED: private anonymous pages, read back as zeros if
// touched again, at the cost of a page fault per page at the next deep call). The idea is
// folly's MemoryIdler. Called by a worker about to block for long: a sleep between polls
// (posix/system_clock.cc), waiting for an acting permit or for a step to run
// (plan/executor.cc), waiting for a batch read another step's call is making
// (services/read_coalescer.h). Returns the bytes given back; 0 for the main thread (its stack
// bounds are not cheap to learn and it runs no step) and where unsupported.
size_t ReleaseIdleStack();

}  // namespace drf
