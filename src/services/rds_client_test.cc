#include "services/rds_client.h"

#include <gtest/gtest.h>

#include "services/services_test_util.h"

namespace drf {
namespace {

using services_testing::AwsHarness;
using services_testing::ExpectAllSameAsBotocore;
using services_testing::FormParams;
using services_testing::OracleCase;
using services_testing::QueryError;
using services_testing::QueryReply;
using services_testing::ReadTestData;
using services_testing::XmlReply;

constexpr char kInstance[] = R"(<DBInstance>
  <DBInstanceIdentifier>orders-dr</DBInstanceIdentifier>
  <DBInstanceArn>arn:aws:rds:us-east-1:123456789012:db:orders-dr</DBInstanceArn>
  <DBInstanceStatus>available</DBInstanceStatus>
  <Engine>postgres</Engine>
  <ReadReplicaSourceDBInstanceIdentifier>arn:aws:rds:eu-west-1:123456789012:db:orders</ReadReplicaSourceDBInstanceIdentifier>
  <ReadReplicaDBInstanceIdentifiers>
    <ReadReplicaDBInstanceIdentifier>orders-dr-r1</ReadReplicaDBInstanceIdentifier>
    <ReadReplicaDBInstanceIdentifier>orders-dr-r2</ReadReplicaDBInstanceIdentifier>
  </ReadReplicaDBInstanceIdentifiers>
  <Endpoint><Address>orders-dr.abc.us-east-1.rds.amazonaws.com</Address><Port>5432</Port></Endpoint>
  <AvailabilityZone>us-east-1a</AvailabilityZone>
  <MultiAZ>true</MultiAZ>
  <BackupRetentionPeriod>7</BackupRetentionPeriod>
</DBInstance>)";

std::string DbInstancePage(const std::vector<std::string>& ids, const std::string& marker) {
  std::string xml = "<DBInstances>";
  for (const std::string& id : ids) {
    xml += "<DBInstance><DBInstanceIdentifier>" + id + "</DBInstanceIdentifier></DBInstance>";
  }
  xml += "</DBInstances>";
  if (!marker.empty()) xml += "<Marker>" + marker + "</Marker>";
  return QueryReply("DescribeDBInstances", xml).body;
}

std::vector<std::string> DbIds(const std::vector<DbInstance>& instances) {
  std::vector<std::string> ids;
  for (const DbInstance& instance : instances) ids.push_back(instance.identifier);
  return ids;
}

class RdsClientTest : public ::testing::Test {
 protected:
  // Replies 200 with `body` to the next call.
  void Reply(const std::string& body) { harness_.http.Enqueue(200, body); }
  void Reply(const HttpResponse& response) {
    harness_.http.Enqueue(response.status, response.body, response.headers);
  }

  AwsHarness harness_;
  RdsClient rds_{harness_.aws};
};

TEST_F(RdsClientTest, DescribeDBInstancesParsesEveryField) {
  Reply(QueryReply("DescribeDBInstances",
                   std::string("<DBInstances>") + kInstance + "</DBInstances>"));
  Result<std::vector<DbInstance>> result = rds_.DescribeDBInstances("orders-dr");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 1u);
  const DbInstance& db = result->front();
  EXPECT_EQ(db.identifier, "orders-dr");
  EXPECT_EQ(db.arn, "arn:aws:rds:us-east-1:123456789012:db:orders-dr");
  EXPECT_EQ(db.status, "available");
  EXPECT_EQ(db.engine, "postgres");
  EXPECT_EQ(db.read_replica_source, "arn:aws:rds:eu-west-1:123456789012:db:orders");
  EXPECT_EQ(db.read_replica_identifiers,
            (std::vector<std::string>{"orders-dr-r1", "orders-dr-r2"}));
  EXPECT_EQ(db.endpoint_address, "orders-dr.abc.us-east-1.rds.amazonaws.com");
  EXPECT_EQ(db.endpoint_port, 5432);
  EXPECT_EQ(db.availability_zone, "us-east-1a");
  EXPECT_TRUE(db.multi_az);
  EXPECT_EQ(db.backup_retention_period, 7);
  EXPECT_EQ(db.cluster_identifier, "");
  EXPECT_EQ(FormParams(harness_.http.requests()[0])["DBInstanceIdentifier"], "orders-dr");
}

