// Every wait of every step kind ends by itself, with the bounds a plan gets by default
// (FinalizePlan: DefaultStepTimeout, DefaultStallAfter): a wait that never moves ends by
// the stall rule, one that moves slowly but never finishes by the step timeout. On the
// fake clock, scripted replies computed from the clock: no real waiting.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plan/finalize_plan.h"
#include "steps/promote_db.h"
#include "steps/register_targets.h"
#include "steps/scale_asg.h"
#include "steps/scale_ecs.h"
#include "steps/step_test_util.h"
#include "testing/test_specs.h"

namespace drf {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using steps_testing::DescribeAsgReply;
using steps_testing::DescribeDb;
using steps_testing::DescribeServicesReply;
using steps_testing::DescribeTargetGroupReply;
using steps_testing::FakeInstance;
using steps_testing::ServiceJson;
using steps_testing::StepHarness;
using steps_testing::TargetHealthReply;
using steps_testing::TaskArn;
using steps_testing::TaskJson;
using ::testing::HasSubstr;

class WaitBoundsTest : public ::testing::Test {
 protected:
  // The spec FinalizePlan makes of `spec` in a plan of its own (plus `more`), and a context
  // whose deadline is the step's timeout from now, as the executor gives it.
  StepSpec Finalized(StepSpec spec, std::vector<StepSpec> more = {}) {
    PlanSpec plan;
    plan.steps.push_back(std::move(spec));
    for (StepSpec& s : more) plan.steps.push_back(std::move(s));
    Status ok = FinalizePlan(plan);
    EXPECT_TRUE(ok.ok()) << ok.ToString();
    StepSpec out = plan.steps.front();
    h_.SetTimeout(*out.timeout);
    return out;
  }
  Duration Elapsed() { return h_.clock.Monotonic() - start_; }
  long long MinutesIn() { return std::chrono::duration_cast<minutes>(Elapsed()).count(); }

  // ECS service dr/kafka at desired 3 whose RUNNING tasks are `running()`.
  void Kafka(const std::function<int()>& running) {
    h_.aws.On(services::kEcs, "DescribeServices", [](const AwsCall&) {
      nlohmann::json service = ServiceJson("dr", "kafka", "ACTIVE", 3, 3);
      service["events"] = {{{"id", "e1"},
                            {"createdAt", 1.7e9},
                            {"message",
                             "(service kafka) is unable to consistently start tasks "
                             "successfully."}}};
      return DescribeServicesReply(service);
    });
    h_.aws.On(services::kEcs, "ListTasks", [running](const AwsCall& call) {
      nlohmann::json arns = nlohmann::json::array();
      const bool stopped = call.json.value("desiredStatus", "") == "STOPPED";
      const int n = stopped ? 2 : running();
      for (int i = 0; i < n; ++i)
        arns.push_back(TaskArn("dr", (stopped ? "s" : "t") + std::to_string(i)));
      return FakeAws::JsonOk({{"taskArns", arns}});
    });
    h_.aws.On(services::kEcs, "DescribeTasks", [](const AwsCall& call) {
      nlohmann::json tasks = nlohmann::json::array();
      for (const auto& arn : call.json["tasks"]) {
        std::string id = arn.get<std::string>().substr(arn.get<std::string>().rfind('/') + 1);
        bool stopped = id[0] == 's';
        nlohmann::json task = TaskJson("dr", id, "service:kafka", stopped ? "STOPPED" : "RUNNING",
                                       "10.0.1." + id.substr(1));
        if (stopped) task["stoppedReason"] = "CannotPullContainerError: image not found";
        tasks.push_back(task);
      }
      return FakeAws::JsonOk({{"tasks", tasks}, {"failures", nlohmann::json::array()}});
    });
  }

  StepHarness h_;
  const MonoTime start_ = h_.clock.Monotonic();
};

StepSpec WaitingEcs() {
  StepSpec spec = test::Ecs("dr", {"kafka"});
  std::get<ScaleEcsSpec>(spec.detail).wait = true;
  std::get<ScaleEcsSpec>(spec.detail).min_desired_count = 3;
  return spec;
}

TEST_F(WaitBoundsTest, EcsThatNeverRunsStallsAtItsDefaultLimitNamingTheStopReason) {
  Kafka([] { return 0; });
  StepSpec spec = Finalized(WaitingEcs());
  ASSERT_EQ(std::get<ScaleEcsSpec>(spec.detail).capacity_wait, CapacityWait::kIfChanged);
  std::get<ScaleEcsSpec>(spec.detail).capacity_wait = CapacityWait::kYes;  // warm: unchanged
  ScaleEcsStep step(spec, h_.ecs, h_.reads);

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed) << result.summary;
  EXPECT_EQ(result.error.code(), StatusCode::kStalled);
  EXPECT_EQ(MinutesIn(), 5);  // DefaultStallAfter(scale_ecs)
  EXPECT_THAT(result.error.message(), HasSubstr("ECS service dr/kafka: 0 of 3 tasks running"));
  EXPECT_THAT(result.error.message(), HasSubstr("2 x CannotPullContainerError: image not found"));
  EXPECT_THAT(result.error.message(), HasSubstr("unable to consistently start tasks"));
}

