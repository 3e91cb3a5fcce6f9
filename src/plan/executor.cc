#include "plan/executor.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>

#include "core/idle_stack.h"
#include "plan/plan.h"

namespace drf {
namespace {

// A finished step, handed from a worker to the coordinator.
struct Done {
  size_t index = 0;
  StepResult result;
  bool holds_permit = false;  // given back when the coordinator reads the result
};

// How often a step waiting to take its permit back looks at the run's cancellation.
constexpr Duration kPermitRecheck = std::chrono::milliseconds(50);

// The only state workers and the coordinator share: the jobs, the finished steps, and the
// acting permits (plan/step.h, ActingPermit): `permits` of them, one taken for each step
// started, given back while its waits sleep and when it ends.
class WorkQueue {
 public:
  explicit WorkQueue(int permits) : permits_(permits) {}

  // Whether the coordinator may start a step: a permit is free, and no step that slept is
  // waiting to take one back (those go first: new steps must not starve a started wait).
  bool PermitFree() {
    std::lock_guard<std::mutex> lock(mu_);
    return acting_ + reacquiring_ < permits_;
  }
  // Queues a step with a permit taken for it. True when every worker is busy with a step
  // or spoken for by a queued one: the caller starts another (counted here).
  bool Push(size_t index) {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(index);
    ++acting_;
    work_cv_.notify_one();
    if (jobs_.size() + busy_ <= workers_) return false;
    ++workers_;
    return true;
  }
  // The worker Push asked for could not be started (the system's thread limit): its job
  // waits for one of the others.
  void WorkerNotStarted() {
    std::lock_guard<std::mutex> lock(mu_);
    --workers_;
  }
  // Blocks until a job arrives; nullopt once closed and drained.
  std::optional<size_t> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    if (jobs_.empty() && !closed_) GoIdle(lock);
    work_cv_.wait(lock, [this] { return closed_ || !jobs_.empty(); });
    if (jobs_.empty()) return std::nullopt;
    size_t index = jobs_.front();
    jobs_.pop_front();
    ++busy_;
    return index;
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    work_cv_.notify_all();
  }
  // The worker's step has ended: it is free for the next job.
  void Finish(Done done) {
    std::lock_guard<std::mutex> lock(mu_);
    --busy_;
    done_.push_back(std::move(done));
    done_cv_.notify_one();
  }
  // Waits up to `max_wait` of real time for finished steps or a permit given back (the
  // coordinator may start a step); may return none.
  std::vector<Done> WaitForDone(Duration max_wait) {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait_for(lock, max_wait, [this] { return !done_.empty() || permit_freed_; });
    permit_freed_ = false;
    return std::exchange(done_, {});
  }

  void ReleasePermit() {
    std::lock_guard<std::mutex> lock(mu_);
    --acting_;
    permit_cv_.notify_one();
    permit_freed_ = true;
    done_cv_.notify_one();
  }
  // Blocks until a permit is free and takes it (true), or until `cancel` is cancelled.
  bool ReacquirePermit(const CancelToken& cancel) {
    std::unique_lock<std::mutex> lock(mu_);
    if (acting_ >= permits_) GoIdle(lock);
    ++reacquiring_;
    while (acting_ >= permits_ && !cancel.cancelled()) permit_cv_.wait_for(lock, kPermitRecheck);
    --reacquiring_;
    if (acting_ >= permits_) return false;
    ++acting_;
    return true;
  }

 private:
  // The calling worker is about to block for as long as other steps take: the stack its
  // AWS calls touched need not stay resident meanwhile (core/idle_stack.h).
  static void GoIdle(std::unique_lock<std::mutex>& lock) {
    lock.unlock();
    ReleaseIdleStack();
    lock.lock();
  }

  const int permits_;
  std::mutex mu_;
  std::condition_variable work_cv_;    // jobs_ grew or closed_ set
  std::condition_variable done_cv_;    // done_ grew or permit_freed_ set
  std::condition_variable permit_cv_;  // a permit was given back
  std::deque<size_t> jobs_;            // guarded by mu_
  std::vector<Done> done_;             // guarded by mu_
  bool closed_ = false;                // guarded by mu_
  size_t workers_ = 0;                 // worker threads started; guarded by mu_
  size_t busy_ = 0;                    // workers running a step; guarded by mu_
  int acting_ = 0;                     // permits held; guarded by mu_
  int reacquiring_ = 0;                // steps waiting to take theirs back; guarded by mu_
  bool permit_freed_ = false;          // since the last WaitForDone; guarded by mu_
};

// One running step's permit: taken when the step was queued, held by its worker thread.
class StepPermit final : public ActingPermit {
 public:
  explicit StepPermit(WorkQueue& queue) : queue_(queue) {}
  ~StepPermit() override { Release(); }
  // The step has ended: whether it still holds the permit, which is now the caller's.
  bool Detach() { return std::exchange(held_, false); }
  void Release() override {
    if (!held_) return;
    held_ = false;
    queue_.ReleasePermit();
  }
  void Reacquire(const CancelToken& cancel) override {
    if (!held_) held_ = queue_.ReacquirePermit(cancel);
  }

