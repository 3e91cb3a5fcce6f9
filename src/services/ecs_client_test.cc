#include "services/ecs_client.h"

#include <gtest/gtest.h>

#include "services/paginate.h"
#include "services/services_test_util.h"

namespace drf {
namespace {

using services_testing::AwsHarness;
using services_testing::ExpectAllSameAsBotocore;
using services_testing::JsonError;
using services_testing::JsonReply;
using services_testing::OracleCase;

using nlohmann::json;

json Body(const HttpRequest& request) { return json::parse(request.body); }

std::vector<std::string> Numbered(const std::string& prefix, int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

class EcsClientTest : public ::testing::Test {
 protected:
  void Reply(const json& body, const std::string& request_id = "req-1") {
    HttpResponse response = JsonReply(body, request_id);
    harness_.http.Enqueue(response.status, response.body, response.headers);
  }
  void ReplyError(const HttpResponse& error) {
    harness_.http.Enqueue(error.status, error.body, error.headers);
  }

  AwsHarness harness_;
  EcsClient ecs_{harness_.aws};
};

const json kService = {
    {"serviceArn", "arn:aws:ecs:us-east-1:123456789012:service/dr/web"},
    {"serviceName", "web"},
    {"clusterArn", "arn:aws:ecs:us-east-1:123456789012:cluster/dr"},
    {"status", "ACTIVE"},
    {"launchType", "FARGATE"},
    {"desiredCount", 3},
    {"runningCount", 1},
    {"pendingCount", 2},
    {"createdAt", 1.7e9},
    {"deployments",
     {{{"id", "ecs-svc/1"},
       {"status", "PRIMARY"},
       {"rolloutState", "IN_PROGRESS"},
       {"desiredCount", 3},
       {"runningCount", 1},
       {"pendingCount", 2}},
      {{"id", "ecs-svc/0"}, {"status", "ACTIVE"}, {"desiredCount", 0}}}},
};

TEST_F(EcsClientTest, ListServicesFollowsNextTokenAcrossPages) {
  Reply({{"serviceArns", {"arn:s/a", "arn:s/b"}}, {"nextToken", "t1"}});
  Reply({{"serviceArns", {"arn:s/c"}}, {"nextToken", "t2"}});
  Reply({{"serviceArns", json::array()}});
  Result<std::vector<std::string>> result = ecs_.ListServices("dr");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, (std::vector<std::string>{"arn:s/a", "arn:s/b", "arn:s/c"}));
  std::vector<HttpRequest> sent = harness_.http.requests();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_FALSE(Body(sent[0]).contains("nextToken"));
  EXPECT_EQ(Body(sent[1])["nextToken"], "t1");
  EXPECT_EQ(Body(sent[2])["nextToken"], "t2");
  EXPECT_EQ(Body(sent[2])["maxResults"], 100);
}

TEST(ServiceNameFromArnTest, TakesTheLastSegment) {
  EXPECT_EQ(ServiceNameFromArn("arn:aws:ecs:us-east-1:123456789012:service/dr/frontend"),
            "frontend");
  EXPECT_EQ(ServiceNameFromArn("arn:aws:ecs:us-east-1:123456789012:service/kafka"), "kafka");
  EXPECT_EQ(ServiceNameFromArn("frontend"), "frontend");
}

TEST_F(EcsClientTest, ListServicesOnMissingClusterIsNotFound) {
  ReplyError(JsonError(400, "ClusterNotFoundException", "Cluster not found."));
  Result<std::vector<std::string>> result = ecs_.ListServices("nope");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(result.status().aws()->code, "ClusterNotFoundException");
}

TEST_F(EcsClientTest, DescribeServicesParsesServiceAndDeployments) {
  Reply({{"services", {kService}}, {"failures", json::array()}});
  Result<EcsServices> result = ecs_.DescribeServices("dr", {"web"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->services.size(), 1u);
  const EcsService& service = result->services[0];
  EXPECT_EQ(service.arn, "arn:aws:ecs:us-east-1:123456789012:service/dr/web");
  EXPECT_EQ(service.name, "web");
  EXPECT_EQ(service.cluster_arn, "arn:aws:ecs:us-east-1:123456789012:cluster/dr");
  EXPECT_EQ(service.status, "ACTIVE");
  EXPECT_EQ(service.launch_type, "FARGATE");
  EXPECT_EQ(service.desired_count, 3);
  EXPECT_EQ(service.running_count, 1);
  EXPECT_EQ(service.pending_count, 2);
  ASSERT_EQ(service.deployments.size(), 2u);
  EXPECT_EQ(service.deployments[0].id, "ecs-svc/1");
  EXPECT_EQ(service.deployments[0].status, "PRIMARY");
  EXPECT_EQ(service.deployments[0].rollout_state, "IN_PROGRESS");
  EXPECT_EQ(service.deployments[0].pending_count, 2);
  EXPECT_EQ(service.deployments[1].rollout_state, "");  // missing: default
  EXPECT_TRUE(result->failures.empty());
}

TEST_F(EcsClientTest, DescribeServicesBatchesOfTenMergedWithFailures) {
  std::vector<std::string> names = Numbered("s", 23);
  auto service = [](const char* name) {
    return json{{"serviceName", name}, {"desiredCount", 1}, {"runningCount", 1}};
  };
  Reply({{"services", {service("s0")}}});
  Reply({{"services", json::array()},
         {"failures", {{{"arn", "arn:s/s12"}, {"reason", "MISSING"}, {"detail", "gone"}}}}});
  Reply({{"services", {service("s22")}}, {"failures", json::array()}});
  Result<EcsServices> result = ecs_.DescribeServices("dr", names);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->services.size(), 2u);
  EXPECT_EQ(result->services[1].name, "s22");
  ASSERT_EQ(result->failures.size(), 1u);
  EXPECT_EQ(result->failures[0].arn, "arn:s/s12");
  EXPECT_EQ(result->failures[0].reason, "MISSING");
  EXPECT_EQ(result->failures[0].detail, "gone");
  std::vector<HttpRequest> sent = harness_.http.requests();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(Body(sent[0])["services"].size(), 10u);
  EXPECT_EQ(Body(sent[1])["services"][0], "s10");
  EXPECT_EQ(Body(sent[2])["services"], (json{"s20", "s21", "s22"}));
}

TEST_F(EcsClientTest, DescribeServicesWithNoNamesMakesNoCall) {
  Result<EcsServices> result = ecs_.DescribeServices("dr", {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->services.empty());
  EXPECT_EQ(harness_.http.request_count(), 0u);
}

TEST_F(EcsClientTest, WrongFieldTypeIsInternalNamingTheField) {
  json bad = kService;
  bad["desiredCount"] = "three";
  Reply({{"services", {kService, bad}}});
  Result<EcsServices> result = ecs_.DescribeServices("dr", {"web", "web2"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_NE(result.status().message().find("services[1].desiredCount"), std::string::npos)
      << result.status().message();
}

// A desired count read as 0 would be "raised" to the minimum and could lower the service.
TEST_F(EcsClientTest, MissingCountIsInternalNamingIt) {
  for (const char* count : {"desiredCount", "runningCount"}) {
    json bad = kService;
    bad.erase(count);
    Reply({{"services", {bad}}});
    Result<EcsServices> result = ecs_.DescribeServices("dr", {"web"});
    ASSERT_FALSE(result.ok()) << count;
    EXPECT_EQ(result.status().code(), StatusCode::kInternal);
    EXPECT_EQ(result.status().message(), std::string("DescribeServices reply.services[0].") +
                                             count + " is missing, expected an integer");
  }
}

// AWS answered UpdateService 200 with a reply we cannot use: it may have scaled.
TEST_F(EcsClientTest, UnusableUpdateReplySaysItMayHaveBeenApplied) {
  Reply({{"service", {{"serviceName", 7}}}}, "upd-7");
  Result<Mutated<EcsService>> result = ecs_.UpdateService("dr", "web", 1);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(AcceptedButUnreadable(result.status()));
  ASSERT_NE(result.status().aws(), nullptr);
  EXPECT_EQ(result.status().aws()->operation, "UpdateService");
  EXPECT_EQ(result.status().aws()->request_id, "upd-7");
  EXPECT_EQ(result.status().message(),
            "UpdateService may have been applied: AWS accepted it (HTTP 200, request id upd-7) "
            "but its reply could not be read: UpdateService reply.service.serviceName is not "
            "a string");
}

TEST_F(EcsClientTest, NonObjectItemsAndArraysAreInternal) {
  Reply({{"services", "web"}});
  Result<EcsServices> result = ecs_.DescribeServices("dr", {"web"});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("services is not an array"), std::string::npos)
      << result.status().message();
}

TEST_F(EcsClientTest, UpdateServiceReturnsServiceAndRequestId) {
  Reply({{"service", kService}}, "upd-1");
  Result<Mutated<EcsService>> result = ecs_.UpdateService("dr", "web", 3);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->value.desired_count, 3);
  EXPECT_EQ(result->request_id, "upd-1");
  EXPECT_EQ(Body(harness_.http.requests()[0]),
            (json{{"cluster", "dr"}, {"service", "web"}, {"desiredCount", 3}}));
}

TEST_F(EcsClientTest, UpdateServiceOnMissingServiceIsNotFound) {
  ReplyError(JsonError(400, "ServiceNotFoundException", "Service not found."));
  Result<Mutated<EcsService>> result = ecs_.UpdateService("dr", "nope", 1);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(result.status().aws()->code, "ServiceNotFoundException");
}

// A list that never ends (every page with a new token) is an error after kMaxPages pages,
// not an endless run.
TEST_F(EcsClientTest, AListThatNeverEndsFailsAfterTheLastPageAllowed) {
  for (int page = 1; page <= kMaxPages; ++page) {
    Reply({{"serviceArns", {"arn:s/" + std::to_string(page)}},
           {"nextToken", "t" + std::to_string(page)}});
  }
  Result<std::vector<std::string>> result = ecs_.ListServices("dr");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_EQ(result.status().message(), "ListServices returned more than 1000 pages");
  EXPECT_EQ(harness_.http.requests().size(), static_cast<size_t>(kMaxPages));
}

TEST_F(EcsClientTest, ListTasksSendsFiltersAndFollowsPages) {
  Reply({{"taskArns", {"arn:t/1"}}, {"nextToken", "n1"}});
  Reply({{"taskArns", {"arn:t/2"}}});
  Result<std::vector<std::string>> result = ecs_.ListTasks("dr", "web", "RUNNING");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, (std::vector<std::string>{"arn:t/1", "arn:t/2"}));
  std::vector<HttpRequest> sent = harness_.http.requests();
  EXPECT_EQ(Body(sent[0]), (json{{"cluster", "dr"},
                                 {"serviceName", "web"},
                                 {"desiredStatus", "RUNNING"},
                                 {"maxResults", 100}}));
  EXPECT_EQ(Body(sent[1])["nextToken"], "n1");
}

TEST_F(EcsClientTest, ListTasksEmptyAndWithoutFilters) {
  Reply(json::object());
  Result<std::vector<std::string>> result = ecs_.ListTasks("dr", "", "");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->empty());
  EXPECT_EQ(Body(harness_.http.requests()[0]), (json{{"cluster", "dr"}, {"maxResults", 100}}));
}

TEST_F(EcsClientTest, ClusterTasksStopAfterTheGivenPagesAndSayTheListingIsIncomplete) {
  Reply({{"taskArns", {"arn:t/1"}}, {"nextToken", "n1"}});
  Reply({{"taskArns", {"arn:t/2"}}, {"nextToken", "n2"}});
  Result<EcsClient::ArnPages> cut = ecs_.ListClusterTasks("dr", "RUNNING", 2);
  ASSERT_TRUE(cut.ok()) << cut.status().ToString();
  EXPECT_EQ(cut->arns, (std::vector<std::string>{"arn:t/1", "arn:t/2"}));
  EXPECT_EQ(cut->pages, 2);
  EXPECT_FALSE(cut->complete);
  std::vector<HttpRequest> sent = harness_.http.requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(Body(sent[0]),
            (json{{"cluster", "dr"}, {"desiredStatus", "RUNNING"}, {"maxResults", 100}}));

  Reply({{"taskArns", {"arn:t/1"}}, {"nextToken", "n1"}});
  Reply({{"taskArns", {"arn:t/2"}}});
  Result<EcsClient::ArnPages> whole = ecs_.ListClusterTasks("dr", "RUNNING", 2);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(whole->arns.size(), 2u);
  EXPECT_TRUE(whole->complete);
}

TEST_F(EcsClientTest, DescribeTasksCollectsPrivateIpsFromBothPlacesOnce) {
  json task = {
      {"taskArn", "arn:t/1"},
      {"group", "service:web"},
      {"startedBy", "ecs-svc/1"},
      {"lastStatus", "RUNNING"},
      {"desiredStatus", "RUNNING"},
      {"healthStatus", "HEALTHY"},
      {"availabilityZone", "us-east-1a"},
      {"attachments",
       {{{"type", "ElasticNetworkInterface"},
         {"details",
          {{{"name", "subnetId"}, {"value", "subnet-1"}},
           {{"name", "privateIPv4Address"}, {"value", "10.0.0.7"}}}}}}},
      {"containers",
       {{{"name", "app"}, {"networkInterfaces", {{{"privateIpv4Address", "10.0.0.7"}}}}},
        {{"name", "sidecar"}, {"networkInterfaces", {{{"privateIpv4Address", "10.0.0.8"}}}}}}},
  };
  json stopped = {{"taskArn", "arn:t/2"},
                  {"lastStatus", "STOPPED"},
                  {"stoppedReason", "Essential container in task exited"}};
  Reply({{"tasks", {task, stopped}}, {"failures", json::array()}});
  Result<EcsTasks> result = ecs_.DescribeTasks("dr", {"arn:t/1", "arn:t/2"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->tasks.size(), 2u);
  const EcsTask& running = result->tasks[0];
  EXPECT_EQ(running.arn, "arn:t/1");
  EXPECT_EQ(running.group, "service:web");
  EXPECT_EQ(running.started_by, "ecs-svc/1");
  EXPECT_EQ(running.last_status, "RUNNING");
  EXPECT_EQ(running.desired_status, "RUNNING");
  EXPECT_EQ(running.health_status, "HEALTHY");
  EXPECT_EQ(running.availability_zone, "us-east-1a");
  EXPECT_EQ(running.private_ips, (std::vector<std::string>{"10.0.0.7", "10.0.0.8"}));
  EXPECT_EQ(result->tasks[1].stopped_reason, "Essential container in task exited");
  EXPECT_TRUE(result->tasks[1].private_ips.empty());
}

TEST_F(EcsClientTest, DescribeTasksBatchesOfHundred) {
  Reply({{"tasks", json::array()}});
  Reply({{"tasks", json::array()}, {"failures", {{{"arn", "arn:t/150"}, {"reason", "MISSING"}}}}});
  Result<EcsTasks> result = ecs_.DescribeTasks("dr", Numbered("arn:t/", 150));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->failures.size(), 1u);
  std::vector<HttpRequest> sent = harness_.http.requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(Body(sent[0])["tasks"].size(), 100u);
  EXPECT_EQ(Body(sent[1])["tasks"].size(), 50u);
}

// --- Evidence for a service that does not reach its count --------------------------------

// A DescribeServices reply written after the API reference's Service and ServiceEvent
// shapes: a service stuck at 0 of 3, its events newest first, createdAt in epoch seconds
// (with milliseconds, as AWS sends them).
const json kStuckService = json::parse(R"({
  "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/dr/kafka",
  "serviceName": "kafka",
  "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/dr",
  "status": "ACTIVE",
  "launchType": "FARGATE",
  "desiredCount": 3,
  "runningCount": 0,
  "pendingCount": 0,
  "createdAt": 1764100000.001,
  "deployments": [{
    "id": "ecs-svc/4398140627012345678",
    "status": "PRIMARY",
    "desiredCount": 3,
    "runningCount": 0,
    "pendingCount": 0,
    "failedTasks": 6,
    "rolloutState": "IN_PROGRESS",
    "rolloutStateReason": "ECS deployment ecs-svc/4398140627012345678 in progress.",
    "createdAt": 1764100000.001,
    "updatedAt": 1764106812.5
  }],
  "events": [
    {"id": "9d5e6f70-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "createdAt": 1764106812.5,
     "message": "(service kafka) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."},
    {"id": "1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809", "createdAt": 1764106805.457,
     "message": "(service kafka) has started 3 tasks: (task 0f1e2d3c4b5a69788796a5b4c3d2e1f0) (task 1f1e2d3c4b5a69788796a5b4c3d2e1f0) (task 2f1e2d3c4b5a69788796a5b4c3d2e1f0)."},
    {"id": "0a1b2c3d-4e5f-4607-8819-2a3b4c5d6e7f", "createdAt": 1764106790,
     "message": "(service kafka) has reached a steady state."}
  ]
})");

