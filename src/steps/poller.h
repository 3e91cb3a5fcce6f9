// Poller: the one way steps wait for AWS to converge. It polls adaptively (about 1 s at
// first, growing by half each time to at most 10 s; the promotion closer, see
// kPromotionPollSchedule) because recovery time is what a failover is judged by: the
// original's fixed 30 s waiter wasted up to 30 s per wait, and its 30-minute budget
// outlived the Lambda. Every sleep goes through Clock::SleepFor with the
// run's CancelToken, so a signal or the run deadline stops a wait at once, and FakeClock
// makes waits instant in tests.
//
// It also keeps the step's books: time inside Act() is "acting" (inspect and act calls,
// and their step-level retries), time inside WaitUntil() is "waiting" (polls and sleeps
// while AWS converges).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/result.h"
#include "plan/step.h"

namespace drf {

namespace poller_internal {
// Whether Act can see an error in what `fn` returns (Status or Result<T>).
template <typename T>
struct CarriesStatus : std::false_type {};
template <>
struct CarriesStatus<Status> : std::true_type {};
template <typename T>
struct CarriesStatus<Result<T>> : std::true_type {};
}  // namespace poller_internal

struct PollSchedule {
  Duration first = std::chrono::seconds(1);  // the first sleep, after the first poll
  double growth = 1.5;                       // each sleep is this much longer than the last
  Duration max = std::chrono::seconds(10);   // no sleep is longer than this
  // A wait's polls land on multiples of this much monotonic time (each sleep stretched by
  // less than one round), so the polls of steps waiting at the same time fall together and
  // share their reads (services/shared_reads.h). Zero: every poll exactly on schedule.
  Duration round = std::chrono::milliseconds(100);
};

// The schedule of the waits for the database promotion (not of its step-level retries,
// which keep the defaults). The promotion is usually what a failover waits for last, so
// it is watched closely: 100 ms, then each sleep 3 % longer, to at most 10 s (reached after
// about 5.5 minutes). A convergence is then seen within about 3 % of its duration (a 3 s
// promotion at ~3.05 s instead of ~4.75 s with the defaults; a 5-minute one about 4.5 s
// late on average rather than 7.5 s at 5 %), for about 150 DescribeDBInstances in 5 minutes
// instead of ~35: harmless for one instance. Waits on many resources at once (ASGs, ECS
// services) keep the defaults, whose polls stay far below the APIs' request rate limits.
// bench/README.md has the measurements. Its reads are its own: no rounds.
inline constexpr PollSchedule kPromotionPollSchedule{std::chrono::milliseconds(100), 1.03,
                                                     std::chrono::seconds(10), Duration::zero()};

// How long Act and WaitUntil go on through transient errors only (every call failing with
// throttling, 5xx or no connection) before giving up, when no deadline comes sooner. A
// throttling burst lasts seconds; an API failing for minutes is an outage the operator
// must hear about, and a run without a deadline (the CLI's default) must still end. Every
// step is safe to run again, so the next run resumes.
inline constexpr Duration kTransientFailureLimit = std::chrono::minutes(5);

// How often a wait that is still open says so in the log ("INFO: Waiting for ECS service
// dr/kafka: 0 of 3 tasks running (2m10s)"), so a run without a terminal is never silent.
inline constexpr Duration kWaitLogInterval = std::chrono::seconds(30);

// One poll's reading of a wait.
struct WaitProgress {
  bool done = false;
  std::string seen;       // what was measured, for people: "0 of 3 tasks running"
  long long measure = 0;  // grows as the wait nears its end (tasks running, statuses seen)
};

// A bounded, observable wait (Poller::Wait).
struct WaitSpec {
  std::string what;                             // "ECS service dr/kafka"
  std::function<Result<WaitProgress>()> check;  // one poll
  // The stall rule: when `measure` has not risen above its highest value for this long,
  // the wait fails (Stalled). Zero: no stall rule (the deadline still bounds the wait).
  Duration stall_after{0};
  // Read once when the wait stalls or times out: the best evidence AWS offers of why
  // ("latest events: ...; stopped tasks: ..."). May be empty; must not throw.
  std::function<std::string()> evidence;
  // False: the first poll comes after the schedule's first sleep, not at once. For a wait
  // that starts right after raising a desired capacity: instances and tasks take seconds
  // to start, so a poll at once cannot see them, and with hundreds of steps those polls
  // are hundreds of calls at the busiest moment of the run.
  bool poll_at_once = true;
};

// The step's stall limit (FinalizePlan always sets one; zero, no stall rule, otherwise).
inline Duration StallLimit(const StepSpec& spec) {
  return spec.stall_after ? std::chrono::duration_cast<Duration>(*spec.stall_after) : Duration(0);
}

// An error that may pass when the call is made again a moment later (Retryable or
// Transport: throttling, 5xx, no connection), even after the client's own retries.
bool IsTransient(const Status& status);

// "45s", "2m10s", "1h05m": how long a wait has lasted, for log lines and messages.
std::string FormatElapsed(Duration d);

// The sleep that follows one of `current` length.
Duration NextPollInterval(Duration current, const PollSchedule& schedule);

class Poller {
 public:
  // `ctx` and `result` must outlive the poller; `result` receives the time accounting.
  Poller(StepContext& ctx, StepResult& result, PollSchedule schedule = {});

