#include "app/lambda_response.h"

namespace drf {
namespace {

using nlohmann::json;

constexpr size_t kMaxStepsInMessage = 3;

// The original's body is a JSON-encoded string (Python's json.dumps of a str).
std::string EncodedBody(std::string_view text) {
  return json(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

// "promote-db:dr-app-db timed_out: <error>" from a report step.
std::string DescribeStep(const json& step) {
  std::string text = step.value("id", "?") + " " + step.value("status", "?");
  const json& error = step.contains("error") ? step.at("error") : json();
  if (error.is_object() && error.contains("message")) {
    text += ": " + error.value("message", "");
  } else if (!step.value("summary", "").empty()) {
    text += ": " + step.value("summary", "");
  }
  return text;
}

const json* FindReportStep(const json& report, const std::string& id) {
  if (!report.contains("steps") || !report.at("steps").is_array()) return nullptr;
  for (const json& step : report.at("steps")) {
    if (step.value("id", "") == id) return &step;
  }
  return nullptr;
}

// What each open step was waiting for when the run stopped, from the report: the facts an
// IN_PROGRESS answer owes its caller ("ECS service dr/kafka", "1 of 3 tasks running").
json OpenWaits(const FailoverOutcome& outcome) {
  json out = json::array();
  for (const std::string& id : outcome.open_steps) {
    const json* step = FindReportStep(outcome.report, id);
    if (step == nullptr || !step->contains("wait") || !step->at("wait").is_object()) continue;
    json wait = step->at("wait");
    wait["step"] = id;
    out.push_back(std::move(wait));
  }
  return out;
}

}  // namespace

std::string FailureMessage(const FailoverOutcome& outcome) {
  if (outcome.report.is_null() || !outcome.error.ok()) return outcome.error.UserMessage();
  std::string message;
  size_t shown = 0;
  for (const std::string& id : outcome.open_steps) {
    if (shown == kMaxStepsInMessage) break;
    const json* step = FindReportStep(outcome.report, id);
    message += (shown++ == 0 ? "" : "; ") + (step ? DescribeStep(*step) : id + " not done");
  }
  if (outcome.open_steps.size() > shown) {
    message += "; and " + std::to_string(outcome.open_steps.size() - shown) + " more";
  }
  if (message.empty()) message = "the run ended " + std::string(RunStatusName(outcome.run_status));
  return message;
}

std::string ResponseStatus(const FailoverOutcome& outcome) {
  if (outcome.refused) return "REFUSED";
  if (outcome.report.is_null()) return "FAILED";
  if (outcome.stopped_at_stop_at && !outcome.open_steps.empty()) return "IN_PROGRESS";
  return std::string(RunStatusName(outcome.run_status));
}

std::string ResponseMessage(const FailoverOutcome& outcome, bool dry_run) {
  std::string status = ResponseStatus(outcome);
  std::string message = status == "SUCCEEDED" ? std::string(dry_run ? kPlannedBody : kSucceededBody)
                        : status == "IN_PROGRESS"
                            ? std::string(kInProgressBody)
                            : std::string(kErrorBodyPrefix) + FailureMessage(outcome);
  // The original's messages say "DR failover"; a failback says what it is.
  const bool failback =
      outcome.report.is_object() && outcome.report.value("action", "") == "failback";
  if (failback) message.replace(message.find("DR failover"), 11, "DR failback");
  return message;
}

json ShapeResponse(const FailoverOutcome& outcome, bool dry_run) {
  std::string status = ResponseStatus(outcome);
  int code = status == "SUCCEEDED"     ? 200
             : status == "IN_PROGRESS" ? 202
             : status == "REFUSED"     ? 409
                                       : 500;
  return {{"statusCode", code},
          {"body", EncodedBody(ResponseMessage(outcome, dry_run))},
          {"status", status},
          {"open_steps", outcome.open_steps},
          {"waits", OpenWaits(outcome)},
          {"report", outcome.report}};
}

std::string SerializeResponse(json response, size_t max_bytes) {
  auto dump = [](const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); };
  std::string text = dump(response);
  if (text.size() <= max_bytes) return text;
  response["report"] = nullptr;
  response["report_omitted"] =
      "the report made the response larger than " + std::to_string(max_bytes) + " bytes";
  return dump(response);
}

}  // namespace drf
