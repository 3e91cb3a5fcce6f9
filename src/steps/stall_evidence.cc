#include "steps/stall_evidence.h"

#include <algorithm>
#include <map>
#include <vector>

namespace drf {
namespace {

constexpr size_t kEventsShown = 3;   // the latest service events quoted
constexpr size_t kReasonsShown = 3;  // distinct stop reasons quoted
constexpr int kActivitiesRead = 1;   // the latest scaling activity
constexpr int kDbEventMinutes = 60;  // how far back RDS events are read

std::string Unavailable(const Status& status) {
  return "evidence unavailable: " + status.message();
}

// "3 x reason; 1 x other", most frequent first.
std::string StopReasons(const std::vector<EcsTask>& tasks) {
  std::map<std::string, int> counts;
  for (const EcsTask& t : tasks) {
    if (!t.stopped_reason.empty()) ++counts[t.stopped_reason];
  }
  std::vector<std::pair<std::string, int>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (size_t i = 0; i < sorted.size() && i < kReasonsShown; ++i) {
    if (!out.empty()) out += "; ";
    out += std::to_string(sorted[i].second) + " x " + sorted[i].first;
  }
  return out;
}

}  // namespace

std::string EcsStallEvidence(EcsClient& ecs, const EcsService& service,
                             const std::string& cluster) {
  std::string out;
  if (!service.events.empty()) {
    out = "latest events: ";
    for (size_t i = 0; i < service.events.size() && i < kEventsShown; ++i) {
      if (i > 0) out += " | ";
      out += service.events[i].message;
    }
  }
  Result<std::vector<std::string>> stopped = ecs.ListTasks(cluster, service.name, "STOPPED");
  Result<EcsTasks> tasks =
      stopped.ok() ? ecs.DescribeTasks(cluster, *stopped) : Result<EcsTasks>(stopped.status());
  std::string reasons;
  if (!tasks.ok()) {
    reasons = "stopped tasks: " + Unavailable(tasks.status());
  } else {
    // ListTasks' serviceName filter is not trusted (moto ignores it): keep this service's.
    std::vector<EcsTask> own;
    for (const EcsTask& t : tasks->tasks) {
      if (t.group == "service:" + service.name) own.push_back(t);
    }
    std::string counted = StopReasons(own);
    if (!counted.empty()) reasons = "stopped tasks: " + counted;
  }
  if (!reasons.empty()) out += (out.empty() ? "" : "; ") + reasons;
  return out.empty() ? "AWS shows no service events and no stopped tasks" : out;
}

std::string AsgStallEvidence(AutoScalingClient& autoscaling, const std::string& name) {
  Result<std::vector<ScalingActivity>> activities =
      autoscaling.DescribeScalingActivities(name, kActivitiesRead);
  if (!activities.ok()) return Unavailable(activities.status());
  if (activities->empty()) return "no scaling activity recorded for " + name;
  const ScalingActivity& latest = activities->front();
  std::string said = latest.status_message.empty() ? latest.description : latest.status_message;
  return "latest scaling activity (" + latest.status_code + "): " + said;
}

std::string DbStallEvidence(RdsClient& rds, const DbInstance& instance) {
  return ReplicaStallEvidence(rds, "db-instance", instance.identifier, instance.status,
                              instance.read_replica_source);
}

std::string ReplicaStallEvidence(RdsClient& rds, const std::string& source_type,
                                 const std::string& id, const std::string& status,
                                 const std::string& source) {
  std::string out =
      "status " + status + (source.empty() ? ", no replica source" : ", replica of " + source);
  Result<std::vector<RdsEvent>> events = rds.DescribeEvents(id, source_type, kDbEventMinutes);
  if (!events.ok()) return out + "; events " + Unavailable(events.status());
  if (events->empty()) return out + "; no RDS event in the last hour";
  const RdsEvent& latest = events->back();  // AWS lists events oldest first
  return out + "; latest RDS event (" + latest.date + "): " + latest.message;
}

}  // namespace drf
