#include "services/running_task_reads.h"

#include <utility>

namespace drf {
namespace {

// A batch of services is sent when its window ends, never because it is full.
constexpr size_t kServicesPerBatch = 100000;

}  // namespace

RunningTaskReads::RunningTaskReads(EcsClient& ecs, Clock& clock, Duration gathering)
    : ecs_(ecs),
      described_(
          EcsClient::kTasksPerDescribe, gathering, Duration::zero(), clock,
          [&ecs](const std::string& cluster,
                 const std::vector<std::string>& arns) -> Result<ReadCoalescer<EcsTask>::Found> {
            DRF_ASSIGN_OR_RETURN(EcsTasks described, ecs.DescribeTasks(cluster, arns));
            ReadCoalescer<EcsTask>::Found found;
            for (EcsTask& task : described.tasks) found[task.arn] = std::move(task);
            return found;
          }),
      services_(kServicesPerBatch, gathering, Duration::zero(), clock,
                [this](const std::string& cluster, const std::vector<std::string>& services)
                    -> Result<ServiceTasks::Found> { return ReadCluster(cluster, services); }) {}

Result<RunningTaskReads::ServiceTasks::Found> RunningTaskReads::ReadCluster(
    const std::string& cluster, const std::vector<std::string>& services) {
  if (services.size() < 2 || LargerThanAPage(cluster)) return ServiceTasks::Found{};
  Result<EcsClient::ArnPages> listed = ecs_.ListClusterTasks(cluster, "RUNNING", 1);
  {
    std::lock_guard lock(mu_);
    ++own_calls_;
    if (listed.ok() && !listed->complete) larger_than_a_page_.insert(cluster);
  }
  if (!listed.ok()) return listed.status();
  if (!listed->complete) return ServiceTasks::Found{};
  Result<EcsTasks> described = ecs_.DescribeTasks(cluster, listed->arns);
  {
    std::lock_guard lock(mu_);
    const size_t per_call = EcsClient::kTasksPerDescribe;
    own_calls_ += static_cast<int>((listed->arns.size() + per_call - 1) / per_call);
    if (described.ok()) ++cluster_reads_;
  }
  if (!described.ok()) return described.status();
  ServiceTasks::Found found;
  for (const std::string& service : services) found[service];  // read, even with no task
  for (EcsTask& task : described->tasks) {
    if (!task.group.starts_with("service:")) continue;
    auto it = found.find(task.group.substr(std::string_view("service:").size()));
    if (it != found.end()) it->second.push_back(std::move(task));
  }
  return found;
}

Result<std::vector<EcsTask>> RunningTaskReads::Of(const std::string& cluster,
                                                  const std::string& service) {
  // The services of a cluster known to be larger wait for no one: they read their own.
  if (!LargerThanAPage(cluster)) {
    DRF_ASSIGN_OR_RETURN(std::optional<std::vector<EcsTask>> read, services_.Get(cluster, service));
    if (read) return std::move(*read);
  }
  Result<std::vector<std::string>> arns = ecs_.ListTasks(cluster, service, "RUNNING");
  {
    std::lock_guard lock(mu_);
    ++own_calls_;
  }
  if (!arns.ok()) return arns.status();
  return Describe(cluster, *arns);
}

Result<std::vector<EcsTask>> RunningTaskReads::Describe(const std::string& cluster,
                                                        const std::vector<std::string>& arns) {
  DRF_ASSIGN_OR_RETURN(ReadCoalescer<EcsTask>::Found found, described_.GetMany(cluster, arns));
  std::vector<EcsTask> tasks;
  for (const std::string& arn : arns) {
    if (auto it = found.find(arn); it != found.end()) tasks.push_back(it->second);
  }
  return tasks;
}

bool RunningTaskReads::LargerThanAPage(const std::string& cluster) const {
  std::lock_guard lock(mu_);
  return larger_than_a_page_.contains(cluster);
}

int RunningTaskReads::asked() const { return services_.asked() + described_.asked(); }

int RunningTaskReads::calls() const {
  std::lock_guard lock(mu_);
  return own_calls_ + described_.calls();
}

int RunningTaskReads::cluster_reads() const {
  std::lock_guard lock(mu_);
  return cluster_reads_;
}

}  // namespace drf
