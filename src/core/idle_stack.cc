#include "core/idle_stack.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace drf {

namespace {

// Kept below the current frame: the sleep's own calls (the condition variable, the futex
// system call) and a signal frame must find their pages without a fault storm.
constexpr uintptr_t kMargin = 2 * 1024;

// The lowest usable address of the calling thread's stack, 0 when unknown. Learned once
// per thread: pthread_getattr_np is cheap for threads the process started.
uintptr_t StackLow() {
  thread_local uintptr_t low = [] {
#if defined(__GLIBC__)
    if (gettid() == getpid()) return uintptr_t{0};  // the main thread's: glibc reads /proc
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return uintptr_t{0};
    void* addr = nullptr;
    size_t size = 0;
    const int rc = pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
    return rc == 0 ? reinterpret_cast<uintptr_t>(addr) : uintptr_t{0};
#else
    return uintptr_t{0};
#endif
  }();
  return low;
}

}  // namespace

size_t ReleaseIdleStack() {
  const uintptr_t low = StackLow();
  if (low == 0) return 0;
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  volatile char here = 0;  // an address in the current frame
  const uintptr_t frame = reinterpret_cast<uintptr_t>(&here);
  if (frame < low + kMargin + page) return 0;
  const uintptr_t begin = (low + page - 1) & ~(page - 1);
  const uintptr_t end = (frame - kMargin) & ~(page - 1);
  if (end <= begin) return 0;
  if (madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED) != 0) return 0;
  return end - begin;
}

}  // namespace drf
