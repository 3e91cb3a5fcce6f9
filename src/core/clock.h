// Clock: time and sleeping, behind an interface so waits on AWS take no real time in tests
// (testing/fake_clock advances when asked to sleep). posix/system_clock is the real one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace drf {

using WallTime = std::chrono::system_clock::time_point;
using MonoTime = std::chrono::steady_clock::time_point;
using Duration = std::chrono::nanoseconds;

// Set once to stop all waiting and prevent new actions (SIGINT/SIGTERM, run deadline).
// Thread-safe.
class CancelToken {
 public:
  void Cancel();
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  // Blocks up to `d` of real time; returns early (true) when cancelled.
  bool WaitFor(Duration d) const;

 private:
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;  // notified by Cancel(); guarded by mu_
};

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time: signatures, report timestamps, Lambda deadlines.
  virtual WallTime Now() = 0;
  // Monotonic time: durations, deadlines of waits.
  virtual MonoTime Monotonic() = 0;
  // Sleeps for `d`. Returns false if `cancel` was (or became) cancelled before the full
  // duration passed. Thread-safe.
  virtual bool SleepFor(Duration d, const CancelToken* cancel = nullptr) = 0;
};

}  // namespace drf
