#include "plan/plan_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "plan/finalize_plan.h"

namespace drf {
namespace {

using std::chrono::minutes;

// The full example of docs/plan-file.md, so the documentation cannot drift.
std::string DocExample() {
  std::ifstream in(std::string(DRF_SOURCE_DIR) + "/docs/plan-file.md");
  std::stringstream text;
  text << in.rdbuf();
  std::string doc = text.str();
  size_t start = doc.find("```yaml\n");
  if (start == std::string::npos) return "";
  start += 8;
  return doc.substr(start, doc.find("```", start) - start);
}

TEST(PlanFileTest, ParsesTheDocumentedExample) {
  std::string text = DocExample();
  ASSERT_FALSE(text.empty());
  Result<PlanSpec> plan = ParsePlanFile(text, "docs/plan-file.md");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->source, "docs/plan-file.md");
  EXPECT_EQ(plan->deadline, minutes(15));
  EXPECT_EQ(plan->rto, minutes(10));
  EXPECT_EQ(plan->replica_lag.max_lag, minutes(5));
  EXPECT_FALSE(plan->replica_lag.refuse_unknown);
  EXPECT_EQ(plan->lock.table, "dr-dr-failover-lock");
  EXPECT_EQ(plan->lock.ttl, std::chrono::seconds(60));  // the default
  EXPECT_EQ(plan->lock.cooldown, minutes(30));
  EXPECT_EQ(plan->notify.topic_arn, "arn:aws:sns:us-east-1:123456789012:dr-failover");
  EXPECT_EQ(plan->notify.on.size(), 3u);
  EXPECT_EQ(plan->concurrency, 8);
  ASSERT_EQ(plan->steps.size(), 7u);
  const auto& db = std::get<PromoteDbSpec>(plan->steps[0].detail);
  EXPECT_EQ(db.backup_retention_period, 7);
  EXPECT_EQ(db.preferred_backup_window, "03:00-04:00");
  EXPECT_EQ(plan->steps[0].timeout, minutes(20));
  EXPECT_EQ(plan->steps[0].origin, "steps[0]");
  const auto& monitoring = std::get<ScaleAsgSpec>(plan->steps[2].detail);
  EXPECT_EQ(monitoring.min_size * 100 + monitoring.max_size * 10 + monitoring.desired_capacity,
            131);                 // defaults
  EXPECT_FALSE(monitoring.wait);  // not configured: FinalizePlan decides
  const auto& ecs = std::get<ScaleEcsSpec>(plan->steps[3].detail);
  EXPECT_EQ(ecs.services.size(), 3u);
  EXPECT_EQ(ecs.wait, true);
  EXPECT_TRUE(std::get<ScaleEcsSpec>(plan->steps[4].detail).all_services);
  const auto& jenkins = std::get<RegisterTargetsSpec>(plan->steps[5].detail);
  EXPECT_EQ(jenkins.source_asg, "dr-jenkins");
  EXPECT_FALSE(jenkins.port);
  const StepSpec& frontend = plan->steps[6];
  EXPECT_EQ(frontend.id, "frontend-targets");
  EXPECT_EQ(frontend.after, std::vector<std::string>{"promote-db:dr-app-db"});
  EXPECT_EQ(frontend.kind, StepKind::kRegisterTargets);
  EXPECT_EQ(std::get<RegisterTargetsSpec>(frontend.detail).source_service, "frontend");
  EXPECT_EQ(std::get<RegisterTargetsSpec>(frontend.detail).port, 8080);
}

TEST(PlanFileTest, ReadsJsonAndDefaults) {
  Result<PlanSpec> plan = ParsePlanFile(R"({
    "version": 1, "ordering": "sequential", "deadline": 600,
    "steps": [{"scale_ecs": {"cluster": "dr", "services": ["frontend"]}},
              {"scale_asg": {"name": "dr-jenkins", "wait": false}, "timeout": "90s"}]})",
                                        "plan.json");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->ordering, Ordering::kSequential);
  EXPECT_EQ(plan->deadline, std::chrono::seconds(600));
  const auto& ecs = std::get<ScaleEcsSpec>(plan->steps[0].detail);
  EXPECT_EQ(ecs.min_desired_count, 1);
  EXPECT_FALSE(ecs.wait);
  EXPECT_EQ(std::get<ScaleAsgSpec>(plan->steps[1].detail).wait, false);
  EXPECT_EQ(plan->steps[1].timeout, std::chrono::seconds(90));
  EXPECT_FALSE(plan->retry_mode.has_value());  // from AWS_RETRY_MODE or the profile
}

