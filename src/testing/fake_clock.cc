#include "testing/fake_clock.h"

namespace drf {

FakeClock::FakeClock() : FakeClock(WallTime(std::chrono::seconds(1440938160))) {}

FakeClock::FakeClock(WallTime start) : wall_(start), mono_(MonoTime(std::chrono::hours(1))) {}

WallTime FakeClock::Now() {
  std::lock_guard<std::mutex> lock(mu_);
  return wall_;
}

MonoTime FakeClock::Monotonic() {
  std::lock_guard<std::mutex> lock(mu_);
  return mono_;
}

bool FakeClock::SleepFor(Duration d, const CancelToken* cancel) {
  if (cancel != nullptr && cancel->cancelled()) return false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sleeps_.push_back(d);
    wall_ += std::chrono::duration_cast<WallTime::duration>(d);
    mono_ += d;
  }
  return cancel == nullptr || !cancel->cancelled();
}

void FakeClock::Advance(Duration d) {
  std::lock_guard<std::mutex> lock(mu_);
  wall_ += std::chrono::duration_cast<WallTime::duration>(d);
  mono_ += d;
}

std::vector<Duration> FakeClock::sleeps() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sleeps_;
}

Duration FakeClock::total_slept() const {
  std::lock_guard<std::mutex> lock(mu_);
  Duration total{0};
  for (auto d : sleeps_) total += d;
  return total;
}

}  // namespace drf
