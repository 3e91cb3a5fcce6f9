// Every service client against the emulated DR region (moto behind the realism proxy,
// src/testing/emulator.h) over real HTTP (CurlHttpClient), with dummy credentials. The
// emulator's reference seed provides the pilot-light deployment; tools/oracle/
// seed_services.py adds an Aurora replica cluster, a hosted zone and a topic.
// FailoverGlobalCluster is not in moto: rds_client_test.cc covers it with recorded replies.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "posix/curl_http.h"
#include "services/autoscaling_client.h"
#include "services/cloudwatch_client.h"
#include "services/ec2_client.h"
#include "services/ecs_client.h"
#include "services/elbv2_client.h"
#include "services/rds_client.h"
#include "services/route53_client.h"
#include "services/services_test_util.h"
#include "services/sns_client.h"
#include "services/sts_client.h"
#include "testing/emulator.h"

namespace drf {
namespace {

using services_testing::AwsHarness;
using services_testing::RunCommand;

bool Contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// Expects `status` to be an AWS error of `code` with wire code `wire_code`.
void ExpectAwsError(const Status& status, StatusCode code, const std::string& wire_code) {
  EXPECT_EQ(status.code(), code) << status.ToString();
  ASSERT_NE(status.aws(), nullptr) << status.ToString();
  EXPECT_EQ(status.aws()->code, wire_code);
}

class ServicesIntegrationTest : public ::testing::Test {
 protected:
  // One emulator for the suite: starting one takes seconds. Each test uses its own
  // resources, so the tests do not depend on each other's order.
  static void SetUpTestSuite() {
    EmulatorOptions options;
    options.seed_reference = true;
    // Instances and tasks start at once, so no test waits; promotions stay in progress
    // for the whole suite (a second promote must be refused).
    options.instance_start_seconds = 0;
    options.task_start_seconds = 0;
    options.promotion_seconds = 600;
    emulator_.Start(options, [](EmulatorProcess& emulator) {
      int rc = -1;
      std::string output =
          RunCommand(std::string("python3 ") + DRF_SOURCE_DIR +
                         "/tools/oracle/seed_services.py --endpoint " + emulator.moto_endpoint(),
                     &rc);
      *extras_ = nlohmann::json::parse(output, nullptr, false);
      if (rc != 0 || !extras_->is_object()) {
        return Status::Internal("seed_services.py failed: " + output);
      }
      return Status::Ok();
    });
  }
  static void TearDownTestSuite() { emulator_.Stop(); }

  void SetUp() override {
    ASSERT_TRUE(emulator_.ready()) << emulator_.error();
    harness_ = std::make_unique<AwsHarness>(&curl_, emulator_->endpoint());
  }

  const nlohmann::json& Seeded() const { return emulator_->resources(); }
  std::string Extra(const char* key) const { return extras_->value(key, ""); }
  std::string TargetGroupArn(const char* name) const {
    return Seeded()["target_groups"][name]["arn"].get<std::string>();
  }
  AwsClient& aws() { return harness_->aws; }

  static inline SuiteEmulator emulator_;
  static inline auto* extras_ = new nlohmann::json();

