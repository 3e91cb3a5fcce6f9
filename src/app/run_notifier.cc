#include "app/run_notifier.h"

#include <cstdio>

#include "report/summary_table.h"

namespace drf {

RunNotifier::RunNotifier(NotifySpec spec, SnsClient& sns, Logger& log, std::string region,
                         std::string holder, Label label)
    : spec_(std::move(spec)),
      label_(std::move(label)),
      sns_(sns),
      log_(log),
      region_(std::move(region)),
      holder_(std::move(holder)) {}

void RunNotifier::RunStarted(const std::vector<Step*>& steps) {
  if (!spec_.Wants(NotifyEvent::kStart)) return;
  std::string body = std::string(label_.drill ? "A DR drill: a " : "A DR ") + label_.action +
                     " started in " + region_ + " (" + holder_ + "), " +
                     std::to_string(steps.size()) + " steps:\n";
  for (const Step* step : steps) body += "  " + step->spec().id + "\n";
  Publish(NotifyEvent::kStart, SubjectStart() + " started in " + region_, body, {});
}

void RunNotifier::StepFinished(std::string_view id, const StepResult& result) {
  if (result.state != StepState::kFailed && result.state != StepState::kTimedOut) return;
  if (!spec_.Wants(NotifyEvent::kFailure)) return;
  const std::string state(StepStateName(result.state));
  const std::string why = result.error.ok() ? result.summary : result.error.UserMessage();
  Publish(NotifyEvent::kFailure,
          SubjectStart() + " step " + std::string(id) + " " + state + " in " + region_,
          "Step " + std::string(id) + " " + state + " during the DR " + label_.action + " in " +
              region_ + ":\n" + why + "\n",
          {{"step", std::string(id)}, {"status", state}});
}

void RunNotifier::RunEnded(const nlohmann::json& report, const std::string& report_location) {
  if (!spec_.Wants(NotifyEvent::kEnd)) return;
  const std::string status = report.value("status", "FAILED");
  const double seconds = static_cast<double>(report.value("duration_ms", 0)) / 1000;
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.1f s", seconds);
  std::string body = RenderSummary(report, false);
  body += report_location.empty() ? "" : "\nReport: " + report_location + "\n";
  Publish(NotifyEvent::kEnd,
          SubjectStart() + " " + status + " in " + region_ + " (" + duration + ")", body,
          {{"status", status}});
}

std::string RunNotifier::SubjectStart() const {
  return std::string(label_.drill ? "[DRILL] " : "") + "drfailover: " + label_.action;
}

nlohmann::json RunNotifier::Record() const {
  std::lock_guard<std::mutex> lock(mu_);
  return record_;
}

void RunNotifier::Publish(NotifyEvent event, std::string subject, const std::string& body,
                          std::map<std::string, std::string> attributes) {
  if (subject.size() > kMaxSnsSubject) subject = subject.substr(0, kMaxSnsSubject - 3) + "...";
  const std::string name(NotifyEventName(event));
  attributes["event"] = name;
  attributes["region"] = region_;
  attributes["holder"] = holder_;
  attributes["action"] = label_.action;
  if (label_.drill) attributes["drill"] = "true";
  Result<Mutated<std::string>> sent = sns_.Publish(spec_.topic_arn, subject, body, attributes);
  nlohmann::json entry = {{"event", name}, {"subject", subject}, {"topic_arn", spec_.topic_arn}};
  if (sent.ok()) {
    entry["message_id"] = sent->value;
  } else {
    entry["error"] = sent.status().UserMessage();
    log_.Warn("could not notify " + spec_.topic_arn + " (" + name +
              "): " + sent.status().UserMessage() + "; the failover goes on");
  }
  std::lock_guard<std::mutex> lock(mu_);
  record_.push_back(std::move(entry));
}

}  // namespace drf
