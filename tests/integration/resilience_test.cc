// Resilience of `drfailover run`, the built binary against the emulated DR region
// (tools/emulator, reference deployment, short timings):
//
// 1. Crash and resume: for every k of a full run, the CLI is killed (SIGKILL, by the
//    emulator's crash hook, tools/emulator/crash.py) right after its k-th mutating call took
//    effect and before it could see the answer; a second run then converges and repeats no
//    completed mutating action: one PromoteReadReplica in all (none rejected), one
//    UpdateAutoScalingGroup / UpdateService per resource, one RegisterTargets per target.
// 2. Concurrency: two runs started together both succeed, and exactly one
//    PromoteReadReplica took effect; capacity is never lowered, every target is registered.
//
// What was called comes from the emulator's stats (/_emulator/stats: per-resource counts
// and the log of mutating requests with the status they were answered with). Nothing
// sleeps for a fixed time: every wait is on a child process or a poll, with a bound.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "testing/cli_process.h"
#include "testing/emulator.h"

namespace drf {
namespace {

// The tags a failover writes before its first change of a resource, for failback
// (steps/standby_record.h).
bool IsStandbyRecord(const std::string& op) {
  return op == "AutoScaling.CreateOrUpdateTags" || op == "ECS.TagResource" ||
         op == "ELBv2.AddTags" || op == "RDS.AddTagsToResource";
}

using Json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using SteadyClock = std::chrono::steady_clock;

constexpr char kPromote[] = "RDS.PromoteReadReplica";
constexpr char kRegister[] = "ELBv2.RegisterTargets";

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// The reference deployment with short timings. The promotion's "trap" (AWS still showing
// `available` with the replica source right after PromoteReadReplica) is off: a run resumed
// inside it cannot tell that a promotion started, calls again and is rejected with
// InvalidDBInstanceState (harmless, and covered by promote_db_test.cc), which is not what
// these tests measure.
EmulatorOptions Region() {
  EmulatorOptions options;
  options.seed_reference = true;
  options.promotion_seconds = 0.5;
  options.instance_start_seconds = 0.5;
  options.task_start_seconds = 0.3;
  return options;
}

Result<std::unique_ptr<EmulatorProcess>> StartRegion(bool promotion_trap) {
  DRF_ASSIGN_OR_RETURN(std::unique_ptr<EmulatorProcess> emu, EmulatorProcess::Start(Region()));
  if (!promotion_trap) {
    DRF_ASSIGN_OR_RETURN(Json settings, emu->SetConfig({{"promotion_trap_seconds", 0}}));
    (void)settings;
  }
  return emu;
}

int Count(const Json& counts, const std::string& key) { return counts.value(key, 0); }

// The mutating log's entries as lines, for failure messages; `mark` (if < size) is where
// a second run began.
std::string LogText(const Json& log, size_t mark = SIZE_MAX) {
  std::string text;
  for (size_t i = 0; i < log.size(); ++i) {
    if (i == mark) text += "  --- the resumed run:\n";
    const Json& e = log[i];
    text += "  " + e.at("op").get<std::string>() + " " + e.at("params").dump() + " -> " +
            std::to_string(e.at("status").get<int>()) +
            (e.at("dropped").get<bool>() ? " (answer dropped: killed here)" : "") + "\n";
  }
  return text.empty() ? "  (none)\n" : text;
}

// "ELBv2.RegisterTargets:dr-jenkins-tg/i-0abc:8080" -> "dr-jenkins-tg".
std::string TargetGroupOf(const std::string& key) {
  size_t start = key.find(':') + 1;
  return key.substr(start, key.find('/', start) - start);
}

// The mutating actions of a run as comparable keys: per resource, except that targets
// (instance ids, task IPs) differ between emulators, so RegisterTargets counts per group.
std::map<std::string, int> Actions(const Json& by_resource) {
  std::map<std::string, int> out;
  for (const auto& [key, count] : by_resource.items()) {
    if (key.rfind(kRegister, 0) == 0) {
      out[std::string(kRegister) + ":" + TargetGroupOf(key) + " (targets)"] += count.get<int>();
    } else {
      out[key] += count.get<int>();
    }
  }
  return out;
}

std::string ActionsText(const std::map<std::string, int>& actions) {
  std::string text;
  for (const auto& [key, count] : actions) text += "  " + key + " x" + std::to_string(count) + "\n";
  return text;
}

class ResilienceTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifndef DRF_CLI_PATH
    GTEST_SKIP() << "the drfailover binary is not part of this build";
#endif
    std::string pattern = ::testing::TempDir() + "drf-resilience-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    dir_ = pattern;
    std::filesystem::create_directory(dir_ + "/home");
  }

  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  static std::vector<std::string> RunArgs(const std::string& report) {
    std::vector<std::string> args;
#ifdef DRF_CLI_PATH
    args.push_back(DRF_CLI_PATH);
#endif
    args.insert(args.end(), {"run", "--no-progress", "--report", report});
    return args;
  }

