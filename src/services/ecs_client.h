// EcsClient: list, describe and scale ECS services and their tasks (JSON 1.1, 2014-11-13).
// The services' events and the stopped tasks' reasons are the evidence shown when a
// service does not reach its count.
// Replies are parsed tolerantly: missing fields keep their defaults, a field of the wrong
// JSON type is an Internal error naming the field. Thread-safe as far as AwsClient is.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "core/result.h"
#include "services/mutated.h"
#include "services/resource_tags.h"

namespace drf {

struct EcsDeployment {
  std::string id;
  std::string status;         // PRIMARY, ACTIVE, INACTIVE
  std::string rollout_state;  // COMPLETED, FAILED, IN_PROGRESS; empty for old deployments
  int desired_count = 0;
  int running_count = 0;
  int pending_count = 0;
};

// One entry of a service's event log ("(service web) has reached a steady state.", "(service
// web) was unable to place a task because no container instance met all of its
// requirements."): what the ECS scheduler tells about a service that does not converge.
struct EcsServiceEvent {
  std::string id;
  // ISO-8601 UTC as we render timestamps (core/log.h FormatTimestamp:
  // "2026-11-25T21:40:00.123Z"), from the epoch-seconds number AWS sends.
  std::string created_at;
  std::string message;
};

struct EcsService {
  std::string arn;   // serviceArn
  std::string name;  // serviceName
  std::string cluster_arn;
  std::string status;           // ACTIVE, DRAINING, INACTIVE
  std::string launch_type;      // EC2, FARGATE, EXTERNAL; empty with a capacity provider strategy
  std::string task_definition;  // ARN of the task definition it runs
  std::vector<std::string> capacity_providers;  // of its capacityProviderStrategy
  int desired_count = 0;
  int running_count = 0;
  int pending_count = 0;
  std::vector<EcsDeployment> deployments;
  // The latest events (AWS sends at most 100), newest first, as AWS returns them.
  std::vector<EcsServiceEvent> events;
  // Its tags, when they were asked for (DescribeServices with tags); unset otherwise.
  std::optional<ResourceTags> tags;
};

struct EcsCluster {
  std::string arn;
  std::string name;
  std::string status;  // ACTIVE, PROVISIONING, DEPROVISIONING, FAILED, INACTIVE
  std::vector<std::string> capacity_providers;
  int registered_container_instances = 0;
};

struct EcsTaskDefinition {
  std::string arn;
  std::string status;  // ACTIVE, INACTIVE, DELETE_IN_PROGRESS
  std::string network_mode;
  std::vector<std::string> requires_compatibilities;  // EC2, FARGATE, EXTERNAL
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

// A container of a task, as far as it explains why the task stopped.
struct EcsContainerState {
  std::string name;
  std::string last_status;  // PENDING, RUNNING, STOPPED
  // Why the container stopped ("CannotPullContainerError: ...", "OutOfMemoryError: ..."),
  // when AWS says.
  std::string reason;
  std::optional<int> exit_code;  // unset until the container has exited
};

struct EcsTask {
  std::string arn;    // taskArn
  std::string group;  // "service:<name>" for tasks a service started
  std::string started_by;
  std::string last_status;  // PROVISIONING, PENDING, RUNNING, ..., STOPPED
  std::string desired_status;
  std::string health_status;   // HEALTHY, UNHEALTHY, UNKNOWN
  std::string stopped_reason;  // "Essential container in task exited", ...
  // TaskFailedToStart, EssentialContainerExited, UserInitiated, ServiceSchedulerInitiated,
  // SpotInterruption, TerminationNotice; empty while the task runs.
  std::string stop_code;
  // When the task began stopping and when it had stopped, rendered as
  // EcsServiceEvent::created_at; empty while not (yet) the case.
  std::string stopping_at;
  std::string stopped_at;
  std::string availability_zone;
  // From attachments[].details privateIPv4Address and
  // containers[].networkInterfaces[].privateIpv4Address, deduplicated, in first-seen order.
  std::vector<std::string> private_ips;
  std::vector<EcsContainerState> containers;
};

struct EcsClusters {
  std::vector<EcsCluster> clusters;
  std::vector<EcsFailure> failures;
};

struct EcsTasks {
  std::vector<EcsTask> tasks;
  std::vector<EcsFailure> failures;
};

// The name of an ECS service from its ARN: the last path segment of
// "arn:aws:ecs:<region>:<account>:service/<cluster>/<name>" (or the older
// "service/<name>"). A plain name is returned as is.
std::string ServiceNameFromArn(const std::string& arn);

// Whether `s` is the service asked for as `name_or_arn` (AWS answers with names and ARNs).
bool IsServiceNamed(const EcsService& s, const std::string& name_or_arn);

class EcsClient {
 public:
  explicit EcsClient(AwsClient& aws) : aws_(aws) {}

