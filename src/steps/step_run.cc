#include "steps/step_run.h"

namespace drf {
namespace {

// "what was done; what went wrong", either part possibly empty.
std::string Joined(std::string_view done_so_far, const std::string& problem) {
  if (done_so_far.empty()) return problem;
  return std::string(done_so_far) + "; " + problem;
}

}  // namespace

StepRun::StepRun(StepContext& ctx, StepResult& result, std::string resource, Duration stall_after)
    : ctx_(ctx),
      result_(result),
      resource_(std::move(resource)),
      stall_after_(stall_after),
      poller_(ctx, result) {}

void StepRun::Record(std::string operation, std::string target, std::string request_id) {
  result_.calls.push_back(
      {std::move(operation), std::move(target), std::move(request_id), ctx_.clock.Now()});
}

// The summary and the log line are read beside the resource's name, so they leave it out;
// `error` is read alone (reports, Lambda responses), so it carries it.
void StepRun::Fail(Status error) {
  result_.state = StepState::kFailed;
  result_.summary = "failed: " + error.message();
  ctx_.log.Error(resource_ + " failed: " + error.ToString());
  result_.error = error.WithContext(resource_);
}

void StepRun::EndUnfinished(const Status& status, std::string_view done_so_far) {
  const bool cancelled = status.code() == StatusCode::kCancelled;
  if (cancelled && result_.calls.empty()) {
    result_.state = StepState::kNotRun;
    result_.summary = "not run: " + status.message();
    result_.error = status.WithContext(resource_);
    return;
  }
  if (!cancelled && status.code() != StatusCode::kTimedOut) {
    Fail(status);
    result_.summary = Joined(done_so_far, result_.summary);
    return;
  }
  result_.state = cancelled ? StepState::kFailed : StepState::kTimedOut;
  result_.summary = Joined(done_so_far, status.message());
  ctx_.log.Error(resource_ + ": " + result_.summary);
  result_.error = status.WithContext(resource_);
}

bool StepRun::StopIfCancelled() {
  if (!ctx_.cancel.cancelled()) return false;
  EndUnfinished(Status::Cancelled("run cancelled before acting"), "");
  return true;
}

bool StepRun::ended() const {
  return result_.state == StepState::kFailed || result_.state == StepState::kTimedOut ||
         result_.state == StepState::kNotRun;
}

}  // namespace drf