TEST_F(WaitBoundsTest, AWarmServiceNothingUsesEndsAtOnceEvenIfItNeverRunsItsTasks) {
  Kafka([] { return 0; });                                // desired 3, nothing running, ever
  StepSpec spec = Finalized(test::Ecs("dr", {"kafka"}));  // the original's variables: no wait
  ASSERT_EQ(std::get<ScaleEcsSpec>(spec.detail).capacity_wait, CapacityWait::kNo);
  StepResult result = ScaleEcsStep(spec, h_.ecs, h_.reads).Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kUnchanged) << result.summary;
  EXPECT_EQ(Elapsed(), Duration(0));
  EXPECT_EQ(h_.aws.Count(services::kEcs, "ListTasks"), 0);
}

TEST_F(WaitBoundsTest, RunningCountIsOnlyAHintTheTasksAreCounted) {
  // The service says 3 running (as moto does at once); no task runs.
  Kafka([] { return 0; });
  StepSpec spec = Finalized(WaitingEcs());
  std::get<ScaleEcsSpec>(spec.detail).capacity_wait = CapacityWait::kYes;
  StepResult result = ScaleEcsStep(spec, h_.ecs, h_.reads).Run(h_.ctx);
  ASSERT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.message(), HasSubstr("(the service reports 3 running, 0 pending)"));
}

TEST_F(WaitBoundsTest, EcsThatStopsStartingTasksIsCutFiveMinutesAfterItsLastProgress) {
  Kafka([&] { return std::min(2, static_cast<int>(Elapsed() / minutes(4))); });
  StepSpec spec = Finalized(WaitingEcs());
  std::get<ScaleEcsSpec>(spec.detail).capacity_wait = CapacityWait::kYes;
  StepResult result = ScaleEcsStep(spec, h_.ecs, h_.reads).Run(h_.ctx);
  // Two tasks by minute 8, then nothing: the stall limit (5 min) ends it at minute 13, not
  // the steady first 8 minutes.
  ASSERT_EQ(result.state, StepState::kFailed) << result.summary;
  EXPECT_EQ(MinutesIn(), 13);
}

TEST_F(WaitBoundsTest, EcsThatKeepsMovingButNeverFinishesEndsByTheDefaultTimeout) {
  // A task every 4 minutes towards a desired count it never reaches in 15 minutes.
  h_.aws.On(services::kEcs, "DescribeServices", [](const AwsCall&) {
    return DescribeServicesReply(ServiceJson("dr", "kafka", "ACTIVE", 10, 0));
  });
  Kafka([&] { return static_cast<int>(Elapsed() / minutes(4)); });
  h_.aws.On(services::kEcs, "DescribeServices", [](const AwsCall&) {
    return DescribeServicesReply(ServiceJson("dr", "kafka", "ACTIVE", 10, 0));
  });
  StepSpec spec = Finalized(WaitingEcs());
  std::get<ScaleEcsSpec>(spec.detail).capacity_wait = CapacityWait::kYes;
  StepResult result = ScaleEcsStep(spec, h_.ecs, h_.reads).Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kTimedOut) << result.summary;
  EXPECT_EQ(Elapsed(), minutes(15));  // DefaultStepTimeout(scale_ecs)
  EXPECT_THAT(result.error.message(), HasSubstr("3 of 10 tasks running"));
}

