// Stall evidence: when a wait stalls or times out, the best explanation AWS offers, read
// once and put into the step's error so the operator sees why without opening a console.
// Each function answers one line; a read that fails is named in it instead ("evidence
// unavailable: ..."), never an error of its own: the wait has already failed.
#pragma once

#include <string>

#include "services/autoscaling_client.h"
#include "services/ecs_client.h"
#include "services/rds_client.h"

namespace drf {

// The service's latest events (DescribeServices, newest first) and the reasons its stopped
// tasks gave: "latest events: ...; stopped tasks: 3 x CannotPullContainerError: ...".
std::string EcsStallEvidence(EcsClient& ecs, const EcsService& service, const std::string& cluster);

// The latest scaling activity: "latest scaling activity (Failed): <its status message>".
std::string AsgStallEvidence(AutoScalingClient& autoscaling, const std::string& name);

// The instance's status and its latest RDS event of the last hour.
std::string DbStallEvidence(RdsClient& rds, const DbInstance& instance);
// The same for any RDS replica: `source_type` is DescribeEvents' ("db-instance",
// "db-cluster").
std::string ReplicaStallEvidence(RdsClient& rds, const std::string& source_type,
                                 const std::string& id, const std::string& status,
                                 const std::string& source);

}  // namespace drf
