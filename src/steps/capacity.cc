#include "steps/capacity.h"

#include <algorithm>

namespace drf {
namespace {

// Matches a described service to the name we asked for (AWS answers with names and ARNs).
bool IsService(const EcsService& s, const std::string& name) {
  return s.name == name || s.arn == name ||
         (s.arn.size() > name.size() && s.arn.ends_with("/" + name));
}

}  // namespace

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

Result<AutoScalingGroup> DescribeAsg(AutoScalingClient& autoscaling, const std::string& name) {
  Result<std::vector<AutoScalingGroup>> groups = autoscaling.DescribeAutoScalingGroups({name});
  if (!groups.ok()) return groups.status();
  auto it = std::find_if(groups->begin(), groups->end(),
                         [&](const AutoScalingGroup& g) { return g.name == name; });
  if (it == groups->end()) return Status::NotFound("Auto Scaling group " + name + " not found");
  if (!it->status.empty()) {
    return Status::Rejected("Auto Scaling group " + name + " is being deleted (" + it->status +
                            ")");
  }
  return *it;
}

Result<EcsService> DescribeActiveService(EcsClient& ecs, const std::string& cluster,
                                         const std::string& service) {
  Result<EcsServices> found = ecs.DescribeServices(cluster, {service});
  if (!found.ok()) return found.status();
  auto it = std::find_if(found->services.begin(), found->services.end(),
                         [&](const EcsService& s) { return IsService(s, service); });
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

Result<AsgCapacity> ReadAsgCapacity(AutoScalingClient& autoscaling, const std::string& name) {
  Result<AutoScalingGroup> group = DescribeAsg(autoscaling, name);
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

Result<EcsCapacity> ReadEcsCapacity(EcsClient& ecs, const std::string& cluster,
                                    const std::string& service) {
  Result<EcsService> svc = DescribeActiveService(ecs, cluster, service);
  if (!svc.ok()) return svc.status();
  Result<std::vector<std::string>> arns = ecs.ListTasks(cluster, service, "RUNNING");
  if (!arns.ok()) return arns.status();
  Result<EcsTasks> tasks = ecs.DescribeTasks(cluster, *arns);
  if (!tasks.ok()) return tasks.status();
  EcsCapacity out{*svc, {}, {}};
  const std::string group = "service:" + service;
  for (const EcsTask& t : tasks->tasks) {
    if (t.group != group || t.last_status != "RUNNING") continue;
    out.running.push_back(t);
    // One ENI per awsvpc task: its first address is the task's.
    if (!t.private_ips.empty()) out.ips.push_back(t.private_ips.front());
  }
  return out;
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
