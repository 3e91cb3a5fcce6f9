// RunNotifier: tells the plan's SNS topic (PlanSpec::notify) that a failover started, that a
// step failed (an error, a stall, a timeout), and how it ended, with the facts as message
// attributes (`event`, `region`, `holder`, and `step`/`status`) and a body a person reads
// (the end's is the summary table). A publish that fails never fails the run: it is a
// warning in the log, and the report's `notifications` lists every message with its
// message id or error. Only a `run` notifies (not `plan` or `check`).
#pragma once

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/log.h"
#include "plan/plan_spec.h"
#include "plan/run_observer.h"
#include "services/sns_client.h"

namespace drf {

// SNS allows 100 characters of subject: longer ones are cut, ending in "...".
inline constexpr size_t kMaxSnsSubject = 100;

class RunNotifier final : public RunObserver {
 public:
  // What the messages call the run: "failover" or "failback", and whether it is a drill
  // (subjects start "[DRILL] ", and a "drill" attribute is set).
  struct Label {
    std::string action = "failover";
    bool drill = false;
  };

  // `sns` and `log` must outlive the notifier; `spec.topic_arn` must be set.
  RunNotifier(NotifySpec spec, SnsClient& sns, Logger& log, std::string region, std::string holder,
              Label label);

  void RunStarted(const std::vector<Step*>& steps) override;
  void StepStarted(std::string_view, std::string_view) override {}
  void StepWaiting(std::string_view, std::string_view) override {}
  // A step that failed or timed out (not one that was not run: its dependency's failure
  // was told already).
  void StepFinished(std::string_view id, const StepResult& result) override;

  // After the report is built: the run's end (`report`: drfailover.report/v1), and where
  // the report is to be found ("" when nowhere but the caller's answer).
  void RunEnded(const nlohmann::json& report, const std::string& report_location);

  // The report's `notifications`: one object per message, in the order sent.
  nlohmann::json Record() const;

 private:
  void Publish(NotifyEvent event, std::string subject, const std::string& body,
               std::map<std::string, std::string> attributes);

  // "[DRILL] drfailover: failback" or "drfailover: failover": how subjects start.
  std::string SubjectStart() const;

  NotifySpec spec_;
  Label label_;
  SnsClient& sns_;
  Logger& log_;
  std::string region_;
  std::string holder_;
  mutable std::mutex mu_;
  nlohmann::json record_ = nlohmann::json::array();  // guarded by mu_
};

}  // namespace drf
