// SharedReads: the reads of one Auto Scaling group, one ECS service or one target group that
// steps make, shared between the steps that make them at the same time (ReadCoalescer):
// DescribeAutoScalingGroups by 50 groups, DescribeServices by 10 services of one cluster
// (with their tags, so recording a service's standby state needs no ListTagsForResource),
// DescribeTargetGroups and DescribeTags by 20 target groups. A step asks for its one
// resource and gets the same answer it would get alone.
//
// DescribeTargetGroups and DescribeTags fail a whole call when one ARN is unknown; a batch
// that fails so is asked again one ARN at a time, so one missing group fails only the steps
// that named it.
//
// What a batch call costs is counted as usual (one API call, whatever its size). Thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/clock.h"
#include "services/autoscaling_client.h"
#include "services/ecs_client.h"
#include "services/elbv2_client.h"
#include "services/read_coalescer.h"

namespace drf {

class SharedReads {
 public:
  // How long the first read of a batch waits for others to join it: long enough for the
  // steps a run starts together to meet, short against an AWS round trip (20-100 ms).
  static constexpr Duration kGathering = std::chrono::milliseconds(5);

  // Not owned; must outlive this object. `gathering` zero: every read is its own call.
  SharedReads(AutoScalingClient& autoscaling, EcsClient& ecs, Elbv2Client& elbv2, Clock& clock,
              Duration gathering = kGathering);

  // The group; nullopt when it does not exist.
  Result<std::optional<AutoScalingGroup>> Asg(const std::string& name);
  // The service (a name or an ARN) in `cluster`, with its tags, in `services`; or why AWS
  // could not describe it in `failures` ("MISSING"). Both empty: AWS did not say.
  Result<EcsServices> Service(const std::string& cluster, const std::string& service);
  // The target group; nullopt when it does not exist.
  Result<std::optional<drf::TargetGroup>> TargetGroupByArn(const std::string& arn);
  // The target group's tags. NotFound when it does not exist.
  Result<ResourceTags> TargetGroupTags(const std::string& arn);

  // One-resource reads asked for, and the calls that answered them, over all kinds.
  int asked() const;
  int calls() const;

 private:
  ReadCoalescer<AutoScalingGroup> asgs_;
  ReadCoalescer<EcsServices> services_;
  ReadCoalescer<drf::TargetGroup> target_groups_;
  ReadCoalescer<ResourceTags> target_group_tags_;
};

}  // namespace drf
