#include "services/shared_reads.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "testing/aws_test_options.h"
#include "testing/fake_aws.h"
#include "testing/gate_clock.h"

namespace drf {
namespace {

std::string TaskArn(const std::string& id) {
  return "arn:aws:ecs:us-east-1:123456789012:task/dr/" + id;
}

std::string TgArn(const std::string& name) {
  return "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/" + name + "/0123";
}

// AWS as far as these reads go: services of cluster "dr" that exist unless named "gone", each
// tagged with its name; groups "asg-N"; target groups that exist unless named "gone", and
// DescribeTargetGroups refusing a whole call naming one that does not (TargetGroupNotFound).
class SharedReadsTest : public ::testing::Test {
 protected:
  SharedReadsTest() {
    aws_.On(services::kEcs, "DescribeServices", [](const AwsCall& call) {
      nlohmann::json services = nlohmann::json::array();
      nlohmann::json failures = nlohmann::json::array();
      const bool tags =
          call.json.value("include", nlohmann::json::array()) == nlohmann::json::array({"TAGS"});
      for (const std::string name : call.json["services"]) {
        const std::string arn = "arn:aws:ecs:us-east-1:123456789012:service/dr/" + name;
        if (name == "gone") {
          failures.push_back({{"arn", arn}, {"reason", "MISSING"}});
          continue;
        }
        nlohmann::json s = {{"serviceArn", arn},
                            {"serviceName", name},
                            {"status", "ACTIVE"},
                            {"desiredCount", 0},
                            {"runningCount", 0}};
        if (tags) s["tags"] = {{{"key", "app"}, {"value", name}}};
        services.push_back(s);
      }
      return FakeAws::JsonOk({{"services", services}, {"failures", failures}});
    });
    aws_.On(services::kAutoScaling, "DescribeAutoScalingGroups", [](const AwsCall& call) {
      std::string xml = "<AutoScalingGroups>";
      for (const auto& [key, value] : call.params) {
        if (!key.starts_with("AutoScalingGroupNames.member.")) continue;
        xml += "<member><AutoScalingGroupName>" + value +
               "</AutoScalingGroupName><MinSize>0</MinSize><MaxSize>0</MaxSize>"
               "<DesiredCapacity>0</DesiredCapacity></member>";
      }
      return FakeAws::QueryOk("DescribeAutoScalingGroups", xml + "</AutoScalingGroups>");
    });
    aws_.On(services::kElbv2, "DescribeTargetGroups", [](const AwsCall& call) {
      std::string xml = "<TargetGroups>";
      for (const auto& [key, arn] : call.params) {
        if (!key.starts_with("TargetGroupArns.member.")) continue;
        if (arn == TgArn("gone")) {
          return FakeAws::QueryError(400, "TargetGroupNotFound",
                                     "One or more target groups not found");
        }
        xml += "<member><TargetGroupArn>" + arn + "</TargetGroupArn><Port>80</Port></member>";
      }
      return FakeAws::QueryOk("DescribeTargetGroups", xml + "</TargetGroups>");
    });
  }

  // Runs `read(i)` for i in [0, n) on n threads at once; returns once all are answered.
  // `items`: how many items they ask for in all (one each by default).
  void AtOnce(size_t n, const std::function<void(size_t)>& read, size_t items = 0) {
    std::vector<std::thread> threads;
    for (size_t i = 0; i < n; ++i) threads.emplace_back([&, i] { read(i); });
    // Every reader is in a batch (full ones already sent) before the window closes.
    while (static_cast<size_t>(reads_.asked()) < std::max(n, items)) std::this_thread::yield();
    gathering_.Open();
    for (std::thread& t : threads) t.join();
  }

