// Fuzz target: the typed clients' response parsing. Each input is one API call whose HTTP
// reply (to every attempt and every page) carries the input's body, through a real
// AwsClient (signing, error parsing, pagination) over a canned HttpClient, with the tests'
// fixed identity (testing/aws_test_options.h). Seeds: fuzz/corpus/responses (recorded
// replies).
//
// Input: byte 0 picks the operation ('a' + index into kCalls), byte 1 the HTTP status
// (even: 200, odd: 400), the rest is the body.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <string>

#include "aws/aws_client.h"
#include "services/autoscaling_client.h"
#include "services/cloudwatch_client.h"
#include "services/ec2_client.h"
#include "services/ecs_client.h"
#include "services/elbv2_client.h"
#include "services/lambda_client.h"
#include "services/rds_client.h"
#include "services/route53_client.h"
#include "services/sns_client.h"
#include "services/sts_client.h"
// Header-only, so usable here: fuzz targets link module sources, not src/testing.
#include "testing/aws_test_options.h"

namespace drf {
namespace {

// Replies to every request with the same response.
class CannedHttp final : public HttpClient {
 public:
  explicit CannedHttp(HttpResponse response) : response_(std::move(response)) {}
  Result<HttpResponse> Send(const HttpRequest&) override { return response_; }

 private:
  HttpResponse response_;
};

// 2015-08-30T12:36:00Z, always; sleeping takes no time.
class FixedClock final : public Clock {
 public:
  WallTime Now() override { return WallTime(std::chrono::seconds(1440938160)); }
  MonoTime Monotonic() override { return MonoTime(); }
  bool SleepFor(Duration, const CancelToken*) override { return true; }
};

// One call per operation that parses a response. The result is dropped: the fuzzer looks
// for crashes, leaks, undefined behaviour and hangs, and AwsClient already checks shapes.
using Call = std::function<void(AwsClient&)>;
const Call kCalls[] = {
    [](AwsClient& aws) { (void)RdsClient(aws).DescribeDBInstances("orders-dr"); },
    [](AwsClient& aws) { (void)RdsClient(aws).DescribeDBInstances(""); },
    [](AwsClient& aws) {
      (void)RdsClient(aws).PromoteReadReplica({"orders-dr", 7, "03:00-04:00"});
    },
    [](AwsClient& aws) { (void)RdsClient(aws).DescribeDBClusters(""); },
    [](AwsClient& aws) { (void)RdsClient(aws).PromoteReadReplicaDBCluster("orders"); },
    [](AwsClient& aws) {
      (void)RdsClient(aws).FailoverGlobalCluster("g", "arn:aws:rds:us-east-1:1:cluster:c", false,
                                                 true);
    },
    [](AwsClient& aws) { (void)AutoScalingClient(aws).DescribeAutoScalingGroups({"dr-jenkins"}); },
    [](AwsClient& aws) {
      (void)AutoScalingClient(aws).UpdateAutoScalingGroup({"dr-jenkins", 1, 3, 1});
    },
    [](AwsClient& aws) { (void)EcsClient(aws).ListServices("dr"); },
    [](AwsClient& aws) {
      (void)EcsClient(aws).DescribeServices("dr", {"frontend", "kafka"});
    },
    [](AwsClient& aws) { (void)EcsClient(aws).UpdateService("dr", "frontend", 1); },
    [](AwsClient& aws) { (void)EcsClient(aws).ListTasks("dr", "frontend", "RUNNING"); },
    [](AwsClient& aws) { (void)EcsClient(aws).DescribeTasks("dr", {"arn:aws:ecs:task/1"}); },
    [](AwsClient& aws) { (void)Elbv2Client(aws).DescribeTargetGroups({}); },
    [](AwsClient& aws) { (void)Elbv2Client(aws).DescribeTargetHealth("arn:tg"); },
    [](AwsClient& aws) {
      (void)Elbv2Client(aws).RegisterTargets("arn:tg", {{"i-1", 80, ""}});
    },
    [](AwsClient& aws) { (void)Ec2Client(aws).DescribeInstances({}); },
    [](AwsClient& aws) { (void)StsClient(aws).GetCallerIdentity(); },
    [](AwsClient& aws) {
      ResourceRecordSet set;
      set.name = "api.example.com.";
      set.type = "CNAME";
      set.ttl = 60;
      set.values = {"dr.example.com"};
      (void)Route53Client(aws).ChangeResourceRecordSets("Z1", "failover", {{"UPSERT", set}});
    },
    [](AwsClient& aws) { (void)Route53Client(aws).GetChange("C1"); },
    [](AwsClient& aws) {
      (void)SnsClient(aws).Publish("arn:sns", "s", "m", {{"k", "v"}});
    },
    // Evidence for stalled waits (appended, so the recorded seeds keep their letters).
    [](AwsClient& aws) { (void)AutoScalingClient(aws).DescribeScalingActivities("dr-jenkins", 5); },
    [](AwsClient& aws) { (void)RdsClient(aws).DescribeEvents("dr-app-db", "db-instance", 60); },
    [](AwsClient& aws) {
      MetricQuery query;
      query.metric_namespace = "AWS/RDS";
      query.metric_name = "ReplicaLag";
      query.dimensions = {{"DBInstanceIdentifier", "dr-app-db"}};
      (void)CloudWatchClient(aws).GetMetricData(query);
    },
    // The plan kinds' reads and calls (switch_dns, the Aurora kinds, invoke_lambda).
    [](AwsClient& aws) { (void)Route53Client(aws).ListRecordSets("Z1", "api.example.com", "A"); },
    [](AwsClient& aws) { (void)Route53Client(aws).ZonesNamed("example.com"); },
    [](AwsClient& aws) { (void)Elbv2Client(aws).DescribeLoadBalancers({"dr-alb"}); },
    [](AwsClient& aws) { (void)RdsClient(aws).DescribeGlobalCluster("orders-global"); },
    [](AwsClient& aws) { (void)RdsClient(aws).SwitchoverGlobalCluster("g", "arn:c"); },
    [](AwsClient& aws) { (void)RdsClient(aws).DescribeDBClusters("app-dr"); },
    [](AwsClient& aws) { (void)LambdaClient(aws).Invoke("warm-cache", "{}"); },
};

}  // namespace
}  // namespace drf

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace drf;
  if (size < 2) return 0;
  const Call& call = kCalls[static_cast<uint8_t>(data[0] - 'a') % std::size(kCalls)];
  HttpResponse response;
  response.status = data[1] % 2 == 0 ? 200 : 400;
  response.headers = {{"x-amzn-RequestId", "req-1"}};
  response.body.assign(reinterpret_cast<const char*>(data) + 2, size - 2);

  CannedHttp http(std::move(response));
  FixedClock clock;
  FixedCredentials credentials;
  FixedEndpoint endpoints;
  AwsClient aws(TestAwsOptions(http, clock, credentials, endpoints));
  call(aws);
  return 0;
}
