#include "steps/capacity.h"

#include <algorithm>
#include <optional>

namespace drf {

std::string ReadyCount(size_t ready, int wanted, const char* what) {
  return std::to_string(ready) + " of " + std::to_string(wanted) + " " + what;
}

std::string EcsServiceLabel(const std::string& cluster, const std::string& service) {
  return "ECS service " + cluster + "/" + service;
}

std::string EcsServiceInCluster(const std::string& cluster, const std::string& service) {
  return "ECS service " + service + " in cluster " + cluster;
}

bool WaitsForCapacity(CapacityWait policy, bool changed, int wanted) {
  return wanted > 0 &&
         (policy == CapacityWait::kYes || (policy == CapacityWait::kIfChanged && changed));
}

Result<AutoScalingGroup> DescribeAsg(SharedReads& reads, const std::string& name) {
  Result<std::optional<AutoScalingGroup>> group = reads.Asg(name);
  if (!group.ok()) return group.status();
  if (!*group) return Status::NotFound("Auto Scaling group " + name + " not found");
  if (!(*group)->status.empty()) {
    return Status::Rejected("Auto Scaling group " + name + " is being deleted (" +
                            (*group)->status + ")");
  }
  return **group;
}

Result<EcsService> DescribeActiveService(SharedReads& reads, const std::string& cluster,
                                         const std::string& service) {
  Result<EcsServices> found = reads.Service(cluster, service);
  if (!found.ok()) return found.status();
  auto it = std::find_if(found->services.begin(), found->services.end(),
                         [&](const EcsService& s) { return IsServiceNamed(s, service); });
  if (it == found->services.end()) {
    std::string reason = found->failures.empty() ? "" : " (" + found->failures[0].reason + ")";
    return Status::NotFound(EcsServiceInCluster(cluster, service) + " not found" + reason);
  }
  if (it->status == "INACTIVE" || it->status == "DRAINING") {
    return Status::Rejected(EcsServiceInCluster(cluster, service) + " is " + it->status);
  }
  return *it;
}

bool IsReady(const AsgInstance& instance) {
  return instance.lifecycle_state == "InService" && instance.health_status == "Healthy";
}

Result<AsgCapacity> ReadAsgCapacity(SharedReads& reads, const std::string& name) {
  Result<AutoScalingGroup> group = DescribeAsg(reads, name);
  if (!group.ok()) return group.status();
  AsgCapacity out{*group, {}};
  for (const AsgInstance& i : group->instances) {
    if (IsReady(i)) out.ready.push_back(i.instance_id);
  }
  return out;
}

std::string DescribeCapacity(const AsgCapacity& capacity) {
  return ReadyCount(capacity.ready.size(), capacity.group.desired_capacity, kReadyInstances);
}

namespace {

// The service with those of `tasks` that are its own and RUNNING.
EcsCapacity CapacityOf(EcsService svc, const std::string& service,
                       const std::vector<EcsTask>& tasks) {
  EcsCapacity out{std::move(svc), {}, {}};
  const std::string group = "service:" + service;
  for (const EcsTask& t : tasks) {
    if (t.group != group || t.last_status != "RUNNING") continue;
    out.running.push_back(t);
    // One ENI per awsvpc task: its first address is the task's.
    if (!t.private_ips.empty()) out.ips.push_back(t.private_ips.front());
  }
  return out;
}

}  // namespace

Result<EcsCapacity> ReadEcsCapacity(SharedReads& reads, const std::string& cluster,
                                    const std::string& service, TaskListing listing) {
  if (std::optional<SharedReads::ServiceTasks> kept = reads.TakePassedOn(cluster, service)) {
    return CapacityOf(std::move(kept->service), service, kept->tasks);
  }
  // A poll that lists the tasks anyway reads them first: the polls of one round start
  // together (PollSchedule::round), so their task reads meet in one read of the cluster
  // (RunningTaskReads) and the service reads after them fill DescribeServices batches. Read
  // after the services, they would reach AWS spread over the DescribeServices answers.
  std::optional<Result<std::vector<EcsTask>>> tasks;
  if (listing == TaskListing::kAlways) tasks = reads.RunningTasks(cluster, service);
  Result<EcsService> svc = DescribeActiveService(reads, cluster, service);
  if (!svc.ok()) return svc.status();  // a missing service says so better than its tasks
  if (!tasks) {
    if (svc->running_count == 0) return EcsCapacity{std::move(*svc), {}, {}};
    tasks = reads.RunningTasks(cluster, service);
  }
  if (!tasks->ok()) return tasks->status();
  return CapacityOf(std::move(*svc), service, **tasks);
}

void PassOnEcsCapacity(SharedReads& reads, const std::string& cluster, const std::string& service,
                       const EcsCapacity& capacity) {
  reads.PassOn(cluster, service, {capacity.service, capacity.running});
}

std::string DescribeCapacity(const EcsCapacity& capacity) {
  const EcsService& s = capacity.service;
  const int running = static_cast<int>(capacity.running.size());
  std::string text = ReadyCount(capacity.running.size(), s.desired_count, kReadyTasks);
  if (s.running_count != running || s.pending_count != 0) {
    text += " (the service reports " + std::to_string(s.running_count) + " running, " +
            std::to_string(s.pending_count) + " pending)";
  }
  return text;
}

}  // namespace drf