TEST_F(EcsClientTest, DescribeServicesParsesEventsNewestFirst) {
  Reply({{"services", {kStuckService}}, {"failures", json::array()}});
  Result<EcsServices> result = ecs_.DescribeServices("dr", {"kafka"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->services.size(), 1u);
  const std::vector<EcsServiceEvent>& events = result->services[0].events;
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].id, "9d5e6f70-1a2b-4c3d-8e9f-0a1b2c3d4e5f");
  EXPECT_EQ(events[0].created_at, "2025-11-25T21:40:12.500Z");
  EXPECT_EQ(events[0].message,
            "(service kafka) is unable to consistently start tasks successfully. For more "
            "information, see the Troubleshooting section of the Amazon ECS Developer Guide.");
  EXPECT_EQ(events[1].created_at, "2025-11-25T21:40:05.457Z");  // not .456: rounded to ms
  EXPECT_EQ(events[2].created_at, "2025-11-25T21:39:50.000Z");  // an integer is fine too
  EXPECT_EQ(events[2].message, "(service kafka) has reached a steady state.");
}

TEST_F(EcsClientTest, ServiceWithoutEventsHasNone) {
  Reply({{"services", {kService}}});
  Result<EcsServices> result = ecs_.DescribeServices("dr", {"web"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->services[0].events.empty());
}

// UpdateService returns the same Service shape: its events are read as well.
TEST_F(EcsClientTest, UpdateServiceReplyCarriesEvents) {
  Reply({{"service", kStuckService}}, "upd-2");
  Result<Mutated<EcsService>> result = ecs_.UpdateService("dr", "kafka", 3);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->value.events.size(), 3u);
}

