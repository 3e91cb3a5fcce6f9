// The real Clock: std::chrono clocks, and sleeping that wakes up on cancellation (a long
// sleep gives back the unused part of the thread's stack first: core/idle_stack.h).
#pragma once

#include "core/clock.h"

namespace drf {

class SystemClock final : public Clock {
 public:
  WallTime Now() override { return std::chrono::system_clock::now(); }
  MonoTime Monotonic() override { return std::chrono::steady_clock::now(); }
  bool SleepFor(Duration d, const CancelToken* cancel = nullptr) override;
};

}  // namespace drf
