#include "plan/env_config.h"

#include <gtest/gtest.h>

#include "testing/fake_environment.h"
#include "testing/test_specs.h"

namespace drf {
namespace {

using test::TgArn;
using Vars = std::map<std::string, std::string>;

const std::string kJenkinsTg = TgArn("dr-jenkins");
const std::string kFrontendTg = TgArn("dr-frontend");

// The reference deployment's configuration of the original function.
FakeEnvironment Original() {
  return FakeEnvironment({
      {"DB_INSTANCE_IDENTIFIER", "dr-app-db"},
      {"JENKINS_ASG_NAME", "dr-jenkins"},
      {"MONITORING_ASG_NAME", "dr-monitoring"},
      {"ECS_CLUSTER_NAME", "dr"},
      {"ECS_SERVICES", " frontend, ,user-service ,"},
      // Not in alphabetical order: the JSON object's order must be kept.
      {"TARGET_GROUPS", "{\"" + kJenkinsTg +
                            "\": {\"type\": \"instance\", \"source_asg\": "
                            "\"dr-jenkins\"}, \"" +
                            kFrontendTg +
                            "\": {\"type\": \"ip\", "
                            "\"source_ecs\": \"dr/frontend\", \"port\": 8080}}"},
  });
}

TEST(EnvConfigTest, ReadsTheOriginalsVariablesInItsOrder) {
  Result<PlanSpec> plan = PlanFromEnvironment(Original());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->steps.size(), 6u);
  EXPECT_EQ(plan->source, "environment");
  EXPECT_EQ(plan->ordering, Ordering::kParallel);
  EXPECT_EQ(std::get<PromoteDbSpec>(plan->steps[0].detail).db_instance_identifier, "dr-app-db");
  const auto& jenkins = std::get<ScaleAsgSpec>(plan->steps[1].detail);
  EXPECT_EQ(jenkins.asg_name, "dr-jenkins");
  EXPECT_EQ(jenkins.min_size * 100 + jenkins.max_size * 10 + jenkins.desired_capacity, 131);
  EXPECT_EQ(std::get<ScaleAsgSpec>(plan->steps[2].detail).asg_name, "dr-monitoring");
  const auto& ecs = std::get<ScaleEcsSpec>(plan->steps[3].detail);
  EXPECT_EQ(ecs.services, (std::vector<std::string>{"frontend", "user-service"}));
  EXPECT_FALSE(ecs.all_services);
  EXPECT_EQ(ecs.min_desired_count, 1);
  EXPECT_FALSE(ecs.wait);  // not configured: FinalizePlan decides (a registration waits itself)
  const auto& first = std::get<RegisterTargetsSpec>(plan->steps[4].detail);
  EXPECT_EQ(first.target_group_arn, kJenkinsTg);
  EXPECT_EQ(first.source_asg, "dr-jenkins");
  EXPECT_FALSE(first.port);
  const auto& second = std::get<RegisterTargetsSpec>(plan->steps[5].detail);
  EXPECT_EQ(second.source, RegisterTargetsSpec::Source::kEcsService);
  EXPECT_EQ(second.source_cluster + "|" + second.source_service, "dr|frontend");
  EXPECT_EQ(second.port, 8080);
  EXPECT_EQ(second.target_type, "ip");
  EXPECT_EQ(plan->steps[5].kind, StepKind::kRegisterTargets);
}

TEST(EnvConfigTest, ClusterWithoutServicesMeansEveryService) {
  for (const char* services : {"", " , "}) {
    FakeEnvironment env(Vars{{"ECS_CLUSTER_NAME", "dr"}, {"ECS_SERVICES", services}});
    Result<PlanSpec> plan = PlanFromEnvironment(env);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    const auto& ecs = std::get<ScaleEcsSpec>(plan->steps.at(0).detail);
    EXPECT_TRUE(ecs.all_services);
    EXPECT_FALSE(ecs.wait);
  }
  Result<PlanSpec> unset = PlanFromEnvironment(FakeEnvironment(Vars{{"ECS_CLUSTER_NAME", "dr"}}));
  ASSERT_TRUE(unset.ok());
  EXPECT_TRUE(std::get<ScaleEcsSpec>(unset->steps.at(0).detail).all_services);
}

TEST(EnvConfigTest, ReadsOurOwnRunOptions) {
  FakeEnvironment env = Original();
  env.Set("DRF_ORDERING", "sequential");
  env.Set("DRF_DEADLINE_SECONDS", "270");
  env.Set("DRF_MAX_REPLICA_LAG", "90s");
  Result<PlanSpec> plan = PlanFromEnvironment(env);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->ordering, Ordering::kSequential);
  EXPECT_EQ(plan->deadline, std::chrono::seconds(270));
  EXPECT_EQ(plan->replica_lag.max_lag, std::chrono::seconds(90));
}

