#include "steps/scale_ecs.h"

#include <gtest/gtest.h>

#include "steps/step_test_util.h"

namespace drf {
namespace {

using steps_testing::DescribeServicesReply;
using steps_testing::MissingServiceReply;
using steps_testing::ServiceJson;
using steps_testing::StepHarness;
using steps_testing::TaskArn;
using steps_testing::TaskJson;

StepSpec EcsScaleSpec(std::vector<std::string> services = {"frontend"}, bool wait = false) {
  StepSpec spec;
  spec.id = "scale-ecs:dr/frontend";
  spec.kind = StepKind::kScaleEcs;
  spec.detail = ScaleEcsSpec{
      "dr", std::move(services), false, 1, wait, wait ? CapacityWait::kYes : CapacityWait::kNo};
  return spec;
}

class ScaleEcsTest : public ::testing::Test {
 protected:
  void Describes(std::vector<HttpResponse> replies) {
    h_.aws.Replies(services::kEcs, "DescribeServices", std::move(replies));
  }
  void UpdateSucceeds() {
    h_.aws.On(services::kEcs, "UpdateService", [](const AwsCall& call) {
      return FakeAws::JsonOk({{"service", ServiceJson("dr", "frontend", "ACTIVE",
                                                      call.json["desiredCount"].get<int>())}},
                             "req-update");
    });
    h_.aws.Reply(services::kEcs, "ListTagsForResource",
                 FakeAws::JsonOk({{"tags", nlohmann::json::array()}}));
    h_.aws.Reply(services::kEcs, "TagResource",
                 FakeAws::JsonOk(nlohmann::json::object(), "req-tag"));
  }
  std::vector<AwsCall> Updates() const { return h_.aws.Calls(services::kEcs, "UpdateService"); }
  // ListTasks answers, one per poll: the task ids listed as RUNNING (each described RUNNING).
  void RunningTasks(std::vector<std::vector<std::string>> polls) {
    std::vector<HttpResponse> lists;
    for (const auto& ids : polls) {
      nlohmann::json arns = nlohmann::json::array();
      for (const std::string& id : ids) arns.push_back(TaskArn("dr", id));
      lists.push_back(FakeAws::JsonOk({{"taskArns", arns}}));
    }
    h_.aws.Replies(services::kEcs, "ListTasks", std::move(lists));
    h_.aws.On(services::kEcs, "DescribeTasks", [](const AwsCall& call) {
      nlohmann::json tasks = nlohmann::json::array();
      for (const auto& arn : call.json["tasks"]) {
        std::string id = arn.get<std::string>().substr(arn.get<std::string>().rfind('/') + 1);
        tasks.push_back(TaskJson("dr", id, "service:frontend", "RUNNING", "10.0.0.1"));
      }
      return FakeAws::JsonOk({{"tasks", tasks}, {"failures", nlohmann::json::array()}});
    });
  }

  StepHarness h_;
  ScaleEcsStep step_{EcsScaleSpec(), h_.ecs, h_.reads};
};

TEST_F(ScaleEcsTest, RaisesAStoppedServiceToTheMinimum) {
  UpdateSucceeds();
  Describes({DescribeServicesReply(ServiceJson("dr", "frontend", "ACTIVE", 0))});

  StepResult result = step_.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  ASSERT_EQ(Updates().size(), 1u);
  EXPECT_EQ(Updates()[0].json["cluster"], "dr");
  EXPECT_EQ(Updates()[0].json["service"], "frontend");
  EXPECT_EQ(Updates()[0].json["desiredCount"], 1);
  EXPECT_EQ(h_.log.Lines(),
            (std::vector<std::string>{"INFO: Scaling ECS service frontend in cluster dr",
                                      "INFO: Successfully scaled ECS service frontend"}));
  EXPECT_EQ(result.before, (nlohmann::json{{"desired_count", 0}, {"standby", "desired=0"}}));
  EXPECT_EQ(result.after, (nlohmann::json{{"desired_count", 1}}));
  // Its standby desired count is recorded on the service first, for failback.
  std::vector<AwsCall> tags = h_.aws.Calls(services::kEcs, "TagResource");
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].json["resourceArn"], "arn:aws:ecs:us-east-1:123456789012:service/dr/frontend");
  EXPECT_EQ(tags[0].json["tags"],
            (nlohmann::json::array({{{"key", "drfailover:standby"}, {"value", "desired=0"}}})));
  ASSERT_EQ(result.calls.size(), 2u);
  EXPECT_EQ(result.calls[0].operation, "ECS.TagResource");
  EXPECT_EQ(result.calls[1].operation, "ECS.UpdateService");
  EXPECT_EQ(result.calls[1].resource, "dr/frontend");
  EXPECT_EQ(result.calls[1].request_id, "req-update");
  EXPECT_EQ(step_.resource(), "ecs dr/frontend");
}