TEST_F(WaitBoundsTest, AsgWhoseInstancesNeverServeStallsQuotingTheScalingActivity) {
  h_.aws.On(services::kAutoScaling, "DescribeAutoScalingGroups", [](const AwsCall&) {
    return DescribeAsgReply("dr-jenkins", 1, 3, 1, {FakeInstance{"i-1", "Pending", "Healthy"}});
  });
  h_.aws.Reply(services::kAutoScaling, "DescribeScalingActivities",
               FakeAws::QueryOk("DescribeScalingActivities",
                                "<Activities><member><ActivityId>a1</ActivityId><StatusCode>"
                                "Failed</StatusCode><StatusMessage>We currently do not have "
                                "sufficient capacity</StatusMessage></member></Activities>"));
  StepSpec asg = test::Asg("dr-jenkins");
  StepSpec spec =
      Finalized(asg, {test::WithId(test::Promote("db"), "after-asg", {"scale-asg:dr-jenkins"})});
  ASSERT_EQ(std::get<ScaleAsgSpec>(spec.detail).capacity_wait, CapacityWait::kYes);
  StepResult result = ScaleAsgStep(spec, h_.autoscaling, h_.reads).Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed) << result.summary;
  EXPECT_EQ(result.error.code(), StatusCode::kStalled);
  EXPECT_EQ(MinutesIn(), 10);  // DefaultStallAfter(scale_asg)
  EXPECT_THAT(result.error.message(), HasSubstr("0 of 1 instances InService and Healthy"));
  EXPECT_THAT(result.error.message(),
              HasSubstr("latest scaling activity (Failed): We currently do not have sufficient"));
}

TEST_F(WaitBoundsTest, PromotionStuckInOneStatusStallsQuotingTheLatestRdsEvent) {
  int describes = 0;
  h_.aws.On(services::kRds, "DescribeDBInstances", [&](const AwsCall&) {
    // Never settles: "modifying" after the first look (a run resuming a promotion).
    return DescribeDb("dr-app-db", ++describes == 1 ? "modifying" : "modifying", "primary");
  });
  h_.aws.Reply(services::kRds, "DescribeEvents",
               FakeAws::QueryOk("DescribeEvents",
                                "<Events><Event><SourceIdentifier>dr-app-db</SourceIdentifier>"
                                "<SourceType>db-instance</SourceType><Message>Read replica "
                                "promotion started</Message><Date>2026-12-04T20:00:00Z</Date>"
                                "</Event></Events>"));
  StepSpec spec = Finalized(test::Promote("dr-app-db"));
  StepResult result = PromoteDbStep(spec, h_.rds).Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed) << result.summary;
  EXPECT_EQ(result.error.code(), StatusCode::kStalled);
  EXPECT_EQ(MinutesIn(), 30);  // DefaultStallAfter(promote_db)
  EXPECT_THAT(result.error.message(), HasSubstr("Read replica promotion started"));
  EXPECT_EQ(h_.Calls(services::kRds, "PromoteReadReplica"), 0);
}

TEST_F(WaitBoundsTest, AsgThatBringsUpAnInstanceEveryEightMinutesIsNotCutByTheStallRule) {
  // Slow (8 minutes an instance, the stall limit is 10) but steady, done at minute 16.
  h_.aws.On(services::kAutoScaling, "DescribeAutoScalingGroups", [&](const AwsCall&) {
    std::vector<FakeInstance> instances;
    const int ready = static_cast<int>(Elapsed() / minutes(8));
    for (int i = 0; i < 2; ++i) {
      instances.push_back({"i-" + std::to_string(i), i < ready ? "InService" : "Pending"});
    }
    return DescribeAsgReply("dr-jenkins", 2, 3, 2, instances);
  });
  StepSpec asg = test::Asg("dr-jenkins");
  std::get<ScaleAsgSpec>(asg.detail).min_size = 2;
  std::get<ScaleAsgSpec>(asg.detail).desired_capacity = 2;
  StepSpec spec =
      Finalized(asg, {test::WithId(test::Promote("db"), "after-asg", {"scale-asg:dr-jenkins"})});
  StepResult result = ScaleAsgStep(spec, h_.autoscaling, h_.reads).Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kUnchanged) << result.summary << result.error.ToString();
  EXPECT_EQ(MinutesIn(), 16);
  EXPECT_EQ(result.after["in_service"], 2);
}

TEST_F(WaitBoundsTest, PromotionThatChangesStatusEveryTwentyMinutesIsNotCutByTheStallRule) {
  // modifying -> backing-up -> available without a source: 40 minutes, a new status every
  // 20 (the stall limit is 30).
  h_.aws.On(services::kRds, "DescribeDBInstances", [&](const AwsCall&) {
    const auto phase = Elapsed() / minutes(20);
    if (phase == 0) return DescribeDb("dr-app-db", "modifying", "primary");
    if (phase == 1) return DescribeDb("dr-app-db", "backing-up", "primary");
    return DescribeDb("dr-app-db", "available", "");
  });
  StepSpec spec = Finalized(test::Promote("dr-app-db"));
  StepResult result = PromoteDbStep(spec, h_.rds).Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kSucceeded) << result.summary << result.error.ToString();
  EXPECT_EQ(MinutesIn(), 40);
  EXPECT_EQ(h_.Calls(services::kRds, "PromoteReadReplica"), 0);  // already under way
}