TEST_F(RdsClientTest, DescribeDBInstancesMissingOptionalFieldsKeepDefaults) {
  Reply(DbInstancePage({"creating"}, ""));
  Result<std::vector<DbInstance>> result = rds_.DescribeDBInstances("creating");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 1u);
  EXPECT_EQ(result->front().endpoint_address, "");
  EXPECT_EQ(result->front().endpoint_port, 0);
  EXPECT_FALSE(result->front().multi_az);
  EXPECT_TRUE(result->front().read_replica_identifiers.empty());
}

TEST_F(RdsClientTest, DescribeDBInstancesFollowsMarkersAcrossPages) {
  Reply(DbInstancePage({"a", "b"}, "m1"));
  Reply(DbInstancePage({"c"}, "m2"));
  Reply(DbInstancePage({"d"}, ""));
  Result<std::vector<DbInstance>> result = rds_.DescribeDBInstances("");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(DbIds(*result), (std::vector<std::string>{"a", "b", "c", "d"}));
  std::vector<HttpRequest> sent = harness_.http.requests();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(FormParams(sent[0]).count("Marker"), 0u);
  EXPECT_EQ(FormParams(sent[0]).count("DBInstanceIdentifier"), 0u);
  EXPECT_EQ(FormParams(sent[1])["Marker"], "m1");
  EXPECT_EQ(FormParams(sent[2])["Marker"], "m2");
}

TEST_F(RdsClientTest, DescribeDBInstancesEmptyRegion) {
  Reply(QueryReply("DescribeDBInstances", "<DBInstances/>"));
  Result<std::vector<DbInstance>> result = rds_.DescribeDBInstances("");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->empty());
}

TEST_F(RdsClientTest, RepeatedMarkerIsAnErrorNotALoop) {
  Reply(DbInstancePage({"a"}, "same"));
  Reply(DbInstancePage({"b"}, "same"));
  Result<std::vector<DbInstance>> result = rds_.DescribeDBInstances("");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_NE(result.status().message().find("same"), std::string::npos);
  EXPECT_EQ(harness_.http.request_count(), 2u);
}