  CurlHttpClient curl_;
  std::unique_ptr<AwsHarness> harness_;
};

TEST_F(ServicesIntegrationTest, StsGetCallerIdentity) {
  Result<CallerIdentity> identity = StsClient(aws()).GetCallerIdentity();
  ASSERT_TRUE(identity.ok()) << identity.status().ToString();
  EXPECT_EQ(identity->account, "123456789012");
  EXPECT_FALSE(identity->arn.empty());
  EXPECT_FALSE(identity->user_id.empty());
}

TEST_F(ServicesIntegrationTest, CloudWatchReadsTheReplicaLagPutWithBoto3) {
  MetricQuery query;
  query.metric_namespace = "AWS/RDS";
  query.metric_name = "ReplicaLag";
  query.dimensions = {{"DBInstanceIdentifier", Extra("lag_instance")}};
  query.end = std::chrono::system_clock::now();
  query.start = query.end - std::chrono::minutes(5);
  Result<std::vector<MetricPoint>> points = CloudWatchClient(aws()).GetMetricData(query);
  ASSERT_TRUE(points.ok()) << points.status().ToString();
  ASSERT_EQ(points->size(), 3u);
  EXPECT_EQ(points->front().value, extras_->at("lag_latest_seconds").get<double>());  // newest
  EXPECT_EQ(points->back().value, extras_->at("lag_max_seconds").get<double>());
  EXPECT_GT(points->front().at, points->back().at);

  query.dimensions = {{"DBInstanceIdentifier", "no-such-db"}};
  Result<std::vector<MetricPoint>> none = CloudWatchClient(aws()).GetMetricData(query);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
}

TEST_F(ServicesIntegrationTest, RdsDescribeAndPromoteReadReplica) {
  RdsClient rds(aws());
  const std::string replica = Seeded()["db_instance"];
  Result<std::vector<DbInstance>> described = rds.DescribeDBInstances(replica);
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  ASSERT_EQ(described->size(), 1u);
  EXPECT_EQ(described->front().identifier, replica);
  EXPECT_EQ(described->front().arn, Seeded()["db_instance_arn"]);
  EXPECT_EQ(described->front().read_replica_source, Seeded()["primary_db_instance_arn"]);
  EXPECT_EQ(described->front().status, "available");
  EXPECT_EQ(described->front().engine, "postgres");
  EXPECT_FALSE(described->front().endpoint_address.empty());
  EXPECT_GT(described->front().endpoint_port, 0);

  Result<std::vector<DbInstance>> all = rds.DescribeDBInstances("");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(std::any_of(all->begin(), all->end(),
                          [&](const DbInstance& db) { return db.identifier == replica; }));

  ExpectAwsError(rds.DescribeDBInstances("no-such-db").status(), StatusCode::kNotFound,
                 "DBInstanceNotFound");

  Result<Mutated<DbInstance>> promoted = rds.PromoteReadReplica({replica, 1, std::nullopt});
  ASSERT_TRUE(promoted.ok()) << promoted.status().ToString();
  EXPECT_EQ(promoted->value.identifier, replica);
  EXPECT_EQ(promoted->value.status, "modifying");
  EXPECT_FALSE(promoted->request_id.empty());
  // Already promoting: AWS (and the emulator) refuse a second promotion.
  ExpectAwsError(rds.PromoteReadReplica({replica, std::nullopt, std::nullopt}).status(),
                 StatusCode::kRejected, "InvalidDBInstanceState");
}

TEST_F(ServicesIntegrationTest, RdsDescribeAndPromoteReplicaCluster) {
  RdsClient rds(aws());
  const std::string cluster = Extra("replica_cluster");
  Result<std::vector<DbCluster>> described = rds.DescribeDBClusters(cluster);
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  ASSERT_EQ(described->size(), 1u);
  EXPECT_EQ(described->front().arn, Extra("replica_cluster_arn"));
  EXPECT_EQ(described->front().replication_source, Extra("source_cluster_arn"));
  EXPECT_FALSE(described->front().endpoint.empty());
  ASSERT_EQ(described->front().members.size(), 1u);
  EXPECT_EQ(described->front().members[0].instance_identifier, Extra("replica_instance"));
  EXPECT_TRUE(described->front().members[0].is_writer);

  ExpectAwsError(rds.DescribeDBClusters("no-such-cluster").status(), StatusCode::kNotFound,
                 "DBClusterNotFoundFault");

  // The proxy gives the promotion AWS's duration (promotion_seconds: the whole suite) and
  // answers (tools/emulator/rds_cluster_promotion.py).
  Result<Mutated<DbCluster>> promoted = rds.PromoteReadReplicaDBCluster(cluster);
  ASSERT_TRUE(promoted.ok()) << promoted.status().ToString();
  EXPECT_EQ(promoted->value.identifier, cluster);
  EXPECT_EQ(promoted->value.status, "promoting");
  Result<std::vector<DbCluster>> after = rds.DescribeDBClusters(cluster);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->front().status, "promoting");
  EXPECT_EQ(after->front().replication_source, Extra("source_cluster_arn"))
      << "the source stays until the promotion is done";
  ExpectAwsError(rds.PromoteReadReplicaDBCluster(cluster).status(), StatusCode::kRejected,
                 "InvalidDBClusterStateFault");
  ExpectAwsError(rds.PromoteReadReplicaDBCluster("no-such-cluster").status(), StatusCode::kNotFound,
                 "DBClusterNotFoundFault");
}

TEST_F(ServicesIntegrationTest, AutoScalingScaleUpAndEc2Instances) {
  AutoScalingClient asg(aws());
  const std::string group = Seeded()["jenkins_asg"];
  Result<std::vector<AutoScalingGroup>> before =
      asg.DescribeAutoScalingGroups({group, Seeded()["monitoring_asg"], "no-such-asg"});
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  ASSERT_EQ(before->size(), 2u);
  EXPECT_EQ(before->front().name, group);
  EXPECT_EQ(before->front().desired_capacity, 0);
  EXPECT_TRUE(before->front().instances.empty());

  Result<Ack> updated = asg.UpdateAutoScalingGroup({group, std::nullopt, 2, 2});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_FALSE(updated->request_id.empty());
  Result<std::vector<AutoScalingGroup>> after = asg.DescribeAutoScalingGroups({group});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ(after->front().desired_capacity, 2);
  EXPECT_EQ(after->front().max_size, 2);
  ASSERT_EQ(after->front().instances.size(), 2u);
  EXPECT_EQ(after->front().instances[0].lifecycle_state, "InService");

  ExpectAwsError(
      asg.UpdateAutoScalingGroup({"no-such-asg", std::nullopt, std::nullopt, 1}).status(),
      StatusCode::kRejected, "ValidationError");

  Ec2Client ec2(aws());
  std::vector<std::string> ids;
  for (const AsgInstance& instance : after->front().instances) ids.push_back(instance.instance_id);
  Result<std::vector<Ec2Instance>> instances = ec2.DescribeInstances(ids);
  ASSERT_TRUE(instances.ok()) << instances.status().ToString();
  ASSERT_EQ(instances->size(), 2u);
  for (const Ec2Instance& instance : *instances) {
    EXPECT_TRUE(Contains(ids, instance.id));
    EXPECT_EQ(instance.state, "running");
    EXPECT_FALSE(instance.private_ip.empty());
    EXPECT_FALSE(instance.availability_zone.empty());
    EXPECT_EQ(instance.tags.at("aws:autoscaling:groupName"), group);
  }
  Result<std::vector<Ec2Instance>> all = ec2.DescribeInstances({});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_GE(all->size(), 2u);
  ExpectAwsError(ec2.DescribeInstances({"i-0123456789abcdef0"}).status(), StatusCode::kNotFound,
                 "InvalidInstanceID.NotFound");
}

TEST_F(ServicesIntegrationTest, EcsServicesAndTasks) {
  EcsClient ecs(aws());
  const std::string cluster = Seeded()["ecs_cluster"];
  Result<std::vector<std::string>> arns = ecs.ListServices(cluster);
  ASSERT_TRUE(arns.ok()) << arns.status().ToString();
  EXPECT_EQ(arns->size(), Seeded()["ecs_services"].size());
  EXPECT_TRUE(Contains(*arns, Seeded()["ecs_service_details"]["frontend"]["arn"]));
  ExpectAwsError(ecs.ListServices("no-such-cluster").status(), StatusCode::kNotFound,
                 "ClusterNotFoundException");

  std::vector<std::string> names = Seeded()["ecs_services"].get<std::vector<std::string>>();
  names.push_back("no-such-service");
  Result<EcsServices> described = ecs.DescribeServices(cluster, names);
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_EQ(described->services.size(), names.size() - 1);
  ASSERT_EQ(described->failures.size(), 1u);
  EXPECT_EQ(described->failures[0].reason, "MISSING");

  Result<Mutated<EcsService>> updated = ecs.UpdateService(cluster, "frontend", 2);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->value.name, "frontend");
  EXPECT_EQ(updated->value.desired_count, 2);
  EXPECT_EQ(updated->value.status, "ACTIVE");
  EXPECT_FALSE(updated->value.deployments.empty());
  ExpectAwsError(ecs.UpdateService(cluster, "no-such-service", 1).status(), StatusCode::kNotFound,
                 "ServiceNotFoundException");

