#include "app/lambda_handler.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <map>

#include "app/check.h"
#include "app/exit_codes.h"
#include "app/failover.h"
#include "app/lambda_response.h"
#include "app/report_upload.h"
#include "readiness/check_report.h"
#include "services/s3_client.h"

namespace drf {

// The function's environment with DRF_PLAN_FILE made absolute: a plan file shipped in the
// package is named relative to it, but the process's working directory is not promised to
// be LAMBDA_TASK_ROOT. Overriding the variable (rather than passing a path) keeps
// LoadPlan's messages naming DRF_PLAN_FILE.
class LambdaHandler::OverlayEnvironment final : public Environment {
 public:
  explicit OverlayEnvironment(const Environment& base) : base_(base) {
    std::optional<std::string> plan = base.GetNonEmpty(kPlanFileVar);
    std::optional<std::string> root = base.GetNonEmpty(kTaskRootVar);
    if (plan && root && plan->front() != '/' && !IsS3PlanPath(*plan)) {
      overrides_[std::string(kPlanFileVar)] = *root + (root->back() == '/' ? "" : "/") + *plan;
    }
  }
  std::optional<std::string> Get(std::string_view name) const override {
    auto it = overrides_.find(std::string(name));
    return it != overrides_.end() ? it->second : base_.Get(name);
  }
  Result<std::string> ReadFile(const std::string& path) const override {
    return base_.ReadFile(path);
  }

 private:
  const Environment& base_;
  std::map<std::string, std::string> overrides_;  // set once in the constructor
};

namespace {

// The event as it is logged: compact JSON when it parses (so one line), as received
// otherwise (too deep to print safely, or not JSON: the parser reports the problem next);
// cut when huge. Events carry no secrets (the function takes none).
std::string EventForLog(const std::string& body) {
  constexpr size_t kMaxLogged = 4096;
  std::string text = body;
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    text = "{}";
  } else if (Result<nlohmann::json> event = ParseEventJson(body); event.ok()) {
    text = event->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  if (text.size() > kMaxLogged) text = text.substr(0, kMaxLogged) + "...";
  return text;
}

FunctionError InvalidEvent(const std::string& message) {
  return {std::string(kInvalidEventErrorType), message};
}

FailoverRequest RequestFor(const FailoverEvent& event, const Invocation& invocation,
                           const InvocationStops& stops) {
  FailoverRequest request;
  request.holder = "lambda:" + invocation.request_id;
  request.mode = event.dry_run ? FailoverMode::kPlan : FailoverMode::kRun;
  request.deadline = event.deadline;
  request.force = event.force;
  request.stop_at = stops.steps;
  request.aws.calls_end = stops.aws_calls;
  if (event.ordering) {
    request.ordering =
        *event.ordering == EventOrdering::kSequential ? Ordering::kSequential : Ordering::kParallel;
  }
  request.only_steps = event.steps;
  request.action = event.action == EventAction::kFailback ? FailoverAction::kFailback
                                                          : FailoverAction::kFailover;
  request.drill = event.action == EventAction::kDrill;
  return request;
}

void LogOutcome(Logger& log, const FailoverOutcome& outcome, bool dry_run) {
  std::string status = ResponseStatus(outcome);
  std::string message = ResponseMessage(outcome, dry_run);
  if (status == "SUCCEEDED") {
    log.Info(message, {{"status", status}});
  } else if (status == "IN_PROGRESS") {
    log.Warn(message, {{"status", status}});
  } else {
    log.Error(message, {{"status", status}});
  }
}

}  // namespace

InvocationStops StopsFor(WallTime deadline, Clock& clock, const LambdaHandlerOptions& options) {
  MonoTime now = clock.Monotonic();
  Duration remaining = std::max<Duration>(deadline - clock.Now(), Duration(0));
  auto fraction = std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::nano>(
      static_cast<double>(remaining.count()) * options.margin_fraction));
  Duration margin = std::min(std::max(options.min_margin, fraction), options.max_margin);
  MonoTime steps = now + std::max<Duration>(remaining - margin, Duration(0));
  MonoTime end = now + remaining;
  return {steps, steps + (end - steps) / 2};
}

LambdaHandler::LambdaHandler(const Effects& effects, Logger& log,
                             std::unique_ptr<OverlayEnvironment> env, LambdaHandlerOptions options)
    : env_(std::move(env)),
      effects_{*env_, effects.http, effects.clock, nullptr},
      log_(log),
      options_(options) {}

LambdaHandler::~LambdaHandler() = default;

Result<std::unique_ptr<LambdaHandler>> LambdaHandler::Create(const Effects& effects, Logger& log,
                                                             LambdaHandlerOptions options) {
  auto env = std::make_unique<OverlayEnvironment>(effects.env);
  // A plan in S3 is read and checked by each invocation (so a new object takes effect
  // without a deploy); init checks only its URI.
  std::string plan_source = PlanPath(*env, std::nullopt).value_or("");
  if (!IsS3PlanPath(plan_source)) {
    DRF_ASSIGN_OR_RETURN(PlanSpec plan, LoadPlan(*env, std::nullopt));
    plan_source = plan.source;
  } else if (Result<S3Location> uri = ParseS3Uri(plan_source); !uri.ok()) {
    return uri.status().WithContext(kPlanFileVar);
  }
  DRF_RETURN_IF_ERROR(ReportS3Location(*env).status());
  // Region, profile, endpoints and retry settings; builds no credentials-dependent state
  // that outlives init (each invocation makes its own session).
  DRF_ASSIGN_OR_RETURN(auto session, AwsSession::Create(*env, effects.http, effects.clock, {}));
  log.Debug("configuration valid: plan from " + plan_source + ", region " +
            session->region().region);
  return std::unique_ptr<LambdaHandler>(new LambdaHandler(effects, log, std::move(env), options));
}

