#include "services/cloudwatch_client.h"

#include <algorithm>

#include "aws/credential_providers.h"
#include "core/log.h"
#include "services/query_call.h"

namespace drf {
namespace {

constexpr char kQueryId[] = "m1";  // the only query of a request

QueryParams MetricDataParams(const MetricQuery& query) {
  QueryParams params;
  const std::string stat = "MetricDataQueries.member.1.MetricStat.";
  AddParam(params, "MetricDataQueries.member.1.Id", kQueryId);
  AddParam(params, stat + "Metric.Namespace", query.metric_namespace);
  AddParam(params, stat + "Metric.MetricName", query.metric_name);
  std::vector<QueryStruct> dimensions;
  for (const auto& [name, value] : query.dimensions) {
    dimensions.push_back({{"Name", name}, {"Value", value}});
  }
  if (!dimensions.empty()) AddStructList(params, stat + "Metric.Dimensions.member", dimensions);
  AddInt(params, stat + "Period", query.period_seconds);
  AddParam(params, stat + "Stat", query.stat);
  AddParam(params, "StartTime", FormatTimestampSeconds(query.start));
  AddParam(params, "EndTime", FormatTimestampSeconds(query.end));
  AddParam(params, "ScanBy", "TimestampDescending");
  return params;
}

// Appends each series' points; a reply whose timestamps and values do not pair up, or
// with a timestamp that is not one, sets `bad`.
void ParseResults(XmlReader& xml, pugi::xml_node result, std::vector<MetricPoint>& out,
                  Status& bad) {
  for (pugi::xml_node series : XmlItems(result, "MetricDataResults")) {
    std::vector<std::string> stamps = xml.Strings(series, "Timestamps");
    std::vector<double> values = xml.Numbers(series, "Values");
    if (stamps.size() != values.size() && bad.ok()) {
      bad = Status::Internal("GetMetricData reply: " + std::to_string(stamps.size()) +
                             " timestamps for " + std::to_string(values.size()) + " values");
    }
    for (size_t i = 0; i < std::min(stamps.size(), values.size()); ++i) {
      Result<WallTime> at = ParseIso8601(stamps[i]);
      if (at.ok()) {
        out.push_back({*at, values[i]});
      } else if (bad.ok()) {
        bad = Status::Internal("GetMetricData reply: timestamp \"" + stamps[i] +
                               "\" is not ISO 8601");
      }
    }
  }
}

}  // namespace

Result<std::vector<MetricPoint>> CloudWatchClient::GetMetricData(const MetricQuery& query) {
  Status bad;
  DRF_ASSIGN_OR_RETURN(
      std::vector<MetricPoint> points,
      QueryAllPages<MetricPoint>(
          aws_, services::kCloudWatch, "GetMetricData", MetricDataParams(query),
          QueryPaging{"NextToken", "NextToken"},
          [&bad](XmlReader& xml, pugi::xml_node result, std::vector<MetricPoint>& out) {
            ParseResults(xml, result, out, bad);
          }));
  DRF_RETURN_IF_ERROR(bad);
  std::sort(points.begin(), points.end(),
            [](const MetricPoint& a, const MetricPoint& b) { return a.at > b.at; });
  return points;
}

}  // namespace drf