  Result<std::vector<std::string>> tasks = ecs.ListTasks(cluster, "frontend", "RUNNING");
  ASSERT_TRUE(tasks.ok()) << tasks.status().ToString();
  ASSERT_EQ(tasks->size(), 2u);
  Result<std::vector<std::string>> other = ecs.ListTasks(cluster, "kafka", "");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_TRUE(other->empty());

  Result<EcsTasks> task_details = ecs.DescribeTasks(cluster, *tasks);
  ASSERT_TRUE(task_details.ok()) << task_details.status().ToString();
  ASSERT_EQ(task_details->tasks.size(), 2u);
  for (const EcsTask& task : task_details->tasks) {
    EXPECT_EQ(task.group, "service:frontend");
    EXPECT_EQ(task.desired_status, "RUNNING");
    EXPECT_EQ(task.private_ips.size(), 1u);  // reported twice on the wire, kept once
  }
}

// "2026-11-25T21:40:00.123Z", the rendering of JsonReader::Timestamp.
bool IsRenderedTimestamp(const std::string& text) {
  const std::string shape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != shape.size()) return false;
  for (size_t i = 0; i < shape.size(); ++i) {
    const bool ok = shape[i] == 'd' ? (text[i] >= '0' && text[i] <= '9') : text[i] == shape[i];
    if (!ok) return false;
  }
  return true;
}

