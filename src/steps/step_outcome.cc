#include "steps/step_outcome.h"

namespace drf {
namespace {

// "what was done; what went wrong", either part possibly empty.
std::string Joined(std::string_view done_so_far, const std::string& problem) {
  if (done_so_far.empty()) return problem;
  return std::string(done_so_far) + "; " + problem;
}

}  // namespace

void RecordCall(StepContext& ctx, StepResult& result, std::string operation, std::string resource,
                std::string request_id) {
  result.calls.push_back(
      {std::move(operation), std::move(resource), std::move(request_id), ctx.clock.Now()});
}

// The summary and the log line are read beside the resource's name, so they leave it out;
// `error` is read alone (reports, Lambda responses), so it carries it.
void EndFailed(StepContext& ctx, StepResult& result, std::string_view resource, Status error) {
  result.state = StepState::kFailed;
  result.summary = "failed: " + error.message();
  ctx.log.Error(std::string(resource) + " failed: " + error.ToString());
  result.error = error.WithContext(resource);
}

void EndUnfinished(StepContext& ctx, StepResult& result, std::string_view resource,
                   const Status& status, std::string_view done_so_far) {
  const bool cancelled = status.code() == StatusCode::kCancelled;
  if (cancelled && result.calls.empty()) {
    result.state = StepState::kNotRun;
    result.summary = "not run: " + status.message();
    result.error = status.WithContext(resource);
    return;
  }
  if (!cancelled && status.code() != StatusCode::kTimedOut) {
    EndFailed(ctx, result, resource, status);
    result.summary = Joined(done_so_far, result.summary);
    return;
  }
  result.state = cancelled ? StepState::kFailed : StepState::kTimedOut;
  result.summary = Joined(done_so_far, status.message());
  ctx.log.Error(std::string(resource) + ": " + result.summary);
  result.error = status.WithContext(resource);
}

bool StopIfCancelled(StepContext& ctx, StepResult& result, std::string_view resource) {
  if (!ctx.cancel.cancelled()) return false;
  EndUnfinished(ctx, result, resource, Status::Cancelled("run cancelled before acting"), "");
  return true;
}

}  // namespace drf