TEST_F(EcsClientTest, MalformedEventIsInternalNamingTheField) {
  struct Case {
    json events;
    std::string message;
  };
  const std::vector<Case> cases = {
      {json::parse(R"([{"id": "e1", "createdAt": "2025-11-25T21:40:12Z", "message": "m"}])"),
       "DescribeServices reply.services[0].events[0].createdAt is not a timestamp (epoch "
       "seconds)"},
      {json::parse(R"([{"id": "e1", "createdAt": -5, "message": "m"}])"),
       "DescribeServices reply.services[0].events[0].createdAt is not a timestamp (epoch "
       "seconds)"},
      {json::parse(R"([{"id": "e1", "createdAt": 1e300, "message": "m"}])"),
       "DescribeServices reply.services[0].events[0].createdAt is not a timestamp (epoch "
       "seconds)"},
      {json::parse(R"([{"id": "e1", "createdAt": 1764106812, "message": 7}])"),
       "DescribeServices reply.services[0].events[0].message is not a string"},
      {json::parse(R"(["(service kafka) has reached a steady state."])"),
       "DescribeServices reply.services[0].events[0] is not an object"},
      {json::parse(R"({"id": "e1"})"), "DescribeServices reply.services[0].events is not an array"},
  };
  for (const Case& c : cases) {
    json bad = kStuckService;
    bad["events"] = c.events;
    Reply({{"services", {bad}}});
    Result<EcsServices> result = ecs_.DescribeServices("dr", {"kafka"});
    ASSERT_FALSE(result.ok()) << c.events.dump();
    EXPECT_EQ(result.status().code(), StatusCode::kInternal);
    EXPECT_EQ(result.status().message(), c.message);
  }
}

