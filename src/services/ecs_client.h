// EcsClient: list, describe and scale ECS services and their tasks (JSON 1.1, 2014-11-13).
// Replies are parsed tolerantly: missing fields keep their defaults, a field of the wrong
// JSON type is an Internal error naming the field. Thread-safe as far as AwsClient is.
#pragma once

#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "core/result.h"
#include "services/mutated.h"

namespace drf {

struct EcsDeployment {
  std::string id;
  std::string status;         // PRIMARY, ACTIVE, INACTIVE
  std::string rollout_state;  // COMPLETED, FAILED, IN_PROGRESS; empty for old deployments
  int desired_count = 0;
  int running_count = 0;
  int pending_count = 0;
};

struct EcsService {
  std::string arn;   // serviceArn
  std::string name;  // serviceName
  std::string cluster_arn;
  std::string status;  // ACTIVE, DRAINING, INACTIVE
  std::string launch_type;
  int desired_count = 0;
  int running_count = 0;
  int pending_count = 0;
  std::vector<EcsDeployment> deployments;
};

// An item AWS could not describe (reason "MISSING" for an unknown service or task).
struct EcsFailure {
  std::string arn;
  std::string reason;
  std::string detail;
};

struct EcsServices {
  std::vector<EcsService> services;
  std::vector<EcsFailure> failures;
};

struct EcsTask {
  std::string arn;    // taskArn
  std::string group;  // "service:<name>" for tasks a service started
  std::string started_by;
  std::string last_status;  // PROVISIONING, PENDING, RUNNING, ..., STOPPED
  std::string desired_status;
  std::string health_status;  // HEALTHY, UNHEALTHY, UNKNOWN
  std::string stopped_reason;
  std::string availability_zone;
  // From attachments[].details privateIPv4Address and
  // containers[].networkInterfaces[].privateIpv4Address, deduplicated, in first-seen order.
  std::vector<std::string> private_ips;
};

struct EcsTasks {
  std::vector<EcsTask> tasks;
  std::vector<EcsFailure> failures;
};

class EcsClient {
 public:
  explicit EcsClient(AwsClient& aws) : aws_(aws) {}

  // ARNs of every service in `cluster` (nextToken pages of 100). NotFound
  // (ClusterNotFoundException) for an unknown cluster.
  Result<std::vector<std::string>> ListServices(const std::string& cluster);
  // Describes `services` (names or ARNs) in batches of 10 (AWS's limit), merged in order.
  // Unknown services appear in `failures`, not as an error. Empty input: no call.
  Result<EcsServices> DescribeServices(const std::string& cluster,
                                       const std::vector<std::string>& services);
  // Sets the desired count; returns the service as AWS reports it after the change.
  // NotFound (ServiceNotFoundException), Rejected (ServiceNotActiveException).
  Result<Mutated<EcsService>> UpdateService(const std::string& cluster, const std::string& service,
                                            int desired_count);
  // Task ARNs in `cluster`, optionally only those of one service and one desired status
  // (RUNNING, PENDING, STOPPED); all nextToken pages.
  Result<std::vector<std::string>> ListTasks(const std::string& cluster,
                                             const std::string& service_name,
                                             const std::string& desired_status);
  // Describes tasks in batches of 100 (AWS's limit), merged. Empty input: no call.
  Result<EcsTasks> DescribeTasks(const std::string& cluster,
                                 const std::vector<std::string>& task_arns);

 private:
  AwsClient& aws_;
};

}  // namespace drf