class RegistrationBoundsTest : public WaitBoundsTest {
 protected:
  StepSpec KafkaTargets(bool partial) {
    StepSpec spec = test::RegisterFromEcs("dr-kafka-tg", "dr", "kafka");
    std::get<RegisterTargetsSpec>(spec.detail).partial = partial;
    h_.aws.Reply(services::kElbv2, "DescribeTargetGroups",
                 DescribeTargetGroupReply(test::TgArn("dr-kafka-tg"), "ip", 9092));
    h_.aws.On(services::kElbv2, "DescribeTargetHealth",
              [](const AwsCall&) { return TargetHealthReply({}); });
    h_.aws.On(services::kElbv2, "RegisterTargets", [](const AwsCall&) {
      return FakeAws::QueryOkNoResult("RegisterTargets", "req-reg");
    });
    return Finalized(spec);
  }
};

TEST_F(RegistrationBoundsTest, AStalledSourceHasItsRunningTasksRegisteredWhenPartialIsAllowed) {
  Kafka([] { return 1; });
  StepResult result =
      RegisterTargetsStep(KafkaTargets(true), h_.elbv2, h_.autoscaling, h_.ecs, h_.reads)
          .Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed) << result.summary;
  EXPECT_EQ(result.error.code(), StatusCode::kStalled);
  EXPECT_EQ(MinutesIn(), 5);
  EXPECT_EQ(h_.Calls(services::kElbv2, "RegisterTargets"), 1);
  EXPECT_THAT(result.summary, HasSubstr("registered 1 tasks"));
  EXPECT_THAT(result.error.message(), HasSubstr("ECS service dr/kafka: 1 of 3 tasks running"));
  EXPECT_THAT(result.error.message(), HasSubstr("CannotPullContainerError"));
}

TEST_F(RegistrationBoundsTest, AStalledSourceRegistersNothingWhenPartialIsNotAllowed) {
  Kafka([] { return 1; });
  StepResult result =
      RegisterTargetsStep(KafkaTargets(false), h_.elbv2, h_.autoscaling, h_.ecs, h_.reads)
          .Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed) << result.summary;
  EXPECT_EQ(result.error.code(), StatusCode::kStalled);
  EXPECT_EQ(h_.Calls(services::kElbv2, "RegisterTargets"), 0);
}

TEST_F(RegistrationBoundsTest, ASourceThatStopsStartingTasksStallsFiveMinutesAfterTheLast) {
  Kafka([&] { return std::min(2, 1 + static_cast<int>(Elapsed() / minutes(4))); });
  h_.aws.On(services::kEcs, "DescribeServices", [](const AwsCall&) {
    return DescribeServicesReply(ServiceJson("dr", "kafka", "ACTIVE", 3, 3));
  });
  StepResult result =
      RegisterTargetsStep(KafkaTargets(true), h_.elbv2, h_.autoscaling, h_.ecs, h_.reads)
          .Run(h_.ctx);
  // 1 task, a 2nd at minute 4, then nothing: stalled 5 minutes later (minute 9), with both
  // registered.
  ASSERT_EQ(result.state, StepState::kFailed) << result.summary;
  EXPECT_EQ(MinutesIn(), 9);
  EXPECT_THAT(result.summary, HasSubstr("registered 2 tasks"));
}

TEST_F(RegistrationBoundsTest, ASourceThatKeepsStartingTasksEndsByTheDefaultTimeout) {
  Kafka([&] { return 1 + static_cast<int>(Elapsed() / minutes(4)); });
  h_.aws.On(services::kEcs, "DescribeServices", [](const AwsCall&) {
    return DescribeServicesReply(ServiceJson("dr", "kafka", "ACTIVE", 10, 10));
  });
  StepResult result =
      RegisterTargetsStep(KafkaTargets(true), h_.elbv2, h_.autoscaling, h_.ecs, h_.reads)
          .Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kTimedOut) << result.summary;
  EXPECT_EQ(Elapsed(), minutes(15));  // DefaultStepTimeout(register_targets)
  EXPECT_THAT(result.summary, HasSubstr("registered 4 tasks"));
}

}  // namespace
}  // namespace drf
