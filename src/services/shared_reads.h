// SharedReads: the reads of one Auto Scaling group, one ECS service or one target group that
// steps make, shared between the steps that make them at the same time (ReadCoalescer):
// DescribeAutoScalingGroups by 50 groups, DescribeServices by 10 services of one cluster
// (with their tags, so recording a service's standby state needs no ListTagsForResource),
// DescribeTargetGroups and DescribeTags by 20 target groups, and the RUNNING tasks of the
// services of one cluster (RunningTaskReads: by cluster, or DescribeTasks by 100). A step
// asks for its one resource and gets the same answer it would get alone.
//
// DescribeTargetGroups and DescribeTags fail a whole call when one ARN is unknown; the
// coalescer then asks one item at a time, so one missing group fails only the steps that
// named it.
//
// The steps announce the resources they will read first (Expect*), so that a batch with
// room reads ahead for steps that have not started yet (ReadCoalescer, "Looking ahead"):
// a step's first read, its inspection, may then be up to kFreshFor old.
//
// A wait that has just seen a service's tasks running passes that reading on (PassOn): the
// step that reads the service's tasks next, the registration of those tasks, takes it
// (TakePassedOn) if it comes within kFreshFor, instead of repeating the same
// DescribeServices, ListTasks and DescribeTasks a moment later.
//
// What a batch call costs is counted as usual (one API call, whatever its size). Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "services/autoscaling_client.h"
#include "services/ecs_client.h"
#include "services/elbv2_client.h"
#include "services/read_coalescer.h"
#include "services/running_task_reads.h"

namespace drf {

class SharedReads {
 public:
  // How long the first read of a batch waits for others to join it: long enough for the
  // steps a run starts together to meet, short against an AWS round trip (20-100 ms).
  static constexpr Duration kGathering = std::chrono::milliseconds(5);
  // Task reads gather this many times as long: their askers come from DescribeServices
  // (and ListTasks) answers, which reach the steps of one poll round spread over the time
  // the endpoint takes to answer them all (on the scale benchmark, 50 services waited at
  // once, most runs made 16-26 DescribeTasks instead of 30-42 with 5 ms; bench/README.md).
  static constexpr int kTaskGatheringFactor = 4;
  // How old an inspection read ahead may be when its step gets it. The step acts on what it
  // saw (scales a service at 0 to 1), so this is the window in which a change by someone
  // else goes unseen: a few round trips, and within the seconds AWS's describes may lag
  // behind a change anyway (their eventual consistency).
  static constexpr Duration kFreshFor = std::chrono::seconds(2);

  // Not owned; must outlive this object. `gathering` zero: every read is its own call.
  SharedReads(AutoScalingClient& autoscaling, EcsClient& ecs, Elbv2Client& elbv2, Clock& clock,
              Duration gathering = kGathering, Duration fresh_for = kFreshFor);

  // A step will read this resource: batches with room may read it ahead.
  void ExpectAsg(const std::string& name);
  void ExpectService(const std::string& cluster, const std::string& service);
  void ExpectTargetGroup(const std::string& arn);  // the group and its tags

  // The group; nullopt when it does not exist.
  Result<std::optional<AutoScalingGroup>> Asg(const std::string& name);
  // The service (a name or an ARN) in `cluster`, with its tags, in `services`; or why AWS
  // could not describe it in `failures` ("MISSING"). Both empty: AWS did not say.
  Result<EcsServices> Service(const std::string& cluster, const std::string& service);
  // The target group; nullopt when it does not exist.
  Result<std::optional<drf::TargetGroup>> TargetGroupByArn(const std::string& arn);
  // The target group's tags. NotFound when it does not exist.
  Result<ResourceTags> TargetGroupTags(const std::string& arn);
  // The service's RUNNING tasks, described (RunningTaskReads::Of: other services' tasks may
  // come with them).
  Result<std::vector<EcsTask>> RunningTasks(const std::string& cluster, const std::string& service);

  // A service and its RUNNING tasks, as a wait last saw them.
  struct ServiceTasks {
    EcsService service;
    std::vector<EcsTask> tasks;
  };
  // Keeps `reading` of `service` in `cluster` for the next TakePassedOn of that service.
  void PassOn(const std::string& cluster, const std::string& service, ServiceTasks reading);
  // The reading passed on for the service if it is at most `fresh_for` old; once: a second
  // take, a wait's next poll, finds nothing and reads AWS.
  std::optional<ServiceTasks> TakePassedOn(const std::string& cluster, const std::string& service);

  // One-resource reads asked for, and the calls that answered them, over all kinds.
  int asked() const;
  int calls() const;
  // Of asked(): those answered by a call made earlier for other steps, reading ahead.
  int read_ahead_used() const;
  // Readings of a service's tasks taken from a wait that passed them on.
  int passed_on_used() const;

 private:
  using ServiceKey = std::pair<std::string, std::string>;  // (cluster, service)

  Clock& clock_;
  const Duration fresh_for_;
  ReadCoalescer<AutoScalingGroup> asgs_;
  ReadCoalescer<EcsServices> services_;
  ReadCoalescer<drf::TargetGroup> target_groups_;
  ReadCoalescer<ResourceTags> target_group_tags_;
  RunningTaskReads running_tasks_;

  mutable std::mutex passed_mu_;
  std::map<ServiceKey, std::pair<MonoTime, ServiceTasks>> passed_on_;  // guarded by passed_mu_
  int passed_on_used_ = 0;                                             // guarded by passed_mu_
};

}  // namespace drf
