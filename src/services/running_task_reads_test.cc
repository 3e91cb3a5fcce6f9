#include "services/running_task_reads.h"

#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "testing/aws_harness.h"
#include "testing/fake_aws.h"
#include "testing/gate_clock.h"

namespace drf {
namespace {

std::string TaskArnOf(const std::string& id) {
  return "arn:aws:ecs:us-east-1:123456789012:task/dr/" + id;
}

std::string NumberedService(size_t i) { return "svc-" + std::to_string(i); }

// ECS as far as these reads go: cluster "dr" runs one task per service svc-0 .. svc-<n-1>
// (task id = service name). ListTasks honours serviceName and pages of maxResults;
// DescribeTasks gives each task its service's group.
class RunningTaskReadsTest : public ::testing::Test {
 protected:
  void ClusterRuns(size_t services) {
    aws_.On(services::kEcs, "ListTasks", [services](const AwsCall& call) {
      if (call.json.contains("serviceName")) {
        return FakeAws::JsonOk({{"taskArns", {TaskArnOf(call.json["serviceName"])}}});
      }
      const size_t from = std::stoul(call.json.value("nextToken", "0"));
      const size_t to = std::min(services, from + call.json["maxResults"].get<size_t>());
      nlohmann::json page = {{"taskArns", nlohmann::json::array()}};
      for (size_t i = from; i < to; ++i) page["taskArns"].push_back(TaskArnOf(NumberedService(i)));
      if (to < services) page["nextToken"] = std::to_string(to);
      return FakeAws::JsonOk(page);
    });
  }

  RunningTaskReadsTest() {
    aws_.On(services::kEcs, "DescribeTasks", [](const AwsCall& call) {
      nlohmann::json tasks = nlohmann::json::array();
      for (const std::string arn : call.json["tasks"]) {
        tasks.push_back({{"taskArn", arn},
                         {"group", "service:" + arn.substr(arn.rfind('/') + 1)},
                         {"lastStatus", "RUNNING"}});
      }
      return FakeAws::JsonOk({{"tasks", tasks}, {"failures", nlohmann::json::array()}});
    });
  }

  // Runs `read(i)` for i in [0, n) on n threads at once; returns once all are answered.
  // Every reader has asked (for `asked` reads in all; n by default) before the gathering
  // windows close; they stay open at once afterwards, until the next round.
  void AtOnce(size_t n, const std::function<void(size_t)>& read, size_t asked = 0) {
    const int before = reads_.asked();
    std::vector<std::thread> threads;
    for (size_t i = 0; i < n; ++i) threads.emplace_back([&, i] { read(i); });
    while (static_cast<size_t>(reads_.asked() - before) < std::max(n, asked)) {
      std::this_thread::yield();
    }
    gathering_.Open();
    for (std::thread& t : threads) t.join();
    gathering_.Close();
  }

  // Each of services 0 .. n-1 read at once; each must get exactly its own one task.
  void ReadEachService(size_t n) {
    std::vector<Result<std::vector<EcsTask>>> answers(n, Status::Internal("not answered"));
    AtOnce(n, [&](size_t i) { answers[i] = reads_.Of("dr", NumberedService(i)); });
    for (size_t i = 0; i < n; ++i) {
      ASSERT_TRUE(answers[i].ok()) << answers[i].status().message();
      ASSERT_EQ(answers[i]->size(), 1u) << NumberedService(i);
      EXPECT_EQ((*answers[i])[0].arn, TaskArnOf(NumberedService(i)));
      EXPECT_EQ((*answers[i])[0].group, "service:" + NumberedService(i));
    }
  }

  // ListTasks calls made for the whole cluster, and for one service.
  int ClusterListings() {
    int n = 0;
    for (const AwsCall& call : aws_.Calls(services::kEcs, "ListTasks")) {
      n += call.json.contains("serviceName") ? 0 : 1;
    }
    return n;
  }
  int ServiceListings() { return aws_.Count(services::kEcs, "ListTasks") - ClusterListings(); }

