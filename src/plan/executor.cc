#include "plan/executor.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "plan/plan.h"

namespace drf {
namespace {

// A finished step, handed from a worker to the coordinator.
struct Done {
  size_t index = 0;
  StepResult result;
  WallTime started_at{}, finished_at{};
  MonoTime started{}, finished{};
};

// The only state workers and the coordinator share.
class WorkQueue {
 public:
  void Push(size_t index) {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(index);
    work_cv_.notify_one();
  }
  // Blocks until a job arrives; nullopt once closed and drained.
  std::optional<size_t> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    work_cv_.wait(lock, [this] { return closed_ || !jobs_.empty(); });
    if (jobs_.empty()) return std::nullopt;
    size_t index = jobs_.front();
    jobs_.pop_front();
    return index;
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    work_cv_.notify_all();
  }
  void Finish(Done done) {
    std::lock_guard<std::mutex> lock(mu_);
    done_.push_back(std::move(done));
    done_cv_.notify_one();
  }
  // Waits up to `max_wait` of real time for finished steps; may return none.
  std::vector<Done> WaitForDone(Duration max_wait) {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait_for(lock, max_wait, [this] { return !done_.empty(); });
    return std::exchange(done_, {});
  }

 private:
  std::mutex mu_;
  std::condition_variable work_cv_;  // jobs_ grew or closed_ set
  std::condition_variable done_cv_;  // done_ grew
  std::deque<size_t> jobs_;          // guarded by mu_
  std::vector<Done> done_;           // guarded by mu_
  bool closed_ = false;              // guarded by mu_
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
// observer and read-only options.
class Coordinator {
 public:
  Coordinator(const ExecutorOptions& options, StepRunner& runner, Clock& clock, Logger& log,
              CancelToken& cancel, RunObserver* observer, const std::vector<Step*>& steps,
              Plan& plan)
      : options_(options),
        runner_(runner),
        clock_(clock),
        log_(log),
        cancel_(cancel),
        observer_(observer),
        steps_(steps),
        plan_(plan) {}

  RunRecord Run();

 private:
  void WorkerLoop();
  StepResult RunObserved(Step& step, StepContext& ctx);
  MonoTime StepDeadline(const Step& step, MonoTime start) const;
  void CheckStop();
  void StartReadySteps();
  Duration WaitTime();
  void Record(Done& done);
  void RecordNotRun();

  const ExecutorOptions& options_;
  StepRunner& runner_;
  Clock& clock_;
  Logger& log_;
  CancelToken& cancel_;
  RunObserver* observer_;  // may be null
  const std::vector<Step*>& steps_;
  Plan& plan_;
  WorkQueue queue_;
  std::map<std::string, size_t> index_;  // step id -> position in steps_
  RunRecord record_;
  MonoTime run_start_{};
  bool stopped_ = false;  // deadline or cancellation seen
};

void Coordinator::WorkerLoop() {
  while (std::optional<size_t> index = queue_.Pop()) {
    Step& step = *steps_[*index];
    Done done;
    done.index = *index;
    done.started_at = clock_.Now();
    done.started = clock_.Monotonic();
    StepContext ctx{clock_, log_, cancel_, StepDeadline(step, done.started)};
    done.result = RunObserved(step, ctx);
    done.finished_at = clock_.Now();
    done.finished = clock_.Monotonic();
    queue_.Finish(std::move(done));
  }
}

StepResult Coordinator::RunObserved(Step& step, StepContext& ctx) {
  if (observer_ == nullptr) return RunGuarded(runner_, step, ctx);
  const std::string& id = step.spec().id;
  observer_->StepStarted(id, step.resource());
  ctx.waits = observer_;
  ctx.step_id = id;
  StepResult result = RunGuarded(runner_, step, ctx);
  observer_->StepFinished(id, result.state, result.summary);
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
    stopped_ = record_.deadline_reached = true;
    log_.Warn("run deadline reached: stopping waits; steps not started will not run");
    cancel_.Cancel();
    plan_.Cancel("run stopped: deadline");
  } else if (cancel_.cancelled()) {
    stopped_ = record_.interrupted = true;
    log_.Warn("run interrupted: steps not started will not run");
    plan_.Cancel("interrupted");
  }
}

void Coordinator::StartReadySteps() {
  while (plan_.running() < static_cast<size_t>(options_.concurrency)) {
    std::optional<std::string> id = plan_.FindWork();
    if (!id) return;
    log_.Debug("starting step " + *id);
    queue_.Push(index_.at(*id));
  }
}

Duration Coordinator::WaitTime() {
  Duration wait = options_.poll_interval;
  if (options_.deadline) {
    wait = std::clamp<Duration>(*options_.deadline - clock_.Monotonic(), Duration(0), wait);
  }
  return wait;
}

void Coordinator::Record(Done& done) {
  StepRecord& record = record_.steps[done.index];
  record.result = std::move(done.result);
  record.started = true;
  record.started_at = done.started_at;
  record.finished_at = done.finished_at;
  record.start_offset = done.started - run_start_;
  record.end_offset = done.finished - run_start_;
  plan_.StepFinished(record.id, record.result.state);
  std::string line = "step " + record.id + " " + std::string(StepStateName(record.result.state));
  if (StepStateOk(record.result.state)) {
    log_.Debug(line + ": " + record.result.summary);
  } else {
    log_.Error(line + ": " + record.result.error.ToString());
  }
}

void Coordinator::RecordNotRun() {
  for (StepRecord& record : record_.steps) {
    if (record.started) continue;
    record.result.state = StepState::kNotRun;
    record.result.summary = plan_.NotRunReason(record.id);
    log_.Warn("step " + record.id + " not run: " + record.result.summary);
  }
  if (observer_ == nullptr) return;
  for (const StepRecord& record : record_.steps) {
    if (record.started) continue;
    observer_->StepFinished(record.id, record.result.state, record.result.summary);
  }
}

RunRecord Coordinator::Run() {
  record_.started = clock_.Now();
  run_start_ = clock_.Monotonic();
  for (size_t i = 0; i < steps_.size(); ++i) {
    const StepSpec& spec = steps_[i]->spec();
    index_[spec.id] = i;
    StepRecord record;
    record.id = spec.id;
    record.kind = spec.kind;
    record.resource = steps_[i]->resource();
    record.after = spec.after;
    record_.steps.push_back(std::move(record));
  }
  size_t worker_count = std::min(static_cast<size_t>(options_.concurrency), steps_.size());
  std::vector<std::thread> workers;
  for (size_t i = 0; i < worker_count; ++i) workers.emplace_back([this] { WorkerLoop(); });
  while (true) {
    CheckStop();
    StartReadySteps();
    if (plan_.running() == 0) break;
    for (Done& done : queue_.WaitForDone(WaitTime())) Record(done);
  }
  queue_.Close();
  for (std::thread& worker : workers) worker.join();
  RecordNotRun();
  record_.status = ComputeRunStatus(record_.steps);
  record_.finished = clock_.Now();
  return std::move(record_);
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
  std::vector<StepSpec> specs;
  for (const Step* step : steps) specs.push_back(step->spec());
  DRF_ASSIGN_OR_RETURN(Plan plan, Plan::Create(specs));
  Coordinator coordinator(options_, runner_, clock_, log_, cancel_, observer_, steps, plan);
  return coordinator.Run();
}

}  // namespace drf
