#include "plan/finalize_plan.h"

#include <gtest/gtest.h>

#include "testing/test_specs.h"

namespace drf {
namespace {

using test::Asg;
using test::Ecs;
using test::Promote;
using test::RegisterFromAsg;
using test::RegisterFromEcs;
using test::WithId;
using Ids = std::vector<std::string>;

Ids IdsOf(const PlanSpec& plan) {
  Ids ids;
  for (const StepSpec& step : plan.steps) ids.push_back(step.id);
  return ids;
}

const StepSpec& FindStep(const PlanSpec& plan, const std::string& id) {
  for (const StepSpec& step : plan.steps) {
    if (step.id == id) return step;
  }
  static const StepSpec kMissing;
  ADD_FAILURE() << "no step " << id;
  return kMissing;
}

PlanSpec Finalized(std::vector<StepSpec> steps, Ordering ordering = Ordering::kParallel) {
  PlanSpec plan;
  plan.steps = std::move(steps);
  plan.ordering = ordering;
  Status status = FinalizePlan(plan);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return plan;
}

std::string FinalizeError(std::vector<StepSpec> steps) {
  PlanSpec plan;
  plan.steps = std::move(steps);
  Status status = FinalizePlan(plan);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  return status.message();
}

TEST(FinalizePlanTest, EveryPromotionGetsThePlansReplicaLagGuard) {
  PlanSpec plan;
  plan.steps = {Promote("a"), Promote("b")};
  plan.replica_lag.max_lag = std::chrono::seconds(30);
  plan.replica_lag.refuse_unknown = true;
  plan.replica_lag.forced = true;
  ASSERT_TRUE(FinalizePlan(plan).ok());
  for (const StepSpec& step : plan.steps) {
    const ReplicaLagGuard& guard = std::get<PromoteDbSpec>(step.detail).replica_lag;
    EXPECT_EQ(guard.max_lag, std::chrono::seconds(30));
    EXPECT_TRUE(guard.refuse_unknown);
    EXPECT_TRUE(guard.forced);
  }
}

TEST(FinalizePlanTest, DefaultGraphRunsScalingAtOnceAndRegistrationsAfterSources) {
  PlanSpec plan =
      Finalized({Promote("dr-db"), Asg("dr-jenkins"), Ecs("dr", {"frontend", "api"}),
                 RegisterFromAsg("jenkins", "dr-jenkins"), RegisterFromEcs("fe", "dr", "frontend"),
                 RegisterFromAsg("ext", "not-in-plan")});
  EXPECT_EQ(IdsOf(plan), (Ids{"promote-db:dr-db", "scale-asg:dr-jenkins", "scale-ecs:dr/frontend",
                              "scale-ecs:dr/api", "register-targets:jenkins", "register-targets:fe",
                              "register-targets:ext"}));
  for (const char* id : {"promote-db:dr-db", "scale-asg:dr-jenkins", "scale-ecs:dr/frontend",
                         "scale-ecs:dr/api", "register-targets:ext"}) {
    EXPECT_TRUE(FindStep(plan, id).after.empty()) << id;
  }
  EXPECT_EQ(FindStep(plan, "register-targets:jenkins").after, Ids{"scale-asg:dr-jenkins"});
  EXPECT_EQ(FindStep(plan, "register-targets:fe").after, Ids{"scale-ecs:dr/frontend"});
  const auto& piece = std::get<ScaleEcsSpec>(FindStep(plan, "scale-ecs:dr/api").detail);
  EXPECT_EQ(piece.services, Ids{"api"});
  EXPECT_EQ(FindStep(plan, "scale-ecs:dr/api").kind, StepKind::kScaleEcs);
}

TEST(FinalizePlanTest, ExplicitEcsIdNamesAGroupOfPieces) {
  PlanSpec plan = Finalized({WithId(Ecs("dr", {"a", "b"}), "apps"), WithId(Ecs("dr", {"c"}), "one"),
                             WithId(Asg("x"), "after-apps", {"apps", "one"})});
  EXPECT_EQ(IdsOf(plan), (Ids{"apps/a", "apps/b", "one", "after-apps"}));
  EXPECT_EQ(FindStep(plan, "after-apps").after, (Ids{"apps/a", "apps/b", "one"}));
}

TEST(FinalizePlanTest, ExpandedClusterWithNoServicesYieldsNoStep) {
  StepSpec empty = Ecs("dr", {});
  std::get<ScaleEcsSpec>(empty.detail).all_services = false;  // expanded: nothing there
  PlanSpec plan = Finalized({Promote("db"), empty});
  EXPECT_EQ(IdsOf(plan), Ids{"promote-db:db"});
}

TEST(FinalizePlanTest, SequentialChainsInOriginalOrderRespectingExplicitAfter) {
  PlanSpec plan =
      Finalized({RegisterFromAsg("tg", "dr-jenkins"), Asg("dr-jenkins"),
                 WithId(Asg("late"), "late", {"promote-db:db"}), Ecs("dr", {"fe"}), Promote("db")},
                Ordering::kSequential);
  EXPECT_EQ(IdsOf(plan), (Ids{"promote-db:db", "scale-asg:dr-jenkins", "late", "scale-ecs:dr/fe",
                              "register-targets:tg"}));
  EXPECT_TRUE(plan.steps[0].after.empty());
  for (size_t i = 1; i < plan.steps.size(); ++i) {
    const Ids& after = plan.steps[i].after;
    EXPECT_NE(std::find(after.begin(), after.end(), plan.steps[i - 1].id), after.end()) << i;
  }
}

TEST(FinalizePlanTest, SequentialPutsEveryDatabaseKindFirstAndHooksLast) {
  StepSpec hook{"", StepKind::kRunCommand, RunCommandSpec{{"notify"}, {}}, {}, {}, "", {}};
  StepSpec cluster{"", StepKind::kPromoteDbCluster, PromoteDbClusterSpec{"app-dr"}, {}, {}, "", {}};
  StepSpec global{
      "",
      StepKind::kFailoverGlobalDb,
      FailoverGlobalDbSpec{"g", "app-dr", FailoverGlobalDbSpec::Mode::kSwitchover, false},
      {},
      {},
      "",
      {}};
  PlanSpec plan = Finalized({hook, Asg("dr-jenkins"), global, cluster}, Ordering::kSequential);
  EXPECT_EQ(IdsOf(plan), (Ids{"failover-global-db:g", "promote-db-cluster:app-dr",
                              "scale-asg:dr-jenkins", "run-command:notify"}));
}

TEST(FinalizePlanTest, ReportsDuplicateAndUnknownIdsTogether) {
  std::string message = FinalizeError({Asg("dr-jenkins"), WithId(Asg("dr-jenkins"), "", {"nope"})});
  EXPECT_NE(message.find("2 problems"), std::string::npos) << message;
  EXPECT_NE(message.find("\"scale-asg:dr-jenkins\""), std::string::npos) << message;
  EXPECT_NE(message.find(".after: found \"nope\""), std::string::npos) << message;
}

TEST(FinalizePlanTest, NamesCyclesThroughImpliedDependencies) {
  // The registration waits for its source ASG, which is told to wait for the registration.
  std::string message = FinalizeError({WithId(Asg("dr-jenkins"), "scale", {"reg"}),
                                       WithId(RegisterFromAsg("tg", "dr-jenkins"), "reg")});
  EXPECT_NE(message.find("dependency cycle: scale -> reg -> scale"), std::string::npos) << message;
}

TEST(FinalizePlanTest, LoadTimeCheckAcceptsPiecesOfUnexpandedClusters) {
  PlanSpec plan;
  plan.steps = {Ecs("dr", {}), WithId(Asg("x"), "x", {"scale-ecs:dr/frontend"}),
                RegisterFromEcs("fe", "dr", "frontend")};
  ConfigErrors errors;
  CheckPlanGraph(plan, errors);
  EXPECT_TRUE(errors.empty()) << errors.ToStatus("").ToString();
  EXPECT_TRUE(std::get<ScaleEcsSpec>(plan.steps[0].detail).all_services);  // plan untouched

  plan.steps.push_back(WithId(Asg("y"), "y", {"scale-ecs:other/frontend"}));
  CheckPlanGraph(plan, errors);
  ASSERT_EQ(errors.messages().size(), 1u);
  EXPECT_NE(errors.messages()[0].find("\"scale-ecs:other/frontend\""), std::string::npos);
}

TEST(FinalizePlanTest, LoadTimeCheckFindsCycleViaUnexpandedCluster) {
  PlanSpec plan;
  plan.steps = {WithId(Ecs("dr", {}), "all", {"reg"}),
                WithId(RegisterFromEcs("fe", "dr", "frontend"), "reg")};
  ConfigErrors errors;
  CheckPlanGraph(plan, errors);
  ASSERT_EQ(errors.messages().size(), 1u);
  EXPECT_NE(errors.messages()[0].find("all/* -> reg -> all/*"), std::string::npos)
      << errors.messages()[0];
}

}  // namespace
}  // namespace drf

