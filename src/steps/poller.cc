#include "steps/poller.h"

#include <algorithm>
#include <string>

namespace drf {
namespace {

bool IsTransient(const Status& status) {
  return status.code() == StatusCode::kRetryable || status.code() == StatusCode::kTransport;
}

std::string Seconds(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

}  // namespace

Duration NextPollInterval(Duration current, const PollSchedule& schedule) {
  auto grown = std::chrono::duration_cast<Duration>(std::chrono::duration<double, Duration::period>(
      static_cast<double>(current.count()) * schedule.growth));
  return std::min(grown, schedule.max);
}

Poller::Poller(StepContext& ctx, StepResult& result, PollSchedule schedule)
    : ctx_(ctx), result_(result), schedule_(schedule) {}

Status Poller::StopReason(std::string_view what, MonoTime start) const {
  MonoTime now = ctx_.clock.Monotonic();
  if (now >= ctx_.deadline) {
    return Status::TimedOut("timed out after " + Seconds(now - start) + " waiting for " +
                            std::string(what));
  }
  if (ctx_.cancel.cancelled()) {
    return Status::Cancelled("cancelled while waiting for " + std::string(what));
  }
  return Status::Ok();
}

Status Poller::WaitUntil(std::string_view what, const std::function<Result<bool>()>& check) {
  const MonoTime start = ctx_.clock.Monotonic();
  Duration interval = schedule_.first;
  Status outcome;
  for (;;) {
    Result<bool> done = check();
    if (done.ok() && *done) break;
    if (!done.ok() && !IsTransient(done.status())) {
      outcome = done.status();
      break;
    }
    if (!done.ok()) {
      ctx_.log.Warn("Still waiting for " + std::string(what) +
                    " after a transient error: " + done.status().ToString());
    }
    outcome = StopReason(what, start);
    if (!outcome.ok()) break;
    // Never sleep past the deadline: the last poll happens when it is reached.
    Duration left = std::chrono::duration_cast<Duration>(ctx_.deadline - ctx_.clock.Monotonic());
    Duration sleep = std::clamp(left, Duration(0), interval);
    // SleepFor returns false only when cancelled; report that without another poll.
    if (!ctx_.clock.SleepFor(sleep, &ctx_.cancel)) {
      outcome = StopReason(what, start);
      if (!outcome.ok()) break;
    }
    interval = NextPollInterval(interval, schedule_);
  }
  result_.waiting += ctx_.clock.Monotonic() - start;
  return outcome;
}

}  // namespace drf
