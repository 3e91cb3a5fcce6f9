// RdsClient: the RDS operations a failover needs (query protocol, version 2014-10-31).
// Thread-safe as far as AwsClient is; holds no state of its own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "core/result.h"
#include "services/mutated.h"
#include "services/resource_tags.h"

namespace drf {

// A DBInstanceStatusInfo: today only AWS's read replication status ("read replication":
// replicating, replication degraded, error, stopped, terminated).
struct DbInstanceStatusInfo {
  std::string status_type;  // "read replication"
  bool normal = false;      // false: in an error state
  std::string status;
  std::string message;  // the error's details, when not normal
};

struct DbInstance {
  std::string identifier;  // DBInstanceIdentifier
  std::string arn;         // DBInstanceArn
  // DBInstanceStatus (what botocore calls db_instance_status): available, modifying,
  // backing-up, rebooting, storage-full, incompatible-parameters, ...
  std::string status;
  std::string engine;
  std::string read_replica_source;  // ReadReplicaSourceDBInstanceIdentifier; empty: not a replica
  std::string cluster_identifier;   // DBClusterIdentifier; empty: not in a cluster
  std::string endpoint_address;     // empty while creating
  std::string availability_zone;
  int endpoint_port = 0;
  bool multi_az = false;
  int backup_retention_period = 0;
  std::vector<std::string> read_replica_identifiers;  // replicas of this instance
  std::vector<DbInstanceStatusInfo> status_infos;     // StatusInfos
  // TagList, which DescribeDBInstances carries; unset when the answer has none (then
  // ListTagsForResource tells).
  std::optional<ResourceTags> tags;
};

// One RDS event: a step of a promotion or reboot, a replication error, storage running out,
// ... (RDS's event messages, as listed in its User Guide).
struct RdsEvent {
  std::string source_identifier;  // the instance (cluster, snapshot, ...) it is about
  std::string source_type;        // db-instance, db-cluster, db-snapshot, ...
  std::string message;
  std::string date;  // ISO-8601 UTC text as AWS sends it ("2026-11-25T21:40:03.512Z")
  std::vector<std::string> categories;  // EventCategories: availability, failover, ...
};

struct DbClusterMember {
  std::string instance_identifier;
  bool is_writer = false;
};

struct DbCluster {
  std::string identifier;  // DBClusterIdentifier
  std::string arn;         // DBClusterArn
  std::string status;
  std::string endpoint;
  std::string reader_endpoint;
  std::string global_cluster_identifier;  // empty: not in a global cluster
  std::string replication_source;         // ReplicationSourceIdentifier; empty: not a replica
  std::vector<DbClusterMember> members;
};

struct GlobalClusterMember {
  std::string db_cluster_arn;
  bool is_writer = false;
};

struct GlobalCluster {
  std::string identifier;  // GlobalClusterIdentifier
  std::string arn;         // GlobalClusterArn
  std::string status;
  std::string failover_status;  // FailoverState/Status; empty when no failover is running
  std::string failover_from_arn;
  std::string failover_to_arn;
  bool failover_data_loss_allowed = false;  // FailoverState/IsDataLossAllowed
  std::vector<GlobalClusterMember> members;
};

struct PromoteReadReplicaRequest {
  std::string db_instance_identifier;
  std::optional<int> backup_retention_period;  // 0-35; AWS keeps the current value when unset
  std::optional<std::string> preferred_backup_window;  // hh24:mi-hh24:mi UTC
};

class RdsClient {
 public:
  explicit RdsClient(AwsClient& aws) : aws_(aws) {}

  // One instance (`identifier` set; NotFound with wire code DBInstanceNotFound if absent)
  // or every instance of the region (empty `identifier`), following Marker pages.
  Result<std::vector<DbInstance>> DescribeDBInstances(const std::string& identifier);
  // Starts promoting a read replica; returns the instance as AWS reports it right after
  // the call (usually still "available" or "modifying"). Not idempotent: a second call on
  // an instance that is no longer a replica fails with InvalidDBInstanceState (Rejected).
  Result<Mutated<DbInstance>> PromoteReadReplica(const PromoteReadReplicaRequest& request);
  // The events of the last `duration_minutes` (clamped to 1..20160, AWS's 14 days; 0 or
  // less: AWS's default of 60) about `source_identifier` of `source_type` ("db-instance";
  // AWS refuses an identifier without a type). In AWS's order, OLDEST FIRST: the latest
  // event is the last element. Pages of 100 (MaxRecords), every Marker page followed so
  // that the latest event is never cut off. An unknown source gives an empty list. Only for
  // evidence when a wait stalls: a normal run does not call it (IAM action
  // rds:DescribeEvents).
  Result<std::vector<RdsEvent>> DescribeEvents(const std::string& source_identifier,
                                               const std::string& source_type,
                                               int duration_minutes);
  // The tags of a resource (an instance's or cluster's ARN). NotFound when it is unknown.
  Result<ResourceTags> ListTagsForResource(const std::string& arn);
  // Sets tag `key` on the resource (AddTagsToResource).
  Result<Ack> AddTag(const std::string& arn, const std::string& key, const std::string& value);
  // Removes tag `key` (RemoveTagsFromResource).
  Result<Ack> RemoveTag(const std::string& arn, const std::string& key);
  // Creates read replica `identifier` of `source_arn` in this client's region (a
  // cross-region replica when the source is elsewhere: the source is given by ARN).
  // Rejected (DBInstanceAlreadyExists, InvalidDBInstanceState, ...).
  Result<Mutated<DbInstance>> CreateDBInstanceReadReplica(const std::string& identifier,
                                                          const std::string& source_arn);
  // One cluster or all of them (Marker pages); NotFound (DBClusterNotFoundFault).
  Result<std::vector<DbCluster>> DescribeDBClusters(const std::string& identifier);
  // Detaches a cross-region Aurora replica cluster from its source.
  Result<Mutated<DbCluster>> PromoteReadReplicaDBCluster(const std::string& cluster_identifier);
  // Fails a global database over to `target_cluster_arn`. `allow_data_loss` (unplanned
  // failover) and `switchover` (planned, no data loss) are mutually exclusive in AWS; the
  // client sends what it is given and lets AWS reject contradictions. NotFound
  // (GlobalClusterNotFoundFault), Rejected (InvalidGlobalClusterStateFault, ...).
  Result<Mutated<GlobalCluster>> FailoverGlobalCluster(const std::string& global_cluster_id,
                                                       const std::string& target_cluster_arn,
                                                       bool allow_data_loss, bool switchover);
  // Planned, no data loss: makes `target_cluster_arn` the writer once it is in sync.
  Result<Mutated<GlobalCluster>> SwitchoverGlobalCluster(const std::string& global_cluster_id,
                                                         const std::string& target_cluster_arn);
  // The global database `identifier` (Marker pages). NotFound (GlobalClusterNotFoundFault),
  // also when the answer does not list it (moto lists every global cluster whatever is
  // asked).
  Result<GlobalCluster> DescribeGlobalCluster(const std::string& identifier);

 private:
  AwsClient& aws_;
};

}  // namespace drf