TEST(PlanFileTest, ReadsTheRetryMode) {
  Result<PlanSpec> plan = ParsePlanFile(
      "version: 1\nretry_mode: adaptive\nsteps:\n  - scale_asg: {name: a}\n", "plan.yaml");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->retry_mode, "adaptive");
}

const char* kTg =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/dr-jenkins/73e2d6bc24d8a067";

// A valid file with `steps` replaced; each case must name its key path.
std::string WithSteps(const std::string& steps) { return "version: 1\nsteps:\n" + steps; }

struct BadFile {
  std::string text;
  std::vector<std::string> expected;  // substrings of the message
};

class PlanFileInvalidTest : public ::testing::TestWithParam<BadFile> {};

TEST_P(PlanFileInvalidTest, IsRejectedNamingTheKey) {
  Result<PlanSpec> plan = ParsePlanFile(GetParam().text, "plan.yaml");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(plan.status().message().rfind("invalid plan file plan.yaml: ", 0), 0u);
  for (const std::string& text : GetParam().expected) {
    EXPECT_NE(plan.status().message().find(text), std::string::npos)
        << "missing \"" << text << "\" in:\n"
        << plan.status().message();
  }
  // Paths are written as a reader would type them: no stray separator before a top-level key.
  EXPECT_EQ(plan.status().message().find("\n."), std::string::npos) << plan.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PlanFileInvalidTest,
    ::testing::Values(
        BadFile{"version: 1\nsteps: [\n", {"invalid YAML at line 3"}},
        BadFile{"{\"version\": 1,\n \"steps\": [}", {"invalid JSON at byte", "line 2, column"}},
        BadFile{"- a\n- b\n", {"the document (line 1): found a list, expected a mapping"}},
        BadFile{"steps: []\n",
                {"version (line 1): found nothing, expected version: 1",
                 "steps (line 1): found an empty list"}},
        BadFile{"version: 2\nsteps:\n  - scale_asg: {name: a}\n",
                {"version (line 1): found \"2\""}},
        BadFile{"version: 1\nretries: 3\nsteps:\n  - scale_asg: {name: a}\n",
                {"retries (line 2): found an unknown key, expected one of version, ordering"}},
        BadFile{"version: 1\nordering: fastest\nconcurrency: 0\ndeadline: soon\n"
                "steps:\n  - scale_asg: {name: a}\n",
                {"ordering (line 2): found \"fastest\"", "concurrency (line 3): found 0",
                 "deadline (line 4): found \"soon\", expected a duration"}},
        BadFile{"version: 1\nrto: 0s\nsteps:\n  - scale_asg: {name: a}\n",
                {"rto (line 2): found 0s"}},
        BadFile{"version: 1\nretry_mode: legacy\nsteps:\n  - scale_asg: {name: a}\n",
                {"retry_mode (line 2): found \"legacy\", expected \"standard\" or \"adaptive\""}},
        BadFile{"version: 1\nretry_mode: [adaptive]\nsteps:\n  - scale_asg: {name: a}\n",
                {"retry_mode (line 2): found a list, expected \"standard\" or \"adaptive\""}},
        BadFile{"version: 1\nrto: quickly\nsteps:\n  - scale_asg: {name: a}\n",
                {"rto (line 2): found \"quickly\", expected a duration"}},
        BadFile{"version: 1\nmax_replica_lag: 0s\non_unknown_lag: maybe\n"
                "steps:\n  - scale_asg: {name: a}\n",
                {"max_replica_lag (line 2): found 0s",
                 "on_unknown_lag (line 3): found \"maybe\", expected \"proceed\" or \"refuse\""}},
        BadFile{"version: 1\nlock_table: \"no such/table\"\nlock_ttl: 1s\ncooldown: later\n"
                "steps:\n  - scale_asg: {name: a}\n",
                {"lock_table (line 2): found \"no such/table\", expected a DynamoDB table name",
                 "lock_ttl (line 3): found 1s, expected a duration of at least 3s",
                 "cooldown (line 4): found \"later\", expected a duration"}},
        BadFile{"version: 1\nnotify: {topic_arn: my-topic, on: [start, stall]}\n"
                "steps:\n  - scale_asg: {name: a}\n",
                {"notify.topic_arn (line 2): found \"my-topic\", expected an SNS topic ARN",
                 "notify.on (line 2): found", "expected start, failure and/or end"}},
        BadFile{WithSteps("  - scale_asg: {name: a}\n    retry: true\n"),
                {"steps[0].retry (line 4): found an unknown key"}},
        BadFile{WithSteps("  - id: x\n"), {"steps[0] (line 3): found no step kind"}},
        BadFile{
            WithSteps("  - scale_asg: {name: a}\n    promote_db: {db_instance_identifier: b}\n"),
            {"steps[0] (line 3): found more than one step kind"}},
        BadFile{WithSteps("  - scale_asg: {name: a, minimum: 1}\n"),
                {"steps[0].scale_asg.minimum (line 3): found an unknown key"}},
        BadFile{WithSteps("  - scale_asg: {min: 1}\n"),
                {"steps[0].scale_asg.name (line 3): found nothing, expected an Auto Scaling"}},
        BadFile{WithSteps("  - scale_asg: {name: a, min: lots}\n"),
                {"steps[0].scale_asg.min (line 3): found \"lots\", expected an integer"}},
        BadFile{WithSteps("  - scale_asg: {name: a, wait: maybe}\n"),
                {"steps[0].scale_asg.wait (line 3): found \"maybe\", expected true or false"}},
        BadFile{WithSteps("  - scale_asg:\n      name: a\n      min: 4\n"),
                {"steps[0].scale_asg.min (line 5): found 4, expected at most max (3)"}},
        BadFile{WithSteps("  - scale_asg: {name: a, min: 1, max: 3, desired: 7}\n"),
                {"steps[0].scale_asg.desired (line 3): found 7, expected an integer from 1 to 3"}},
        BadFile{WithSteps("  - scale_ecs: {cluster: dr, services: [fe], min_desired_count: -1}\n"),
                {"steps[0].scale_ecs.min_desired_count (line 3): found -1"}},
        BadFile{WithSteps("  - scale_ecs: {cluster: dr}\n"),
                {"steps[0].scale_ecs.services (line 3): found nothing"}},
        BadFile{WithSteps("  - scale_ecs: {cluster: dr, services: [fe, \"user service\"]}\n"),
                {"steps[0].scale_ecs.services[1] (line 3): found \"user service\""}},
        BadFile{WithSteps(
                    "  - promote_db: {db_instance_identifier: db, backup_retention_period: 36}\n"),
                {"steps[0].promote_db.backup_retention_period (line 3): found 36, expected an "
                 "integer from 0 to 35"}},
        BadFile{
            WithSteps(
                "  - promote_db: {db_instance_identifier: 9db, preferred_backup_window: 3-4}\n"),
            {"steps[0].promote_db.db_instance_identifier (line 3): found \"9db\"",
             "steps[0].promote_db.preferred_backup_window (line 3): found \"3-4\""}},
        BadFile{WithSteps("  - scale_asg: {name: a}\n    timeout: 0\n"),
                {"steps[0].timeout (line 4): found 0s, expected a duration greater than 0"}},
        BadFile{WithSteps("  - register_targets: {target_group_arn: arn:aws:nope, from_asg: a}\n"),
                {"steps[0].register_targets.target_group_arn (line 3): found \"arn:aws:nope\""}},
        BadFile{WithSteps(std::string("  - register_targets: {target_group_arn: ") + kTg +
                          ", from_ecs_service: frontend}\n"),
                {"steps[0].register_targets.from_ecs_service (line 3): found \"frontend\", "
                 "expected \"<cluster>/<service>\" with exactly one '/'"}},
        BadFile{WithSteps(std::string("  - register_targets: {target_group_arn: ") + kTg +
                          ", from_asg: a, from_ecs_service: dr/fe}\n"),
                {"steps[0].register_targets (line 3): found both from_asg and from_ecs_service"}},
        BadFile{WithSteps(std::string("  - register_targets: {target_group_arn: ") + kTg +
                          ", from_asg: a, type: ip, port: 0}\n"),
                {"steps[0].register_targets.type (line 3): found \"ip\" with an ASG source",
                 "steps[0].register_targets.port (line 3): found 0"}},
        BadFile{WithSteps("  - scale_asg: {name: a}\n    after: [ghost]\n"),
                {"steps[0].after: found \"ghost\", expected the id of a step in this plan"}},
        BadFile{
            WithSteps("  - scale_asg: {name: a}\n    id: x\n  - scale_asg: {name: b}\n    id: x\n"),
            {"steps[1].id: found \"x\", expected an id no other step has"}},
        BadFile{WithSteps("  - scale_asg: {name: a}\n    id: \"bad id\"\n"),
                {"steps[0].id: found \"bad id\""}},
        BadFile{WithSteps("  - scale_asg: {name: a}\n    id: a\n    after: b\n"
                          "  - scale_asg: {name: b}\n    id: b\n    after: [a]\n"),
                {"dependency cycle: a -> b -> a"}},
        // JSON is read with positions too: value errors give their line.
        BadFile{"{\"version\": 1,\n \"steps\": [{\"scale_asg\": {\"name\": \"a\",\n"
                "   \"min\": \"three\"}}]}",
                {"steps[0].scale_asg.min (line 3): found \"three\", expected an integer"}},
        // Hostile nesting is refused by name, before anything recursive walks it.
        BadFile{"{\"version\": 1, \"steps\": " + std::string(100000, '[') +
                    std::string(100000, ']') + "}",
                {"invalid JSON: nested more than 64 levels deep"}},
        BadFile{std::string(100000, '['), {"invalid YAML at line 1", "levels deep"}},
        // switch_dns: one zone, one target, names and weights that Route 53 takes.
        BadFile{WithSteps("  - switch_dns: {record: a.example.com, values: [1.2.3.4]}\n"),
                {"steps[0].switch_dns (line 3): found no zone, expected exactly one of zone"}},
        BadFile{WithSteps("  - switch_dns: {zone: example.com, record: a.example.com}\n"),
                {"found no target, expected exactly one of alias_to_load_balancer"}},
        BadFile{
            WithSteps("  - switch_dns: {zone: example.com, record: a.other.org, type: CNAME,\n"
                      "      alias_to_load_balancer: dr-alb, ttl: 60, weight: 300}\n"),
            {"steps[0].switch_dns.record (line 3): found \"a.other.org\", expected a name "
             "in zone example.com",
             "steps[0].switch_dns.type (line 3): found \"CNAME\", expected A or AAAA",
             "steps[0].switch_dns.ttl (line 4): found 60, expected no ttl with "
             "alias_to_load_balancer",
             "steps[0].switch_dns.weight (line 4): found a value, expected set_identifier too"}},
        BadFile{WithSteps("  - switch_dns: {zone_id: z-1, record: \"bad name!\", values: [x],\n"
                          "      set_identifier: dr, primary_set_identifier: dr}\n"),
                {"steps[0].switch_dns.zone_id (line 3): found \"z-1\"",
                 "steps[0].switch_dns.record (line 3): found \"bad name!\"",
                 "steps[0].switch_dns.primary_set_identifier (line 4): found \"dr\""}},
        // All problems of a file at once.
        BadFile{WithSteps("  - scale_asg: {name: a, min: x}\n  - scale_ecs: {cluster: \"d r\", "
                          "services: all}\n  - bogus: 1\n"),
                {"4 problems", "steps[0].scale_asg.min", "steps[1].scale_ecs.cluster",
                 "steps[2].bogus", "steps[2] (line 5): found no step kind"}}));

}  // namespace
}  // namespace drf