 private:
  WorkQueue& queue_;
  bool held_ = true;
};

StepResult RunGuarded(StepRunner& runner, Step& step, StepContext& ctx) {
  StepResult result;
  // A throwing step must not take the process (and every other step) down with it.
  try {
    result = runner.RunStep(step, ctx);
  } catch (const std::exception& e) {
    result.state = StepState::kFailed;
    result.error = Status::Internal(std::string("step threw: ") + e.what());
  } catch (...) {
    result.state = StepState::kFailed;
    result.error = Status::Internal("step threw a non-standard exception");
  }
  if (result.state == StepState::kPending) {
    result.state = StepState::kFailed;
    if (result.error.ok()) result.error = Status::Internal("step ended without a final state");
  }
  return result;
}

// One Run: the coordinating thread's state. Only the worker threads' bodies (WorkerLoop)
// run elsewhere, and they touch nothing but the queue, the steps, the (thread-safe)
// observers and read-only options.
class Coordinator {
 public:
  Coordinator(const ExecutorOptions& options, StepRunner& runner, Clock& clock, Logger& log,
              CancelToken& cancel, RunObserver& observer, const std::vector<Step*>& steps,
              Plan& plan)
      : options_(options),
        runner_(runner),
        clock_(clock),
        log_(log),
        cancel_(cancel),
        observer_(observer),
        steps_(steps),
        plan_(plan),
        queue_(options.concurrency) {}

  void Run();

 private:
  void WorkerLoop();
  StepResult RunObserved(Step& step, StepContext& ctx);
  MonoTime StepDeadline(const Step& step, MonoTime start) const;
  void CheckStop();
  void StartReadySteps();
  void StartWorker();
  Duration WaitTime();
  void Record(const Done& done);
  void RecordNotRun();