  AwsHarness harness_;
  FakeAws aws_{harness_.http};
  EcsClient ecs_{harness_.aws};
  GateClock gathering_;
  RunningTaskReads reads_{ecs_, gathering_, std::chrono::milliseconds(20)};
};

TEST_F(RunningTaskReadsTest, FiftyServicesOfAClusterOfAHundredTasksTakeOneListingAndOneDescribe) {
  ClusterRuns(100);
  ReadEachService(50);
  EXPECT_EQ(ClusterListings(), 1);
  EXPECT_EQ(ServiceListings(), 0);
  std::vector<AwsCall> described = aws_.Calls(services::kEcs, "DescribeTasks");
  ASSERT_EQ(described.size(), 1u);
  EXPECT_EQ(described[0].json["tasks"].size(), 100u);
  EXPECT_EQ(reads_.cluster_reads(), 1);
  EXPECT_EQ(reads_.calls(), 2);
}

TEST_F(RunningTaskReadsTest, OneServiceAloneListsOnlyItsOwnTasks) {
  ClusterRuns(100);
  ReadEachService(1);
  EXPECT_EQ(ClusterListings(), 0);
  EXPECT_EQ(ServiceListings(), 1);
  EXPECT_EQ(aws_.Count(services::kEcs, "DescribeTasks"), 1);
}

// A cluster of more than a page of tasks would add round trips to every poll: it is listed
// once, found too large, and read by service from then on.
TEST_F(RunningTaskReadsTest, AClusterOfMoreThanAPageIsListedOnceAndThenReadByService) {
  ClusterRuns(150);
  ReadEachService(6);
  EXPECT_EQ(ClusterListings(), 1);
  EXPECT_EQ(ServiceListings(), 6);
  ReadEachService(6);
  EXPECT_EQ(ClusterListings(), 1);
  EXPECT_EQ(ServiceListings(), 12);
  EXPECT_EQ(reads_.cluster_reads(), 0);
}

// ListTasks denied is denied for every service: one call fails the reads of all four.
TEST_F(RunningTaskReadsTest, AClusterListingDeniedFailsTheReadsOfItsServicesInOneCall) {
  aws_.On(services::kEcs, "ListTasks", [](const AwsCall&) {
    return FakeAws::JsonError(400, "AccessDeniedException", "not authorized to ecs:ListTasks");
  });
  std::vector<Result<std::vector<EcsTask>>> answers(4, Status::Internal("not answered"));
  AtOnce(4, [&](size_t i) { answers[i] = reads_.Of("dr", NumberedService(i)); });
  EXPECT_EQ(aws_.Count(services::kEcs, "ListTasks"), 1);
  for (const Result<std::vector<EcsTask>>& answer : answers) {
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.status().code(), StatusCode::kRejected) << answer.status().ToString();
  }
}

TEST_F(RunningTaskReadsTest, TheTasksOfThirtyStepsAreDescribedInCallsOfAtMostAHundred) {
  auto arns_of = [](size_t step) {
    std::vector<std::string> arns;
    for (int t = 0; t < 5; ++t)
      arns.push_back(TaskArnOf(NumberedService(step) + "-" + std::to_string(t)));
    return arns;
  };
  std::vector<Result<std::vector<EcsTask>>> answers(30, Status::Internal("none"));
  AtOnce(
      30, [&](size_t i) { answers[i] = reads_.Describe("dr", arns_of(i)); }, 150);
  std::vector<AwsCall> calls = aws_.Calls(services::kEcs, "DescribeTasks");
  ASSERT_EQ(calls.size(), 2u);
  for (const AwsCall& call : calls) EXPECT_LE(call.json["tasks"].size(), 100u);
  for (size_t i = 0; i < 30; ++i) {
    ASSERT_TRUE(answers[i].ok()) << answers[i].status().message();
    std::vector<std::string> got;
    for (const EcsTask& task : *answers[i]) got.push_back(task.arn);
    EXPECT_EQ(got, arns_of(i)) << i;
  }
}

}  // namespace
}  // namespace drf