TEST_F(ScaleEcsTest, AServiceAtThreeStaysAtThree) {
  Describes({DescribeServicesReply(ServiceJson("dr", "frontend", "ACTIVE", 3, 3))});

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kUnchanged);
  EXPECT_EQ(result.summary, "already at 3 >= 1");
  EXPECT_TRUE(Updates().empty());
  EXPECT_EQ(result.after, (nlohmann::json{{"desired_count", 3}}));
  EXPECT_EQ(
      h_.log.Lines(),
      (std::vector<std::string>{
          "INFO: ECS service frontend in cluster dr already has desired count 3 (at least 1)"}));
}

TEST_F(ScaleEcsTest, MissingServiceIsAReportedFailure) {
  Describes({MissingServiceReply("dr", "frontend")});

  StepResult result = step_.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(result.error.code(), StatusCode::kNotFound);
  EXPECT_EQ(result.error.message(),
            "ecs dr/frontend: ECS service frontend in cluster dr not found (MISSING)");
  EXPECT_TRUE(Updates().empty());
}

TEST_F(ScaleEcsTest, InactiveOrDrainingServiceFails) {
  for (const char* status : {"INACTIVE", "DRAINING"}) {
    Describes({DescribeServicesReply(ServiceJson("dr", "frontend", status, 0))});

    StepResult result = step_.Run(h_.ctx);

    ASSERT_EQ(result.state, StepState::kFailed) << status;
    EXPECT_EQ(result.error.message(),
              std::string("ecs dr/frontend: ECS service frontend in cluster dr is ") + status);
  }
  EXPECT_TRUE(Updates().empty());
}

TEST_F(ScaleEcsTest, UnknownClusterFailsNamingIt) {
  Describes({FakeAws::JsonError(400, "ClusterNotFoundException", "Cluster not found.")});

  StepResult result = step_.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed);
  EXPECT_NE(result.error.message().find("dr/frontend"), std::string::npos);
  ASSERT_NE(result.error.aws(), nullptr);
  EXPECT_EQ(result.error.aws()->code, "ClusterNotFoundException");
}

TEST_F(ScaleEcsTest, WaitsForRunningTasksWhenAsked) {
  ScaleEcsStep step(EcsScaleSpec({"frontend"}, /*wait=*/true), h_.ecs, h_.reads);
  UpdateSucceeds();
  Describes({DescribeServicesReply(ServiceJson("dr", "frontend", "ACTIVE", 0, 0)),
             DescribeServicesReply(ServiceJson("dr", "frontend", "ACTIVE", 1, 0)),
             DescribeServicesReply(ServiceJson("dr", "frontend", "ACTIVE", 1, 1))});
  RunningTasks({{}, {"t1"}});

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(result.after["running_count"], 1);
  // No poll at once after raising the desired count, then three polls. The first finds the
  // service reporting none running and lists no task; later polls list them whatever it
  // reports (the second finds none RUNNING yet).
  EXPECT_EQ(h_.clock.sleeps().size(), 3u);
  EXPECT_EQ(h_.aws.Count(services::kEcs, "DescribeServices"), 4);
  EXPECT_EQ(h_.aws.Count(services::kEcs, "ListTasks"), 2);
}

TEST_F(ScaleEcsTest, FailedRolloutEndsTheWait) {
  ScaleEcsStep step(EcsScaleSpec({"frontend"}, /*wait=*/true), h_.ecs, h_.reads);
  UpdateSucceeds();
  nlohmann::json failing = ServiceJson("dr", "frontend", "ACTIVE", 1, 0);
  failing["deployments"] = {
      {{"id", "ecs-svc/1"}, {"status", "PRIMARY"}, {"rolloutState", "FAILED"}}};
  Describes({DescribeServicesReply(ServiceJson("dr", "frontend", "ACTIVE", 0, 0)),
             DescribeServicesReply(failing)});
  RunningTasks({{}});

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed);
  EXPECT_NE(result.error.message().find("deployment ecs-svc/1 of service frontend failed"),
            std::string::npos);
  ASSERT_EQ(result.calls.size(), 2u);  // the standby record and the update
  EXPECT_EQ(result.calls[1].operation, "ECS.UpdateService");
}

TEST_F(ScaleEcsTest, AStepMustNameExactlyOneService) {
  ScaleEcsStep step(EcsScaleSpec({"a", "b"}), h_.ecs, h_.reads);

  StepResult result = step.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(result.error.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(h_.http.request_count(), 0u);
}

TEST_F(ScaleEcsTest, PreviewNeverCallsUpdate) {
  Describes({DescribeServicesReply(ServiceJson("dr", "frontend", "ACTIVE", 0))});

  StepResult result = step_.Preview(h_.ctx);

  EXPECT_EQ(result.state, StepState::kSucceeded);
  EXPECT_EQ(result.summary, "would scale dr/frontend desired count 0 -> 1");
  EXPECT_TRUE(Updates().empty());
}

}  // namespace
}  // namespace drf
