#include "steps/invoke_lambda.h"

#include "aws/retry.h"

namespace drf {
namespace {

// The report keeps this much of what a function returned.
constexpr size_t kMaxReportedPayload = 16 * 1024;

Status ExpandStrings(nlohmann::json& value, const RunFacts& facts) {
  if (value.is_string()) {
    DRF_ASSIGN_OR_RETURN(std::string expanded, facts.Expand(value.get<std::string>()));
    value = std::move(expanded);
  } else if (value.is_structured()) {
    for (auto& item : value) DRF_RETURN_IF_ERROR(ExpandStrings(item, facts));
  }
  return Status::Ok();
}

// "Exception: primary still up" from a function error's document; the raw text otherwise.
std::string FunctionErrorText(const std::string& payload) {
  nlohmann::json doc = nlohmann::json::parse(payload, nullptr, false);
  if (doc.is_object()) {
    std::string type = doc.value("errorType", std::string());
    std::string message = doc.value("errorMessage", std::string());
    if (!type.empty() || !message.empty()) return type + (type.empty() ? "" : ": ") + message;
  }
  return payload.substr(0, 200);
}

}  // namespace

InvokeLambdaStep::InvokeLambdaStep(StepSpec spec, LambdaClient& lambda, const RunFacts& facts)
    : InspectApplyStep(std::move(spec)), lambda_(lambda), facts_(facts) {}

std::string InvokeLambdaStep::resource() const { return "function " + invoke().function; }

// Nothing to read: the payload is built when it runs, once its dependencies are done.
Result<InvokeLambdaSpec> InvokeLambdaStep::Inspect(StepRun& /*run*/) { return invoke(); }

Result<std::string> InvokeLambdaStep::Payload() const {
  if (invoke().payload_json.empty())
    return nlohmann::json{{"drfailover", facts_.Snapshot()}}.dump();
  nlohmann::json payload = nlohmann::json::parse(invoke().payload_json);
  DRF_RETURN_IF_ERROR(ExpandStrings(payload, facts_).WithContext("payload"));
  return payload.dump();
}

void InvokeLambdaStep::Explain(StepRun& run, const InvokeLambdaSpec& spec) {
  StepResult& result = run.result();
  result.state = StepState::kSucceeded;
  result.summary = "would invoke " + spec.function;
  result.changes.push_back("invoke " + spec.function);
}

void InvokeLambdaStep::Apply(StepRun& run, const InvokeLambdaSpec& spec) {
  StepResult& result = run.result();
  Result<std::string> payload = Payload();
  if (!payload.ok()) return run.Fail(payload.status());
  if (run.StopIfCancelled()) return;
  run.log().Info("Invoking Lambda function " + spec.function);
  Result<InvokeResult> invoked =
      run.poller().Act([&] { return lambda_.Invoke(spec.function, *payload); });
  if (!invoked.ok()) {
    if (MayHaveTakenEffect(invoked.status())) {
      const AwsErrorInfo* aws = invoked.status().aws();
      run.Record("Lambda.Invoke", spec.function, aws != nullptr ? aws->request_id : "");
      return run.Fail(invoked.status().WithContext(
          "the function may have run; not invoked again (its outcome is unknown)"));
    }
    return run.Fail(invoked.status());
  }
  run.Record("Lambda.Invoke", spec.function, invoked->request_id);
  const std::string& returned = invoked->payload;
  result.after = {{"function", spec.function},
                  {"executed_version", invoked->executed_version},
                  {"function_error", invoked->function_error},
                  {"payload", returned.size() > kMaxReportedPayload
                                  ? returned.substr(0, kMaxReportedPayload) + "..."
                                  : returned}};
  if (!invoked->function_error.empty()) {
    return run.Fail(Status::Rejected("function error (" + invoked->function_error +
                                     "): " + FunctionErrorText(returned)));
  }
  run.log().Info("Lambda function " + spec.function + " returned");
  result.state = StepState::kSucceeded;
  result.summary = "invoked " + spec.function;
  result.changes.push_back("invoked " + spec.function);
}

}  // namespace drf
