// RunningTaskReads: the RUNNING tasks of ECS services, read for the steps that poll them at
// the same time. There are two ways to read them:
//  - by service: a ListTasks filtered by the service, then a DescribeTasks of what it
//    listed, batched by 100 tasks with the other steps' (ReadCoalescer);
//  - by cluster: the cluster's RUNNING tasks listed (one page, up to 100) and described
//    once for every service asked for. A task ARN does not say whose it is; the described
//    task's `group` ("service:<name>") does.
// k services read by service cost k ListTasks and a DescribeTasks or more, in two round trips;
// a cluster whose RUNNING tasks fit one page costs two calls, in as many round trips. So the
// services of one cluster asked for together (within the gathering window: a ReadCoalescer
// batch), two or more, are read by cluster while its tasks fit one page (100). A larger
// cluster would save calls as well, but every page adds a round trip to every poll, the
// listing's pages one after another: with the 500-task cluster of the scale benchmark, up to
// 5 pages made its runs 1.03-1.07 x the fewest calls instead of 1.05-1.07 x, and 0.4-1 s
// longer (bench/README.md). A listing that finds more than a page is dropped (one
// call spent) and the cluster is read by service from then on.
// A cluster read that fails fails the reads of all its services, as any batch call does
// (ReadCoalescer): ListTasks is one action in IAM, whichever service it names, so a denial
// would hold for each service's own listing too, and reading one by one would only multiply
// the denied calls. Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "services/ecs_client.h"
#include "services/read_coalescer.h"

namespace drf {

class RunningTaskReads {
 public:
  // Not owned; must outlive this object. `gathering`: how long the first asker of a
  // cluster's tasks (of a DescribeTasks batch) waits for others; zero: every service reads
  // its own tasks.
  RunningTaskReads(EcsClient& ecs, Clock& clock, Duration gathering);

  // The service's RUNNING tasks, described. Read by service, the list may also hold other
  // services' tasks (moto ignores ListTasks' serviceName): a task is the service's only
  // when its group says so.
  Result<std::vector<EcsTask>> Of(const std::string& cluster, const std::string& service);
  // The tasks of `cluster` among `arns` that AWS knows, in the order of `arns`.
  Result<std::vector<EcsTask>> Describe(const std::string& cluster,
                                        const std::vector<std::string>& arns);

  // Reads asked for (services, and tasks to describe) and the calls that answered them (a
  // service's own listing counted as one, whatever its pages).
  int asked() const;
  int calls() const;
  // Poll rounds in which a cluster's listing answered its services.
  int cluster_reads() const;

 private:
  using ServiceTasks = ReadCoalescer<std::vector<EcsTask>>;
  // The batch call for `services` of `cluster`: every one of them with its tasks when the
  // cluster's tasks fit a page; otherwise none (each then reads by service).
  Result<ServiceTasks::Found> ReadCluster(const std::string& cluster,
                                          const std::vector<std::string>& services);
  // Whether a listing of `cluster` found more than a page: its services read their own.
  bool LargerThanAPage(const std::string& cluster) const;

  EcsClient& ecs_;
  ReadCoalescer<EcsTask> described_;
  // The services asked for together, per cluster: read by cluster or left to read their own.
  ServiceTasks services_;

  mutable std::mutex mu_;
  std::set<std::string> larger_than_a_page_;  // clusters; guarded by mu_
  // Calls made here, not through described_: listings, and a cluster read's DescribeTasks.
  int own_calls_ = 0;      // guarded by mu_
  int cluster_reads_ = 0;  // guarded by mu_
};

}  // namespace drf