namespace drf {
namespace {

CapacityWait EcsWait(const PlanSpec& plan, const std::string& id) {
  return std::get<ScaleEcsSpec>(FindStep(plan, id).detail).capacity_wait;
}

TEST(FinalizePlanWaitsTest, OnlyWhatSomethingNeedsIsWaitedFor) {
  PlanSpec plan;
  StepSpec told = Ecs("dr", {"told"});
  std::get<ScaleEcsSpec>(told.detail).wait = true;
  StepSpec refused = Ecs("dr", {"refused"});
  std::get<ScaleEcsSpec>(refused.detail).wait = false;
  plan.steps = {
      Ecs("dr", {"kafka"}),
      Ecs("dr", {"frontend"}),
      Ecs("dr", {"hooked"}),
      told,
      refused,
      RegisterFromEcs("frontend-tg", "dr", "frontend"),
      WithId(Promote("db"), "after-hooked", {"scale-ecs:dr/hooked", "scale-ecs:dr/refused"})};
  plan.ordering = Ordering::kSequential;  // the chain orders steps; it consumes nothing
  ASSERT_TRUE(FinalizePlan(plan).ok());

  EXPECT_EQ(EcsWait(plan, "scale-ecs:dr/kafka"), CapacityWait::kNo);  // nothing uses it
  // A registration waits for its source's ready targets itself: no second wait.
  EXPECT_EQ(EcsWait(plan, "scale-ecs:dr/frontend"), CapacityWait::kNo);
  EXPECT_EQ(EcsWait(plan, "scale-ecs:dr/hooked"), CapacityWait::kYes);  // another step needs it
  EXPECT_EQ(EcsWait(plan, "scale-ecs:dr/told"), CapacityWait::kIfChanged);
  EXPECT_EQ(EcsWait(plan, "scale-ecs:dr/refused"), CapacityWait::kNo);  // `wait: false` wins
}

TEST(FinalizePlanWaitsTest, EveryStepGetsATimeoutAndAStallLimit) {
  PlanSpec plan;
  StepSpec own = WithId(Asg("own"), "own");
  own.timeout = std::chrono::seconds(42);
  plan.steps = {Promote("db"), Asg("a"), own, Ecs("dr", {"s"}), RegisterFromAsg("tg", "a")};
  plan.stall_after[StepKind::kScaleAsg] = std::chrono::seconds(99);
  ASSERT_TRUE(FinalizePlan(plan).ok());

  using std::chrono::minutes;
  EXPECT_EQ(FindStep(plan, "promote-db:db").timeout, minutes(60));
  EXPECT_EQ(FindStep(plan, "promote-db:db").stall_after, minutes(30));
  EXPECT_EQ(FindStep(plan, "scale-asg:a").timeout, minutes(20));
  EXPECT_EQ(FindStep(plan, "scale-asg:a").stall_after, std::chrono::seconds(99));  // plan-wide
  EXPECT_EQ(FindStep(plan, "own").timeout, std::chrono::seconds(42));              // its own
  EXPECT_EQ(FindStep(plan, "scale-ecs:dr/s").timeout, minutes(15));
  EXPECT_EQ(FindStep(plan, "scale-ecs:dr/s").stall_after, minutes(5));
  EXPECT_EQ(FindStep(plan, "register-targets:tg").timeout, minutes(15));
  EXPECT_EQ(FindStep(plan, "register-targets:tg").stall_after, minutes(5));
}

}  // namespace
}  // namespace drf