// The evidence shown when a wait stalls, as the emulated region answers it. moto itself
// sends "events": [] for every service, keeps StopTask's reason as stoppedReason, sends no
// stopCode, stoppingAt or stoppedAt, and exitCode 0 on every container; the emulator's
// scheduler (tools/emulator/ecs_scheduler.py, fidelity "realistic") adds the service events
// it wrote and the stopped tasks' stopCode and times, as AWS sends them. Either way the
// replies must parse, and what is there must be well formed.
TEST_F(ServicesIntegrationTest, EcsEvidenceOfStoppedTasks) {
  EcsClient ecs(aws());
  const std::string cluster = Seeded()["ecs_cluster"];
  // The scheduler starts two tasks, then stops the surplus one with the reason AWS gives
  // ("Scaling activity initiated by (deployment ecs-svc/...)").
  ASSERT_TRUE(ecs.UpdateService(cluster, "user-service", 2).ok());
  ASSERT_TRUE(ecs.UpdateService(cluster, "user-service", 1).ok());

  Result<std::vector<std::string>> stopped = ecs.ListTasks(cluster, "user-service", "STOPPED");
  ASSERT_TRUE(stopped.ok()) << stopped.status().ToString();
  ASSERT_EQ(stopped->size(), 1u);
  Result<std::vector<std::string>> running = ecs.ListTasks(cluster, "user-service", "RUNNING");
  ASSERT_TRUE(running.ok()) << running.status().ToString();
  ASSERT_EQ(running->size(), 1u);
  EXPECT_NE(running->front(), stopped->front());

  Result<EcsTasks> tasks = ecs.DescribeTasks(cluster, *stopped);
  ASSERT_TRUE(tasks.ok()) << tasks.status().ToString();
  ASSERT_EQ(tasks->tasks.size(), 1u);
  const EcsTask& task = tasks->tasks[0];
  EXPECT_EQ(task.group, "service:user-service");
  EXPECT_EQ(task.desired_status, "STOPPED");
  EXPECT_EQ(task.last_status, "STOPPED");
  EXPECT_EQ(task.stopped_reason.rfind("Scaling activity initiated by (deployment ", 0), 0u)
      << task.stopped_reason;
  for (const std::string* at : {&task.stopping_at, &task.stopped_at}) {
    EXPECT_TRUE(at->empty() || IsRenderedTimestamp(*at)) << *at;
  }
  ASSERT_FALSE(task.containers.empty());
  EXPECT_FALSE(task.containers[0].name.empty());
  EXPECT_EQ(task.containers[0].last_status, "STOPPED");

  Result<EcsServices> described = ecs.DescribeServices(cluster, {"user-service"});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  ASSERT_EQ(described->services.size(), 1u);
  for (const EcsServiceEvent& event : described->services[0].events) {
    EXPECT_FALSE(event.id.empty());
    EXPECT_TRUE(IsRenderedTimestamp(event.created_at)) << event.created_at;
    EXPECT_NE(event.message.find("(service user-service)"), std::string::npos) << event.message;
  }
  for (size_t i = 1; i < described->services[0].events.size(); ++i) {  // newest first
    EXPECT_GE(described->services[0].events[i - 1].created_at,
              described->services[0].events[i].created_at);
  }
}