TEST(EnvConfigTest, ReprotectDbIsTrueOrFalse) {
  FakeEnvironment env = Original();
  EXPECT_FALSE(PlanFromEnvironment(env)->reprotect_db);
  env.Set("DRF_REPROTECT_DB", "true");
  EXPECT_TRUE(PlanFromEnvironment(env)->reprotect_db);
  env.Set("DRF_REPROTECT_DB", "yes");
  Result<PlanSpec> bad = PlanFromEnvironment(env);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("DRF_REPROTECT_DB: found \"yes\", expected \"true\" or "
                                        "\"false\""),
            std::string::npos)
      << bad.status().message();
}

TEST(EnvConfigTest, TheRunLeaseFromItsVariables) {
  FakeEnvironment env = Original();
  Result<PlanSpec> none = PlanFromEnvironment(env);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->lock.table, "");
  EXPECT_EQ(none->lock.cooldown, std::chrono::seconds(0));
  env.Set("DRF_LOCK_TABLE", " dr-dr-failover-lock ");
  env.Set("DRF_LOCK_TTL", "2m");
  env.Set("DRF_COOLDOWN", "30m");
  Result<PlanSpec> plan = PlanFromEnvironment(env);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->lock.table, "dr-dr-failover-lock");
  EXPECT_EQ(plan->lock.ttl, std::chrono::minutes(2));
  EXPECT_EQ(plan->lock.cooldown, std::chrono::minutes(30));
}

TEST(EnvConfigTest, APlanFileWithoutALockTableTakesTheVariables) {
  PlanSpec plan;
  EXPECT_TRUE(ApplyPlanVariables(FakeEnvironment(Vars{{"DRF_LOCK_TABLE", "t-1"}}), plan).ok());
  EXPECT_EQ(plan.lock.table, "t-1");
  plan.lock.table = "from-the-file";
  EXPECT_TRUE(ApplyPlanVariables(FakeEnvironment(Vars{{"DRF_LOCK_TABLE", "t-1"}}), plan).ok());
  EXPECT_EQ(plan.lock.table, "from-the-file");
  PlanSpec bad;
  Status status = ApplyPlanVariables(FakeEnvironment(Vars{{"DRF_LOCK_TABLE", "a b"}}), bad);
  EXPECT_NE(status.message().find("DRF_LOCK_TABLE: found \"a b\""), std::string::npos)
      << status.message();
}

TEST(EnvConfigTest, ReplicaLagLimitDefaultsToFiveMinutes) {
  Result<PlanSpec> plan = PlanFromEnvironment(Original());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->replica_lag.max_lag, std::chrono::minutes(5));
  EXPECT_FALSE(plan->replica_lag.refuse_unknown);
}

// Each case: variables on top of an otherwise valid configuration, and text the message
// must contain (the variable or key path, and what was wrong).
struct BadEnv {
  std::map<std::string, std::string> vars;
  std::vector<std::string> expected;
};

std::string Entry(const std::string& body) { return "{\"" + kJenkinsTg + "\": " + body + "}"; }
const std::string kEntryPath = "TARGET_GROUPS[\"" + kJenkinsTg + "\"]";

class EnvConfigInvalidTest : public ::testing::TestWithParam<BadEnv> {};