// A 200 without the promoted instance: the promotion may have started; the error must say
// so (and carry the call's details) instead of passing for a failure AWS refused.
TEST_F(RdsClientTest, PromoteReplyWithoutInstanceSaysItMayHaveBeenApplied) {
  harness_.http.Enqueue(200, QueryReply("PromoteReadReplica", "").body,
                        {{"x-amzn-RequestId", "p-1"}});
  Result<Mutated<DbInstance>> result = rds_.PromoteReadReplica({"dr-app-db", {}, {}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_TRUE(AcceptedButUnreadable(result.status()));
  EXPECT_EQ(result.status().aws()->operation, "PromoteReadReplica");
  EXPECT_EQ(result.status().aws()->request_id, "p-1");
  EXPECT_EQ(result.status().message(),
            "PromoteReadReplica may have been applied: AWS accepted it (HTTP 200, request id "
            "p-1) but its reply could not be read: PromoteReadReplica reply has no DBInstance "
            "element");
}

TEST_F(RdsClientTest, MalformedNumberIsInternalNamingTheElement) {
  Reply(QueryReply("DescribeDBInstances",
                   "<DBInstances><DBInstance><DBInstanceIdentifier>x</DBInstanceIdentifier>"
                   "<Endpoint><Port>fifty</Port></Endpoint></DBInstance></DBInstances>"));
  Result<std::vector<DbInstance>> result = rds_.DescribeDBInstances("x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_NE(result.status().message().find("Endpoint/Port"), std::string::npos)
      << result.status().message();
}

TEST_F(RdsClientTest, DescribeDBInstancesNotFoundKeepsWireCode) {
  Reply(QueryError(404, "DBInstanceNotFound", "DBInstance nope not found."));
  Result<std::vector<DbInstance>> result = rds_.DescribeDBInstances("nope");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  ASSERT_NE(result.status().aws(), nullptr);
  EXPECT_EQ(result.status().aws()->code, "DBInstanceNotFound");
}

TEST_F(RdsClientTest, PromoteReadReplicaReturnsInstanceAndRequestId) {
  Reply(QueryReply("PromoteReadReplica", kInstance, "promote-req"));
  Result<Mutated<DbInstance>> result =
      rds_.PromoteReadReplica({"orders-dr", 7, std::string("03:00-04:00")});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->value.identifier, "orders-dr");
  EXPECT_EQ(result->request_id, "promote-req");
  std::map<std::string, std::string> sent = FormParams(harness_.http.requests()[0]);
  EXPECT_EQ(sent["BackupRetentionPeriod"], "7");
  EXPECT_EQ(sent["PreferredBackupWindow"], "03:00-04:00");
}

TEST_F(RdsClientTest, PromoteReadReplicaWithoutInstanceElementIsInternal) {
  Reply(QueryReply("PromoteReadReplica", ""));
  Result<Mutated<DbInstance>> result = rds_.PromoteReadReplica({"orders-dr", {}, {}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
}

TEST_F(RdsClientTest, PromoteReadReplicaInvalidStateIsRejected) {
  Reply(QueryError(400, "InvalidDBInstanceState", "DB Instance is not a read replica."));
  Result<Mutated<DbInstance>> result = rds_.PromoteReadReplica({"orders", {}, {}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kRejected);
  EXPECT_EQ(result.status().aws()->code, "InvalidDBInstanceState");
}

constexpr char kCluster[] = R"(<DBCluster>
  <DBClusterIdentifier>orders-dr</DBClusterIdentifier>
  <DBClusterArn>arn:aws:rds:us-east-1:123456789012:cluster:orders-dr</DBClusterArn>
  <Status>available</Status>
  <Endpoint>orders-dr.cluster-abc.us-east-1.rds.amazonaws.com</Endpoint>
  <ReaderEndpoint>orders-dr.cluster-ro-abc.us-east-1.rds.amazonaws.com</ReaderEndpoint>
  <GlobalClusterIdentifier>orders-global</GlobalClusterIdentifier>
  <ReplicationSourceIdentifier>arn:aws:rds:eu-west-1:123456789012:cluster:orders</ReplicationSourceIdentifier>
  <DBClusterMembers>
    <DBClusterMember><DBInstanceIdentifier>orders-dr-1</DBInstanceIdentifier><IsClusterWriter>true</IsClusterWriter></DBClusterMember>
    <DBClusterMember><DBInstanceIdentifier>orders-dr-2</DBInstanceIdentifier><IsClusterWriter>false</IsClusterWriter></DBClusterMember>
  </DBClusterMembers>
</DBCluster>)";

TEST_F(RdsClientTest, DescribeDBClustersParsesMembersAndFollowsMarkers) {
  Reply(QueryReply("DescribeDBClusters",
                   std::string("<DBClusters>") + kCluster + "</DBClusters><Marker>p2</Marker>"));
  Reply(QueryReply("DescribeDBClusters",
                   "<DBClusters><DBCluster><DBClusterIdentifier>other</DBClusterIdentifier>"
                   "</DBCluster></DBClusters>"));
  Result<std::vector<DbCluster>> result = rds_.DescribeDBClusters("");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 2u);
  const DbCluster& cluster = (*result)[0];
  EXPECT_EQ(cluster.identifier, "orders-dr");
  EXPECT_EQ(cluster.arn, "arn:aws:rds:us-east-1:123456789012:cluster:orders-dr");
  EXPECT_EQ(cluster.status, "available");
  EXPECT_EQ(cluster.endpoint, "orders-dr.cluster-abc.us-east-1.rds.amazonaws.com");
  EXPECT_EQ(cluster.reader_endpoint, "orders-dr.cluster-ro-abc.us-east-1.rds.amazonaws.com");
  EXPECT_EQ(cluster.global_cluster_identifier, "orders-global");
  EXPECT_EQ(cluster.replication_source, "arn:aws:rds:eu-west-1:123456789012:cluster:orders");
  ASSERT_EQ(cluster.members.size(), 2u);
  EXPECT_EQ(cluster.members[0].instance_identifier, "orders-dr-1");
  EXPECT_TRUE(cluster.members[0].is_writer);
  EXPECT_FALSE(cluster.members[1].is_writer);
  EXPECT_TRUE((*result)[1].members.empty());
  EXPECT_EQ(FormParams(harness_.http.requests()[1])["Marker"], "p2");
}

TEST_F(RdsClientTest, PromoteReadReplicaDBClusterReturnsCluster) {
  Reply(QueryReply("PromoteReadReplicaDBCluster", kCluster, "pc-req"));
  Result<Mutated<DbCluster>> result = rds_.PromoteReadReplicaDBCluster("orders-dr");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->value.identifier, "orders-dr");
  EXPECT_EQ(result->value.members.size(), 2u);
  EXPECT_EQ(result->request_id, "pc-req");
}

// FailoverGlobalCluster is not in moto: these replies are the recorded ones.
TEST_F(RdsClientTest, FailoverGlobalClusterParsesRecordedReply) {
  Reply(XmlReply(ReadTestData("aws/rds/failover_global_cluster_ok.xml"),
                 "7c9d1f2e-3b4a-4c5d-8e6f-0a1b2c3d4e5f"));
  Result<Mutated<GlobalCluster>> result = rds_.FailoverGlobalCluster(
      "orders-global", "arn:aws:rds:us-east-1:123456789012:cluster:orders-dr", true, false);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const GlobalCluster& global = result->value;
  EXPECT_EQ(global.identifier, "orders-global");
  EXPECT_EQ(global.arn, "arn:aws:rds::123456789012:global-cluster:orders-global");
  EXPECT_EQ(global.status, "failing-over");
  EXPECT_EQ(global.failover_status, "pending");
  EXPECT_EQ(global.failover_from_arn, "arn:aws:rds:eu-west-1:123456789012:cluster:orders-primary");
  EXPECT_EQ(global.failover_to_arn, "arn:aws:rds:us-east-1:123456789012:cluster:orders-dr");
  EXPECT_TRUE(global.failover_data_loss_allowed);
  ASSERT_EQ(global.members.size(), 2u);
  EXPECT_EQ(global.members[0].db_cluster_arn,
            "arn:aws:rds:eu-west-1:123456789012:cluster:orders-primary");
  EXPECT_TRUE(global.members[0].is_writer);
  EXPECT_FALSE(global.members[1].is_writer);
  EXPECT_EQ(result->request_id, "7c9d1f2e-3b4a-4c5d-8e6f-0a1b2c3d4e5f");
  std::map<std::string, std::string> sent = FormParams(harness_.http.requests()[0]);
  EXPECT_EQ(sent["AllowDataLoss"], "true");
  EXPECT_EQ(sent.count("Switchover"), 0u);
}

TEST_F(RdsClientTest, FailoverGlobalClusterNotFound) {
  Reply(HttpResponse{404,
                     {{"Content-Type", "text/xml"}},
                     ReadTestData("aws/rds/failover_global_cluster_not_found.xml")});
  Result<Mutated<GlobalCluster>> result =
      rds_.FailoverGlobalCluster("orders-missing", "arn:x", false, true);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  ASSERT_NE(result.status().aws(), nullptr);
  EXPECT_EQ(result.status().aws()->code, "GlobalClusterNotFoundFault");
  EXPECT_EQ(result.status().aws()->http_status, 404);
}

TEST_F(RdsClientTest, FailoverGlobalClusterInvalidStateIsRejected) {
  Reply(HttpResponse{400,
                     {{"Content-Type", "text/xml"}},
                     ReadTestData("aws/rds/failover_global_cluster_invalid_state.xml")});
  Result<Mutated<GlobalCluster>> result =
      rds_.FailoverGlobalCluster("orders-global", "arn:x", false, true);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kRejected);
  ASSERT_NE(result.status().aws(), nullptr);
  EXPECT_EQ(result.status().aws()->code, "InvalidGlobalClusterStateFault");
}

// --- Evidence for a promotion that does not finish ----------------------------------------

// A replica whose replication broke: DBInstanceStatus and StatusInfos (API reference
// DBInstance and DBInstanceStatusInfo shapes).
TEST_F(RdsClientTest, DescribeDBInstancesParsesStatusInfos) {
  Reply(QueryReply("DescribeDBInstances", R"(<DBInstances><DBInstance>
  <DBInstanceIdentifier>dr-app-db</DBInstanceIdentifier>
  <DBInstanceStatus>storage-full</DBInstanceStatus>
  <ReadReplicaSourceDBInstanceIdentifier>arn:aws:rds:eu-west-1:123456789012:db:app-db</ReadReplicaSourceDBInstanceIdentifier>
  <StatusInfos>
    <DBInstanceStatusInfo>
      <StatusType>read replication</StatusType>
      <Normal>false</Normal>
      <Status>error</Status>
      <Message>Replication has stopped because the replica ran out of storage space.</Message>
    </DBInstanceStatusInfo>
  </StatusInfos>
</DBInstance></DBInstances>)"));
  Result<std::vector<DbInstance>> result = rds_.DescribeDBInstances("dr-app-db");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const DbInstance& db = result->front();
  EXPECT_EQ(db.status, "storage-full");
  ASSERT_EQ(db.status_infos.size(), 1u);
  EXPECT_EQ(db.status_infos[0].status_type, "read replication");
  EXPECT_FALSE(db.status_infos[0].normal);
  EXPECT_EQ(db.status_infos[0].status, "error");
  EXPECT_EQ(db.status_infos[0].message,
            "Replication has stopped because the replica ran out of storage space.");
}

TEST_F(RdsClientTest, StatusInfosAbsentOrHealthy) {
  constexpr char kHealthy[] = R"(<DBInstance>
  <DBInstanceIdentifier>b</DBInstanceIdentifier>
  <StatusInfos>
    <DBInstanceStatusInfo>
      <StatusType>read replication</StatusType><Normal>true</Normal><Status>replicating</Status>
    </DBInstanceStatusInfo>
  </StatusInfos>
</DBInstance>)";
  Reply(QueryReply("DescribeDBInstances",
                   std::string("<DBInstances>") + kInstance + kHealthy + "</DBInstances>"));
  Result<std::vector<DbInstance>> result = rds_.DescribeDBInstances("");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 2u);
  EXPECT_TRUE((*result)[0].status_infos.empty());
  ASSERT_EQ((*result)[1].status_infos.size(), 1u);
  EXPECT_TRUE((*result)[1].status_infos[0].normal);
  EXPECT_EQ((*result)[1].status_infos[0].status, "replicating");
  EXPECT_EQ((*result)[1].status_infos[0].message, "");
}

