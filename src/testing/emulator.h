// EmulatorProcess: runs the local emulated DR region (tools/emulator/emulator.py: moto
// behind a realism proxy) for a test, and stops it. See tools/emulator/README.md.
//
// The emulator prints `EMULATOR READY {json}` when it serves; it exits when its stdin
// reaches EOF (so it never outlives this object's process for long) or on SIGTERM.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace drf {

// An ECS service that never reaches its desired count (--stuck-services; README "Stuck
// services"): at most `running` of its tasks stay RUNNING, every other task it starts stops
// `task_start_seconds` later with stoppedReason `reason`, and the scheduler retries with a
// back-off.
struct EmulatorStuckService {
  std::string reason;  // e.g. "CannotPullContainerError: pull image manifest has been ..."
  int running = 0;     // how many of its tasks do stay RUNNING
  // Unset: the tasks fail to start (stopCode TaskFailedToStart, the containers' `reason` is
  // `reason`, no exitCode). Set: the essential container exited with it (stopCode
  // EssentialContainerExited, the containers' exitCode).
  std::optional<int> exit_code;
};

// An Auto Scaling group whose instances never become InService (--stuck-asgs): only the
// first `in_service` of them (in the order the emulator first saw them) leave Pending; the
// launch activity of each other one (DescribeScalingActivities, realistic) stays InProgress
// with StatusMessage `reason`.
struct EmulatorStuckAsg {
  std::string reason;  // e.g. "Instance failed to complete user's Lifecycle Action: ..."
  int in_service = 0;
};

struct EmulatorOptions {
  bool seed_reference = false;        // --seed reference: the pilot-light deployment
  double promotion_seconds = 3;       // PromoteReadReplica until the source is gone
  double instance_start_seconds = 2;  // ASG instances Pending before InService
  double task_start_seconds = 1;      // ECS tasks PENDING before RUNNING
  // --fidelity: "realistic" (runningCount/pendingCount and service events from the tasks the
  // scheduler started) or "raw" (moto's own bookkeeping where AWS guarantees nothing either:
  // runningCount = desiredCount from UpdateService on, no events). README "Fidelity".
  std::string fidelity = "realistic";
  // --stuck-services: "<cluster>/<service>" (e.g. "dr/kafka") -> the fault.
  std::map<std::string, EmulatorStuckService> stuck_services;
  // --stuck-asgs: Auto Scaling group name (e.g. "dr-jenkins") -> the fault.
  std::map<std::string, EmulatorStuckAsg> stuck_asgs;
  // --warm-services: "<cluster>/<service>" -> the desiredCount it already has before the
  // failover (applied after seeding, again after a reseed): its tasks long RUNNING, or with
  // a stuck service already failed. The service must exist (seed_reference).
  std::map<std::string, int> warm_services;
  std::vector<std::string> extra_args;  // appended to the command line as given
  double ready_timeout_seconds = 60;    // bound on the wait for the READY line
  std::string python = "python3";       // interpreter, looked up on PATH
};

// The JSON of --stuck-services and of POST /_emulator/config's "stuck_services".
nlohmann::json StuckServicesJson(const std::map<std::string, EmulatorStuckService>& services);
// The JSON of --stuck-asgs and of POST /_emulator/config's "stuck_asgs".
nlohmann::json StuckAsgsJson(const std::map<std::string, EmulatorStuckAsg>& groups);

class EmulatorProcess {
 public:
  // Spawns the emulator and waits for its READY line. On failure (no python, moto
  // missing, bad arguments, timeout) the process is stopped and the Status message holds
  // the emulator's stderr tail and a hint to run scripts/setup.sh.
  static Result<std::unique_ptr<EmulatorProcess>> Start(const EmulatorOptions& options = {});
  // Closes the emulator's stdin, sends SIGTERM, waits up to 10 s, then SIGKILL.
  ~EmulatorProcess();
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  // The proxy, e.g. "http://127.0.0.1:40123": point clients here.
  const std::string& endpoint() const { return endpoint_; }
  // moto itself, bypassing the proxy (no realism, no stats): for setup and inspection.
  const std::string& moto_endpoint() const { return moto_endpoint_; }
  const std::string& region() const { return region_; }
  // The seeded resources (empty object without seed_reference); keys in the README.
  const nlohmann::json& resources() const { return resources_; }
  // The whole READY document.
  const nlohmann::json& ready() const { return ready_; }
  pid_t pid() const { return pid_; }  // -1 once stopped

  // GET /_emulator/stats: {"calls": {"RDS.PromoteReadReplica": 1, ...}, "mutating": N}.
  Result<nlohmann::json> Stats() const;
  // POST /_emulator/reset-stats.
  Status ResetStats() const;
  // POST /_emulator/settle: waits (at most `timeout`, under 10 s) until no connection is open
  // but this call's, so every request a killed client had already sent has been applied and
  // counted; an error naming the connections still open after `timeout`.
  Status Settle(std::chrono::seconds timeout) const;
  // POST /_emulator/reseed: moto reset and seeded again (new ARNs, no promotion under way, no
  // instance or task timers), empty stats; the settings stay. A fresh region in a second or
  // two instead of a new process; resources() then describes the new one.
  Status Reseed();
  // POST /_emulator/config, e.g. {"promotion_seconds": 1} or {"fidelity": "raw"}; returns the
  // settings now in use.
  Result<nlohmann::json> SetConfig(const nlohmann::json& settings) const;
  // POST /_emulator/config {"stuck_services": ...}: replaces the whole set (empty: none).
  Result<nlohmann::json> SetStuckServices(
      const std::map<std::string, EmulatorStuckService>& services) const;
  // POST /_emulator/warm: these services at these desiredCounts now, as warm_services does
  // at start (moto directly: not counted in the stats).
  Status WarmServices(const std::map<std::string, int>& services) const;
  // POST /_emulator/config {"stuck_asgs": ...}: replaces the whole set (empty: none).
  Result<nlohmann::json> SetStuckAsgs(const std::map<std::string, EmulatorStuckAsg>& groups) const;

 private:
  EmulatorProcess() = default;
  void Stop();  // idempotent; see the destructor
  Result<std::string> Call(const std::string& method, const std::string& path,
                           const std::string& body) const;

  pid_t pid_ = -1;
  int stdin_fd_ = -1;        // write end of the emulator's stdin; closing it stops the emulator
  int stdout_fd_ = -1;       // read end of its stdout (nothing is written after READY)
  std::string stderr_path_;  // temporary file holding the emulator's stderr
  std::string endpoint_;
  std::string moto_endpoint_;
  std::string region_;
  nlohmann::json ready_;
  nlohmann::json resources_;
};

// One emulator for a GoogleTest suite, because starting one takes seconds: Start in
// SetUpTestSuite, Stop in TearDownTestSuite, and in each test's SetUp
//   ASSERT_TRUE(emulator_.ready()) << emulator_.error();
// then use it as `emulator_->endpoint()`.
class SuiteEmulator {
 public:
  // Starts the emulator, then runs `prepare` on it (extra seeding); the error of either is
  // kept for the tests to report.
  void Start(const EmulatorOptions& options = {},
             const std::function<Status(EmulatorProcess&)>& prepare = nullptr);
  void Stop() { emulator_.reset(); }

  bool ready() const { return emulator_ != nullptr && error_.empty(); }
  const std::string& error() const { return error_; }
  EmulatorProcess* operator->() const { return emulator_.get(); }

 private:
  std::unique_ptr<EmulatorProcess> emulator_;
  std::string error_;
};

}  // namespace drf
