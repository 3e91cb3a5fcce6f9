// LambdaHandler: drfailover as the Lambda function `dr-dr-failover`, a drop-in replacement
// for the Python original (docs/lambda.md). Init validates the configuration once; each
// invocation parses its event, runs RunFailover with a stop before the invocation's
// deadline, and answers in the original's response shape plus our fields.
//
// ServeLambda is the whole runtime: init, then next -> handle -> post, until the Runtime
// API fails. lambda_main.cc only wires the real clock, HTTP and environment into it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/effects.h"
#include "app/failover.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/result.h"
#include "lambda/event.h"
#include "lambda/runtime_client.h"

namespace drf {

// Error types this function reports (all match Lambda's (Runtime|Function)\.[A-Z][a-zA-Z]+).
inline constexpr std::string_view kInvalidConfigErrorType = "Function.InvalidConfig";  // init
inline constexpr std::string_view kInitFailedErrorType = "Function.InitFailed";   // init, other
inline constexpr std::string_view kInternalErrorType = "Function.InternalError";  // a bug

// Relative DRF_PLAN_FILE paths are resolved against this (the package's root, /var/task).
inline constexpr std::string_view kTaskRootVar = "LAMBDA_TASK_ROOT";

struct LambdaHandlerOptions {
  // Stop waiting this long before the invocation's deadline, so the response (with the
  // report) is posted before Lambda kills the run: max(min_margin, margin_fraction x the
  // time remaining at the start), at most max_margin.
  Duration min_margin = std::chrono::seconds(5);
  double margin_fraction = 0.05;
  Duration max_margin = std::chrono::seconds(30);
  // Lambda's synchronous response limit; a larger response leaves the report out.
  size_t max_response_bytes = 6 * 1024 * 1024;
};

// What to post for one invocation: an error, or else the response payload.
struct LambdaReply {
  std::optional<FunctionError> error;
  std::string payload;  // JSON text; set when `error` is not
};

// When an invocation ending at `deadline` (wall time) stops, in monotonic time.
struct InvocationStops {
  // Steps stop starting and waiting: now + remaining - margin (see LambdaHandlerOptions);
  // never before now.
  MonoTime steps;
  // No AWS call outlives this: halfway through the margin. A call in flight at the stop
  // gets the first half (so does the end of the run: lease release, end notification);
  // the second half is for posting the response.
  MonoTime aws_calls;
};
InvocationStops StopsFor(WallTime deadline, Clock& clock, const LambdaHandlerOptions& options);

class LambdaHandler {
 public:
  // Init: validates the configuration (plan file or the original's variables, region,
  // endpoints) without calling AWS. InvalidArgument naming the variable when invalid.
  // `effects` and `log` are not owned and must outlive the handler; each invocation runs
  // with a cancellation token of its own.
  static Result<std::unique_ptr<LambdaHandler>> Create(const Effects& effects, Logger& log,
                                                       LambdaHandlerOptions options = {});
  ~LambdaHandler();

  // One invocation. Logs "Received event: <json>" first. An invalid event (or an unknown
  // step id) is an error of type Function.InvalidEvent; everything else, failures
  // included, is a response: {"statusCode", "body", "status", "open_steps", "report"}.
  // Call from one thread at a time.
  LambdaReply Handle(const Invocation& invocation);

 private:
  class OverlayEnvironment;
  LambdaHandler(const Effects& effects, Logger& log, std::unique_ptr<OverlayEnvironment> env,
                LambdaHandlerOptions options);
  Result<nlohmann::json> Respond(const FailoverEvent& event, const Invocation& invocation);
  Result<nlohmann::json> RespondToCheck(const FailoverRequest& request, CancelToken& cancel);

  std::unique_ptr<OverlayEnvironment> env_;  // the function's, with DRF_PLAN_FILE resolved
  const Effects effects_;                    // with env_ as its environment
  Logger& log_;
  LambdaHandlerOptions options_;
};

// Called with each invocation before it is handled (lambda_main sets _X_AMZN_TRACE_ID).
using InvocationHook = std::function<void(const Invocation&)>;

// The runtime loop. Init failure: posts /runtime/init/error and returns
// ExitCode::kInvalidConfig (kFailed for other init failures). Then serves invocations until
// the Runtime API fails (transport error, 5xx, malformed next), and returns
// ExitCode::kFailed; a rejected (4xx) post is logged and the loop goes on.
int ServeLambda(RuntimeClient& runtime, const Effects& effects, Logger& log,
                const LambdaHandlerOptions& options = {}, const InvocationHook& hook = {});

}  // namespace drf