TEST_F(RdsClientTest, MalformedStatusInfoIsInternalNamingTheElement) {
  Reply(QueryReply("DescribeDBInstances",
                   "<DBInstances><DBInstance><DBInstanceIdentifier>x</DBInstanceIdentifier>"
                   "<StatusInfos><DBInstanceStatusInfo><Normal>yes</Normal>"
                   "</DBInstanceStatusInfo></StatusInfos></DBInstance></DBInstances>"));
  Result<std::vector<DbInstance>> result = rds_.DescribeDBInstances("x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_EQ(result.status().message(),
            "DescribeDBInstances reply: DBInstanceStatusInfo/Normal is \"yes\", expected true or "
            "false");
}

// A DescribeEvents reply written after the API reference: oldest first, as AWS sends them.
constexpr char kEventsReply[] =
    R"(<DescribeEventsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <DescribeEventsResult>
    <Events>
      <Event>
        <SourceIdentifier>dr-app-db</SourceIdentifier>
        <SourceType>db-instance</SourceType>
        <Message>Stopped replication in preparation for promotion of the read replica</Message>
        <EventCategories>
          <EventCategory>read replica</EventCategory>
        </EventCategories>
        <Date>2025-11-25T21:40:03.512Z</Date>
        <SourceArn>arn:aws:rds:us-east-1:123456789012:db:dr-app-db</SourceArn>
      </Event>
      <Event>
        <SourceIdentifier>dr-app-db</SourceIdentifier>
        <SourceType>db-instance</SourceType>
        <Message>DB instance restarted</Message>
        <EventCategories>
          <EventCategory>availability</EventCategory>
        </EventCategories>
        <Date>2025-11-25T21:44:41.007Z</Date>
        <SourceArn>arn:aws:rds:us-east-1:123456789012:db:dr-app-db</SourceArn>
      </Event>
      <Event>
        <SourceIdentifier>dr-app-db</SourceIdentifier>
        <SourceType>db-instance</SourceType>
        <Message>The storage volume of the DB instance is full. Promotion cannot complete until storage is added.</Message>
        <EventCategories>
          <EventCategory>low storage</EventCategory>
          <EventCategory>notification</EventCategory>
        </EventCategories>
        <Date>2025-11-25T21:45:00Z</Date>
        <SourceArn>arn:aws:rds:us-east-1:123456789012:db:dr-app-db</SourceArn>
      </Event>
    </Events>
  </DescribeEventsResult>
  <ResponseMetadata>
    <RequestId>1ed1fdb3-7d34-4e1b-9d8c-5c1f0a2b3c4d</RequestId>
  </ResponseMetadata>