// Stopped tasks as DescribeTasks reports them (API reference Task and Container shapes): one
// that could not pull its image, one killed for memory, and a running one for contrast.
const json kStoppedTasks = json::parse(R"({
  "tasks": [
    {
      "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/dr/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
      "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/dr",
      "group": "service:kafka",
      "startedBy": "ecs-svc/4398140627012345678",
      "lastStatus": "STOPPED",
      "desiredStatus": "STOPPED",
      "stopCode": "TaskFailedToStart",
      "stoppedReason": "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/kafka:3.7: not found",
      "createdAt": 1764106805.457,
      "stoppingAt": 1764106809.2,
      "stoppedAt": 1764106811.871,
      "availabilityZone": "us-east-1a",
      "containers": [{
        "containerArn": "arn:aws:ecs:us-east-1:123456789012:container/dr/0f1e2d3c4b5a69788796a5b4c3d2e1f0/6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
        "name": "kafka",
        "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/kafka:3.7",
        "lastStatus": "STOPPED",
        "reason": "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/kafka:3.7: not found",
        "networkInterfaces": [],
        "healthStatus": "UNKNOWN"
      }]
    },
    {
      "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/dr/1f1e2d3c4b5a69788796a5b4c3d2e1f0",
      "group": "service:kafka",
      "lastStatus": "STOPPED",
      "desiredStatus": "STOPPED",
      "stopCode": "EssentialContainerExited",
      "stoppedReason": "Essential container in task exited",
      "stoppingAt": 1764106900,
      "stoppedAt": 1764106930.004,
      "containers": [
        {"name": "kafka", "lastStatus": "STOPPED", "exitCode": 137,
         "reason": "OutOfMemoryError: Container killed due to memory usage"},
        {"name": "log-router", "lastStatus": "STOPPED", "exitCode": 0}
      ]
    },
    {
      "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/dr/2f1e2d3c4b5a69788796a5b4c3d2e1f0",
      "group": "service:kafka",
      "lastStatus": "RUNNING",
      "desiredStatus": "RUNNING",
      "containers": [{"name": "kafka", "lastStatus": "RUNNING"}]
    }
  ],
  "failures": []
})");