TEST_P(EnvConfigInvalidTest, IsRejectedNamingTheVariable) {
  FakeEnvironment env(Vars{{"JENKINS_ASG_NAME", "dr-jenkins"}});
  for (const auto& [name, value] : GetParam().vars) env.Set(name, value);
  Result<PlanSpec> plan = PlanFromEnvironment(env);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  for (const std::string& text : GetParam().expected) {
    EXPECT_NE(plan.status().message().find(text), std::string::npos)
        << "missing \"" << text << "\" in:\n"
        << plan.status().message();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, EnvConfigInvalidTest,
    ::testing::Values(
        // nlohmann counts to the end of the offending token ("ip"), from 1.
        BadEnv{{{"TARGET_GROUPS", "  {\"arn\": {\"type\" \"ip\"}}"}},
               {"TARGET_GROUPS: invalid JSON at byte 22: syntax error", "expected ':'"}},
        BadEnv{{{"TARGET_GROUPS", "[1]"}}, {"TARGET_GROUPS: found a JSON array"}},
        // Without nlohmann's "[json.exception...]" prefix: it means nothing to an operator.
        BadEnv{{{"TARGET_GROUPS", Entry(R"({"type":"instance","source_asg":"a","port":1e400})")}},
               {"1 problem:\nTARGET_GROUPS: invalid JSON: number overflow parsing '1e400'"}},
        BadEnv{{{"TARGET_GROUPS", Entry("\"dr-jenkins\"")}},
               {kEntryPath + ": found a JSON string"}},
        BadEnv{{{"TARGET_GROUPS", Entry(R"({"type":"lambda","source_asg":"dr-jenkins"})")}},
               {kEntryPath + ".type: found \"lambda\", expected \"instance\" or \"ip\""}},
        BadEnv{{{"TARGET_GROUPS", Entry(R"({"type":"ip","source_ecs":"frontend"})")}},
               {kEntryPath + ".source_ecs: found \"frontend\"", "exactly one '/'"}},
        BadEnv{{{"TARGET_GROUPS", Entry(R"({"type":"ip","source_ecs":"dr/fe/x"})")}},
               {kEntryPath + ".source_ecs: found \"dr/fe/x\""}},
        BadEnv{{{"TARGET_GROUPS", Entry(R"({"type":"instance","source_ecs":"dr/fe"})")}},
               {kEntryPath + ".type: found \"instance\" with an ECS service source"}},
        BadEnv{{{"TARGET_GROUPS", Entry(R"({"type":"ip","source_asg":"a","source_ecs":"d/f"})")}},
               {kEntryPath + ": found both source_asg and source_ecs"}},
        BadEnv{{{"TARGET_GROUPS", Entry(R"({"type":"instance"})")}},
               {kEntryPath + ": found neither source_asg nor source_ecs"}},
        BadEnv{{{"TARGET_GROUPS", Entry(R"({"source_asg":"a","weight":3})")}},
               {kEntryPath + ".weight: found an unknown key"}},
        BadEnv{{{"TARGET_GROUPS", Entry(R"({"source_asg":"a","port":70000})")}},
               {kEntryPath + ".port: found 70000, expected an integer from 1 to 65535"}},
        BadEnv{{{"TARGET_GROUPS", Entry(R"({"source_asg":"a","port":"80"})")}},
               {kEntryPath + ".port: found a JSON string"}},
        BadEnv{{{"TARGET_GROUPS", R"({"arn:aws:elb:tg": {"source_asg":"a"}})"}},
               {"TARGET_GROUPS[\"arn:aws:elb:tg\"]: found \"arn:aws:elb:tg\", expected a target "
                "group ARN"}},
        BadEnv{{{"DB_INSTANCE_IDENTIFIER", "dr_app--db"}},
               {"DB_INSTANCE_IDENTIFIER: found \"dr_app--db\", expected a DB instance identifier"}},
        BadEnv{{{"MONITORING_ASG_NAME", "dr\x01mon"}},
               {"MONITORING_ASG_NAME: found \"dr\\x01mon\""}},
        BadEnv{{{"ECS_CLUSTER_NAME", "dr"}, {"ECS_SERVICES", "frontend,user service"}},
               {"ECS_SERVICES: found \"user service\", expected an ECS name"}},
        BadEnv{{{"ECS_SERVICES", "frontend"}},
               {"ECS_SERVICES: found \"frontend\", expected ECS_CLUSTER_NAME to be set too"}},
        BadEnv{{{"ECS_CLUSTER_NAME", "dr"}, {"ECS_SERVICES", "fe,fe"}},
               {"ECS_SERVICES: found \"fe\", expected each service listed once"}},
        BadEnv{{{"DRF_ORDERING", "random"}}, {"DRF_ORDERING: found \"random\""}},
        BadEnv{{{"DRF_DEADLINE_SECONDS", "0"}}, {"DRF_DEADLINE_SECONDS: found 0s"}},
        BadEnv{{{"DRF_DEADLINE_SECONDS", "soon"}}, {"DRF_DEADLINE_SECONDS: found \"soon\""}},
        BadEnv{{{"DRF_MAX_REPLICA_LAG", "lots"}}, {"DRF_MAX_REPLICA_LAG: found \"lots\""}},
        BadEnv{{{"DRF_MAX_REPLICA_LAG", "0"}}, {"DRF_MAX_REPLICA_LAG: found 0s"}},
        BadEnv{{{"DRF_LOCK_TTL", "2"}, {"DRF_COOLDOWN", "-1m"}, {"DRF_LOCK_TABLE", "x"}},
               {"DRF_LOCK_TTL: found 2s, expected a duration of at least 3s",
                "DRF_COOLDOWN: found -60s, expected a duration of 0 (off) or more",
                "DRF_LOCK_TABLE: found \"x\", expected a DynamoDB table name"}},
        BadEnv{{{"MONITORING_ASG_NAME", "dr-jenkins"}},
               {"MONITORING_ASG_NAME.id: found \"scale-asg:dr-jenkins\""}},
        // Every problem at once, so the operator fixes them in one go.
        BadEnv{{{"DB_INSTANCE_IDENTIFIER", "-db"},
                {"DRF_ORDERING", "fast"},
                {"TARGET_GROUPS", Entry(R"({"type":"ip","source_ecs":"nope"})")}},
               {"3 problems",
                "DB_INSTANCE_IDENTIFIER:", "DRF_ORDERING:", kEntryPath + ".source_ecs:"}}));

TEST(EnvConfigTest, NothingConfiguredListsTheVariables) {
  Result<PlanSpec> plan = PlanFromEnvironment(FakeEnvironment(Vars{{"TARGET_GROUPS", " {} "}}));
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  for (const char* var : {"DB_INSTANCE_IDENTIFIER", "JENKINS_ASG_NAME", "MONITORING_ASG_NAME",
                          "ECS_CLUSTER_NAME", "ECS_SERVICES", "TARGET_GROUPS"}) {
    EXPECT_NE(plan.status().message().find(var), std::string::npos) << var;
  }
}

}  // namespace
}  // namespace drf

