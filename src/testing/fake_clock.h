// FakeClock: time moves only when someone sleeps (or the test advances it), so waits on
// AWS take no real time. Thread-safe; records every sleep for assertions.
#pragma once

#include <mutex>
#include <vector>

#include "core/clock.h"

namespace drf {

class FakeClock final : public Clock {
 public:
  // Starts at 2015-08-30T12:36:00Z (the SigV4 test-suite time) unless told otherwise.
  FakeClock();
  explicit FakeClock(WallTime start);

  WallTime Now() override;
  MonoTime Monotonic() override;
  // Advances time by `d` at once; false if `cancel` is cancelled (before or after).
  bool SleepFor(Duration d, const CancelToken* cancel = nullptr) override;

  void Advance(Duration d);
  std::vector<Duration> sleeps() const;  // every SleepFor duration, in order
  Duration total_slept() const;

 private:
  mutable std::mutex mu_;
  WallTime wall_;                 // guarded by mu_
  MonoTime mono_;                 // guarded by mu_
  std::vector<Duration> sleeps_;  // guarded by mu_
};

}  // namespace drf