  // ARNs of every service in `cluster` (nextToken pages of 100). NotFound
  // (ClusterNotFoundException) for an unknown cluster.
  Result<std::vector<std::string>> ListServices(const std::string& cluster);
  // ListServices, as service names (ServiceNameFromArn).
  Result<std::vector<std::string>> ListServiceNames(const std::string& cluster);
  // Describes `services` (names or ARNs) in batches of 10 (AWS's limit), merged in order.
  // Unknown services appear in `failures`, not as an error. Empty input: no call.
  // `with_tags`: each service's tags too (include TAGS), saving a ListTagsForResource each.
  Result<EcsServices> DescribeServices(const std::string& cluster,
                                       const std::vector<std::string>& services,
                                       bool with_tags = false);
  // Sets the desired count; returns the service as AWS reports it after the change.
  // NotFound (ServiceNotFoundException), Rejected (ServiceNotActiveException).
  // The tags of a resource (a service's ARN), ListTagsForResource.
  Result<ResourceTags> ListTagsForResource(const std::string& arn);
  // Sets tag `key` on the resource (TagResource).
  Result<Ack> TagResource(const std::string& arn, const std::string& key, const std::string& value);
  // Removes tag `key` (UntagResource); a missing tag is not an error.
  Result<Ack> UntagResource(const std::string& arn, const std::string& key);
  Result<Mutated<EcsService>> UpdateService(const std::string& cluster, const std::string& service,
                                            int desired_count);
  // Task ARNs in `cluster`, optionally only those of one service and one desired status
  // (RUNNING, PENDING, STOPPED); all nextToken pages. AWS keeps STOPPED tasks listed for
  // about an hour after they stopped: with "STOPPED", the tasks whose stoppedReason
  // explains why a service does not reach its count.
  Result<std::vector<std::string>> ListTasks(const std::string& cluster,
                                             const std::string& service_name,
                                             const std::string& desired_status);
  // The ARNs a listing read, page by page.
  struct ArnPages {
    std::vector<std::string> arns;
    int pages = 0;          // calls made
    bool complete = false;  // false: there are more than the pages read
  };
  // ListTasks of every service at once, stopping after `max_pages` pages of 100 ARNs: a
  // reader that only wants a small cluster's tasks then pays for no more than that.
  Result<ArnPages> ListClusterTasks(const std::string& cluster, const std::string& desired_status,
                                    int max_pages);
  // For `check` only (read-only). Unknown clusters appear in `failures`.
  Result<EcsClusters> DescribeClusters(const std::vector<std::string>& clusters);
  // One task definition (family:revision or ARN); an unknown one fails (ClientException).
  Result<EcsTaskDefinition> DescribeTaskDefinition(const std::string& task_definition);
  // Describes tasks in batches of kTasksPerDescribe (AWS's limit), merged. Empty input: no
  // call.
  static constexpr size_t kTasksPerDescribe = 100;
  Result<EcsTasks> DescribeTasks(const std::string& cluster,
                                 const std::vector<std::string>& task_arns);

 private:
  AwsClient& aws_;
};

}  // namespace drf