  // `drfailover run` to completion; its report (null when none was written).
  std::pair<ProcessResult, Json> Run(const EmulatorProcess& emu, const std::string& name) const {
    ProcessResult r =
        RunProcess(RunArgs(Path(name)), EmulatorCliEnv(emu, dir_ + "/home"), seconds(120));
    return {r, ReadReport(name)};
  }

  Json ReadReport(const std::string& name) const {
    std::ifstream in(Path(name));
    if (!in) return Json();
    std::stringstream text;
    text << in.rdbuf();
    return Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  }

  static Json Stats(const EmulatorProcess& emu) {
    auto stats = emu.Stats();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : Json::object();
  }

  static void ExpectFailedOver(const EmulatorProcess& emu, const std::string& context) {
    ProcessResult check = CheckState(emu.endpoint(), "reference-failover");
    EXPECT_EQ(check.exit_code, 0) << context << ": check_state.py --expect reference-failover:\n"
                                  << Describe(check);
  }

  // One crash-and-resume case on a freshly seeded region: the run killed after its k-th mutating
  // call, then a second run. `clean` are the mutating actions of a clean full run.
  void CrashAndResume(const EmulatorProcess& emu, int k, const std::map<std::string, int>& clean) {
    const std::string trace = "k=" + std::to_string(k);
    Env env = EmulatorCliEnv(emu, dir_ + "/home");

    // Held, so the hook is armed with its pid before it makes any call.
    auto child = ChildProcess::Start(RunArgs(Path("crashed.json")), env, /*held=*/true);
    ASSERT_TRUE(child.ok()) << child.status().ToString();
    auto armed = emu.SetConfig({{"kill_after_mutating", {{"k", k}, {"pid", (*child)->pid()}}}});
    ASSERT_TRUE(armed.ok()) << armed.status().ToString();
    ASSERT_EQ(armed->at("kill_after_mutating").at("k"), k) << armed->dump();
    ASSERT_TRUE((*child)->Release().ok());
    ProcessResult crashed = (*child)->Wait(seconds(90));
    // Requests the run had sent when it was killed are still applied, as on AWS; they belong
    // to this run, not to the next.
    Status settled = emu.Settle(seconds(8));
    ASSERT_TRUE(settled.ok()) << trace << ": " << settled.ToString();
    Json at_crash = Stats(emu);
    const Json& crash_log = at_crash.at("mutating_log");
    ASSERT_EQ(crashed.term_signal, SIGKILL)
        << trace << ": the run was to be killed after its mutating call #" << k << "; it made "
        << at_crash.at("mutating") << ":\n"
        << LogText(crash_log) << Describe(crashed);
    std::string killed_after;
    for (const Json& e : crash_log) {
      if (e.at("dropped").get<bool>()) killed_after = e.at("op").get<std::string>();
    }
    EXPECT_FALSE(killed_after.empty()) << trace << ": no dropped answer in\n" << LogText(crash_log);

    auto [resumed, report] = Run(emu, "resumed.json");
    Json after = Stats(emu);
    const Json& log = after.at("mutating_log");
    std::string calls = "\nmutating calls (killed after #" + std::to_string(k) + ", " +
                        killed_after + "):\n" + LogText(log, crash_log.size());
    ASSERT_EQ(resumed.exit_code, 0)
        << trace << ": the resumed run failed" << calls << Describe(resumed);
    ASSERT_TRUE(report.is_object()) << trace << ": no report\n" << Describe(resumed);
    EXPECT_EQ(report.at("status"), "SUCCEEDED") << trace;
    ExpectFailedOver(emu, trace);

    // No completed mutating action repeated, none rejected.
    EXPECT_EQ(Count(after.at("calls"), kPromote), 1)
        << trace << ": PromoteReadReplica must be sent once in all" << calls;
    for (const auto& [key, count] : after.at("mutating_by_resource").items()) {
      EXPECT_EQ(count.get<int>(), 1) << trace << ": " << key << " was sent " << count
                                     << " times; a completed action was repeated" << calls;
    }
    for (const Json& e : log) {
      int status = e.at("status");
      EXPECT_TRUE(status >= 200 && status < 300)
          << trace << ": " << e.at("op") << " was answered " << status << calls;
    }
    // Together, the two runs did exactly what one clean run does.
    EXPECT_EQ(Actions(after.at("mutating_by_resource")), clean)
        << trace << ": both runs together:\n"
        << ActionsText(Actions(after.at("mutating_by_resource"))) << "a clean run:\n"
        << ActionsText(clean);
  }