TEST_F(EcsClientTest, DescribeTasksParsesWhyTasksStopped) {
  Reply(kStoppedTasks);
  Result<EcsTasks> result = ecs_.DescribeTasks("dr", {"t0", "t1", "t2"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->tasks.size(), 3u);

  const EcsTask& pull = result->tasks[0];
  EXPECT_EQ(pull.last_status, "STOPPED");
  EXPECT_EQ(pull.stop_code, "TaskFailedToStart");
  EXPECT_EQ(pull.stopped_reason.rfind("CannotPullContainerError: ", 0), 0u) << pull.stopped_reason;
  EXPECT_EQ(pull.stopping_at, "2025-11-25T21:40:09.200Z");
  EXPECT_EQ(pull.stopped_at, "2025-11-25T21:40:11.871Z");
  ASSERT_EQ(pull.containers.size(), 1u);
  EXPECT_EQ(pull.containers[0].name, "kafka");
  EXPECT_EQ(pull.containers[0].last_status, "STOPPED");
  EXPECT_EQ(pull.containers[0].reason, pull.stopped_reason);
  EXPECT_EQ(pull.containers[0].exit_code, std::nullopt);  // it never ran

  const EcsTask& oom = result->tasks[1];
  EXPECT_EQ(oom.stop_code, "EssentialContainerExited");
  EXPECT_EQ(oom.stopped_reason, "Essential container in task exited");
  EXPECT_EQ(oom.stopping_at, "2025-11-25T21:41:40.000Z");
  EXPECT_EQ(oom.stopped_at, "2025-11-25T21:42:10.004Z");
  ASSERT_EQ(oom.containers.size(), 2u);
  EXPECT_EQ(oom.containers[0].exit_code, 137);
  EXPECT_EQ(oom.containers[0].reason, "OutOfMemoryError: Container killed due to memory usage");
  EXPECT_EQ(oom.containers[1].name, "log-router");
  EXPECT_EQ(oom.containers[1].exit_code, 0);  // 0 is a value, not "unset"
  EXPECT_EQ(oom.containers[1].reason, "");

  const EcsTask& running = result->tasks[2];
  EXPECT_EQ(running.stop_code, "");
  EXPECT_EQ(running.stopping_at, "");
  EXPECT_EQ(running.stopped_at, "");
  ASSERT_EQ(running.containers.size(), 1u);
  EXPECT_EQ(running.containers[0].exit_code, std::nullopt);
}

TEST_F(EcsClientTest, MalformedStoppedTaskIsInternalNamingTheField) {
  struct Case {
    const char* pointer;  // into kStoppedTasks
    json value;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"/tasks/1/containers/0/exitCode", "137",
       "DescribeTasks reply.tasks[1].containers[0].exitCode is not an integer"},
      {"/tasks/1/containers/0/exitCode", 1.5,
       "DescribeTasks reply.tasks[1].containers[0].exitCode is not an integer"},
      {"/tasks/1/containers/0/exitCode", 4294967296LL,
       "DescribeTasks reply.tasks[1].containers[0].exitCode is not an integer"},
      {"/tasks/1/containers/0/reason", json::array(),
       "DescribeTasks reply.tasks[1].containers[0].reason is not a string"},
      {"/tasks/0/stoppedAt", "yesterday",
       "DescribeTasks reply.tasks[0].stoppedAt is not a timestamp (epoch seconds)"},
      {"/tasks/0/stoppingAt", true,
       "DescribeTasks reply.tasks[0].stoppingAt is not a timestamp (epoch seconds)"},
      {"/tasks/0/stopCode", 3, "DescribeTasks reply.tasks[0].stopCode is not a string"},
      {"/tasks/2/containers", "kafka", "DescribeTasks reply.tasks[2].containers is not an array"},
  };
  for (const Case& c : cases) {
    json bad = kStoppedTasks;
    bad[json::json_pointer(c.pointer)] = c.value;
    Reply(bad);
    Result<EcsTasks> result = ecs_.DescribeTasks("dr", {"t0", "t1", "t2"});
    ASSERT_FALSE(result.ok()) << c.pointer;
    EXPECT_EQ(result.status().code(), StatusCode::kInternal);
    EXPECT_EQ(result.status().message(), c.message);
  }
}

