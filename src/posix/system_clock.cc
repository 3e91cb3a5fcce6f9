#include "posix/system_clock.h"

#include <thread>

#include "core/idle_stack.h"

namespace drf {

namespace {
// A sleep at least this long first gives back the unused part of the thread's stack
// (core/idle_stack.h): the waits' sleeps between polls (a second or more), not the short
// pauses of a rate limiter, where the page faults after would cost more than they save.
constexpr Duration kIdleSleep = std::chrono::milliseconds(200);
}  // namespace

bool SystemClock::SleepFor(Duration d, const CancelToken* cancel) {
  if (d >= kIdleSleep) ReleaseIdleStack();
  if (cancel == nullptr) {
    std::this_thread::sleep_for(d);
    return true;
  }
  if (cancel->cancelled()) return false;
  return !cancel->WaitFor(d);
}

}  // namespace drf