  std::string dir_;
};

TEST_F(ResilienceTest, CrashAfterEveryMutatingCallThenResumeConverges) {
  const auto start = SteadyClock::now();
  // One emulated region, reseeded for every case: a fresh region in a second or two, where a
  // new emulator process costs several seconds of start-up.
  auto emu = StartRegion(false);
  ASSERT_TRUE(emu.ok()) << emu.status().ToString();

  // N and the clean run's actions.
  std::map<std::string, int> clean;
  int n = 0;
  {
    ASSERT_TRUE((*emu)->ResetStats().ok());
    auto [run, report] = Run(**emu, "clean.json");
    ASSERT_EQ(run.exit_code, 0) << "the clean run failed\n" << Describe(run);
    Json stats = Stats(**emu);
    n = stats.at("mutating");
    clean = Actions(stats.at("mutating_by_resource"));
    ASSERT_GT(n, 0) << stats.dump(2);
    ASSERT_EQ(Count(stats.at("calls"), kPromote), 1) << stats.dump(2);
    std::cout << "[ resilience ] a clean run makes " << n << " mutating calls ("
              << SecondsSince(start) << " s)\n";
  }

  for (int k = 1; k <= n; ++k) {
    const auto case_start = SteadyClock::now();
    Status reseeded = (*emu)->Reseed();
    ASSERT_TRUE(reseeded.ok()) << "k=" << k << ": " << reseeded.ToString();
    CrashAndResume(**emu, k, clean);
    std::cout << "[ resilience ] k=" << k << " of " << n << ": " << SecondsSince(case_start)
              << " s\n";
    if (HasFatalFailure()) break;
  }
  std::cout << "[ resilience ] " << n << " crash cases in " << SecondsSince(start) << " s\n";
}