</DescribeEventsResponse>)";

TEST_F(RdsClientTest, DescribeEventsKeepsAwsOrderOldestFirst) {
  Reply(XmlReply(kEventsReply));
  Result<std::vector<RdsEvent>> result = rds_.DescribeEvents("dr-app-db", "db-instance", 60);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 3u);
  const RdsEvent& first = (*result)[0];
  EXPECT_EQ(first.source_identifier, "dr-app-db");
  EXPECT_EQ(first.source_type, "db-instance");
  EXPECT_EQ(first.message, "Stopped replication in preparation for promotion of the read replica");
  EXPECT_EQ(first.date, "2025-11-25T21:40:03.512Z");
  EXPECT_EQ(first.categories, std::vector<std::string>{"read replica"});
  const RdsEvent& latest = result->back();
  EXPECT_EQ(latest.date, "2025-11-25T21:45:00Z");  // as sent, not re-rendered
  EXPECT_EQ(latest.categories, (std::vector<std::string>{"low storage", "notification"}));
  EXPECT_NE(latest.message.find("Promotion cannot complete"), std::string::npos);

  ASSERT_EQ(harness_.http.request_count(), 1u);
  std::map<std::string, std::string> sent = FormParams(harness_.http.requests()[0]);
  EXPECT_EQ(sent["Action"], "DescribeEvents");
  EXPECT_EQ(sent["SourceIdentifier"], "dr-app-db");
  EXPECT_EQ(sent["SourceType"], "db-instance");
  EXPECT_EQ(sent["Duration"], "60");
  EXPECT_EQ(sent["MaxRecords"], "100");
}