namespace drf {
namespace {

TEST(PlanFileDnsTest, ReadsSwitchDnsAndPutsItAfterTheRegistrations) {
  Result<PlanSpec> plan = ParsePlanFile(
      "version: 1\nsteps:\n"
      "  - switch_dns:\n      zone: example.com\n      record: api.example.com\n"
      "      alias_to_load_balancer: dr-alb\n      set_identifier: dr\n      weight: 10\n"
      "      primary_set_identifier: primary\n"
      "  - register_targets:\n      target_group_arn: "
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef\n"
      "      from_asg: web\n"
      "  - promote_db: {db_instance_identifier: dr-db}\n",
      "plan.yaml");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const auto& dns = std::get<SwitchDnsSpec>(plan->steps[0].detail);
  EXPECT_EQ(dns.zone_name, "example.com");
  EXPECT_EQ(dns.record, "api.example.com");
  EXPECT_EQ(dns.type, "A");
  EXPECT_EQ(dns.alias_load_balancer, "dr-alb");
  EXPECT_TRUE(dns.evaluate_target_health);
  EXPECT_EQ(dns.weight, 10);
  EXPECT_EQ(dns.primary_set_identifier, "primary");
  EXPECT_FALSE(dns.primary_weight.has_value());
  ASSERT_TRUE(FinalizePlan(*plan).ok());
  EXPECT_EQ(plan->steps[0].id, "switch-dns:api.example.com/dr");
  EXPECT_EQ(plan->steps[0].after,
            (std::vector<std::string>{"register-targets:web", "promote-db:dr-db"}));
  EXPECT_EQ(plan->steps[0].timeout, std::chrono::minutes(10));
}

TEST(PlanFileDnsTest, AnExplicitAfterReplacesTheImpliedOrder) {
  Result<PlanSpec> plan = ParsePlanFile(
      "version: 1\nsteps:\n"
      "  - id: db\n    promote_db: {db_instance_identifier: dr-db}\n"
      "  - after: [db]\n    switch_dns: {zone_id: Z1, record: a.example.com, values: [1.2.3.4]}\n"
      "  - scale_asg: {name: web}\n",
      "plan.yaml");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_TRUE(FinalizePlan(*plan).ok());
  EXPECT_EQ(plan->steps[1].after, std::vector<std::string>{"db"});
}

TEST(PlanFileBoundsTest, ReadsTimeoutsStallLimitsAndPartial) {
  Result<PlanSpec> plan = ParsePlanFile(R"(version: 1
timeouts: {scale_ecs: 10m, promote_db: 2h}
stall_after: {register_targets: 3m}
steps:
  - register_targets: {target_group_arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1", from_ecs_service: dr/kafka, partial: false}
    stall_after: 90s
)",
                                        "plan.yaml");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->timeouts.at(StepKind::kScaleEcs), std::chrono::minutes(10));
  EXPECT_EQ(plan->timeouts.at(StepKind::kPromoteDb), std::chrono::hours(2));
  EXPECT_EQ(plan->stall_after.at(StepKind::kRegisterTargets), std::chrono::minutes(3));
  EXPECT_EQ(plan->steps[0].stall_after, std::chrono::seconds(90));
  EXPECT_FALSE(std::get<RegisterTargetsSpec>(plan->steps[0].detail).partial);
}

TEST(PlanFileBoundsTest, BadBoundsNameTheKey) {
  Result<PlanSpec> plan = ParsePlanFile(R"(version: 1
timeouts: {scale_ec2: 10m}
stall_after: {scale_ecs: 0}
steps:
  - scale_ecs: {cluster: dr, services: all}
    stall_after: never
)",
                                        "plan.yaml");
  ASSERT_FALSE(plan.ok());
  const std::string& message = plan.status().message();
  EXPECT_NE(message.find("timeouts"), std::string::npos) << message;
  EXPECT_NE(message.find("stall_after.scale_ecs"), std::string::npos) << message;
  EXPECT_NE(message.find("steps[0].stall_after"), std::string::npos) << message;
}

}  // namespace
}  // namespace drf
