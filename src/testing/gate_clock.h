// GateClock: a clock whose sleeps last until the test opens the gate. A coalescer's
// gathering window (services/read_coalescer.h) stays open while a test's askers arrive,
// however slowly threads start on a busy machine; then the test closes it at once.
#pragma once

#include <condition_variable>
#include <mutex>

#include "testing/fake_clock.h"

namespace drf {

class GateClock final : public Clock {
 public:
  WallTime Now() override { return inner_.Now(); }
  MonoTime Monotonic() override { return inner_.Monotonic(); }
  // Blocks until Open(), whatever `d` (then returns at once until Close()).
  bool SleepFor(Duration, const CancelToken*) override {
    std::unique_lock lock(mu_);
    opened_.wait(lock, [&] { return open_; });
    return true;
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    opened_.notify_all();
  }
  // Sleeps block again (a test's next round of askers); call once the last round's are done.
  void Close() {
    std::lock_guard lock(mu_);
    open_ = false;
  }

 private:
  FakeClock inner_;
  std::mutex mu_;
  std::condition_variable opened_;
  bool open_ = false;
};

}  // namespace drf
