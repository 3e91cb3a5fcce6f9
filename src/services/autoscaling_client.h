// AutoScalingClient: describe and resize Auto Scaling groups, and read their scaling
// activities, the evidence shown when a group does not reach its capacity (query,
// 2011-01-01). Thread-safe as far as AwsClient is.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "core/result.h"
#include "services/mutated.h"
#include "services/resource_tags.h"

namespace drf {

struct AsgInstance {
  std::string instance_id;
  std::string lifecycle_state;  // Pending, InService, Terminating, ...
  std::string health_status;    // Healthy, Unhealthy
  std::string availability_zone;
};

struct AutoScalingGroup {
  std::string name;    // AutoScalingGroupName
  std::string arn;     // AutoScalingGroupARN
  std::string status;  // empty unless the group is being deleted
  int min_size = 0;
  int max_size = 0;
  int desired_capacity = 0;
  std::vector<AsgInstance> instances;
  std::vector<std::string> target_group_arns;  // TargetGroupARNs
  // What the group launches from: a launch template (LaunchTemplate, or the one of its
  // MixedInstancesPolicy) by id and/or name, or a launch configuration; all empty: neither.
  std::string launch_template_id;
  std::string launch_template_name;
  std::string launch_template_version;  // "$Latest", "$Default" or a number
  std::string launch_configuration_name;
  std::vector<std::string> subnet_ids;          // VPCZoneIdentifier, split at commas
  ResourceTags tags;                            // Tags
  std::vector<std::string> availability_zones;  // AvailabilityZones
};

struct UpdateAsgRequest {
  std::string name;
  // Unset fields are not sent, so AWS keeps their current values.
  std::optional<int> min_size;
  std::optional<int> max_size;
  std::optional<int> desired_capacity;
};

// One scaling activity: what the group did to change its capacity, and how that went
// ("Launching a new EC2 instance. Status Reason: We currently do not have sufficient
// t3.large capacity in the Availability Zone you requested...").
struct ScalingActivity {
  std::string activity_id;
  // Successful, Failed, InProgress, WaitingForSpotInstanceRequestId, Cancelled, ... (AWS's
  // ScalingActivityStatusCode, which grows: kept as sent). Failed and Cancelled carry the
  // cause in status_message.
  std::string status_code;
  std::string status_message;  // why it failed or is waiting; often empty on success
  std::string description;     // "Launching a new EC2 instance: i-0123..."
  std::string cause;           // "At 2026-11-25T21:40:00Z a user request update of ..."
  // ISO-8601 UTC text as AWS sends it ("2026-11-25T21:40:03.512Z"); end_time empty while
  // the activity is in progress.
  std::string start_time;
  std::string end_time;
  int progress = 0;  // percent
};

class AutoScalingClient {
 public:
  explicit AutoScalingClient(AwsClient& aws) : aws_(aws) {}

  // The named groups (empty `names`: every group), in AWS's order. Names are sent in
  // chunks of 50 (AWS's limit per call), each followed through its NextToken pages. Names
  // that do not exist are simply absent from the result (AWS does not report them).
  Result<std::vector<AutoScalingGroup>> DescribeAutoScalingGroups(
      const std::vector<std::string>& names);
  // Sets tag `key` on group `asg_name` (CreateOrUpdateTags; not propagated to instances).
  Result<Ack> PutTag(const std::string& asg_name, const std::string& key, const std::string& value);
  // Removes tag `key` from the group (DeleteTags); a missing tag is not an error.
  Result<Ack> DeleteTag(const std::string& asg_name, const std::string& key);
  // Changes sizes. Rejected/Retryable for ScalingActivityInProgress / ResourceContention.
  Result<Ack> UpdateAutoScalingGroup(const UpdateAsgRequest& request);
  // The latest scaling activities of group `asg_name`, as AWS orders them (activities in
  // progress first, then by start time, newest first): one page of at most `max_records` (clamped
  // to 1..100, AWS's limit); later pages are not read. AWS keeps six weeks of activities; a group
  // without any gives an empty list (moto always answers an empty list). Empty `asg_name`: every
  // group's. Only for evidence when a wait stalls: a normal run does not call it (IAM action
  // autoscaling:DescribeScalingActivities).
  Result<std::vector<ScalingActivity>> DescribeScalingActivities(const std::string& asg_name,
                                                                 int max_records);
  // The names among `names` that exist as launch configurations (one call; AWS leaves
  // unknown names out). For `check` only.
  Result<std::vector<std::string>> ExistingLaunchConfigurations(
      const std::vector<std::string>& names);

 private:
  AwsClient& aws_;
};

}  // namespace drf