// More than 100 events in the window: the latest are on the last page, so every Marker is
// followed and the pages are concatenated in order.
TEST_F(RdsClientTest, DescribeEventsFollowsMarkersSoTheLatestIsLast) {
  auto page = [](const std::string& message, const std::string& marker) {
    std::string xml = "<Events><Event><SourceIdentifier>dr-app-db</SourceIdentifier><Message>" +
                      message + "</Message></Event></Events>";
    if (!marker.empty()) xml += "<Marker>" + marker + "</Marker>";
    return QueryReply("DescribeEvents", xml).body;
  };
  Reply(page("older", "m1"));
  Reply(page("latest", ""));
  Result<std::vector<RdsEvent>> result = rds_.DescribeEvents("dr-app-db", "db-instance", 30);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 2u);
  EXPECT_EQ(result->back().message, "latest");
  ASSERT_EQ(harness_.http.request_count(), 2u);
  EXPECT_EQ(FormParams(harness_.http.requests()[1])["Marker"], "m1");
}

TEST_F(RdsClientTest, DescribeEventsDurationIsClampedOrLeftToAws) {
  for (int i = 0; i < 3; ++i) Reply(QueryReply("DescribeEvents", "<Events/>"));
  ASSERT_TRUE(rds_.DescribeEvents("dr-app-db", "db-instance", 0).ok());
  ASSERT_TRUE(rds_.DescribeEvents("dr-app-db", "db-instance", 20160).ok());
  ASSERT_TRUE(rds_.DescribeEvents("dr-app-db", "db-instance", 1000000).ok());
  std::vector<HttpRequest> sent = harness_.http.requests();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(FormParams(sent[0]).count("Duration"), 0u);  // AWS's default: 60 minutes
  EXPECT_EQ(FormParams(sent[1])["Duration"], "20160");
  EXPECT_EQ(FormParams(sent[2])["Duration"], "20160");  // AWS keeps 14 days
}