LambdaReply LambdaHandler::Handle(const Invocation& invocation) {
  log_.SetRequestId(invocation.request_id);
  log_.Info("Received event: " + EventForLog(invocation.body));
  Result<FailoverEvent> event = ParseFailoverEvent(invocation.body);
  if (!event.ok()) {
    log_.Error("invalid event: " + event.status().message());
    return {InvalidEvent(event.status().message()), ""};
  }
  Result<nlohmann::json> response = Respond(*event, invocation);
  if (!response.ok()) {  // the event's own error (an unknown step id)
    log_.Error("invalid event: " + response.status().message());
    return {InvalidEvent(response.status().message()), ""};
  }
  return {std::nullopt,
          SerializeResponse(std::move(response).value(), options_.max_response_bytes)};
}

// {"check": true}: the check's result (drfailover.check/v1) is the response; the log has
// one line per finding.
Result<nlohmann::json> LambdaHandler::RespondToCheck(const FailoverRequest& request,
                                                     CancelToken& cancel) {
  CheckRequest check;
  check.failover = request;
  CheckOutcome outcome = RunCheck(check, effects_, log_, cancel);
  if (outcome.request_error)
    return Status::InvalidArgument("steps: " + outcome.error.UserMessage());
  if (outcome.result.is_null()) {
    log_.Error("check did not start: " + outcome.error.UserMessage());
    return nlohmann::json{
        {"schema", kCheckSchema}, {"verdict", "not_ready"}, {"error", outcome.error.UserMessage()}};
  }
  log_.Info("check: " + outcome.result.value("verdict", std::string()));
  return outcome.result;
}

// The response document; InvalidArgument when the event itself is at fault.
Result<nlohmann::json> LambdaHandler::Respond(const FailoverEvent& event,
                                              const Invocation& invocation) {
  // A fresh token per invocation: the executor cancels it when the stop is reached, and a
  // cancelled token would stop the next invocation at once.
  CancelToken cancel;
  FailoverRequest request =
      RequestFor(event, invocation, StopsFor(invocation.deadline(), effects_.clock, options_));
  if (event.check) return RespondToCheck(request, cancel);
  // Checked at init: an error here cannot happen, and would only mean no upload.
  if (Result<std::optional<S3Location>> where = ReportS3Location(effects_.env); where.ok()) {
    request.report_s3 = *where;
  }
  FailoverOutcome outcome = RunFailover(request, effects_, log_, cancel);
  if (outcome.request_error)
    return Status::InvalidArgument("steps: " + outcome.error.UserMessage());
  if (!outcome.error.ok()) log_.Error("failover did not start: " + outcome.error.UserMessage());
  LogOutcome(log_, outcome, event.dry_run);
  return ShapeResponse(outcome, event.dry_run);
}

namespace {

FunctionError InitError(const Status& status) {
  bool config = status.code() == StatusCode::kInvalidArgument;
  return {std::string(config ? kInvalidConfigErrorType : kInitFailedErrorType),
          status.UserMessage()};
}

LambdaReply HandleGuarded(LambdaHandler& handler, const Invocation& invocation) {
  // Nothing below should throw; if something does, the invocation still gets an answer
  // instead of hanging until its timeout.
  try {
    return handler.Handle(invocation);
  } catch (const std::exception& e) {
    return {FunctionError{std::string(kInternalErrorType), e.what()}, ""};
  }
}

// Posts the reply. A rejected response (e.g. too large: 413) is replaced by an error so
// the invoker learns something; the loop then goes on.
Status PostReply(RuntimeClient& runtime, const Invocation& invocation, const LambdaReply& reply,
                 Logger& log) {
  Status posted = reply.error ? runtime.PostError(invocation.request_id, *reply.error)
                              : runtime.PostResponse(invocation.request_id, reply.payload);
  if (posted.code() != StatusCode::kRejected) return posted;
  log.Error("Runtime API rejected the reply: " + posted.message());
  if (reply.error) return Status::Ok();
  Status fallback = runtime.PostError(
      invocation.request_id,
      {std::string(kInternalErrorType), "the response was rejected: " + posted.message()});
  return fallback.code() == StatusCode::kRejected ? Status::Ok() : fallback;
}

}  // namespace

int ServeLambda(RuntimeClient& runtime, const Effects& effects, Logger& log,
                const LambdaHandlerOptions& options, const InvocationHook& hook) {
  auto handler = LambdaHandler::Create(effects, log, options);
  if (!handler.ok()) {
    log.Error("init failed: " + handler.status().UserMessage());
    Status posted = runtime.PostInitError(InitError(handler.status()));
    if (!posted.ok()) log.Error("could not report the init error: " + posted.message());
    bool config = handler.status().code() == StatusCode::kInvalidArgument;
    return static_cast<int>(config ? ExitCode::kInvalidConfig : ExitCode::kFailed);
  }
  while (true) {
    Result<Invocation> next = runtime.Next();
    if (!next.ok()) {
      log.Error("Runtime API unusable, exiting: " + next.status().message());
      return static_cast<int>(ExitCode::kFailed);
    }
    if (hook) hook(*next);
    LambdaReply reply = HandleGuarded(**handler, *next);
    Status posted = PostReply(runtime, *next, reply, log);
    std::fflush(stdout);  // the log lines of this invocation belong to it in CloudWatch
    if (!posted.ok()) {
      log.Error("Runtime API unusable, exiting: " + posted.message());
      return static_cast<int>(ExitCode::kFailed);
    }
  }
}

}  // namespace drf
