#include "steps/replica_lag.h"

#include <algorithm>
#include <cmath>

namespace drf {
namespace {

std::string SecondsText(double seconds) {
  return std::to_string(static_cast<long long>(std::llround(seconds))) + " s";
}

std::string LimitText(const ReplicaLagGuard& guard) {
  return std::to_string(guard.max_lag.count()) + " s";
}

constexpr char kOverride[] = "--force (CLI) or \"force\": true (Lambda event) promotes it anyway";

}  // namespace

ReplicaLagReading ReadReplicaLag(CloudWatchClient& cloudwatch, const std::string& instance,
                                 WallTime now) {
  MetricQuery query;
  query.metric_namespace = "AWS/RDS";
  query.metric_name = "ReplicaLag";
  query.dimensions = {{"DBInstanceIdentifier", instance}};
  query.stat = "Maximum";
  query.period_seconds = 60;
  // Rounded up to the second the query protocol sends: rounded down, a point from the
  // current second would fall outside the window.
  query.end = std::chrono::ceil<std::chrono::seconds>(now);
  query.start = query.end - kReplicaLagWindow;
  ReplicaLagReading reading;
  Result<std::vector<MetricPoint>> points = cloudwatch.GetMetricData(query);
  if (!points.ok()) {
    reading.unknown_why = "reading CloudWatch ReplicaLag failed: " + points.status().ToString();
    return reading;
  }
  if (points->empty()) {
    reading.unknown_why = "CloudWatch has no ReplicaLag for the last 5 minutes";
    return reading;
  }
  reading.latest_seconds = points->front().value;  // newest first
  double max = points->front().value;
  for (const MetricPoint& point : *points) max = std::max(max, point.value);
  reading.max_seconds = max;
  return reading;
}

LagVerdict JudgeReplicaLag(const std::string& instance, const ReplicaLagReading& reading,
                           const ReplicaLagGuard& guard) {
  LagVerdict verdict;
  auto number = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  verdict.evidence = {{"latest_seconds", number(reading.latest_seconds)},
                      {"max_seconds", number(reading.max_seconds)},
                      {"limit_seconds", guard.max_lag.count()},
                      {"forced", guard.forced}};
  if (!reading.latest_seconds) {
    verdict.evidence["verdict"] = "unknown";
    verdict.evidence["why"] = reading.unknown_why;
    const std::string unknown =
        "replica lag of " + instance + " unknown (" + reading.unknown_why + ")";
    if (guard.refuse_unknown && !guard.forced) {
      verdict.refusal = Status::Rejected(unknown + " and on_unknown_lag is refuse: not " +
                                         "promoting; " + kOverride);
    } else {
      verdict.warning = unknown + ": promoting without the lag check" +
                        (guard.forced ? " (forced)" : " (on_unknown_lag: proceed)");
    }
    return verdict;
  }
  const std::string measured = "replica lag " + SecondsText(*reading.latest_seconds) +
                               " (CloudWatch ReplicaLag, last " + "5 minutes: latest " +
                               SecondsText(*reading.latest_seconds) + ", max " +
                               SecondsText(*reading.max_seconds) + ")";
  if (*reading.latest_seconds <= static_cast<double>(guard.max_lag.count())) {
    verdict.evidence["verdict"] = "within";
    return verdict;
  }
  verdict.evidence["verdict"] = "over";
  if (guard.forced) {
    verdict.warning = measured + " is over max_replica_lag " + LimitText(guard) + ": promoting " +
                      instance + " anyway (forced); writes not yet " + "replicated are lost";
    return verdict;
  }
  verdict.refusal = Status::Rejected(
      measured + " is over max_replica_lag " + LimitText(guard) + ": not promoting " + instance +
      ", which would lose the writes it has not received yet; wait for it to catch up, or " +
      kOverride);
  return verdict;
}

}  // namespace drf