// A null timestamp or exit code is "absent", as every other field.
TEST_F(EcsClientTest, NullTimestampAndExitCodeAreAbsent) {
  json task = {{"taskArn", "arn:t/1"},
               {"stoppedAt", nullptr},
               {"containers", {{{"name", "app"}, {"exitCode", nullptr}}}}};
  Reply({{"tasks", {task}}});
  Result<EcsTasks> result = ecs_.DescribeTasks("dr", {"arn:t/1"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->tasks[0].stopped_at, "");
  EXPECT_EQ(result->tasks[0].containers[0].exit_code, std::nullopt);
}

// The stopped tasks of one service: desiredStatus STOPPED, serviceName, as the console's
// "Stopped" filter asks.
TEST_F(EcsClientTest, ListStoppedTasksOfAService) {
  Reply({{"taskArns", {"arn:t/0", "arn:t/1"}}});
  Result<std::vector<std::string>> result = ecs_.ListTasks("dr", "kafka", "STOPPED");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, (std::vector<std::string>{"arn:t/0", "arn:t/1"}));
  EXPECT_EQ(Body(harness_.http.requests()[0]), (json{{"cluster", "dr"},
                                                     {"serviceName", "kafka"},
                                                     {"desiredStatus", "STOPPED"},
                                                     {"maxResults", 100}}));
}

