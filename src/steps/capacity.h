// Capacity: what a scaling source really has ready, read from the resources AWS guarantees
// rather than from summary counters. For an ECS service that is its RUNNING tasks (listed
// and described, services/running_task_reads.h): `runningCount` is only a hint, since AWS does
// not promise it matches the tasks at any moment. For an Auto Scaling group it is its
// instances that are InService and Healthy. Shared by the scaling steps (waiting for
// capacity) and the registration step (registering it).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "plan/plan_spec.h"
#include "services/autoscaling_client.h"
#include "services/ecs_client.h"
#include "services/shared_reads.h"

namespace drf {

// What ready means, for counts people read: "1 of 3 instances InService and Healthy".
inline constexpr char kReadyInstances[] = "instances InService and Healthy";
inline constexpr char kReadyTasks[] = "tasks running";

// "<ready> of <wanted> <what>", e.g. "0 of 3 tasks running".
std::string ReadyCount(size_t ready, int wanted, const char* what);

// "ECS service dr/frontend": a service in waits, progress and evidence.
std::string EcsServiceLabel(const std::string& cluster, const std::string& service);
// "ECS service frontend in cluster dr": a service in errors and log lines.
std::string EcsServiceInCluster(const std::string& cluster, const std::string& service);

// Whether a scaling step waits for its capacity after raising it to `wanted`: never for
// none, always with kYes, and with kIfChanged only when it `changed` something (see
// FinalizePlan for who gets which).
bool WaitsForCapacity(CapacityWait policy, bool changed, int wanted);

// One group, read with the other steps' (SharedReads): NotFound when missing, Rejected when
// it is being deleted.
Result<AutoScalingGroup> DescribeAsg(SharedReads& reads, const std::string& name);

// One service with its tags, read with the other steps' (SharedReads): NotFound when
// missing, Rejected when INACTIVE or DRAINING.
Result<EcsService> DescribeActiveService(SharedReads& reads, const std::string& cluster,
                                         const std::string& service);

// An instance that serves: InService and Healthy.
bool IsReady(const AsgInstance& instance);

struct AsgCapacity {
  AutoScalingGroup group;
  std::vector<std::string> ready;  // ids of the InService and Healthy instances, AWS's order
};
Result<AsgCapacity> ReadAsgCapacity(SharedReads& reads, const std::string& name);
// "1 of 3 instances InService and Healthy"
std::string DescribeCapacity(const AsgCapacity& capacity);

struct EcsCapacity {
  EcsService service;
  // The service's tasks that are RUNNING. A task counts only when its group is
  // "service:<service>": a listing may hold other services' tasks (ListTasks' serviceName
  // filter is ignored by moto).
  std::vector<EcsTask> running;
  std::vector<std::string> ips;  // the first private IP of each running awsvpc task
};
// Whether ReadEcsCapacity lists the service's tasks. kUnlessNoneReported takes a service that
// reports no task running at its word and lists nothing: for a wait's first poll, which often
// comes right after the tasks were asked for (the registration after its scaling step), when
// none can be running yet. On AWS runningCount may lag behind the tasks, so later polls list
// them whatever the service reports: a lagging count costs at most one poll.
enum class TaskListing { kAlways, kUnlessNoneReported };
// The service and its RUNNING tasks, read with the other steps' (SharedReads), or as a wait
// that has just seen them passed them on (PassOnEcsCapacity).
Result<EcsCapacity> ReadEcsCapacity(SharedReads& reads, const std::string& cluster,
                                    const std::string& service,
                                    TaskListing listing = TaskListing::kAlways);
// Hands `capacity` to the next ReadEcsCapacity of the service: its registration, if it
// starts within SharedReads::kFreshFor of the scaling step's wait ending, then needs no
// reads of its own.
void PassOnEcsCapacity(SharedReads& reads, const std::string& cluster, const std::string& service,
                       const EcsCapacity& capacity);
// "1 of 3 tasks running", and AWS's own counters when they say something else
// ("1 of 3 tasks running (the service reports 3 running, 0 pending)").
std::string DescribeCapacity(const EcsCapacity& capacity);

}  // namespace drf