TEST_F(RdsClientTest, DescribeEventsOfAQuietInstanceIsEmpty) {
  Reply(QueryReply("DescribeEvents", "<Events/>"));
  Result<std::vector<RdsEvent>> result = rds_.DescribeEvents("dr-app-db", "db-instance", 60);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->empty());
}

TEST_F(RdsClientTest, DescribeEventsErrorsKeepTheWireCode) {
  Reply(QueryError(400, "InvalidParameterCombination",
                   "Cannot specify source identifier without source type"));
  Result<std::vector<RdsEvent>> result = rds_.DescribeEvents("dr-app-db", "", 60);
  ASSERT_FALSE(result.ok());
  ASSERT_NE(result.status().aws(), nullptr);
  EXPECT_EQ(result.status().aws()->code, "InvalidParameterCombination");
  EXPECT_EQ(result.status().aws()->operation, "DescribeEvents");
  EXPECT_EQ(FormParams(harness_.http.requests()[0]).count("SourceType"), 0u);
}

TEST_F(RdsClientTest, DescribeEventsUnreadableReplyIsInternal) {
  Reply(std::string(kEventsReply).substr(0, 300));
  Result<std::vector<RdsEvent>> result = rds_.DescribeEvents("dr-app-db", "db-instance", 60);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
}

// --- Serialization equals botocore's ----------------------------------------------------

TEST_F(RdsClientTest, DescribeDBInstancesMatchesBotocore) {
  Reply(DbInstancePage({"a"}, "page 2/+&="));
  Reply(DbInstancePage({"b"}, ""));
  Reply(DbInstancePage({}, ""));
  ASSERT_TRUE(rds_.DescribeDBInstances("").ok());
  ASSERT_TRUE(rds_.DescribeDBInstances("orders-dr").ok());
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("rds", "DescribeDBInstances", nlohmann::json::object()),
       OracleCase("rds", "DescribeDBInstances", {{"Marker", "page 2/+&="}}),
       OracleCase("rds", "DescribeDBInstances", {{"DBInstanceIdentifier", "orders-dr"}})});
}

TEST_F(RdsClientTest, PromoteReadReplicaMatchesBotocore) {
  Reply(QueryReply("PromoteReadReplica", kInstance));
  Reply(QueryReply("PromoteReadReplica", kInstance));
  ASSERT_TRUE(rds_.PromoteReadReplica({"orders-dr", {}, {}}).ok());
  ASSERT_TRUE(rds_.PromoteReadReplica({"orders-dr", 0, std::string("03:00-03:30")}).ok());
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("rds", "PromoteReadReplica", {{"DBInstanceIdentifier", "orders-dr"}}),
       OracleCase("rds", "PromoteReadReplica",
                  {{"DBInstanceIdentifier", "orders-dr"},
                   {"BackupRetentionPeriod", 0},
                   {"PreferredBackupWindow", "03:00-03:30"}})});
}

TEST_F(RdsClientTest, DescribeDBClustersMatchesBotocore) {
  Reply(QueryReply("DescribeDBClusters", "<DBClusters/><Marker>m1</Marker>"));
  Reply(QueryReply("DescribeDBClusters", "<DBClusters/>"));
  ASSERT_TRUE(rds_.DescribeDBClusters("orders-dr").ok());
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("rds", "DescribeDBClusters", {{"DBClusterIdentifier", "orders-dr"}}),
       OracleCase("rds", "DescribeDBClusters",
                  {{"DBClusterIdentifier", "orders-dr"}, {"Marker", "m1"}})});
}

TEST_F(RdsClientTest, PromoteReadReplicaDBClusterMatchesBotocore) {
  Reply(QueryReply("PromoteReadReplicaDBCluster", kCluster));
  ASSERT_TRUE(rds_.PromoteReadReplicaDBCluster("orders-dr").ok());
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("rds", "PromoteReadReplicaDBCluster", {{"DBClusterIdentifier", "orders-dr"}})});
}

