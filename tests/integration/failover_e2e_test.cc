// End-to-end acceptance tests of the main job: the built `drfailover` binary,
// run as a child process with an explicit environment, against the emulated DR region
// (tools/emulator, seeded with the reference pilot-light deployment). Each test starts its
// own emulator; outcomes are asserted from the process (exit code, stdout, stderr), its
// JSON report, the region's state read back with boto3 (tools/emulator/state_dump.py and
// check_state.py) and the calls the emulator counted (/_emulator/stats).
//
// The engine's acceptance tests (FailoverE2eTest) run twice, against both views of the
// region the emulator offers (tools/emulator/README.md "Fidelity"): `realistic`
// (runningCount and service events follow the tasks the scheduler started) and `raw`
// (moto's own bookkeeping where AWS guarantees nothing either: runningCount = desiredCount
// as soon as UpdateService returns, while the tasks are still starting). The same
// assertions hold in both; the oracle counts RUNNING tasks, never runningCount. Tests about
// something else (whoami, invalid configurations) run once.
//
// The child never sees the developer's AWS configuration: it gets PATH, a temporary HOME,
// dummy credentials, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE set to /dev/null,
// AWS_EC2_METADATA_DISABLED, and an endpoint on 127.0.0.1. Nothing sleeps for a fixed
// time: children are waited for with poll() and a bound.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "testing/cli_process.h"
#include "testing/emulator.h"

namespace drf {
namespace {

using Json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Never to be printed by drfailover (whoami, logs, reports).
constexpr const char* kSecretAccessKey = kCliTestSecretAccessKey;
constexpr const char* kAccessKeyId = kCliTestAccessKeyId;
constexpr char kAccount[] = "123456789012";  // moto's account

// The step ids of the reference deployment's failover (the original's variables).
const std::vector<std::string> kServices = {"frontend", "notification-service", "user-service",
                                            "task-api", "kafka"};
const std::vector<std::string> kTargetGroups = {
    "dr-jenkins-tg",      "dr-prometheus-tg", "dr-grafana-tg",
    "dr-jaeger-tg",       "dr-frontend-tg",   "dr-notification-service-tg",
    "dr-user-service-tg", "dr-task-api-tg",   "dr-kafka-tg"};

std::vector<std::string> ReferenceStepIds() {
  std::vector<std::string> ids = {"promote-db:dr-app-db", "scale-asg:dr-jenkins",
                                  "scale-asg:dr-monitoring"};
  for (const auto& s : kServices) ids.push_back("scale-ecs:dr/" + s);
  for (const auto& tg : kTargetGroups) ids.push_back("register-targets:" + tg);
  return ids;
}

// --- child processes: src/testing/cli_process.h (RunProcess, Describe, PythonEnv,
// EmulatorTool, IsolatedCliEnv), shared with resilience_test.cc ---------------------------

// Runs boto3 statements against `endpoint`; `c(service)` is a client there.
ProcessResult Boto3(const std::string& endpoint, const std::string& statements) {
  std::string code =
      "import sys, boto3\n"
      "def c(service):\n"
      "    return boto3.client(service, region_name='us-east-1', endpoint_url=sys.argv[1],\n"
      "                        aws_access_key_id='testing', aws_secret_access_key='testing')\n" +
      statements + "\n";
  return RunProcess({"python3", "-c", code, endpoint}, PythonEnv(), seconds(60));
}

// --- reports and state ------------------------------------------------------------------

const Json* FindStep(const Json& report, const std::string& id) {
  for (const Json& step : report.at("steps")) {
    if (step.at("id") == id) return &step;
  }
  return nullptr;
}

std::map<std::string, std::string> StepStatuses(const Json& report) {
  std::map<std::string, std::string> out;
  for (const Json& step : report.at("steps")) out[step.at("id")] = step.at("status");
  return out;
}

std::set<std::string> StepsWithStatus(const Json& report, const std::string& status) {
  std::set<std::string> out;
  for (const Json& step : report.at("steps")) {
    if (step.at("status") == status) out.insert(step.at("id").get<std::string>());
  }
  return out;
}

// A step's start_offset_ms or end_offset_ms; -1 when the step or the offset is missing.
int64_t Offset(const Json& report, const std::string& id, const char* which) {
  const Json* step = FindStep(report, id);
  if (step == nullptr || !step->at("timings").at(which).is_number()) return -1;
  return step->at("timings").at(which).get<int64_t>();
}

// The message of each "INFO: " line of a text log, in order.
std::vector<std::string> InfoMessages(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    size_t at = line.find("INFO: ");
    if (at != std::string::npos) out.push_back(line.substr(at + 6));
  }
  return out;
}

// Empty when `want` is a subsequence of `have`; else which line was not found in order.
std::string MissingFromSubsequence(const std::vector<std::string>& have,
                                   const std::vector<std::string>& want) {
  size_t next = 0;
  for (const std::string& w : want) {
    while (next < have.size() && have[next] != w) ++next;
    if (next == have.size()) return w;
    ++next;
  }
  return "";
}

class FailoverE2eFixture : public ::testing::Test {
 protected:
  // The emulator's --fidelity for this test (FailoverE2eTest: its parameter).
  virtual std::string Fidelity() const { return "realistic"; }

  void SetUp() override {
#ifndef DRF_CLI_PATH
    GTEST_SKIP() << "the drfailover binary is not part of this build";
#endif
    std::string pattern = ::testing::TempDir() + "drf-e2e-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    dir_ = pattern;
    std::filesystem::create_directory(dir_ + "/home");
  }

