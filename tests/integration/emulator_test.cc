// Tests of the emulated DR region and its fixture. They start real python processes (moto)
// and check timing behaviour through the proxy with boto3 (tools/emulator/probe.py), which
// polls with a generous bound instead of sleeping fixed times.
#include "testing/emulator.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>

namespace drf {
namespace {

struct ToolRun {
  int exit_code = -1;
  std::string output;
};

// Runs tools/emulator/<script> with `args` (stderr folded into the output).
ToolRun RunTool(const std::string& script, const std::string& args) {
  std::string command =
      "python3 " + std::string(DRF_SOURCE_DIR) + "/tools/emulator/" + script + " " + args + " 2>&1";
  ToolRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char chunk[4096];
  size_t got;
  while ((got = std::fread(chunk, 1, sizeof(chunk), pipe)) > 0) run.output.append(chunk, got);
  int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::unique_ptr<EmulatorProcess> StartOrFail(const EmulatorOptions& options) {
  auto emu = EmulatorProcess::Start(options);
  EXPECT_TRUE(emu.ok()) << emu.status().ToString();
  return emu.ok() ? std::move(emu).value() : nullptr;
}

TEST(EmulatorTest, StartsSeededReferenceDeployment) {
  EmulatorOptions options;
  options.seed_reference = true;
  auto emu = StartOrFail(options);
  ASSERT_NE(emu, nullptr);
  EXPECT_EQ(emu->endpoint().rfind("http://127.0.0.1:", 0), 0u) << emu->endpoint();
  EXPECT_EQ(emu->moto_endpoint().rfind("http://127.0.0.1:", 0), 0u);
  EXPECT_NE(emu->endpoint(), emu->moto_endpoint());
  EXPECT_EQ(emu->region(), "us-east-1");

  const auto& res = emu->resources();
  EXPECT_EQ(res.at("db_instance"), "dr-app-db");
  EXPECT_EQ(res.at("asgs"), nlohmann::json({"dr-jenkins", "dr-monitoring"}));
  EXPECT_EQ(res.at("ecs_cluster"), "dr");
  EXPECT_EQ(res.at("ecs_services").size(), 5u);
  EXPECT_EQ(res.at("target_groups").size(), 9u);
  EXPECT_EQ(res.at("target_groups").at("dr-jenkins-tg").at("port"), 8080);
  // TARGET_GROUPS is a JSON string in the original Lambda's format.
  auto legacy = nlohmann::json::parse(res.at("TARGET_GROUPS").get<std::string>());
  ASSERT_EQ(legacy.size(), 9u);
  std::string grafana_arn = res.at("target_groups").at("dr-grafana-tg").at("arn");
  EXPECT_EQ(legacy.at(grafana_arn),
            nlohmann::json({{"type", "instance"}, {"source_asg", "dr-monitoring"}}));
  std::string kafka_arn = res.at("target_groups").at("dr-kafka-tg").at("arn");
  EXPECT_EQ(legacy.at(kafka_arn), nlohmann::json({{"type", "ip"}, {"source_ecs", "dr/kafka"}}));

  ToolRun seeded =
      RunTool("check_state.py", "--endpoint " + emu->endpoint() + " --expect reference-seeded");
  EXPECT_EQ(seeded.exit_code, 0) << seeded.output;
  ToolRun failover = RunTool("check_state.py", "--endpoint " + emu->endpoint());
  EXPECT_EQ(failover.exit_code, 1) << "nothing failed over yet:\n" << failover.output;

  // The destructor stops and reaps the process.
  pid_t pid = emu->pid();
  ASSERT_EQ(::kill(pid, 0), 0);
  emu.reset();
  EXPECT_EQ(::kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

class EmulatorTimingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    EmulatorOptions options;
    options.seed_reference = true;
    options.promotion_seconds = 1.5;
    options.instance_start_seconds = 1;
    options.task_start_seconds = 0.5;
    emu_.Start(options);
  }
  static void TearDownTestSuite() { emu_.Stop(); }
  void SetUp() override { ASSERT_TRUE(emu_.ready()) << emu_.error(); }

  static inline SuiteEmulator emu_;
};

TEST_F(EmulatorTimingTest, PromotionTakesTimeAndCannotBeRepeated) {
  ASSERT_TRUE(emu_->ResetStats().ok());
  ToolRun run = RunTool("probe.py", "--endpoint " + emu_->endpoint() + " promotion");
  EXPECT_EQ(run.exit_code, 0) << run.output;

  auto stats = emu_->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->at("calls").at("RDS.PromoteReadReplica"), 2) << stats->dump();
  EXPECT_GE(stats->at("calls").at("RDS.DescribeDBInstances").get<int>(), 3);
  EXPECT_EQ(stats->at("mutating"), 2) << stats->dump();
}

TEST_F(EmulatorTimingTest, EcsTasksStartAfterUpdateService) {
  ToolRun run = RunTool("probe.py", "--endpoint " + emu_->endpoint() + " ecs");
  EXPECT_EQ(run.exit_code, 0) << run.output;
}

TEST_F(EmulatorTimingTest, AsgInstancesArePendingBeforeInService) {
  ToolRun run = RunTool("probe.py", "--endpoint " + emu_->endpoint() + " asg");
  EXPECT_EQ(run.exit_code, 0) << run.output;
}

TEST_F(EmulatorTimingTest, ConfigChangesDelaysAtRunTime) {
  auto settings = emu_->SetConfig({{"task_start_seconds", 0.25}});
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  EXPECT_EQ(settings->at("task_start_seconds"), 0.25);
  EXPECT_EQ(settings->at("promotion_seconds"), 1.5);
  auto bad = emu_->SetConfig({{"no_such_delay", 1}});
  EXPECT_FALSE(bad.ok());
}

// The fixture passes fidelity, stuck and warm services (tools/emulator/README.md "Fidelity",
// "Stuck services"); tests/fidelity/test_ecs_fidelity.py checks their behaviour in depth.
TEST(EmulatorTest, FidelityStuckAndWarmServicesReachTheEmulator) {
  EmulatorOptions options;
  options.seed_reference = true;
  options.task_start_seconds = 0.3;
  options.fidelity = "raw";
  options.stuck_services["dr/kafka"] = {"CannotPullContainerError: not found", 0, std::nullopt};
  options.stuck_services["dr/task-api"] = {"Essential container in task exited", 1, 1};
  options.warm_services["dr/kafka"] = 3;
  options.stuck_asgs["dr-jenkins"] = {"Lifecycle Action abandoned", 0};
  auto emu = StartOrFail(options);
  ASSERT_NE(emu, nullptr);
  const nlohmann::json& settings = emu->ready().at("settings");
  EXPECT_EQ(settings.at("fidelity"), "raw");
  EXPECT_EQ(settings.at("stuck_services"),
            nlohmann::json::parse(R"({"dr/kafka": {"reason": "CannotPullContainerError: not found",
                                                   "running": 0, "exit_code": null},
                                      "dr/task-api": {"reason": "Essential container in task exited",
                                                      "running": 1, "exit_code": 1}})"));
  EXPECT_EQ(settings.at("stuck_asgs"),
            nlohmann::json::parse(
                R"({"dr-jenkins": {"reason": "Lifecycle Action abandoned", "in_service": 0}})"));
  EXPECT_EQ(emu->ready().at("warm_services"), nlohmann::json({{"dr/kafka", 3}}));