// --- Serialization equals botocore's ----------------------------------------------------

TEST_F(EcsClientTest, ListServicesMatchesBotocore) {
  Reply({{"serviceArns", {"a"}}, {"nextToken", "tok/=="}});
  Reply({{"serviceArns", json::array()}});
  Reply({{"serviceArns", json::array()}});
  ASSERT_TRUE(ecs_.ListServices("dr").ok());
  ASSERT_TRUE(ecs_.ListServices("").ok());
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("ecs", "ListServices", {{"cluster", "dr"}, {"maxResults", 100}}),
       OracleCase("ecs", "ListServices",
                  {{"cluster", "dr"}, {"maxResults", 100}, {"nextToken", "tok/=="}}),
       OracleCase("ecs", "ListServices", {{"maxResults", 100}})});
}

TEST_F(EcsClientTest, DescribeServicesMatchesBotocore) {
  Reply({{"services", json::array()}});
  ASSERT_TRUE(ecs_.DescribeServices("dr", {"web", "arn:aws:ecs:us-east-1:1:service/dr/api"}).ok());
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase(
          "ecs", "DescribeServices",
          {{"cluster", "dr"}, {"services", {"web", "arn:aws:ecs:us-east-1:1:service/dr/api"}}})});
}

TEST_F(EcsClientTest, UpdateServiceMatchesBotocore) {
  Reply({{"service", kService}});
  Reply({{"service", kService}});
  ASSERT_TRUE(ecs_.UpdateService("dr", "web", 4).ok());
  ASSERT_TRUE(ecs_.UpdateService("dr", "web", 0).ok());
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("ecs", "UpdateService",
                  {{"cluster", "dr"}, {"service", "web"}, {"desiredCount", 4}}),
       OracleCase("ecs", "UpdateService",
                  {{"cluster", "dr"}, {"service", "web"}, {"desiredCount", 0}})});
}