// moto answers DescribeScalingActivities with an empty list, for every group, known or not:
// recorded AWS replies (autoscaling_client_test.cc) cover the parsing of activities.
TEST_F(ServicesIntegrationTest, AutoScalingDescribeScalingActivities) {
  AutoScalingClient asg(aws());
  Result<std::vector<ScalingActivity>> activities =
      asg.DescribeScalingActivities(Seeded()["monitoring_asg"], 10);
  ASSERT_TRUE(activities.ok()) << activities.status().ToString();
  EXPECT_TRUE(activities->empty());
  Result<std::vector<ScalingActivity>> unknown = asg.DescribeScalingActivities("no-such-asg", 10);
  ASSERT_TRUE(unknown.ok()) << unknown.status().ToString();
  EXPECT_TRUE(unknown->empty());
}

// moto records RDS events for CreateDBInstance (created, backing up, backup finished) but
// none for a read replica or a promotion, ignores Duration and MaxRecords, and sends Date
// with microseconds ("2026-11-25T21:40:00.123456Z").
TEST_F(ServicesIntegrationTest, RdsDescribeEventsAndStatusInfos) {
  RdsClient rds(aws());
  const std::string instance = Extra("replica_instance");  // created by CreateDBInstance
  Result<std::vector<RdsEvent>> events = rds.DescribeEvents(instance, "db-instance", 60);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_FALSE(events->empty());
  for (const RdsEvent& event : *events) {
    EXPECT_EQ(event.source_identifier, instance);
    EXPECT_EQ(event.source_type, "db-instance");
    EXPECT_FALSE(event.message.empty());
    EXPECT_FALSE(event.date.empty());
    EXPECT_FALSE(event.categories.empty());
  }
  EXPECT_EQ(events->front().message, "DB instance created");  // oldest first
  EXPECT_EQ(events->front().categories, std::vector<std::string>{"creation"});

  Result<std::vector<RdsEvent>> none = rds.DescribeEvents("no-such-db", "db-instance", 60);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
  // As AWS: an identifier needs its type.
  ExpectAwsError(rds.DescribeEvents(instance, "", 60).status(), StatusCode::kRejected,
                 "InvalidParameterCombination");

  Result<std::vector<DbInstance>> replica = rds.DescribeDBInstances(Seeded()["db_instance"]);
  ASSERT_TRUE(replica.ok()) << replica.status().ToString();
  ASSERT_EQ(replica->size(), 1u);
  EXPECT_FALSE(replica->front().status.empty());
  EXPECT_TRUE(replica->front().status_infos.empty());  // moto sends no StatusInfos
}

