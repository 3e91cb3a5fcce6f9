// AutoScalingClient: describe and resize Auto Scaling groups (query, 2011-01-01).
// Thread-safe as far as AwsClient is.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "core/result.h"
#include "services/mutated.h"

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
};

struct UpdateAsgRequest {
  std::string name;
  // Unset fields are not sent, so AWS keeps their current values.
  std::optional<int> min_size;
  std::optional<int> max_size;
  std::optional<int> desired_capacity;
};

class AutoScalingClient {
 public:
  explicit AutoScalingClient(AwsClient& aws) : aws_(aws) {}

  // The named groups (empty `names`: every group), in AWS's order. Names are sent in
  // chunks of 50 (AWS's limit per call), each followed through its NextToken pages. Names
  // that do not exist are simply absent from the result (AWS does not report them).
  Result<std::vector<AutoScalingGroup>> DescribeAutoScalingGroups(
      const std::vector<std::string>& names);
  // Changes sizes. Rejected/Retryable for ScalingActivityInProgress / ResourceContention.
  Result<Ack> UpdateAutoScalingGroup(const UpdateAsgRequest& request);

 private:
  AwsClient& aws_;
};

}  // namespace drf
