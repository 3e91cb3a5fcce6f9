// Elbv2Client: load balancers, target groups and their targets (query, 2015-12-01). Thread-safe as
// far as AwsClient is.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "core/result.h"
#include "services/mutated.h"
#include "services/resource_tags.h"

namespace drf {

struct TargetGroup {
  std::string arn;  // TargetGroupArn
  std::string name;
  std::string protocol;     // HTTP, HTTPS, TCP, ...; empty for lambda targets
  std::string target_type;  // instance, ip, lambda, alb
  std::string vpc_id;
  int port = 0;
  std::vector<std::string> load_balancer_arns;
};

struct LoadBalancer {
  std::string arn;  // LoadBalancerArn
  std::string name;
  std::string dns_name;                  // e.g. "dr-alb-1.us-west-2.elb.amazonaws.com"
  std::string canonical_hosted_zone_id;  // the zone an alias to it names
  std::string type;                      // application, network, gateway
  std::string state;                     // active, provisioning, active_impaired, failed
};

struct Target {
  std::string id;                 // instance id, IP address, Lambda ARN or ALB ARN
  std::optional<int> port;        // unset: the target group's port
  std::string availability_zone;  // empty: not sent / not reported
};

struct TargetHealthDescription {
  Target target;
  std::string
      state;  // initial, healthy, unhealthy, unhealthy.draining, unused, draining, unavailable
  std::string reason;  // e.g. Target.ResponseCodeMismatch; empty when healthy
  std::string description;
};

class Elbv2Client {
 public:
  explicit Elbv2Client(AwsClient& aws) : aws_(aws) {}

  // The load balancers named (names, or ARNs when every entry starts with "arn:"), following
  // pages. NotFound (LoadBalancerNotFound) if any is unknown.
  Result<std::vector<LoadBalancer>> DescribeLoadBalancers(
      const std::vector<std::string>& names_or_arns);
  // The given target groups (empty `arns`: every group of the region), following
  // Marker->NextMarker pages. NotFound (TargetGroupNotFound) if any ARN is unknown.
  Result<std::vector<TargetGroup>> DescribeTargetGroups(const std::vector<std::string>& arns);
  // Health of every registered target. NotFound (TargetGroupNotFound).
  Result<std::vector<TargetHealthDescription>> DescribeTargetHealth(
      const std::string& target_group_arn);
  // Rejected for InvalidTarget / TooManyTargets / TooManyRegistrationsForTargetId.
  Result<Ack> RegisterTargets(const std::string& target_group_arn,
                              const std::vector<Target>& targets);
  Result<Ack> DeregisterTargets(const std::string& target_group_arn,
                                const std::vector<Target>& targets);
  // The tags of one resource (a target group's ARN). NotFound when it does not exist.
  Result<ResourceTags> DescribeTags(const std::string& arn);
  // The tags of up to 20 resources (AWS's limit) in one call, by ARN. NotFound when any of
  // them does not exist.
  Result<std::map<std::string, ResourceTags>> DescribeTags(const std::vector<std::string>& arns);
  // Sets the given tags on the resource (AddTags: existing keys are overwritten).
  Result<Ack> AddTags(const std::string& arn, const ResourceTags& tags);
  // Removes the tags `keys` (RemoveTags); missing ones are not an error.
  Result<Ack> RemoveTags(const std::string& arn, const std::vector<std::string>& keys);

 private:
  AwsClient& aws_;
};

}  // namespace drf