TEST_F(ServicesIntegrationTest, Elbv2TargetGroupsAndTargets) {
  Elbv2Client elb(aws());
  Result<std::vector<TargetGroup>> all = elb.DescribeTargetGroups({});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), Seeded()["target_groups"].size());

  const std::string kafka = TargetGroupArn("dr-kafka-tg");
  Result<std::vector<TargetGroup>> one = elb.DescribeTargetGroups({kafka});
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->front().name, "dr-kafka-tg");
  EXPECT_EQ(one->front().port, 9092);
  EXPECT_EQ(one->front().protocol, "TCP");
  EXPECT_EQ(one->front().target_type, "ip");
  EXPECT_EQ(one->front().vpc_id, Seeded()["vpc_id"]);
  Result<std::vector<TargetGroup>> frontend =
      elb.DescribeTargetGroups({TargetGroupArn("dr-frontend-tg")});
  ASSERT_TRUE(frontend.ok()) << frontend.status().ToString();
  EXPECT_EQ(frontend->front().load_balancer_arns,
            std::vector<std::string>{Seeded()["load_balancer_arn"]});

  ASSERT_TRUE(elb.RegisterTargets(kafka, {{"10.0.1.10", 9092, ""}, {"10.0.1.11", {}, ""}}).ok());
  Result<std::vector<TargetHealthDescription>> health = elb.DescribeTargetHealth(kafka);
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  ASSERT_EQ(health->size(), 2u);
  for (const TargetHealthDescription& target : *health) {
    EXPECT_EQ(target.target.port, 9092);  // the group's port when none was given
    EXPECT_FALSE(target.state.empty());
  }
  ASSERT_TRUE(elb.DeregisterTargets(kafka, {{"10.0.1.10", 9092, ""}}).ok());
  health = elb.DescribeTargetHealth(kafka);
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  ASSERT_EQ(health->size(), 1u);
  EXPECT_EQ(health->front().target.id, "10.0.1.11");

  const std::string missing = kafka.substr(0, kafka.rfind('/') + 1) + "0000000000000000";
  ExpectAwsError(elb.DescribeTargetHealth(missing).status(), StatusCode::kNotFound,
                 "TargetGroupNotFound");
  ExpectAwsError(elb.DescribeTargetGroups({missing}).status(), StatusCode::kNotFound,
                 "TargetGroupNotFound");
}

ResourceRecordSet ValuesRecord(std::string name, std::string type, std::string value) {
  ResourceRecordSet set;
  set.name = std::move(name);
  set.type = std::move(type);
  set.ttl = 60;
  set.values = {std::move(value)};
  return set;
}

TEST_F(ServicesIntegrationTest, Route53ChangeAndGetChange) {
  Route53Client route53(aws());
  Result<Mutated<ChangeInfo>> change = route53.ChangeResourceRecordSets(
      Extra("hosted_zone_id"), "fail over api",
      {{"UPSERT",
        ValuesRecord("api." + Extra("zone_name"), "CNAME", "api.us-east-1.example.com")}});
  ASSERT_TRUE(change.ok()) << change.status().ToString();
  EXPECT_FALSE(change->value.id.empty());
  EXPECT_EQ(change->value.id.find('/'), std::string::npos);
  EXPECT_FALSE(change->value.status.empty());

  // The proxy gives the change AWS's propagation (tools/emulator/route53_propagation.py).
  EXPECT_EQ(change->value.status, "PENDING");
  Result<ChangeInfo> polled = route53.GetChange(change->value.id);
  ASSERT_TRUE(polled.ok()) << polled.status().ToString();
  EXPECT_EQ(polled->id, change->value.id);
  EXPECT_TRUE(polled->status == "PENDING" || polled->status == "INSYNC") << polled->status;
  ExpectAwsError(route53.GetChange("CNEVERISSUED").status(), StatusCode::kNotFound, "NoSuchChange");

  ExpectAwsError(
      route53
          .ChangeResourceRecordSets(
              "ZNOSUCHZONE", "", {{"UPSERT", ValuesRecord("a.dr.example.com.", "A", "10.0.0.1")}})
          .status(),
      StatusCode::kNotFound, "NoSuchHostedZone");
}

