#include "posix/system_clock.h"

#include <thread>

namespace drf {

bool SystemClock::SleepFor(Duration d, const CancelToken* cancel) {
  if (cancel == nullptr) {
    std::this_thread::sleep_for(d);
    return true;
  }
  if (cancel->cancelled()) return false;
  return !cancel->WaitFor(d);
}

}  // namespace drf