TEST_F(EcsClientTest, ListTasksMatchesBotocore) {
  Reply({{"taskArns", {"a"}}, {"nextToken", "n1"}});
  Reply({{"taskArns", json::array()}});
  Reply({{"taskArns", json::array()}});
  Reply({{"taskArns", json::array()}});
  ASSERT_TRUE(ecs_.ListTasks("dr", "web", "RUNNING").ok());
  ASSERT_TRUE(ecs_.ListTasks("dr", "", "").ok());
  ASSERT_TRUE(ecs_.ListTasks("dr", "kafka", "STOPPED").ok());
  json filtered = {
      {"cluster", "dr"}, {"serviceName", "web"}, {"desiredStatus", "RUNNING"}, {"maxResults", 100}};
  json page2 = filtered;
  page2["nextToken"] = "n1";
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("ecs", "ListTasks", filtered), OracleCase("ecs", "ListTasks", page2),
       OracleCase("ecs", "ListTasks", {{"cluster", "dr"}, {"maxResults", 100}}),
       OracleCase("ecs", "ListTasks",
                  {{"cluster", "dr"},
                   {"serviceName", "kafka"},
                   {"desiredStatus", "STOPPED"},
                   {"maxResults", 100}})});
}

TEST_F(EcsClientTest, DescribeTasksMatchesBotocore) {
  Reply({{"tasks", json::array()}});
  ASSERT_TRUE(ecs_.DescribeTasks("dr", {"arn:t/1", "arn:t/2"}).ok());
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("ecs", "DescribeTasks", {{"cluster", "dr"}, {"tasks", {"arn:t/1", "arn:t/2"}}})});
}

TEST_F(EcsClientTest, DescribeClustersAndTaskDefinition) {
  Reply({{"clusters",
          {{{"clusterArn", "arn:aws:ecs:us-east-1:1:cluster/dr"},
            {"clusterName", "dr"},
            {"status", "ACTIVE"},
            {"capacityProviders", {"FARGATE"}},
            {"registeredContainerInstancesCount", 0}}}},
         {"failures", {{{"arn", "arn:aws:ecs:us-east-1:1:cluster/gone"}, {"reason", "MISSING"}}}}});
  Reply({{"taskDefinition",
          {{"taskDefinitionArn", "arn:td/web:3"},
           {"status", "INACTIVE"},
           {"networkMode", "awsvpc"},
           {"requiresCompatibilities", {"FARGATE"}}}}});
  Result<EcsClusters> clusters = ecs_.DescribeClusters({"dr", "gone"});
  ASSERT_TRUE(clusters.ok()) << clusters.status().ToString();
  ASSERT_EQ(clusters->clusters.size(), 1u);
  EXPECT_EQ(clusters->clusters[0].status, "ACTIVE");
  EXPECT_EQ(clusters->clusters[0].capacity_providers, (std::vector<std::string>{"FARGATE"}));
  ASSERT_EQ(clusters->failures.size(), 1u);
  EXPECT_EQ(clusters->failures[0].reason, "MISSING");
  Result<EcsTaskDefinition> definition = ecs_.DescribeTaskDefinition("arn:td/web:3");
  ASSERT_TRUE(definition.ok()) << definition.status().ToString();
  EXPECT_EQ(definition->status, "INACTIVE");
  EXPECT_EQ(definition->network_mode, "awsvpc");
  EXPECT_EQ(definition->requires_compatibilities, (std::vector<std::string>{"FARGATE"}));
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("ecs", "DescribeClusters", {{"clusters", {"dr", "gone"}}}),
       OracleCase("ecs", "DescribeTaskDefinition", {{"taskDefinition", "arn:td/web:3"}})});
}
}  // namespace
}  // namespace drf