TEST_F(ServicesIntegrationTest, Route53WeightedAliasRecordsAndZoneLookup) {
  Route53Client route53(aws());
  Elbv2Client elb(aws());
  Result<std::vector<LoadBalancer>> lbs = elb.DescribeLoadBalancers({"dr-alb"});
  ASSERT_TRUE(lbs.ok()) << lbs.status().ToString();
  ASSERT_EQ(lbs->size(), 1u);
  EXPECT_FALSE(lbs->front().dns_name.empty());
  EXPECT_FALSE(lbs->front().canonical_hosted_zone_id.empty());
  ExpectAwsError(elb.DescribeLoadBalancers({"no-such-alb"}).status(), StatusCode::kNotFound,
                 "LoadBalancerNotFound");

  Result<std::vector<HostedZone>> zones = route53.ZonesNamed(Extra("zone_name"));
  ASSERT_TRUE(zones.ok()) << zones.status().ToString();
  ASSERT_EQ(zones->size(), 1u);
  EXPECT_EQ(zones->front().id,
            Extra("hosted_zone_id").substr(Extra("hosted_zone_id").rfind('/') + 1));

  const std::string name = "web." + Extra("zone_name");
  ResourceRecordSet dr;
  dr.name = name;
  dr.type = "A";
  dr.set_identifier = "dr";
  dr.weight = 100;
  dr.alias = AliasTarget{lbs->front().canonical_hosted_zone_id, lbs->front().dns_name, true};
  ResourceRecordSet primary = ValuesRecord(name, "A", "192.0.2.10");
  primary.set_identifier = "primary";
  primary.weight = 0;
  ASSERT_TRUE(route53
                  .ChangeResourceRecordSets(Extra("hosted_zone_id"), "",
                                            {{"UPSERT", dr}, {"UPSERT", primary}})
                  .ok());
  Result<std::vector<ResourceRecordSet>> sets =
      route53.ListRecordSets(Extra("hosted_zone_id"), name, "A");
  ASSERT_TRUE(sets.ok()) << sets.status().ToString();
  ASSERT_EQ(sets->size(), 2u);
  const ResourceRecordSet* read_dr = nullptr;
  for (const ResourceRecordSet& set : *sets) {
    if (set.set_identifier == "dr") read_dr = &set;
  }
  ASSERT_NE(read_dr, nullptr);
  ASSERT_TRUE(read_dr->alias.has_value());
  EXPECT_EQ(NormalizeDnsName(read_dr->alias->dns_name), NormalizeDnsName(lbs->front().dns_name));
  EXPECT_FALSE(read_dr->ttl.has_value()) << "an alias has no TTL of its own";
  EXPECT_EQ(read_dr->weight, 100);
  ExpectAwsError(route53.ListRecordSets("ZNOSUCHZONE", name, "A").status(), StatusCode::kNotFound,
                 "NoSuchHostedZone");
}

TEST_F(ServicesIntegrationTest, SnsPublish) {
  SnsClient sns(aws());
  Result<Mutated<std::string>> published = sns.Publish(
      Extra("topic_arn"), "DR failover", "step 1/7 done", {{"run", "r-1"}, {"phase", "db"}});
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  EXPECT_FALSE(published->value.empty());
  ExpectAwsError(sns.Publish(Extra("topic_arn") + "-missing", "", "x", {}).status(),
                 StatusCode::kNotFound, "NotFound");
}

}  // namespace
}  // namespace drf