  // Runs `fn` (an inspect or act call returning Status or Result<T>) and adds its duration
  // to result.acting. A transient error (Retryable or Transport) that survived the
  // client's own retries is logged and `fn` runs again after the schedule's intervals
  // (slept through Clock::SleepFor with ctx.cancel), until it succeeds or fails otherwise,
  // the step deadline passes (the last error is returned, saying so) or the run is
  // cancelled (Cancelled). A burst of throttling must not fail a step that can converge.
  // Never re-run: an error of a non-idempotent AWS operation (IsIdempotentOperation, e.g.
  // PromoteReadReplica), returned at once for its caller to resolve; `fn` must be safe to
  // run again otherwise (inspections, absolute settings, RegisterTargets).
  template <typename Fn>
  auto Act(Fn&& fn) {
    const MonoTime start = ctx_.clock.Monotonic();
    Duration interval = schedule_.first;
    for (;;) {
      auto out = fn();
      using Out = decltype(out);
      if constexpr (poller_internal::CarriesStatus<Out>::value) {
        std::optional<Status> done = RetryAct(StatusOf(out), interval, start);
        if (!done) continue;  // slept: run it again
        result_.acting += ctx_.clock.Monotonic() - start;
        if (done->ok()) return out;
        return Out(*std::move(done));
      } else {
        result_.acting += ctx_.clock.Monotonic() - start;
        return out;
      }
    }
  }

  // Sleeps before a failed call is tried again: `interval` (then grown by the schedule for
  // next time), or what is left until the deadline. OK when slept; otherwise why not:
  // `failure` saying "still failing at the step deadline", or Cancelled. The time slept is
  // added to result.acting. For callers that retry by themselves (a non-idempotent call
  // AWS is known not to have acted on); `first_interval()` is where `interval` starts.
  Status BackOff(const Status& failure, Duration& interval);
  Duration first_interval() const { return schedule_.first; }

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

  // WaitUntil with the facts people need: every poll tells ctx.waits what was seen; every
  // kWaitLogInterval an INFO line says what is still awaited; the stall rule ends a wait
  // that no longer moves (Stalled: "no progress for <t> waiting for <what>: <seen>;
  // <evidence>"); a timeout's message carries what was seen and the evidence too. The
  // result's `wait` records the outcome.
  Status Wait(const WaitSpec& wait);

 private:
  static const Status& StatusOf(const Status& status) { return status; }
  template <typename T>
  static const Status& StatusOf(const Result<T>& result) {
    return result.status();
  }
  // After one Act attempt: nullopt when it should run again (the backoff was slept and
  // `interval` grown); OK to return the attempt's outcome as it is; or the error to return
  // instead (the deadline passed, or the run was cancelled while waiting to retry).
  // `failing_since`: when the first attempt was made (kTransientFailureLimit).
  std::optional<Status> RetryAct(const Status& status, Duration& interval, MonoTime failing_since);
  // The error to give up with once transient errors have lasted kTransientFailureLimit
  // since `failing_since`; OK before that.
  Status TransientLimit(const Status& failure, MonoTime failing_since) const;
  // BackOff without the time accounting (Act accounts for its whole duration).
  Status SleepBeforeRetry(const Status& failure, Duration& interval);
  // WaitUntil's loop over polls that say how far the wait has come (the first after the
  // first sleep unless `poll_at_once`). No sleep goes past the step deadline or `*poll_by`
  // (when set: the moment the stall rule would end the wait, which `check` keeps current),
  // so a wait ends by either when it is reached, not up to a poll interval later.
  Status WaitLoop(std::string_view what, const std::function<Result<WaitProgress>()>& check,
                  bool poll_at_once = true, const std::optional<MonoTime>* poll_by = nullptr);
  // `interval`, stretched so the poll after it lands on the schedule's next round.
  Duration UntilRound(Duration interval) const;
  // Why polling cannot go on (deadline or cancel), or OK to keep polling.
  Status StopReason(std::string_view what, MonoTime start) const;

  StepContext& ctx_;
  StepResult& result_;
  PollSchedule schedule_;
};

}  // namespace drf
