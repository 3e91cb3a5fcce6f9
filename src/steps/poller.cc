#include "steps/poller.h"

#include <algorithm>
#include <string>

#include "aws/retry.h"

namespace drf {
namespace {

std::string Seconds(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

std::string Millis(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

// Sleeps between a wait's polls without the step's acting permit: a step waiting for AWS
// does not count against the run's concurrency (plan/step.h, ActingPermit). Back-offs after
// transient errors keep it: they pace calls, and giving it up would send more of them.
bool SleepWithoutPermit(StepContext& ctx, Duration sleep) {
  if (ctx.permit != nullptr) ctx.permit->Release();
  const bool slept = ctx.clock.SleepFor(sleep, &ctx.cancel);
  if (ctx.permit != nullptr) ctx.permit->Reacquire(ctx.cancel);
  return slept;
}

// An error of a call that must not be repeated blindly (its caller resolves it).
bool FromNonIdempotentCall(const Status& status) {
  const AwsErrorInfo* aws = status.aws();
  return aws != nullptr && !IsIdempotentOperation(aws->service, aws->operation);
}

// The message of a failed wait, with what was last seen and (read now) the evidence.
Status Explained(const Status& failure, const WaitProgress& last, const WaitSpec& wait) {
  std::string extra;
  if (!last.seen.empty()) extra += ": " + last.seen;
  if (wait.evidence) {
    std::string evidence = wait.evidence();
    if (!evidence.empty()) extra += "; " + evidence;
  }
  if (extra.empty()) return failure;
  return failure.code() == StatusCode::kTimedOut ? Status::TimedOut(failure.message() + extra)
                                                 : Status::Stalled(failure.message() + extra);
}

std::string_view OutcomeName(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return "done";
    case StatusCode::kStalled:
      return "stalled";
    case StatusCode::kTimedOut:
      return "timed_out";
    case StatusCode::kCancelled:
      return "cancelled";
    default:
      return "failed";
  }
}

}  // namespace

bool IsTransient(const Status& status) {
  return status.code() == StatusCode::kRetryable || status.code() == StatusCode::kTransport;
}

std::string FormatElapsed(Duration d) {
  const long long total = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  char buffer[32];
  if (total < 60) {
    std::snprintf(buffer, sizeof(buffer), "%llds", total);
  } else if (total < 3600) {
    std::snprintf(buffer, sizeof(buffer), "%lldm%02llds", total / 60, total % 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%lldh%02lldm", total / 3600, total % 3600 / 60);
  }
  return buffer;
}

Duration NextPollInterval(Duration current, const PollSchedule& schedule) {
  auto grown = std::chrono::duration_cast<Duration>(std::chrono::duration<double, Duration::period>(
      static_cast<double>(current.count()) * schedule.growth));
  return std::min(grown, schedule.max);
}

Duration Poller::UntilRound(Duration interval) const {
  const Duration round = schedule_.round;
  if (round <= Duration::zero()) return interval;
  const Duration wake = (ctx_.clock.Monotonic() + interval).time_since_epoch();
  const Duration past = wake % round;
  return past == Duration::zero() ? interval : interval + (round - past);
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
  return WaitLoop(what, [&]() -> Result<WaitProgress> {
    Result<bool> done = check();
    if (!done.ok()) return done.status();
    return WaitProgress{*done, "", 0};
  });
}

Status Poller::Wait(const WaitSpec& wait) {
  const MonoTime start = ctx_.clock.Monotonic();
  MonoTime logged = start;
  std::optional<WaitProgress> best;  // the highest measure seen, and when
  MonoTime moved = start;
  std::optional<MonoTime> stalls_at;  // when the stall rule ends the wait, if it has one
  WaitProgress last;
  Status outcome = WaitLoop(
      wait.what,
      [&]() -> Result<WaitProgress> {
        Result<WaitProgress> now = wait.check();
        if (!now.ok()) return now.status();
        last = *now;
        const MonoTime at = ctx_.clock.Monotonic();
        if (!best || now->measure > best->measure) {
          best = *now;
          moved = at;
          if (wait.stall_after > Duration(0)) stalls_at = moved + wait.stall_after;
        }
        std::string line = wait.what + (now->seen.empty() ? "" : ": " + now->seen);
        if (ctx_.waits != nullptr) ctx_.waits->StepWaiting(ctx_.step_id, line);
        if (now->done) return *now;
        if (at - logged >= kWaitLogInterval) {
          ctx_.log.Info("Waiting for " + line + " (" + FormatElapsed(at - start) + ")");
          logged = at;
        }
        if (wait.stall_after > Duration(0) && at - moved >= wait.stall_after) {
          return Status::Stalled("no progress for " + FormatElapsed(at - moved) + " waiting for " +
                                 wait.what);
        }
        return *now;
      },
      wait.poll_at_once, &stalls_at);
  if (outcome.code() == StatusCode::kStalled || outcome.code() == StatusCode::kTimedOut) {
    outcome = Explained(outcome, last, wait);
  }
  result_.wait = {
      {"for", wait.what},
      {"seen", last.seen},
      {"seconds", std::chrono::duration<double>(ctx_.clock.Monotonic() - start).count()},
      {"outcome", OutcomeName(outcome)}};
  return outcome;
}

Status Poller::WaitLoop(std::string_view what, const std::function<Result<WaitProgress>()>& check,
                        bool poll_at_once, const std::optional<MonoTime>* poll_by) {
  const MonoTime start = ctx_.clock.Monotonic();
  Duration interval = schedule_.first;
  Status outcome;
  std::optional<MonoTime> failing_since;  // the first of the current run of transient errors
  for (bool poll = poll_at_once;; poll = true) {
    if (poll) {
      Result<WaitProgress> done = check();
      if (done.ok() && done->done) break;
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
    }
    outcome = StopReason(what, start);
    if (!outcome.ok()) break;
    // Never sleep past the deadline or the stall limit: the last poll happens when it is
    // reached.
    MonoTime until = ctx_.deadline;
    if (poll_by != nullptr && poll_by->has_value()) until = std::min(until, **poll_by);
    Duration left = std::chrono::duration_cast<Duration>(until - ctx_.clock.Monotonic());
    Duration sleep = std::clamp(left, Duration(0), UntilRound(interval));
    // SleepFor returns false only when cancelled; report that without another poll.
    if (!SleepWithoutPermit(ctx_, sleep)) {
      outcome = StopReason(what, start);
      if (!outcome.ok()) break;
    }
    interval = NextPollInterval(interval, schedule_);
  }
  result_.waiting += ctx_.clock.Monotonic() - start;
  return outcome;
}

}  // namespace drf
