// CloudWatchClient: reads metrics (query protocol, 2010-08-01, which CloudWatch still
// accepts beside its newer JSON and CBOR ones). Used for an RDS replica's ReplicaLag.
// Thread-safe as far as AwsClient is.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "aws/aws_client.h"
#include "core/clock.h"
#include "core/result.h"

namespace drf {

// One statistic of one metric over [start, end), in `period_seconds` buckets.
struct MetricQuery {
  std::string metric_namespace;                                 // "AWS/RDS"
  std::string metric_name;                                      // "ReplicaLag"
  std::vector<std::pair<std::string, std::string>> dimensions;  // {"DBInstanceIdentifier", "x"}
  std::string stat = "Maximum";
  int period_seconds = 60;
  WallTime start{};
  WallTime end{};
};

struct MetricPoint {
  WallTime at{};
  double value = 0;
};

class CloudWatchClient {
 public:
  explicit CloudWatchClient(AwsClient& aws) : aws_(aws) {}

  // GetMetricData for `query`, every page: the data points, newest first (none when the
  // metric has no data in the window). Internal for a reply whose timestamps and values
  // do not pair up.
  Result<std::vector<MetricPoint>> GetMetricData(const MetricQuery& query);

 private:
  AwsClient& aws_;
};

}  // namespace drf