  void TearDown() override {
    own_emu_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Short timings unless a test needs realistic ones.
  EmulatorOptions FastRegion() const {
    EmulatorOptions options;
    options.fidelity = Fidelity();
    options.seed_reference = true;
    options.promotion_seconds = 0.5;
    options.instance_start_seconds = 0.5;
    options.task_start_seconds = 0.3;
    return options;
  }

  // The fast reference region. The tests of one process share one per fidelity, reseeded
  // for each test (moto reset, seeded again, stats cleared) instead of restarted: a start
  // costs seconds of CPU.
  void StartEmulator() {
    static std::map<std::string, std::unique_ptr<EmulatorProcess>> shared;
    std::unique_ptr<EmulatorProcess>& emu = shared[Fidelity()];
    if (emu) {
      Status reseeded = emu->Reseed();
      ASSERT_TRUE(reseeded.ok()) << reseeded.ToString();
      emu_ = emu.get();
      return;
    }
    ASSERT_NO_FATAL_FAILURE(StartOwnEmulator(FastRegion(), emu));
    emu_ = emu.get();
  }
  // A region of the test's own, started for it and stopped after it.
  void StartEmulator(const EmulatorOptions& options) {
    ASSERT_NO_FATAL_FAILURE(StartOwnEmulator(options, own_emu_));
    emu_ = own_emu_.get();
  }
  static void StartOwnEmulator(const EmulatorOptions& options,
                               std::unique_ptr<EmulatorProcess>& out) {
    auto emu = EmulatorProcess::Start(options);
    ASSERT_TRUE(emu.ok()) << emu.status().ToString();
    out = std::move(emu).value();
    ASSERT_EQ(out->ready().at("settings").at("fidelity"), options.fidelity);
  }

  // The environment of a drfailover child: isolated from the developer's AWS set-up.
  Env IsolatedEnv() const { return IsolatedCliEnv(dir_ + "/home"); }

  // IsolatedEnv, pointed at the emulator, with the original Lambda's variables for the
  // seeded deployment.
  Env RegionEnv() const {
    Env env = IsolatedEnv();
    env["AWS_ENDPOINT_URL"] = emu_->endpoint();
    for (const auto& [key, value] : emu_->resources().at("env").items()) {
      env[key] = value.get<std::string>();
    }
    return env;
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  ProcessResult Drf(std::vector<std::string> args, const Env& env,
                    milliseconds timeout = seconds(120)) const {
#ifdef DRF_CLI_PATH
    args.insert(args.begin(), DRF_CLI_PATH);
#endif
    ProcessResult r = RunProcess(args, env, timeout);
    // Whatever the verb and outcome: the secret key is never printed.
    EXPECT_EQ(r.out.find(kSecretAccessKey), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(kSecretAccessKey), std::string::npos) << r.err;
    return r;
  }

  // `drfailover <verb> --report <file>`: the process, and the report it wrote (null when
  // it wrote none).
  std::pair<ProcessResult, Json> DrfWithReport(const std::string& verb, const std::string& name,
                                               const Env& env,
                                               std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {verb, "--report", Path(name)};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessResult r = Drf(args, env);
    Json report;
    std::ifstream in(Path(name));
    if (in) {
      std::stringstream text;
      text << in.rdbuf();
      report = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
      EXPECT_FALSE(report.is_discarded()) << "report is not JSON: " << text.str();
      EXPECT_EQ(text.str().find(kSecretAccessKey), std::string::npos);
    }
    return {r, report};
  }

  // The deployment's state read back with boto3 through the proxy (state_dump.py).
  Json State() const {
    ProcessResult r =
        RunProcess({"python3", EmulatorTool("state_dump.py"), "--endpoint", emu_->endpoint()},
                   PythonEnv(), seconds(60));
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    Json state = Json::parse(r.out, nullptr, false);
    EXPECT_TRUE(state.is_object()) << r.out;
    return state.is_object() ? state : Json::object();
  }

  // check_state.py --expect <expectation>: its exit code, with its table on failure.
  void ExpectCheckState(const std::string& expectation) const {
    ProcessResult r = RunProcess({"python3", EmulatorTool("check_state.py"), "--endpoint",
                                  emu_->endpoint(), "--expect", expectation},
                                 PythonEnv(), seconds(60));
    EXPECT_EQ(r.exit_code, 0) << "check_state.py --expect " << expectation << ":\n" << Describe(r);
  }

  Json Stats() const {
    auto stats = emu_->Stats();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : Json::object();
  }

  static int Calls(const Json& stats, const std::string& operation) {
    return stats.at("calls").value(operation, 0);
  }

  void ResetStats() const {
    Status reset = emu_->ResetStats();
    ASSERT_TRUE(reset.ok()) << reset.ToString();
  }

  std::string dir_;
  EmulatorProcess* emu_ = nullptr;            // the region this test uses
  std::unique_ptr<EmulatorProcess> own_emu_;  // when it is not a shared one
};

// The engine's acceptance tests, once per fidelity of the emulated region.
class FailoverE2eTest : public FailoverE2eFixture,
                        public ::testing::WithParamInterface<std::string> {
 protected:
  std::string Fidelity() const override { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(Fidelity, FailoverE2eTest, ::testing::Values("realistic", "raw"),
                         [](const auto& test_case) { return test_case.param; });

// Tests that do not depend on the region's fidelity: one run, realistic.
class FailoverE2eOnceTest : public FailoverE2eFixture {};

// Each target group holds exactly its source's targets (InService instances / RUNNING task
// IPs), on the target group's own port.
void ExpectTargetsRegistered(const Json& state) {
  const Json& tgs = state.at("target_groups");
  ASSERT_EQ(tgs.size(), kTargetGroups.size()) << tgs.dump(2);
  const std::map<std::string, std::string> sources = {
      {"dr-jenkins-tg", "dr-jenkins"},
      {"dr-prometheus-tg", "dr-monitoring"},
      {"dr-grafana-tg", "dr-monitoring"},
      {"dr-jaeger-tg", "dr-monitoring"},
      {"dr-frontend-tg", "frontend"},
      {"dr-notification-service-tg", "notification-service"},
      {"dr-user-service-tg", "user-service"},
      {"dr-task-api-tg", "task-api"},
      {"dr-kafka-tg", "kafka"}};
  for (const auto& [name, source] : sources) {
    const Json& tg = tgs.at(name);
    int port = tg.at("port");
    std::set<std::string> ids;
    if (tg.at("type") == "instance") {
      for (const auto& [id, lifecycle] : state.at("asgs").at(source).at("instances").items()) {
        if (lifecycle == "InService") ids.insert(id);
      }
    } else {
      for (const Json& ip : state.at("services").at(source).at("task_ips")) {
        ids.insert(ip.get<std::string>());
      }
    }
    Json want = Json::array();
    for (const std::string& id : ids) want.push_back(Json::array({id, port}));
    EXPECT_FALSE(ids.empty()) << name << ": its source " << source << " has no targets";
    EXPECT_EQ(tg.at("targets"), want) << name << " (port " << port << ")";
  }
}

// 1. A fresh failover reaches the documented final state.
TEST_P(FailoverE2eTest, FreshFailoverReachesDocumentedFinalState) {
  StartEmulator();
  ResetStats();
  auto [run, report] = DrfWithReport("run", "report.json", RegionEnv());
  ASSERT_EQ(run.exit_code, 0) << Describe(run);
  ASSERT_TRUE(report.is_object()) << Describe(run);

  EXPECT_EQ(report.at("schema"), "drfailover.report/v1");
  EXPECT_EQ(report.at("mode"), "run");
  EXPECT_EQ(report.at("status"), "SUCCEEDED");
  EXPECT_EQ(report.at("region"), "us-east-1");
  EXPECT_EQ(report.at("plan_source"), "environment");
  std::map<std::string, std::string> want;
  for (const auto& id : ReferenceStepIds()) want[id] = "succeeded";
  EXPECT_EQ(StepStatuses(report), want);
  // The summary table is on stdout, the logs on stderr.
  EXPECT_NE(run.out.find("Failover SUCCEEDED"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("INFO: "), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("INFO: Successfully initiated promotion of dr-app-db"), std::string::npos)
      << run.err;

  Json state = State();
  EXPECT_EQ(state.at("db"), Json({{"status", "available"}, {"replica_source", nullptr}}));
  for (const char* asg : {"dr-jenkins", "dr-monitoring"}) {
    const Json& g = state.at("asgs").at(asg);
    EXPECT_EQ(std::make_tuple(g.at("min"), g.at("max"), g.at("desired")),
              std::make_tuple(Json(1), Json(3), Json(1)))
        << asg;
    ASSERT_EQ(g.at("instances").size(), 1u) << asg << ": " << g.dump();
    EXPECT_EQ(g.at("instances").begin().value(), "InService") << asg;
  }
  for (const auto& service : kServices) {
    const Json& s = state.at("services").at(service);
    EXPECT_EQ(s.at("desired"), 1) << service;
    EXPECT_GE(s.at("running").get<int>(), 1) << service;
  }
  ExpectTargetsRegistered(state);
  // Not the original's port 80: each group's own.
  EXPECT_EQ(state.at("target_groups").at("dr-kafka-tg").at("targets").at(0).at(1), 9092);
  EXPECT_EQ(state.at("target_groups").at("dr-jenkins-tg").at("targets").at(0).at(1), 8080);
  ExpectCheckState("reference-failover");

  // What the emulator saw: one mutating call per change, and the report agrees; before each
  // first change, one tag keeping the resource's standby state for failback.
  Json stats = Stats();
  EXPECT_EQ(Calls(stats, "RDS.PromoteReadReplica"), 1) << stats.dump();
  EXPECT_EQ(Calls(stats, "AutoScaling.UpdateAutoScalingGroup"), 2) << stats.dump();
  EXPECT_EQ(Calls(stats, "ECS.UpdateService"), 5) << stats.dump();
  EXPECT_EQ(Calls(stats, "ELBv2.RegisterTargets"), 9) << stats.dump();
  EXPECT_EQ(Calls(stats, "RDS.AddTagsToResource"), 1) << stats.dump();
  EXPECT_EQ(Calls(stats, "AutoScaling.CreateOrUpdateTags"), 2) << stats.dump();
  EXPECT_EQ(Calls(stats, "ECS.TagResource"), 5) << stats.dump();
  EXPECT_EQ(Calls(stats, "ELBv2.AddTags"), 9) << stats.dump();
  EXPECT_EQ(stats.at("mutating"), 34) << stats.dump();
  EXPECT_EQ(report.at("api_calls").at("totals").at("mutating"), 34);
}

// 2. A second run makes zero mutating calls and reports every step unchanged.
TEST_P(FailoverE2eTest, SecondRunChangesNothing) {
  StartEmulator();
  Env env = RegionEnv();
  auto [first, first_report] = DrfWithReport("run", "first.json", env);
  ASSERT_EQ(first.exit_code, 0) << Describe(first);

  ResetStats();
  auto [second, report] = DrfWithReport("run", "second.json", env);
  ASSERT_EQ(second.exit_code, 0) << Describe(second);
  ASSERT_TRUE(report.is_object());
  Json stats = Stats();
  EXPECT_EQ(stats.at("mutating"), 0) << stats.dump();
  EXPECT_GT(stats.at("calls").size(), 0u) << "the second run read the live state";
  EXPECT_EQ(report.at("status"), "SUCCEEDED");
  EXPECT_EQ(report.at("api_calls").at("totals").at("mutating"), 0);
  std::map<std::string, std::string> want;
  for (const auto& id : ReferenceStepIds()) want[id] = "unchanged";
  EXPECT_EQ(StepStatuses(report), want);
  EXPECT_EQ(report.at("step_counts").at("unchanged"), 17);
  for (const Json& step : report.at("steps")) {
    EXPECT_TRUE(step.at("mutating_calls").empty()) << step.dump();
    EXPECT_TRUE(step.at("changes").empty()) << step.dump();
  }
  ExpectCheckState("reference-failover");
}

// 3. Capacity above the target is kept: a service at 3 stays at 3, an ASG at 2/5/4 is not
//    lowered, and their targets are all registered.
TEST_P(FailoverE2eTest, LargerCapacityIsNeverLowered) {
  StartEmulator();
  ProcessResult preset = Boto3(emu_->endpoint(),
                               "c('ecs').update_service(cluster='dr', service='frontend', "
                               "desiredCount=3)\n"
                               "c('autoscaling').update_auto_scaling_group("
                               "AutoScalingGroupName='dr-jenkins', MinSize=2, MaxSize=5, "
                               "DesiredCapacity=4)");
  ASSERT_EQ(preset.exit_code, 0) << Describe(preset);
  ResetStats();

  auto [run, report] = DrfWithReport("run", "report.json", RegionEnv());
  ASSERT_EQ(run.exit_code, 0) << Describe(run);
  ASSERT_TRUE(report.is_object());
  auto statuses = StepStatuses(report);
  EXPECT_EQ(statuses["scale-ecs:dr/frontend"], "unchanged");
  EXPECT_EQ(statuses["scale-asg:dr-jenkins"], "unchanged");
  EXPECT_EQ(statuses["scale-ecs:dr/kafka"], "succeeded");
  EXPECT_EQ(statuses["scale-asg:dr-monitoring"], "succeeded");

  Json state = State();
  const Json& jenkins = state.at("asgs").at("dr-jenkins");
  EXPECT_EQ(std::make_tuple(jenkins.at("min"), jenkins.at("max"), jenkins.at("desired")),
            std::make_tuple(Json(2), Json(5), Json(4)));
  EXPECT_EQ(state.at("services").at("frontend").at("desired"), 3);
  EXPECT_EQ(state.at("services").at("kafka").at("desired"), 1);
  // Every instance and task of the larger groups is registered.
  EXPECT_EQ(state.at("target_groups").at("dr-jenkins-tg").at("targets").size(), 4u);
  EXPECT_EQ(state.at("target_groups").at("dr-frontend-tg").at("targets").size(), 3u);
  ExpectTargetsRegistered(state);

  Json stats = Stats();
  EXPECT_EQ(Calls(stats, "AutoScaling.UpdateAutoScalingGroup"), 1) << stats.dump();
  EXPECT_EQ(Calls(stats, "ECS.UpdateService"), 4) << stats.dump();
}

// 4. A service that does not exist fails its own step only: exit 1, PARTIAL, named.
TEST_P(FailoverE2eTest, MissingServiceFailsOnlyItsStep) {
  StartEmulator();
  Env env = RegionEnv();
  env["ECS_SERVICES"] = "frontend,ghost-service,notification-service,user-service,task-api,kafka";
  auto [run, report] = DrfWithReport("run", "report.json", env);
  EXPECT_EQ(run.exit_code, 1) << Describe(run);
  ASSERT_TRUE(report.is_object()) << Describe(run);
  EXPECT_EQ(report.at("status"), "PARTIAL");

  const Json* ghost = FindStep(report, "scale-ecs:dr/ghost-service");
  ASSERT_NE(ghost, nullptr) << report.dump(2);
  EXPECT_EQ(ghost->at("status"), "failed");
  ASSERT_TRUE(ghost->at("error").is_object());
  EXPECT_EQ(ghost->at("error").at("status_code"), "NotFound") << ghost->dump(2);
  EXPECT_NE(ghost->at("error").at("message").get<std::string>().find("ghost-service"),
            std::string::npos)
      << ghost->dump(2);
  for (const auto& id : ReferenceStepIds()) {
    const Json* step = FindStep(report, id);
    ASSERT_NE(step, nullptr) << id;
    EXPECT_EQ(step->at("status"), "succeeded") << step->dump(2);
  }
  EXPECT_EQ(report.at("step_counts").at("failed"), 1);
  EXPECT_EQ(report.at("step_counts").at("succeeded"), 17);
  EXPECT_NE(run.err.find("ghost-service"), std::string::npos) << run.err;
  EXPECT_NE(run.out.find("PARTIAL"), std::string::npos) << run.out;
  ExpectCheckState("reference-failover");
}

// 5. `plan` makes no mutating call and shows every change `run` then makes.
TEST_P(FailoverE2eTest, PlanChangesNothingAndShowsWhatRunDoes) {
  StartEmulator();
  // Some resources already as wanted, so the plan has both kinds of steps.
  ProcessResult preset = Boto3(emu_->endpoint(),
                               "c('ecs').update_service(cluster='dr', service='task-api', "
                               "desiredCount=2)\n"
                               "c('autoscaling').update_auto_scaling_group("
                               "AutoScalingGroupName='dr-monitoring', MinSize=1, MaxSize=3, "
                               "DesiredCapacity=1)");
  ASSERT_EQ(preset.exit_code, 0) << Describe(preset);
  ResetStats();
  Env env = RegionEnv();

  auto [plan, plan_report] = DrfWithReport("plan", "plan.json", env);
  ASSERT_EQ(plan.exit_code, 0) << Describe(plan);
  ASSERT_TRUE(plan_report.is_object());
  Json stats = Stats();
  EXPECT_EQ(stats.at("mutating"), 0) << stats.dump();
  EXPECT_GT(stats.at("calls").size(), 0u) << "the plan read the live state";
  EXPECT_EQ(plan_report.at("mode"), "plan");
  EXPECT_EQ(plan_report.at("api_calls").at("totals").at("mutating"), 0);
  EXPECT_NE(plan.out.find("no changes were made"), std::string::npos) << plan.out;
  for (const Json& step : plan_report.at("steps")) {
    if (step.at("status") == "succeeded") {
      EXPECT_FALSE(step.at("changes").empty()) << "a change with nothing listed: " << step.dump();
    }
  }
  // Nothing moved: the DB is still a replica, the scaled-to-zero services still at zero.
  Json seeded = State();
  EXPECT_NE(seeded.at("db").at("replica_source"), nullptr);
  EXPECT_EQ(seeded.at("asgs").at("dr-jenkins").at("desired"), 0);
  EXPECT_EQ(seeded.at("services").at("frontend").at("desired"), 0);
  for (const auto& [name, tg] : seeded.at("target_groups").items()) {
    EXPECT_TRUE(tg.at("targets").empty()) << name;
  }

  auto [run, run_report] = DrfWithReport("run", "run.json", env);
  ASSERT_EQ(run.exit_code, 0) << Describe(run);
  ASSERT_TRUE(run_report.is_object());
  std::set<std::string> planned = StepsWithStatus(plan_report, "succeeded");
  EXPECT_EQ(planned, StepsWithStatus(run_report, "succeeded"));
  EXPECT_EQ(StepsWithStatus(plan_report, "unchanged"), StepsWithStatus(run_report, "unchanged"));
  EXPECT_EQ(StepsWithStatus(plan_report, "unchanged"),
            std::set<std::string>({"scale-asg:dr-monitoring", "scale-ecs:dr/task-api"}));
  EXPECT_EQ(planned.size(), 15u);
  ExpectCheckState("reference-failover");
}

// 6. Scaling runs while the database promotes: nothing but the promotion waits for it. How
// soon the run ends after the promotion is a benchmark figure (bench/README.md, "standard":
// wall / critical path), not a bound asserted here: on a loaded machine (the sanitized
// build, tests in parallel) the scaling steps themselves can outlast a 3 s promotion.
TEST_P(FailoverE2eTest, ScalingOverlapsThePromotion) {
  EmulatorOptions options = FastRegion();
  options.promotion_seconds = 3;
  options.instance_start_seconds = 1;
  options.task_start_seconds = 0.5;
  StartEmulator(options);
  auto [run, report] = DrfWithReport("run", "report.json", RegionEnv());
  ASSERT_EQ(run.exit_code, 0) << Describe(run);
  ASSERT_TRUE(report.is_object());

  int64_t promoted = Offset(report, "promote-db:dr-app-db", "end_offset_ms");
  EXPECT_GE(promoted, 3000) << "the promotion takes 3 s in the emulator";
  for (const auto& id : ReferenceStepIds()) {
    if (id.rfind("promote-db:", 0) == 0) continue;
    EXPECT_GT(Offset(report, id, "end_offset_ms"), 0) << id;
    if (id.rfind("scale-", 0) == 0) {
      int64_t started = Offset(report, id, "start_offset_ms");
      EXPECT_GE(started, 0) << id;
      EXPECT_LT(started, promoted) << id << " should start while the DB is still promoting";
    }
    const Json* step = FindStep(report, id);
    ASSERT_NE(step, nullptr) << id;
    const Json& depends = step->at("depends_on");
    EXPECT_EQ(std::find(depends.begin(), depends.end(), "promote-db:dr-app-db"), depends.end())
        << id << " does not need the database";
  }
  ExpectCheckState("reference-failover");
}

// The original's INFO lines, in the original's order, for the seeded deployment.
std::vector<std::string> OriginalLines(const Json& resources) {
  std::vector<std::string> lines = {
      "Promoting RDS read replica dr-app-db to standalone instance",
      "Successfully initiated promotion of dr-app-db",
      "Waiting for dr-app-db to complete promotion...",
      "RDS instance dr-app-db successfully promoted to standalone instance"};
  for (const char* asg : {"dr-jenkins", "dr-monitoring"}) {
    lines.push_back(std::string("Scaling ASG ") + asg + " to min=1, max=3, desired=1");
    lines.push_back(std::string("Successfully updated ASG ") + asg);
  }
  for (const auto& s : kServices) {
    lines.push_back("Scaling ECS service " + s + " in cluster dr");
    lines.push_back("Successfully scaled ECS service " + s);
  }
  // TARGET_GROUPS in its own (JSON object) order.
  auto groups = nlohmann::ordered_json::parse(resources.at("TARGET_GROUPS").get<std::string>());
  for (const auto& [arn, source] : groups.items()) {
    if (source.at("type") == "instance") {
      lines.push_back("Registering instances from ASG " +
                      source.at("source_asg").get<std::string>() + " with target group " + arn);
      lines.push_back("Successfully registered 1 instances with target group " + arn);
    } else {
      lines.push_back("Registering tasks from ECS service " +
                      source.at("source_ecs").get<std::string>() + " with target group " + arn);
      lines.push_back("Successfully registered 1 tasks with target group " + arn);
    }
  }
  return lines;
}

// Sequential: the original's lines in the original's order, and one step at a time.
void ExpectOriginalOrder(const ProcessResult& run, const Json& report, const Json& resources) {
  std::vector<std::string> info = InfoMessages(run.err);
  std::vector<std::string> want = OriginalLines(resources);
  std::string missing = MissingFromSubsequence(info, want);
  std::string got;
  for (const auto& line : info) got += "  " + line + "\n";
  EXPECT_EQ(missing, "") << "not found in order; INFO lines were:\n" << got;
  std::vector<std::string> order;
  for (const Json& step : report.at("steps")) order.push_back(step.at("id"));
  EXPECT_EQ(order, ReferenceStepIds());
  int64_t previous_end = 0;
  for (const auto& id : ReferenceStepIds()) {
    const Json* step = FindStep(report, id);
    ASSERT_NE(step, nullptr) << id;
    const Json& timings = step->at("timings");
    EXPECT_GE(timings.at("start_offset_ms").get<int64_t>(), previous_end)
        << id << " started before the step before it ended";
    previous_end = timings.at("end_offset_ms").get<int64_t>();
  }
}

// 7a. --sequential.
TEST_P(FailoverE2eTest, SequentialFlagLogsTheOriginalLinesInOrder) {
  StartEmulator();
  auto [run, report] =
      DrfWithReport("run", "report.json", RegionEnv(), {"--sequential", "--log-format", "text"});
  ASSERT_EQ(run.exit_code, 0) << Describe(run);
  ASSERT_TRUE(report.is_object());
  ExpectOriginalOrder(run, report, emu_->resources());
  ExpectCheckState("reference-failover");
}

// 7b. `ordering: sequential` in a plan file, its steps written in another order: the
//     original's order by kind, the file's order within a kind.
TEST_P(FailoverE2eTest, SequentialPlanFileLogsTheOriginalLinesInOrder) {
  StartEmulator();
  auto groups =
      nlohmann::ordered_json::parse(emu_->resources().at("TARGET_GROUPS").get<std::string>());
  std::string yaml = "version: 1\nordering: sequential\nrto: 1h\nsteps:\n";
  for (const auto& [arn, source] : groups.items()) {
    yaml += "  - register_targets:\n      target_group_arn: \"" + arn + "\"\n";
    yaml += source.contains("source_asg")
                ? "      from_asg: " + source.at("source_asg").get<std::string>() + "\n"
                : "      from_ecs_service: " + source.at("source_ecs").get<std::string>() + "\n";
  }
  yaml += "  - scale_ecs: {cluster: dr, services: [";
  for (size_t i = 0; i < kServices.size(); ++i) yaml += (i ? ", " : "") + kServices[i];
  yaml += "], wait: true}\n";
  yaml += "  - scale_asg: {name: dr-jenkins}\n  - scale_asg: {name: dr-monitoring}\n";
  yaml += "  - promote_db: {db_instance_identifier: dr-app-db}\n";
  std::ofstream(Path("plan.yaml")) << yaml;

  Env env = RegionEnv();
  for (const char* var : {"DB_INSTANCE_IDENTIFIER", "JENKINS_ASG_NAME", "MONITORING_ASG_NAME",
                          "ECS_CLUSTER_NAME", "ECS_SERVICES", "TARGET_GROUPS"}) {
    env.erase(var);  // the plan file alone
  }
  auto [run, report] = DrfWithReport("run", "report.json", env, {"--plan", Path("plan.yaml")});
  ASSERT_EQ(run.exit_code, 0) << Describe(run) << "\nplan file:\n" << yaml;
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report.at("plan_source"), Path("plan.yaml"));
  // The plan's recovery-time objective, against the measured recovery.
  const Json& recovery = report.at("recovery");
  EXPECT_EQ(recovery.at("rto_ms"), 3600000);
  EXPECT_GT(recovery.at("recovery_ms").get<int64_t>(), 0) << recovery;
  EXPECT_EQ(recovery.at("met"), true);
  EXPECT_NE(run.out.find("within the RTO of"), std::string::npos) << run.out;
  ExpectOriginalOrder(run, report, emu_->resources());
  ExpectCheckState("reference-failover");
}

// `whoami` against the emulator: account, ARN, region, credential source, endpoint; never
// the secret key (Drf() checks that on every run) nor the whole access key id.
// The replica-lag guard: with CloudWatch's ReplicaLag over max_replica_lag (default 5 min)
// the replica is not promoted and everything independent of it still runs; --force
// promotes it and the report says the run was forced.
TEST_F(FailoverE2eOnceTest, AReplicaLaggingTooFarIsPromotedOnlyWhenForced) {
  StartEmulator();
  const std::string db = emu_->resources().at("db_instance");
  ProcessResult put = Boto3(emu_->moto_endpoint(),
                            "import datetime\n"
                            "now = datetime.datetime.now(datetime.timezone.utc)\n"
                            "c('cloudwatch').put_metric_data(Namespace='AWS/RDS', MetricData=[{\n"
                            "    'MetricName': 'ReplicaLag', 'Value': 900.0, 'Unit': 'Seconds',\n"
                            "    'Timestamp': now - datetime.timedelta(seconds=60),\n"
                            "    'Dimensions': [{'Name': 'DBInstanceIdentifier', 'Value': '" +
                                db + "'}]}])");
  ASSERT_EQ(put.exit_code, 0) << Describe(put);
  const std::string promote = "promote-db:" + db;

  auto [refused, report] = DrfWithReport("run", "refused.json", RegionEnv());
  EXPECT_EQ(refused.exit_code, 1) << Describe(refused);
  ASSERT_TRUE(report.is_object()) << Describe(refused);
  EXPECT_EQ(report.at("status"), "PARTIAL");
  EXPECT_EQ(report.at("forced"), false);
  for (const Json& step : report.at("steps")) {
    if (step.at("id") == promote) {
      EXPECT_EQ(step.at("status"), "failed");
      EXPECT_NE(step.at("error").at("message").get<std::string>().find("replica lag 900 s"),
                std::string::npos)
          << step.dump(2);
      EXPECT_EQ(step.at("checks").at("replica_lag").at("verdict"), "over");
    } else {
      EXPECT_EQ(step.at("status"), "succeeded") << step.dump(2);  // nothing depends on it
    }
  }
  EXPECT_EQ(Calls(Stats(), "RDS.PromoteReadReplica"), 0);

  auto [forced, forced_report] = DrfWithReport("run", "forced.json", RegionEnv(), {"--force"});
  ASSERT_EQ(forced.exit_code, 0) << Describe(forced);
  EXPECT_EQ(forced_report.at("forced"), true);
  const Json* step = FindStep(forced_report, promote);
  ASSERT_NE(step, nullptr);
  EXPECT_EQ(step->at("status"), "succeeded");
  EXPECT_EQ(step->at("checks").at("replica_lag").at("forced"), true);
  EXPECT_NE(forced.err.find("anyway (forced)"), std::string::npos) << forced.err;
  ExpectCheckState("reference-failover");
}

TEST_F(FailoverE2eOnceTest, WhoAmIShowsTheIdentityAndNeverTheSecret) {
  EmulatorOptions options;  // no seed needed
  StartEmulator(options);
  Env env = IsolatedEnv();
  env["AWS_ENDPOINT_URL"] = emu_->endpoint();

  ProcessResult text = Drf({"whoami"}, env);
  ASSERT_EQ(text.exit_code, 0) << Describe(text);
  for (const std::string& want :
       {std::string(kAccount), std::string("arn:aws:sts::") + kAccount + ":",
        std::string("us-east-1 (from AWS_REGION)"), std::string("environment"), emu_->endpoint()}) {
    EXPECT_NE(text.out.find(want), std::string::npos) << "missing " << want << ":\n" << text.out;
  }
  EXPECT_EQ(text.out.find(kAccessKeyId), std::string::npos) << text.out;

  ProcessResult json = Drf({"whoami", "--output", "json", "--region", "us-east-1"}, env);
  ASSERT_EQ(json.exit_code, 0) << Describe(json);
  Json who = Json::parse(json.out, nullptr, false);
  ASSERT_TRUE(who.is_object()) << json.out;
  EXPECT_EQ(who.at("account"), kAccount);
  EXPECT_EQ(who.at("region"), "us-east-1");
  EXPECT_EQ(who.at("credentials_source"), "environment");
  EXPECT_EQ(who.at("endpoint"), emu_->endpoint());
  EXPECT_NE(who.at("arn").get<std::string>().find(kAccount), std::string::npos);
  EXPECT_EQ(json.out.find(kAccessKeyId), std::string::npos) << json.out;
  // It called STS, and nothing that changes anything.
  Json stats = Stats();
  EXPECT_GE(Calls(stats, "STS.GetCallerIdentity"), 1) << stats.dump();
  EXPECT_EQ(stats.at("mutating"), 0) << stats.dump();
}

// 8. Invalid configurations: exit 2 before any AWS call, a message naming the field, no
//    report. The endpoint is a closed loopback port: a call would fail the run (exit 1).
struct InvalidCase {
  const char* name;
  Env env;                          // set over a valid configuration; "" removes the variable
  std::string plan_file;            // written to plan.yaml when not empty
  std::vector<std::string> args;    // after the verb; "{plan}" is the plan file's path
  std::vector<std::string> expect;  // in stderr
};

void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

const char kTg[] = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/dr-x-tg/1f2e";

std::vector<InvalidCase> InvalidCases() {
  std::string tg = kTg;
  return {
      {"TargetGroupsNotJson",
       {{"TARGET_GROUPS", "{\"arn:x\": "}},
       "",
       {},
       {"TARGET_GROUPS", "invalid JSON"}},
      {"TargetGroupsNotObject", {{"TARGET_GROUPS", "[]"}}, "", {}, {"TARGET_GROUPS", "JSON array"}},
      {"TargetGroupBadArn",
       {{"TARGET_GROUPS",
         R"({"arn:aws:elasticloadbalancing:us-east-1:123:tg/x": {"type":"instance","source_asg":"a"}})"}},
       "",
       {},
       {"TARGET_GROUPS[", "target group ARN"}},
      {"TargetGroupTwoSources",
       {{"TARGET_GROUPS",
         R"({")" + tg + R"(": {"type":"ip","source_asg":"a","source_ecs":"dr/x"}})"}},
       "",
       {},
       {"TARGET_GROUPS[", "source_asg", "source_ecs"}},
      {"TargetGroupEcsSourceWithoutSlash",
       {{"TARGET_GROUPS", R"({")" + tg + R"(": {"type":"ip","source_ecs":"frontend"}})"}},
       "",
       {},
       {".source_ecs", "<cluster>/<service>"}},
      {"TargetGroupPortOutOfRange",
       {{"TARGET_GROUPS", R"({")" + tg + R"(": {"type":"ip","source_ecs":"dr/x","port":70000}})"}},
       "",
       {},
       {".port", "70000"}},
      {"TargetGroupTypeMismatch",
       {{"TARGET_GROUPS", R"({")" + tg + R"(": {"type":"instance","source_ecs":"dr/x"}})"}},
       "",
       {},
       {".type", "instance"}},
      {"TargetGroupUnknownKey",
       {{"TARGET_GROUPS", R"({")" + tg + R"(": {"type":"ip","source_ecs":"dr/x","weight":1}})"}},
       "",
       {},
       {".weight", "unknown key"}},
      {"ServicesWithoutCluster",
       {{"ECS_CLUSTER_NAME", ""}},
       "",
       {},
       {"ECS_SERVICES", "ECS_CLUSTER_NAME"}},
      {"BadDbIdentifier",
       {{"DB_INSTANCE_IDENTIFIER", "1bad--db"}},
       "",
       {},
       {"DB_INSTANCE_IDENTIFIER", "1bad--db"}},
      {"BadOrderingVariable", {{"DRF_ORDERING", "random"}}, "", {}, {"DRF_ORDERING", "random"}},
      {"BadDeadlineVariable", {{"DRF_DEADLINE_SECONDS", "-5"}}, "", {}, {"DRF_DEADLINE_SECONDS"}},
      {"NothingConfigured",
       {{"DB_INSTANCE_IDENTIFIER", ""},
        {"JENKINS_ASG_NAME", ""},
        {"MONITORING_ASG_NAME", ""},
        {"ECS_CLUSTER_NAME", ""},
        {"ECS_SERVICES", ""},
        {"TARGET_GROUPS", ""}},
       "",
       {},
       {"nothing to fail over", "DB_INSTANCE_IDENTIFIER"}},
      {"MissingRegion", {{"AWS_REGION", ""}}, "", {}, {"region", "AWS_REGION"}},
      {"BadEndpointUrl", {}, "", {"--endpoint-url", "not a url"}, {"--endpoint-url"}},
      {"BadMaxAttempts", {{"AWS_MAX_ATTEMPTS", "abc"}}, "", {}, {"AWS_MAX_ATTEMPTS"}},
      {"BadOutputFlag", {}, "", {"--output", "xml"}, {"--output", "xml"}},
      {"BadLogLevelFlag", {}, "", {"--log-level", "loud"}, {"--log-level"}},
      {"ZeroDeadlineFlag", {}, "", {"--deadline", "0"}, {"--deadline"}},
      {"PlanFileMissing",
       {},
       "",
       {"--plan", "/nonexistent/drf-plan.yaml"},
       {"--plan", "/nonexistent/drf-plan.yaml"}},
      {"PlanFileVariableMissing",
       {{"DRF_PLAN_FILE", "/nonexistent/drf-plan.yaml"}},
       "",
       {},
       {"DRF_PLAN_FILE"}},
      {"PlanMinAboveMax",
       {},
       "version: 1\nsteps:\n  - scale_asg: {name: dr-jenkins, min: 5, max: 3, desired: 4}\n",
       {"--plan", "{plan}"},
       {"steps[0].scale_asg.min", "line 3"}},
      {"PlanUnknownKey",
       {},
       "version: 1\nsteps:\n  - scale_asg: {name: dr-jenkins, minimum: 1}\n",
       {"--plan", "{plan}"},
       {"steps[0].scale_asg.minimum", "unknown key"}},
      {"PlanCycle",
       {},
       "version: 1\nsteps:\n  - scale_asg: {name: a}\n    id: a\n    after: [b]\n"
       "  - scale_asg: {name: b}\n    id: b\n    after: [a]\n",
       {"--plan", "{plan}"},
       {"dependency cycle", "a -> b -> a"}},
      {"PlanVersion",
       {},
       "version: 2\nsteps:\n  - scale_asg: {name: a}\n",
       {"--plan", "{plan}"},
       {"version"}},
      {"PlanDuplicateId",
       {},
       "version: 1\nsteps:\n  - scale_asg: {name: a}\n  - scale_asg: {name: a}\n",
       {"--plan", "{plan}"},
       {"steps[1].id", "scale-asg:a"}},
      {"PlanYamlSyntax",
       {},
       "version: 1\nsteps: [ {scale_asg: {name: a}\n",
       {"--plan", "{plan}"},
       {"invalid YAML", "line"}},
      {"PlanConcurrencyZero",
       {},
       "version: 1\nconcurrency: 0\nsteps:\n  - scale_asg: {name: a}\n",
       {"--plan", "{plan}"},
       {"concurrency"}},
      {"PlanTwoSources",
       {},
       "version: 1\nsteps:\n  - register_targets: {target_group_arn: \"" + tg +
           "\", from_asg: a, from_ecs_service: dr/x}\n",
       {"--plan", "{plan}"},
       {"steps[0].register_targets", "from_asg", "from_ecs_service"}},
      {"PlanUnknownAfter",
       {},
       "version: 1\nsteps:\n  - scale_asg: {name: a}\n    after: [nothere]\n",
       {"--plan", "{plan}"},
       {"steps[0].after", "nothere"}},
      {"PlanBadBackupWindow",
       {},
       "version: 1\nsteps:\n  - promote_db: {db_instance_identifier: dr-app-db, "
       "preferred_backup_window: \"25:00-26:00\"}\n",
       {"--plan", "{plan}"},
       {"preferred_backup_window"}},
      {"PlanJsonSyntax",
       {},
       "{\"version\": 1, \"steps\": [ {\"scale_asg\": {\"name\": \"a\"}} \n",
       {"--plan", "{plan}"},
       {"invalid JSON", "line 2"}},
  };
}

class InvalidConfigTest : public FailoverE2eFixture,
                          public ::testing::WithParamInterface<InvalidCase> {};

TEST_P(InvalidConfigTest, ExitsTwoNamingTheField) {
  const InvalidCase& c = GetParam();
  Env env = IsolatedEnv();
  env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9";  // discard: nothing may be called
  env["DB_INSTANCE_IDENTIFIER"] = "dr-app-db";
  env["JENKINS_ASG_NAME"] = "dr-jenkins";
  env["MONITORING_ASG_NAME"] = "dr-monitoring";
  env["ECS_CLUSTER_NAME"] = "dr";
  env["ECS_SERVICES"] = "frontend,kafka";
  env["TARGET_GROUPS"] =
      std::string(R"({")") + kTg + R"(": {"type":"ip","source_ecs":"dr/frontend"}})";
  for (const auto& [key, value] : c.env) {
    if (value.empty()) {
      env.erase(key);
    } else {
      env[key] = value;
    }
  }
  if (!c.plan_file.empty()) std::ofstream(Path("plan.yaml")) << c.plan_file;
  for (const char* verb : {"run", "plan"}) {
    std::vector<std::string> args = {verb, "--report", Path("report.json")};
    for (const auto& a : c.args) args.push_back(a == "{plan}" ? Path("plan.yaml") : a);
    ProcessResult r = Drf(args, env, seconds(30));
    EXPECT_EQ(r.exit_code, 2) << verb << ": " << Describe(r);
    for (const auto& want : c.expect) {
      EXPECT_NE(r.err.find(want), std::string::npos)
          << verb << ": stderr lacks \"" << want << "\":\n"
          << r.err;
    }
    EXPECT_EQ(r.out.find("Failover"), std::string::npos) << r.out;
    EXPECT_FALSE(std::filesystem::exists(Path("report.json"))) << verb << ": a report was written";
  }
}

// --- every wait ends: a service that never reaches its desired count ------------------------

class WaitsE2eTest : public FailoverE2eFixture {
 protected:
  // The reference region with kafka warm at 3 and unable to start any task.
  void StartWithStuckKafka(bool warm) {
    EmulatorOptions options = FastRegion();
    options.stuck_services["dr/kafka"] = {
        "CannotPullContainerError: pull image manifest has "
        "been retried 5 time(s): not found",
        0, std::nullopt};
    if (warm) options.warm_services["dr/kafka"] = 3;
    StartEmulator(options);
  }
};

TEST_F(WaitsE2eTest, AWarmServiceThatNeverRunsItsTasksDoesNotHoldUpARunThatDoesNotUseIt) {
  StartWithStuckKafka(/*warm=*/true);
  Env env = RegionEnv();
  Json groups = Json::parse(env.at("TARGET_GROUPS"));
  for (auto it = groups.begin(); it != groups.end();) {
    it = it.value().value("source_ecs", "") == "dr/kafka" ? groups.erase(it) : std::next(it);
  }
  env["TARGET_GROUPS"] = groups.dump();

  // No --deadline: before, this run never ended.
  auto [r, report] = DrfWithReport("run", "report.json", env);

  ASSERT_FALSE(r.timed_out) << Describe(r);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  ASSERT_TRUE(report.is_object()) << Describe(r);
  EXPECT_EQ(report.at("status"), "SUCCEEDED");
  const Json* kafka = FindStep(report, "scale-ecs:dr/kafka");
  ASSERT_NE(kafka, nullptr);
  EXPECT_EQ(kafka->at("status"), "unchanged");
  EXPECT_TRUE(kafka->at("wait").is_null()) << kafka->dump();
}

TEST_F(WaitsE2eTest, AStuckServiceFeedingATargetGroupStallsAndTheRunEndsPartialWithItsReason) {
  StartWithStuckKafka(/*warm=*/false);
  Env env = RegionEnv();
  env["DRF_STALL_AFTER"] = "register_targets=4s";  // short bounds for the test

  auto [r, report] = DrfWithReport("run", "report.json", env);

  ASSERT_FALSE(r.timed_out) << Describe(r);
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  ASSERT_TRUE(report.is_object()) << Describe(r);
  EXPECT_EQ(report.at("status"), "PARTIAL");
  const Json* kafka = FindStep(report, "register-targets:dr-kafka-tg");
  ASSERT_NE(kafka, nullptr);
  EXPECT_EQ(kafka->at("status"), "failed");
  ASSERT_TRUE(kafka->at("error").is_object());
  EXPECT_EQ(kafka->at("error").at("status_code"), "Stalled");
  const std::string message = kafka->at("error").at("message");
  EXPECT_NE(message.find("ECS service dr/kafka: 0 of 1 tasks running"), std::string::npos)
      << message;
  EXPECT_NE(message.find("CannotPullContainerError"), std::string::npos) << message;
  EXPECT_EQ(kafka->at("wait").at("outcome"), "stalled");
  EXPECT_NE(r.err.find("CannotPullContainerError"), std::string::npos) << r.err;
  // Everything else finished: only the stuck service's registration failed.
  for (const auto& [id, status] : StepStatuses(report)) {
    if (id != "register-targets:dr-kafka-tg") {
      EXPECT_EQ(status, "succeeded") << id;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, InvalidConfigTest, ::testing::ValuesIn(InvalidCases()),
                         [](const auto& test_case) { return std::string(test_case.param.name); });

}  // namespace
}  // namespace drf