  auto state = [&] {
    ToolRun run = RunTool("state_dump.py", "--endpoint " + emu->endpoint());
    EXPECT_EQ(run.exit_code, 0) << run.output;
    auto doc = nlohmann::json::parse(run.output, nullptr, /*allow_exceptions=*/false);
    return doc.is_object() ? doc.at("services") : nlohmann::json::object();
  };
  // Warm at 3, no task running; raw: runningCount is moto's 3 all the same.
  nlohmann::json kafka = state().value("kafka", nlohmann::json::object());
  EXPECT_EQ(kafka.value("desired", -1), 3) << kafka.dump();
  EXPECT_EQ(kafka.value("running", -1), 0) << kafka.dump();
  EXPECT_EQ(kafka.value("running_count", -1), 3) << kafka.dump();

  auto cleared = emu->SetStuckServices({});
  ASSERT_TRUE(cleared.ok()) << cleared.status().ToString();
  EXPECT_EQ(cleared->at("stuck_services"), nlohmann::json::object());
  auto realistic = emu->SetConfig({{"fidelity", "realistic"}});
  ASSERT_TRUE(realistic.ok()) << realistic.status().ToString();
  EXPECT_EQ(realistic->at("fidelity"), "realistic");
  EXPECT_FALSE(emu->SetConfig({{"fidelity", "exact"}}).ok());
  ASSERT_TRUE(emu->WarmServices({{"dr/frontend", 2}}).ok());
  nlohmann::json frontend = state().value("frontend", nlohmann::json::object());
  EXPECT_EQ(frontend.value("running", -1), 2) << frontend.dump();
  EXPECT_EQ(frontend.value("running_count", -1), 2) << frontend.dump();
  EXPECT_FALSE(emu->WarmServices({{"dr/ghost", 1}}).ok());
  auto asgs = emu->SetStuckAsgs({});
  ASSERT_TRUE(asgs.ok()) << asgs.status().ToString();
  EXPECT_EQ(asgs->at("stuck_asgs"), nlohmann::json::object());
}

TEST(EmulatorTest, StartFailureReportsStderrAndSetupHint) {
  EmulatorOptions options;
  options.extra_args = {"--no-such-flag"};
  auto emu = EmulatorProcess::Start(options);
  ASSERT_FALSE(emu.ok());
  EXPECT_NE(emu.status().message().find("--no-such-flag"), std::string::npos)
      << emu.status().message();
  EXPECT_NE(emu.status().message().find("scripts/setup.sh"), std::string::npos);
  EXPECT_NE(emu.status().message().find("unrecognized arguments"), std::string::npos)
      << emu.status().message();
}

}  // namespace
}  // namespace drf