  FakeClock clock_;
  FakeHttp http_;
  FakeAws aws_{http_};
  FixedCredentials credentials_;
  FixedEndpoint endpoints_;
  AwsClient client_{TestAwsOptions(http_, clock_, credentials_, endpoints_)};
  AutoScalingClient autoscaling_{client_};
  EcsClient ecs_{client_};
  Elbv2Client elbv2_{client_};
  GateClock gathering_;
  SharedReads reads_{autoscaling_, ecs_, elbv2_, gathering_, std::chrono::milliseconds(5)};
};

TEST_F(SharedReadsTest, TwentyFiveServicesReadAtOnceTakeThreeCallsAndCarryTheirTags) {
  std::vector<Result<EcsServices>> answers(25, Status::Internal("not answered"));
  AtOnce(25, [&](size_t i) { answers[i] = reads_.Service("dr", "svc-" + std::to_string(i)); });
  std::vector<AwsCall> calls = aws_.Calls(services::kEcs, "DescribeServices");
  ASSERT_EQ(calls.size(), 3u);
  std::set<std::string> asked;
  for (const AwsCall& call : calls) {
    EXPECT_EQ(call.json["cluster"], "dr");
    EXPECT_EQ(call.json["include"], nlohmann::json::array({"TAGS"}));
    for (const std::string name : call.json["services"]) asked.insert(name);
  }
  EXPECT_EQ(asked.size(), 25u);
  for (size_t i = 0; i < 25; ++i) {
    ASSERT_TRUE(answers[i].ok()) << answers[i].status().message();
    ASSERT_EQ(answers[i]->services.size(), 1u);
    const EcsService& s = answers[i]->services[0];
    EXPECT_EQ(s.name, "svc-" + std::to_string(i));
    ASSERT_TRUE(s.tags.has_value());
    EXPECT_EQ(s.tags->at("app"), s.name);
  }
}

TEST_F(SharedReadsTest, AMissingServiceGetsItsOwnFailureAndTheOthersTheirService) {
  std::vector<Result<EcsServices>> answers(2, Status::Internal("not answered"));
  AtOnce(2, [&](size_t i) { answers[i] = reads_.Service("dr", i == 0 ? "gone" : "web"); });
  EXPECT_EQ(aws_.Count(services::kEcs, "DescribeServices"), 1);
  ASSERT_TRUE(answers[0].ok());
  EXPECT_TRUE(answers[0]->services.empty());
  ASSERT_EQ(answers[0]->failures.size(), 1u);
  EXPECT_EQ(answers[0]->failures[0].reason, "MISSING");
  ASSERT_EQ(answers[1]->services.size(), 1u);
  EXPECT_TRUE(answers[1]->failures.empty());
}

TEST_F(SharedReadsTest, SixtyGroupsReadAtOnceTakeTwoCallsOfAtMostFifty) {
  std::vector<Result<std::optional<AutoScalingGroup>>> answers(60, Status::Internal("none"));
  AtOnce(60, [&](size_t i) { answers[i] = reads_.Asg("asg-" + std::to_string(i)); });
  EXPECT_EQ(aws_.Count(services::kAutoScaling, "DescribeAutoScalingGroups"), 2);
  for (size_t i = 0; i < 60; ++i) {
    ASSERT_TRUE(answers[i].ok() && answers[i]->has_value()) << i;
    EXPECT_EQ((*answers[i])->name, "asg-" + std::to_string(i));
  }
}

TEST_F(SharedReadsTest, AMissingTargetGroupFailsOnlyTheReadThatNamedIt) {
  const std::vector<std::string> names = {"web", "gone", "api"};
  std::vector<Result<std::optional<TargetGroup>>> answers(3, Status::Internal("none"));
  AtOnce(3, [&](size_t i) { answers[i] = reads_.TargetGroupByArn(TgArn(names[i])); });
  // AWS refuses the batch of three; each ARN is then asked for alone.
  EXPECT_EQ(aws_.Count(services::kElbv2, "DescribeTargetGroups"), 4);
  for (size_t i : {0u, 2u}) {
    ASSERT_TRUE(answers[i].ok() && answers[i]->has_value()) << names[i];
    EXPECT_EQ((*answers[i])->arn, TgArn(names[i]));
  }
  ASSERT_TRUE(answers[1].ok());
  EXPECT_FALSE(answers[1]->has_value());
}

// A wait's last reading of a service is taken once by the next reader of the service's tasks,
// and only while it is at most fresh_for old.
TEST(SharedReadsPassOnTest, AReadingPassedOnIsTakenOnceAndOnlyWhileFresh) {
  FakeClock clock;
  FakeHttp http;
  FixedCredentials credentials;
  FixedEndpoint endpoints;
  AwsClient client{TestAwsOptions(http, clock, credentials, endpoints)};
  AutoScalingClient autoscaling{client};
  EcsClient ecs{client};
  Elbv2Client elbv2{client};
  SharedReads reads{autoscaling, ecs, elbv2, clock, Duration::zero(), std::chrono::seconds(2)};
  SharedReads::ServiceTasks seen;
  seen.service.name = "web";
  seen.tasks.push_back(EcsTask{});
  seen.tasks.back().arn = TaskArn("t1");

  EXPECT_FALSE(reads.TakePassedOn("dr", "web").has_value()) << "nothing passed on yet";
  reads.PassOn("dr", "web", seen);
  EXPECT_FALSE(reads.TakePassedOn("dr", "api").has_value()) << "another service";
  EXPECT_FALSE(reads.TakePassedOn("other", "web").has_value()) << "another cluster";
  clock.Advance(std::chrono::seconds(2));
  std::optional<SharedReads::ServiceTasks> taken = reads.TakePassedOn("dr", "web");
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->service.name, "web");
  ASSERT_EQ(taken->tasks.size(), 1u);
  EXPECT_EQ(taken->tasks[0].arn, TaskArn("t1"));
  EXPECT_FALSE(reads.TakePassedOn("dr", "web").has_value()) << "a second take reads AWS";

  reads.PassOn("dr", "web", seen);
  clock.Advance(std::chrono::milliseconds(2001));
  EXPECT_FALSE(reads.TakePassedOn("dr", "web").has_value()) << "older than fresh_for";
  EXPECT_EQ(reads.passed_on_used(), 1);
  EXPECT_TRUE(http.requests().empty()) << "passing on calls nothing";
}

}  // namespace
}  // namespace drf
