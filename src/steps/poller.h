// Poller: the one way steps wait for AWS to converge. It polls adaptively (about 1 s at
// first, growing by half each time to at most 10 s) because recovery time is what a
// failover is judged by: the original's fixed 30 s waiter wasted up to 30 s per wait, and its
// 30-minute budget outlived the Lambda. Every sleep goes through Clock::SleepFor with the
// run's CancelToken, so a signal or the run deadline stops a wait at once, and FakeClock
// makes waits instant in tests.
//
// It also keeps the step's books: time inside Act() is "acting" (inspect and act calls),
// time inside WaitUntil() is "waiting" (polls and sleeps while AWS converges).
#pragma once

#include <chrono>
#include <functional>
#include <string_view>
#include <utility>

#include "core/result.h"
#include "plan/step.h"

namespace drf {

struct PollSchedule {
  Duration first = std::chrono::seconds(1);  // the first sleep, after the immediate first poll
  double growth = 1.5;                       // each sleep is this much longer than the last
  Duration max = std::chrono::seconds(10);   // no sleep is longer than this
};

// The sleep that follows one of `current` length.
Duration NextPollInterval(Duration current, const PollSchedule& schedule);

class Poller {
 public:
  // `ctx` and `result` must outlive the poller; `result` receives the time accounting.
  Poller(StepContext& ctx, StepResult& result, PollSchedule schedule = {});

  // Runs `fn` (an inspect or act call) and adds its duration to result.acting.
  template <typename Fn>
  auto Act(Fn&& fn) {
    MonoTime start = ctx_.clock.Monotonic();
    auto out = std::forward<Fn>(fn)();
    result_.acting += ctx_.clock.Monotonic() - start;
    return out;
  }

  // Polls `check` at once and then after each interval of the schedule until:
  //  - it returns true: OK;
  //  - it returns an error that is not transient: that error (a transient one, Retryable
  //    or Transport, that survived the client's own retries, is only logged: one throttled
  //    poll must not abort a failover that is otherwise converging);
  //  - the step deadline passes: TimedOut("timed out after <t> waiting for <what>");
  //  - ctx.cancel is set: Cancelled("cancelled while waiting for <what>"), or TimedOut
  //    when the deadline has passed too (the run deadline cancels the run as well).
  // Sleeps never overshoot the deadline; a last poll is made when it is reached. All the
  // time spent here is added to result.waiting.
  Status WaitUntil(std::string_view what, const std::function<Result<bool>()>& check);

 private:
  // Why polling cannot go on (deadline or cancel), or OK to keep polling.
  Status StopReason(std::string_view what, MonoTime start) const;

  StepContext& ctx_;
  StepResult& result_;
  PollSchedule schedule_;
};

}  // namespace drf
