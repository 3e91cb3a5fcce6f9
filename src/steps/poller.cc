#include "steps/poller.h"

#include <algorithm>
#include <string>

#include "aws/retry.h"

namespace drf {
namespace {

bool IsTransient(const Status& status) {
  return status.code() == StatusCode::kRetryable || status.code() == StatusCode::kTransport;
}

std::string Seconds(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

std::string Millis(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

// An error of a call that must not be repeated blindly (its caller resolves it).
bool FromNonIdempotentCall(const Status& status) {
  const AwsErrorInfo* aws = status.aws();
  return aws != nullptr && !IsIdempotentOperation(aws->service, aws->operation);
}

}  // namespace

Duration NextPollInterval(Duration current, const PollSchedule& schedule) {
  auto grown = std::chrono::duration_cast<Duration>(std::chrono::duration<double, Duration::period>(
      static_cast<double>(current.count()) * schedule.growth));
  return std::min(grown, schedule.max);
}

Poller::Poller(StepContext& ctx, StepResult& result, PollSchedule schedule)
    : ctx_(ctx), result_(result), schedule_(schedule) {}

std::optional<Status> Poller::RetryAct(const Status& status, Duration& interval,
                                       MonoTime failing_since) {
  if (status.ok() || !IsTransient(status) || FromNonIdempotentCall(status)) return Status::Ok();
  if (Status limit = TransientLimit(status, failing_since); !limit.ok()) return limit;
  Status slept = SleepBeforeRetry(status, interval);
  if (!slept.ok()) return slept;
  return std::nullopt;
}

Status Poller::TransientLimit(const Status& failure, MonoTime failing_since) const {
  const Duration failing = ctx_.clock.Monotonic() - failing_since;
  if (failing < kTransientFailureLimit) return Status::Ok();
  return failure.WithContext("still failing after " + Seconds(failing) + " of transient errors");
}

Status Poller::BackOff(const Status& failure, Duration& interval) {
  const MonoTime start = ctx_.clock.Monotonic();
  Status slept = SleepBeforeRetry(failure, interval);
  result_.acting += ctx_.clock.Monotonic() - start;
  return slept;
}

Status Poller::SleepBeforeRetry(const Status& failure, Duration& interval) {
  const Duration left =
      std::chrono::duration_cast<Duration>(ctx_.deadline - ctx_.clock.Monotonic());
  if (left <= Duration(0)) return failure.WithContext("still failing at the step deadline");
  const Duration sleep = std::min(left, interval);
  ctx_.log.Warn("Transient error, trying again in " + Millis(sleep) + ": " + failure.ToString());
  if (!ctx_.clock.SleepFor(sleep, &ctx_.cancel)) {
    // The run deadline cancels the run too: say which stopped us.
    if (ctx_.clock.Monotonic() >= ctx_.deadline) {
      return failure.WithContext("still failing at the step deadline");
    }
    return Status::Cancelled("cancelled while waiting to try again after: " + failure.message());
  }
  interval = NextPollInterval(interval, schedule_);
  return Status::Ok();
}

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
  std::optional<MonoTime> failing_since;  // the first of the current run of transient errors
  for (;;) {
    Result<bool> done = check();
    if (done.ok() && *done) break;
    if (!done.ok() && !IsTransient(done.status())) {
      outcome = done.status();
      break;
    }
    if (done.ok()) failing_since.reset();
    if (!done.ok()) {
      if (!failing_since) failing_since = ctx_.clock.Monotonic();
      outcome = TransientLimit(done.status(), *failing_since);
      if (!outcome.ok()) break;
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