  const ExecutorOptions& options_;
  StepRunner& runner_;
  Clock& clock_;
  Logger& log_;
  CancelToken& cancel_;
  RunObserver& observer_;
  const std::vector<Step*>& steps_;
  Plan& plan_;
  WorkQueue queue_;
  std::vector<std::thread> workers_;     // one per running step at most
  std::map<std::string, size_t> index_;  // step id -> position in steps_
  std::vector<bool> started_;            // by position in steps_
  bool stopped_ = false;                 // deadline or cancellation seen
};

void Coordinator::WorkerLoop() {
  while (std::optional<size_t> index = queue_.Pop()) {
    Step& step = *steps_[*index];
    StepContext ctx{clock_, log_, cancel_, StepDeadline(step, clock_.Monotonic())};
    StepPermit permit(queue_);
    ctx.permit = &permit;
    StepResult result = RunObserved(step, ctx);
    // The coordinator gives the permit back as it reads the result: a step that ends makes
    // room only once the coordinator has looked at the deadline and cancellation again.
    queue_.Finish(Done{*index, std::move(result), permit.Detach()});
  }
}

StepResult Coordinator::RunObserved(Step& step, StepContext& ctx) {
  const std::string& id = step.spec().id;
  observer_.StepStarted(id, step.resource());
  ctx.waits = &observer_;
  ctx.step_id = id;
  StepResult result = RunGuarded(runner_, step, ctx);
  observer_.StepFinished(id, result);
  return result;
}

MonoTime Coordinator::StepDeadline(const Step& step, MonoTime start) const {
  MonoTime deadline = options_.deadline.value_or(MonoTime::max());
  if (step.spec().timeout) deadline = std::min(deadline, start + *step.spec().timeout);
  return deadline;
}

void Coordinator::CheckStop() {
  if (stopped_) return;
  if (options_.deadline && clock_.Monotonic() >= *options_.deadline) {
    stopped_ = true;
    observer_.RunStopped(RunStop::kDeadline);
    log_.Warn("run deadline reached: stopping waits; steps not started will not run");
    cancel_.Cancel();
    plan_.Cancel("run stopped: deadline");
  } else if (cancel_.cancelled()) {
    stopped_ = true;
    observer_.RunStopped(RunStop::kInterrupted);
    log_.Warn("run interrupted: steps not started will not run");
    plan_.Cancel("interrupted");
  }
}

// As many steps as there are free permits. A step that waits gives its permit back while it
// sleeps, so more steps may run than permits, each on its own worker thread.
void Coordinator::StartReadySteps() {
  while (queue_.PermitFree()) {
    std::optional<std::string> id = plan_.FindWork();
    if (!id) return;
    log_.Debug("starting step " + *id);
    size_t index = index_.at(*id);
    started_[index] = true;
    if (queue_.Push(index)) StartWorker();
  }
}

// A run with hundreds of steps waiting at once has as many threads. Where the system allows
// no more (a Lambda's 1,024), the step waits for a worker that ends its step instead.
void Coordinator::StartWorker() {
  try {
    workers_.emplace_back([this] { WorkerLoop(); });
  } catch (const std::system_error& e) {
    queue_.WorkerNotStarted();
    if (workers_.empty()) throw;  // no worker at all: nothing could run
    log_.Warn(std::string("could not start another worker thread (") + e.what() +
              "); the step starts when a running one ends");
  }
}

Duration Coordinator::WaitTime() {
  Duration wait = options_.poll_interval;
  if (options_.deadline) {
    wait = std::clamp<Duration>(*options_.deadline - clock_.Monotonic(), Duration(0), wait);
  }
  return wait;
}

void Coordinator::Record(const Done& done) {
  if (done.holds_permit) queue_.ReleasePermit();
  const std::string& id = steps_[done.index]->spec().id;
  const StepResult& result = done.result;
  plan_.StepFinished(id, result.state);
  std::string line = "step " + id + " " + std::string(StepStateName(result.state));
  if (StepStateOk(result.state)) {
    log_.Debug(line + ": " + result.summary);
  } else {
    log_.Error(line + ": " + result.error.ToString());
  }
}

void Coordinator::RecordNotRun() {
  for (size_t i = 0; i < steps_.size(); ++i) {
    if (started_[i]) continue;
    const std::string& id = steps_[i]->spec().id;
    StepResult result;
    result.state = StepState::kNotRun;
    result.summary = plan_.NotRunReason(id);
    log_.Warn("step " + id + " not run: " + result.summary);
    observer_.StepFinished(id, result);
  }
}

void Coordinator::Run() {
  for (size_t i = 0; i < steps_.size(); ++i) index_[steps_[i]->spec().id] = i;
  started_.assign(steps_.size(), false);
  observer_.RunStarted(steps_);
  while (true) {
    CheckStop();
    StartReadySteps();
    if (plan_.running() == 0) break;
    for (const Done& done : queue_.WaitForDone(WaitTime())) Record(done);
  }
  queue_.Close();
  for (std::thread& worker : workers_) worker.join();
  RecordNotRun();
  observer_.RunFinished();
}

}  // namespace

StepResult DryRunRunner::RunStep(Step& step, StepContext& ctx) {
  StepResult result = step.Preview(ctx);
  if (result.state == StepState::kPending) result.state = StepState::kSucceeded;
  return result;
}

Executor::Executor(ExecutorOptions options, StepRunner& runner, Clock& clock, Logger& log,
                   CancelToken& cancel, RunObserver* observer)
    : options_(options),
      runner_(runner),
      clock_(clock),
      log_(log),
      cancel_(cancel),
      observer_(observer) {
  options_.concurrency = std::max(options_.concurrency, 1);
}

Result<RunRecord> Executor::Run(const std::vector<Step*>& steps) {
  // The specs are copied only to build the graph, and dropped before the steps run: kept
  // for the whole run, the copy of the scale plan's 651 steps held 0.59 MB of heap
  // throughout (heaptrack); dropping it: peak RSS on the scale benchmark 23.6 -> 23.2 MiB
  // (with one malloc arena, posix/malloc_settings.h).
  DRF_ASSIGN_OR_RETURN(Plan plan, [&steps] {
    std::vector<StepSpec> specs;
    specs.reserve(steps.size());
    for (const Step* step : steps) specs.push_back(step->spec());
    return Plan::Create(specs);
  }());
  RunRecorder record(clock_);
  RunObservers observers({&record, observer_});
  Coordinator coordinator(options_, runner_, clock_, log_, cancel_, observers, steps, plan);
  coordinator.Run();
  return record.Take();
}

}  // namespace drf
