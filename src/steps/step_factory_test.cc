#include "steps/step_factory.h"

#include <gtest/gtest.h>

#include "plan/finalize_plan.h"
#include "steps/step_test_util.h"

namespace drf {
namespace {

using steps_testing::StepHarness;

StepSpec Ecs(std::vector<std::string> services, bool all) {
  StepSpec spec;
  spec.kind = StepKind::kScaleEcs;
  spec.detail = ScaleEcsSpec{"dr", std::move(services), all, 1, false};
  return spec;
}

// The app's pipeline from a loaded plan to steps: resolve, finalize, build.
class StepFactoryTest : public ::testing::Test {
 protected:
  Result<std::vector<std::unique_ptr<Step>>> Prepare(PlanSpec& plan) {
    DRF_RETURN_IF_ERROR(ResolveAllServices(
        plan, [this](const std::string& cluster) { return h_.ecs.ListServiceNames(cluster); }));
    DRF_RETURN_IF_ERROR(FinalizePlan(plan));
    return BuildSteps(plan.steps, aws_);
  }

  StepHarness h_;
  CloudWatchClient cloudwatch_{h_.client};
  Route53Client route53_{h_.client};
  LambdaClient lambda_{h_.client};
  RunFacts facts_;
  StepServices aws_{h_.rds,   h_.autoscaling, h_.ecs,   h_.elbv2, cloudwatch_,
                    route53_, lambda_,        h_.reads, nullptr,  facts_};
};

TEST_F(StepFactoryTest, ResolvesAllServicesIntoOneStepPerService) {
  h_.aws.Reply(services::kEcs, "ListServices",
               FakeAws::JsonOk({{"serviceArns",
                                 {"arn:aws:ecs:us-east-1:123456789012:service/dr/frontend",
                                  "arn:aws:ecs:us-east-1:123456789012:service/dr/user-service"}}}));
  PlanSpec plan;
  plan.steps.push_back(Ecs({}, true));

  auto steps = Prepare(plan);

  ASSERT_TRUE(steps.ok()) << steps.status().ToString();
  ASSERT_EQ(steps->size(), 2u);
  EXPECT_EQ((*steps)[0]->resource(), "ecs dr/frontend");
  EXPECT_EQ((*steps)[1]->resource(), "ecs dr/user-service");
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(std::get<ScaleEcsSpec>(plan.steps[1].detail).services,
            std::vector<std::string>{"user-service"});
  EXPECT_FALSE(std::get<ScaleEcsSpec>(plan.steps[1].detail).all_services);
  EXPECT_EQ((*steps)[1]->spec().id, plan.steps[1].id);
  std::vector<AwsCall> lists = h_.aws.Calls(services::kEcs, "ListServices");
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].json["cluster"], "dr");
  EXPECT_EQ(h_.http.request_count(), 1u);  // read-only: nothing else was called
}

TEST_F(StepFactoryTest, ExplicitServicesNeedNoLookup) {
  PlanSpec plan;
  plan.steps.push_back(Ecs({"frontend", "kafka"}, false));

  auto steps = Prepare(plan);

  ASSERT_TRUE(steps.ok()) << steps.status().ToString();
  EXPECT_EQ(steps->size(), 2u);
  EXPECT_EQ(h_.http.request_count(), 0u);
}

TEST_F(StepFactoryTest, ListServicesErrorNamesTheCluster) {
  h_.aws.Reply(services::kEcs, "ListServices",
               FakeAws::JsonError(400, "ClusterNotFoundException", "Cluster not found."));
  PlanSpec plan;
  plan.steps.push_back(Ecs({}, true));

  auto steps = Prepare(plan);

  ASSERT_FALSE(steps.ok());
  EXPECT_NE(steps.status().message().find("ECS cluster dr"), std::string::npos)
      << steps.status().message();
}

TEST_F(StepFactoryTest, BuildsEachKindInPlanOrder) {
  PlanSpec plan;
  StepSpec db;
  db.kind = StepKind::kPromoteDb;
  db.detail = PromoteDbSpec{"dr-app-db", std::nullopt, std::nullopt, {}, {}, {}};
  StepSpec asg;
  asg.kind = StepKind::kScaleAsg;
  asg.detail = ScaleAsgSpec{"dr-jenkins", 1, 3, 1, true};
  StepSpec targets;
  targets.kind = StepKind::kRegisterTargets;
  RegisterTargetsSpec detail;
  detail.target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/jenkins/1";
  detail.source_asg = "dr-jenkins";
  targets.detail = detail;
  plan.steps = {db, asg, Ecs({"frontend"}, false), targets};

  auto steps = Prepare(plan);

  ASSERT_TRUE(steps.ok()) << steps.status().ToString();
  ASSERT_EQ(steps->size(), 4u);
  EXPECT_EQ((*steps)[0]->resource(), "db dr-app-db");
  EXPECT_EQ((*steps)[1]->resource(), "asg dr-jenkins");
  EXPECT_EQ((*steps)[2]->resource(), "ecs dr/frontend");
  EXPECT_EQ((*steps)[3]->resource(), std::string("targets ") + detail.target_group_arn);
  // FinalizePlan made the registration wait for its source's scale step.
  EXPECT_EQ((*steps)[3]->spec().after, std::vector<std::string>{plan.steps[1].id});
}

}  // namespace
}  // namespace drf
