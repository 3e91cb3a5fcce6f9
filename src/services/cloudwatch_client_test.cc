#include "services/cloudwatch_client.h"

#include <gtest/gtest.h>

#include "aws/credential_providers.h"
#include "core/log.h"
#include "services/services_test_util.h"

namespace drf {
namespace {

using services_testing::AwsHarness;
using services_testing::ExpectAllSameAsBotocore;
using services_testing::FormParams;
using services_testing::OracleCase;
using services_testing::QueryError;
using services_testing::QueryReply;

WallTime At(const char* text) { return *ParseIso8601(text); }

MetricQuery ReplicaLag() {
  MetricQuery query;
  query.metric_namespace = "AWS/RDS";
  query.metric_name = "ReplicaLag";
  query.dimensions = {{"DBInstanceIdentifier", "dr-app-db"}};
  query.start = At("2026-12-06T16:00:00Z");
  query.end = At("2026-12-06T16:05:00Z");
  return query;
}

std::string Series(const std::vector<std::string>& stamps, const std::vector<std::string>& values,
                   const std::string& next_token = "") {
  std::string xml = "<MetricDataResults><member><Id>m1</Id><Label>ReplicaLag</Label><Timestamps>";
  for (const std::string& s : stamps) xml += "<member>" + s + "</member>";
  xml += "</Timestamps><Values>";
  for (const std::string& v : values) xml += "<member>" + v + "</member>";
  xml += "</Values><StatusCode>Complete</StatusCode></member></MetricDataResults>";
  if (!next_token.empty()) xml += "<NextToken>" + next_token + "</NextToken>";
  return xml;
}

class CloudWatchClientTest : public ::testing::Test {
 protected:
  void Reply(const std::string& result) {
    harness_.http.Enqueue(200, QueryReply("GetMetricData", result).body);
  }

  AwsHarness harness_;
  CloudWatchClient cloudwatch_{harness_.aws};
};

TEST_F(CloudWatchClientTest, ReadsEveryPageNewestFirst) {
  Reply(Series({"2026-12-06T16:03:00Z", "2026-12-06T16:04:00Z"}, {"12.5", "30"}, "page-2"));
  Reply(Series({"2026-12-06T16:02:00Z"}, {"0"}));
  Result<std::vector<MetricPoint>> points = cloudwatch_.GetMetricData(ReplicaLag());
  ASSERT_TRUE(points.ok()) << points.status().ToString();
  ASSERT_EQ(points->size(), 3u);
  EXPECT_EQ((*points)[0].at, At("2026-12-06T16:04:00Z"));
  EXPECT_EQ((*points)[0].value, 30);
  EXPECT_EQ((*points)[1].value, 12.5);
  EXPECT_EQ((*points)[2].value, 0);
  std::vector<HttpRequest> sent = harness_.http.requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(FormParams(sent[1])["NextToken"], "page-2");
  EXPECT_EQ(FormParams(sent[0])["StartTime"], "2026-12-06T16:00:00Z");
}

TEST_F(CloudWatchClientTest, NoDataIsNoPoints) {
  Reply(Series({}, {}));
  Result<std::vector<MetricPoint>> points = cloudwatch_.GetMetricData(ReplicaLag());
  ASSERT_TRUE(points.ok()) << points.status().ToString();
  EXPECT_TRUE(points->empty());
}

TEST_F(CloudWatchClientTest, UnpairedOrMalformedDataIsInternalNamingIt) {
  Reply(Series({"2026-12-06T16:03:00Z"}, {"1", "2"}));
  Result<std::vector<MetricPoint>> unpaired = cloudwatch_.GetMetricData(ReplicaLag());
  ASSERT_FALSE(unpaired.ok());
  EXPECT_EQ(unpaired.status().code(), StatusCode::kInternal);
  EXPECT_NE(unpaired.status().message().find("1 timestamps for 2 values"), std::string::npos)
      << unpaired.status().message();

  Reply(Series({"2026-12-06T16:03:00Z"}, {"lots"}));
  Result<std::vector<MetricPoint>> malformed = cloudwatch_.GetMetricData(ReplicaLag());
  ASSERT_FALSE(malformed.ok());
  EXPECT_NE(malformed.status().message().find("\"lots\", expected a number"), std::string::npos)
      << malformed.status().message();
}

TEST_F(CloudWatchClientTest, AccessDeniedIsRejected) {
  HttpResponse error =
      QueryError(403, "AccessDenied", "not authorized to cloudwatch:GetMetricData");
  harness_.http.Enqueue(error.status, error.body, error.headers);
  Result<std::vector<MetricPoint>> points = cloudwatch_.GetMetricData(ReplicaLag());
  ASSERT_FALSE(points.ok());
  EXPECT_EQ(points.status().aws()->code, "AccessDenied");
}

TEST_F(CloudWatchClientTest, GetMetricDataMatchesBotocore) {
  Reply(Series({}, {}));
  ASSERT_TRUE(cloudwatch_.GetMetricData(ReplicaLag()).ok());
  nlohmann::json query = {
      {"Id", "m1"},
      {"MetricStat",
       {{"Metric",
         {{"Namespace", "AWS/RDS"},
          {"MetricName", "ReplicaLag"},
          {"Dimensions", {{{"Name", "DBInstanceIdentifier"}, {"Value", "dr-app-db"}}}}}},
        {"Period", 60},
        {"Stat", "Maximum"}}}};
  nlohmann::json oracle = OracleCase("cloudwatch", "GetMetricData",
                                     {{"MetricDataQueries", {query}},
                                      {"StartTime", "2026-12-06T16:00:00Z"},
                                      {"EndTime", "2026-12-06T16:05:00Z"},
                                      {"ScanBy", "TimestampDescending"}});
  oracle["protocol"] = "query";
  ExpectAllSameAsBotocore(harness_.http.requests(), {oracle});
}

TEST(QueryTimestampTest, WholeSecondsUtc) {
  EXPECT_EQ(FormatTimestampSeconds(At("2026-12-06T16:05:07.900Z")), "2026-12-06T16:05:07Z");
}

}  // namespace
}  // namespace drf