namespace drf {
namespace {

TEST(EnvConfigBoundsTest, StepTimeoutsAndStallLimitsByKind) {
  FakeEnvironment env(Vars{{"ECS_CLUSTER_NAME", "dr"},
                           {"DRF_STEP_TIMEOUTS", "scale_ecs=5m, register_targets=90"},
                           {"DRF_STALL_AFTER", "promote_db=1h"}});
  Result<PlanSpec> plan = PlanFromEnvironment(env);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->timeouts.at(StepKind::kScaleEcs), std::chrono::minutes(5));
  EXPECT_EQ(plan->timeouts.at(StepKind::kRegisterTargets), std::chrono::seconds(90));
  EXPECT_EQ(plan->stall_after.at(StepKind::kPromoteDb), std::chrono::hours(1));
}

TEST(EnvConfigBoundsTest, BadBoundsNameTheVariable) {
  for (const char* bad : {"scale_ecs", "ecs=5m", "scale_ecs=soon", "scale_ecs=0"}) {
    FakeEnvironment env(Vars{{"ECS_CLUSTER_NAME", "dr"}, {"DRF_STALL_AFTER", bad}});
    Result<PlanSpec> plan = PlanFromEnvironment(env);
    ASSERT_FALSE(plan.ok()) << bad;
    EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(plan.status().message().find("DRF_STALL_AFTER"), std::string::npos)
        << plan.status().message();
  }
}

}  // namespace
}  // namespace drf