// Two runs started together: both succeed, one PromoteReadReplica takes effect (the other
// is rejected with InvalidDBInstanceState, or never sent when the loser sees the promotion
// under way), capacity is never set lower than the target, every target is registered.
TEST_F(ResilienceTest, TwoConcurrentRunsConvergeWithOnePromotion) {
  auto emu = StartRegion(/*promotion_trap=*/true);  // AWS's behaviour, trap included
  ASSERT_TRUE(emu.ok()) << emu.status().ToString();
  ASSERT_TRUE((*emu)->ResetStats().ok());
  Env env = EmulatorCliEnv(**emu, dir_ + "/home");

  // Both created held, then released back to back: they start together.
  auto a = ChildProcess::Start(RunArgs(Path("a.json")), env, /*held=*/true);
  auto b = ChildProcess::Start(RunArgs(Path("b.json")), env, /*held=*/true);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_TRUE((*a)->Release().ok());
  ASSERT_TRUE((*b)->Release().ok());
  ProcessResult ra = (*a)->Wait(seconds(120));
  ProcessResult rb = (*b)->Wait(seconds(120));

  Json stats = Stats(**emu);
  const Json& log = stats.at("mutating_log");
  std::string calls = "\nmutating calls:\n" + LogText(log);
  EXPECT_EQ(ra.exit_code, 0) << "run A" << calls << Describe(ra);
  EXPECT_EQ(rb.exit_code, 0) << "run B" << calls << Describe(rb);
  for (const char* name : {"a.json", "b.json"}) {
    Json report = ReadReport(name);
    ASSERT_TRUE(report.is_object()) << name;
    EXPECT_EQ(report.at("status"), "SUCCEEDED") << name << ": " << report.dump(2);
  }
  ExpectFailedOver(**emu, "after two concurrent runs");

  int promotions_applied = 0;
  for (const Json& e : log) {
    const std::string op = e.at("op");
    const Json& p = e.at("params");
    const int status = e.at("status");
    if (op == kPromote) {
      if (status == 200) {
        ++promotions_applied;
      } else {
        EXPECT_EQ(status, 400) << "a second PromoteReadReplica is InvalidDBInstanceState" << calls;
      }
      continue;
    }
    EXPECT_TRUE(status >= 200 && status < 300) << op << " answered " << status << calls;
    // Capacity never set below the target (1/3/1, desired 1), whoever came second.
    auto number = [&](const char* key) {  // absent: not changed by this call
      if (!p.contains(key)) return 1000;
      const Json& v = p.at(key);
      return v.is_string() ? std::stoi(v.get<std::string>()) : v.get<int>();
    };
    if (op == "AutoScaling.UpdateAutoScalingGroup") {
      EXPECT_GE(number("MinSize"), 1) << p.dump();
      EXPECT_GE(number("MaxSize"), 3) << p.dump();
      EXPECT_GE(number("DesiredCapacity"), 1) << p.dump();
    } else if (op == "ECS.UpdateService") {
      EXPECT_GE(number("desiredCount"), 1) << p.dump();
    } else if (!IsStandbyRecord(op)) {
      EXPECT_EQ(op, kRegister) << "an unexpected mutating call" << calls;
    }
  }
  EXPECT_EQ(promotions_applied, 1) << calls;

  // Every target is registered, once (a target group holds a target once; both runs may
  // send it, and RegisterTargets of a registered target changes nothing).
  ProcessResult dump =
      RunProcess({"python3", EmulatorTool("state_dump.py"), "--endpoint", (*emu)->endpoint()},
                 PythonEnv(), seconds(60));
  ASSERT_EQ(dump.exit_code, 0) << Describe(dump);
  Json state = Json::parse(dump.out, nullptr, false);
  ASSERT_TRUE(state.is_object()) << dump.out;
  for (const auto& [name, tg] : state.at("target_groups").items()) {
    EXPECT_EQ(tg.at("targets").size(), 1u) << name << ": " << tg.dump();
  }
  for (const auto& [name, asg] : state.at("asgs").items()) {
    EXPECT_EQ(asg.at("desired"), 1) << name;
    EXPECT_EQ(asg.at("instances").size(), 1u) << name << ": " << asg.dump();
  }
  for (const auto& [name, service] : state.at("services").items()) {
    EXPECT_EQ(service.at("desired"), 1) << name;
  }
  std::map<std::string, int> sent;
  for (const auto& [key, count] : stats.at("mutating_by_resource").items()) {
    if (key.rfind(kRegister, 0) == 0) sent[key] = count.get<int>();
  }
  for (const auto& [key, count] : sent) {
    EXPECT_LE(count, 2) << key << ": more RegisterTargets than runs";
  }
  std::cout << "[ resilience ] PromoteReadReplica sent " << Count(stats.at("calls"), kPromote)
            << ", applied " << promotions_applied << "; mutating calls " << stats.at("mutating")
            << "\n";
}

}  // namespace
}  // namespace drf
