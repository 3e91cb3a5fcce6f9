// Test support for steps (header-only, tests only): a real AwsClient (the shared test
// identity, testing/aws_test_options.h) and the typed clients over FakeHttp + FakeAws, a FakeClock
// (waits take no real time), a captured text log, a StepContext; and builders for the AWS replies
// the steps read.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "plan/step.h"
#include "services/autoscaling_client.h"
#include "services/ecs_client.h"
#include "services/elbv2_client.h"
#include "services/rds_client.h"
#include "services/shared_reads.h"
#include "testing/aws_test_options.h"
#include "testing/fake_aws.h"
#include "testing/fake_clock.h"
#include "testing/fake_http.h"
#include "testing/log_capture.h"

namespace drf::steps_testing {

// Everything a step needs, wired to fakes. The step deadline is 10 minutes from now.
struct StepHarness {
  FakeClock clock;
  FakeHttp http;
  FakeAws aws{http};
  FixedCredentials credentials;
  FixedEndpoint endpoints;
  AwsClient client{TestAwsOptions(http, clock, credentials, endpoints)};
  RdsClient rds{client};
  AutoScalingClient autoscaling{client};
  EcsClient ecs{client};
  Elbv2Client elbv2{client};
  // Without a gathering window: each step's read is its own call, as a step alone makes it.
  SharedReads reads{autoscaling, ecs, elbv2, clock, Duration::zero()};
  LogCapture log{clock};
  CancelToken cancel;
  StepContext ctx{clock, log.logger(), cancel, clock.Monotonic() + std::chrono::minutes(10)};

  void SetTimeout(Duration d) { ctx.deadline = clock.Monotonic() + d; }
  // Mutating calls made through FakeAws, by operation.
  int Calls(const ServiceInfo& service, std::string_view op) const {
    return aws.Count(service, op);
  }
};

// --- RDS ------------------------------------------------------------------------------

inline std::string DbXml(const std::string& id, const std::string& status,
                         const std::string& source) {
  std::string xml = "<DBInstanceIdentifier>" + id + "</DBInstanceIdentifier><DBInstanceStatus>" +
                    status + "</DBInstanceStatus><Engine>postgres</Engine>";
  if (!source.empty()) {
    xml += "<ReadReplicaSourceDBInstanceIdentifier>" + source +
           "</ReadReplicaSourceDBInstanceIdentifier>";
  }
  return "<DBInstance>" + xml + "</DBInstance>";
}

inline HttpResponse DescribeDb(const std::string& id, const std::string& status,
                               const std::string& source) {
  return FakeAws::QueryOk("DescribeDBInstances",
                          "<DBInstances>" + DbXml(id, status, source) + "</DBInstances>");
}

// --- Auto Scaling ---------------------------------------------------------------------

struct FakeInstance {
  std::string id;
  std::string lifecycle = "InService";
  std::string health = "Healthy";
};

inline HttpResponse DescribeAsgReply(const std::string& name, int min, int max, int desired,
                                     const std::vector<FakeInstance>& instances = {},
                                     const std::map<std::string, std::string>& tags = {}) {
  std::string xml = "<AutoScalingGroups><member><AutoScalingGroupName>" + name +
                    "</AutoScalingGroupName><MinSize>" + std::to_string(min) +
                    "</MinSize><MaxSize>" + std::to_string(max) + "</MaxSize><DesiredCapacity>" +
                    std::to_string(desired) + "</DesiredCapacity><Instances>";
  for (const FakeInstance& i : instances) {
    xml += "<member><InstanceId>" + i.id + "</InstanceId><LifecycleState>" + i.lifecycle +
           "</LifecycleState><HealthStatus>" + i.health +
           "</HealthStatus><AvailabilityZone>us-east-1a</AvailabilityZone></member>";
  }
  xml += "</Instances><Tags>";
  for (const auto& [key, value] : tags) {
    xml += "<member><ResourceId>" + name + "</ResourceId><Key>" + key + "</Key><Value>" + value +
           "</Value></member>";
  }
  xml += "</Tags></member></AutoScalingGroups>";
  return FakeAws::QueryOk("DescribeAutoScalingGroups", xml);
}

inline HttpResponse NoAsgReply() {
  return FakeAws::QueryOk("DescribeAutoScalingGroups", "<AutoScalingGroups/>");
}

// --- ECS --------------------------------------------------------------------------------

inline nlohmann::json ServiceJson(const std::string& cluster, const std::string& name,
                                  const std::string& status, int desired, int running = 0) {
  return {{"serviceArn", "arn:aws:ecs:us-east-1:123456789012:service/" + cluster + "/" + name},
          {"serviceName", name},
          {"clusterArn", "arn:aws:ecs:us-east-1:123456789012:cluster/" + cluster},
          {"status", status},
          {"desiredCount", desired},
          {"runningCount", running},
          {"pendingCount", 0},
          {"deployments", nlohmann::json::array()}};
}

inline HttpResponse DescribeServicesReply(const nlohmann::json& service) {
  return FakeAws::JsonOk({{"services", {service}}, {"failures", nlohmann::json::array()}});
}

inline HttpResponse MissingServiceReply(const std::string& cluster, const std::string& name) {
  return FakeAws::JsonOk(
      {{"services", nlohmann::json::array()},
       {"failures",
        {{{"arn", "arn:aws:ecs:us-east-1:123456789012:service/" + cluster + "/" + name},
          {"reason", "MISSING"}}}}});
}

inline std::string TaskArn(const std::string& cluster, const std::string& id) {
  return "arn:aws:ecs:us-east-1:123456789012:task/" + cluster + "/" + id;
}

// An awsvpc task whose IP is only in attachments (as moto reports it).
inline nlohmann::json TaskJson(const std::string& cluster, const std::string& id,
                               const std::string& group, const std::string& last_status,
                               const std::string& ip) {
  return {{"taskArn", TaskArn(cluster, id)},
          {"group", group},
          {"lastStatus", last_status},
          {"desiredStatus", "RUNNING"},
          {"attachments",
           {{{"type", "ElasticNetworkInterface"},
             {"details", {{{"name", "privateIPv4Address"}, {"value", ip}}}}}}}};
}

// --- ELBv2 ------------------------------------------------------------------------------

inline HttpResponse DescribeTargetGroupReply(const std::string& arn, const std::string& type,
                                             int port) {
  return FakeAws::QueryOk(
      "DescribeTargetGroups",
      "<TargetGroups><member><TargetGroupArn>" + arn +
          "</TargetGroupArn><TargetGroupName>tg</TargetGroupName><Protocol>HTTP</Protocol>"
          "<Port>" +
          std::to_string(port) + "</Port><TargetType>" + type +
          "</TargetType></member></TargetGroups>");
}

struct FakeTarget {
  std::string id;
  int port;
  std::string state = "healthy";
};

inline HttpResponse TargetHealthReply(const std::vector<FakeTarget>& targets) {
  std::string xml = "<TargetHealthDescriptions>";
  for (const FakeTarget& t : targets) {
    xml += "<member><Target><Id>" + t.id + "</Id><Port>" + std::to_string(t.port) +
           "</Port></Target><TargetHealth><State>" + t.state + "</State></TargetHealth></member>";
  }
  xml += "</TargetHealthDescriptions>";
  return FakeAws::QueryOk("DescribeTargetHealth", xml);
}

}  // namespace drf::steps_testing