TEST_F(RdsClientTest, FailoverGlobalClusterMatchesBotocore) {
  const std::string ok = ReadTestData("aws/rds/failover_global_cluster_ok.xml");
  for (int i = 0; i < 3; ++i) Reply(XmlReply(ok));
  const std::string arn = "arn:aws:rds:us-east-1:123456789012:cluster:orders-dr";
  ASSERT_TRUE(rds_.FailoverGlobalCluster("orders-global", arn, true, false).ok());
  ASSERT_TRUE(rds_.FailoverGlobalCluster("orders-global", arn, false, true).ok());
  ASSERT_TRUE(rds_.FailoverGlobalCluster("orders-global", arn, false, false).ok());
  nlohmann::json base = {{"GlobalClusterIdentifier", "orders-global"},
                         {"TargetDbClusterIdentifier", arn}};
  nlohmann::json data_loss = base;
  data_loss["AllowDataLoss"] = true;
  nlohmann::json switchover = base;
  switchover["Switchover"] = true;
  ExpectAllSameAsBotocore(harness_.http.requests(),
                          {OracleCase("rds", "FailoverGlobalCluster", data_loss),
                           OracleCase("rds", "FailoverGlobalCluster", switchover),
                           OracleCase("rds", "FailoverGlobalCluster", base)});
}

TEST_F(RdsClientTest, SwitchoverAndDescribeGlobalClustersMatchBotocore) {
  const std::string arn = "arn:aws:rds:us-east-1:123456789012:cluster:orders-dr";
  Reply(QueryReply("SwitchoverGlobalCluster",
                   "<GlobalCluster><GlobalClusterIdentifier>orders-global</GlobalClusterIdentifier>"
                   "<Status>switching-over</Status></GlobalCluster>"));
  // moto lists every global cluster whatever is asked: the client keeps the one named.
  Reply(QueryReply("DescribeGlobalClusters",
                   "<GlobalClusters><GlobalClusterMember><GlobalClusterIdentifier>other"
                   "</GlobalClusterIdentifier></GlobalClusterMember><GlobalClusterMember>"
                   "<GlobalClusterIdentifier>orders-global</GlobalClusterIdentifier><Status>"
                   "available</Status><GlobalClusterMembers><GlobalClusterMember><DBClusterArn>" +
                       arn +
                       "</DBClusterArn><IsWriter>true</IsWriter></GlobalClusterMember>"
                       "</GlobalClusterMembers></GlobalClusterMember></GlobalClusters>"));
  Result<Mutated<GlobalCluster>> moved = rds_.SwitchoverGlobalCluster("orders-global", arn);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->value.status, "switching-over");
  Result<GlobalCluster> found = rds_.DescribeGlobalCluster("orders-global");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->identifier, "orders-global");
  ASSERT_EQ(found->members.size(), 1u);
  EXPECT_TRUE(found->members[0].is_writer);
  ExpectAllSameAsBotocore(harness_.http.requests(),
                          {OracleCase("rds", "SwitchoverGlobalCluster",
                                      {{"GlobalClusterIdentifier", "orders-global"},
                                       {"TargetDbClusterIdentifier", arn}}),
                           OracleCase("rds", "DescribeGlobalClusters",
                                      {{"GlobalClusterIdentifier", "orders-global"}})});
}

TEST_F(RdsClientTest, AGlobalClusterNotListedIsNotFound) {
  Reply(QueryReply("DescribeGlobalClusters", "<GlobalClusters/>"));
  Result<GlobalCluster> found = rds_.DescribeGlobalCluster("orders-global");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), StatusCode::kNotFound);
}

TEST_F(RdsClientTest, DescribeEventsMatchesBotocore) {
  Reply(QueryReply("DescribeEvents", "<Events/><Marker>page 2/+&=</Marker>"));
  Reply(QueryReply("DescribeEvents", "<Events/>"));
  Reply(QueryReply("DescribeEvents", "<Events/>"));
  ASSERT_TRUE(rds_.DescribeEvents("dr-app-db", "db-instance", 60).ok());
  ASSERT_TRUE(rds_.DescribeEvents("", "", 0).ok());
  nlohmann::json base = {{"SourceIdentifier", "dr-app-db"},
                         {"SourceType", "db-instance"},
                         {"Duration", 60},
                         {"MaxRecords", 100}};
  nlohmann::json page2 = base;
  page2["Marker"] = "page 2/+&=";
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("rds", "DescribeEvents", base), OracleCase("rds", "DescribeEvents", page2),
       OracleCase("rds", "DescribeEvents", {{"MaxRecords", 100}})});
}

}  // namespace
}  // namespace drf
