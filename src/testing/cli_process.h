// Child processes for the tests that run built programs (the `drfailover` CLI, python3
// tools): an explicit environment, stdin from /dev/null, stdout and stderr collected, and
// every wait bounded (no fixed sleeps). Shared by tests/integration/failover_e2e_test.cc and
// tests/integration/resilience_test.cc.
//
// A child can be started "held": it exists (so its pid can be handed to someone, e.g. the
// emulator's crash hook) but runs nothing of the program until Release().
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "core/status.h"

namespace drf {

class EmulatorProcess;

using Env = std::map<std::string, std::string>;

// Dummy credentials given to drfailover children. The secret must never be printed.
inline constexpr char kCliTestAccessKeyId[] = "AKIAE2ETESTKEY7Q4W2Z";
inline constexpr char kCliTestSecretAccessKey[] = "e2eSecretKey/DoNotPrint+9f3Kq7Zx";

struct ProcessResult {
  int exit_code = -1;      // -1: it did not exit by itself (killed by a signal, or not started)
  int term_signal = 0;     // the signal that ended it, 0 if it exited
  bool timed_out = false;  // the bound passed: the child was killed (SIGKILL)
  std::string out;
  std::string err;
};

// "exit code N" / "killed by signal S", then stdout and stderr: for failure messages.
std::string Describe(const ProcessResult& r);

class ChildProcess {
 public:
  // Starts argv (argv[0] looked up on env's PATH when it has no '/') with exactly `env`.
  // When `held`, the program is not executed until Release().
  static Result<std::unique_ptr<ChildProcess>> Start(const std::vector<std::string>& argv,
                                                     const Env& env, bool held = false);
  // Kills the child (SIGKILL) if it still runs, and reaps it.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& program() const { return program_; }

  // Lets a held child execute its program. An error if the program could not be executed
  // (the child then exits 127).
  Status Release();

  // Waits until the child exits and its output is collected, at most `timeout`; past that
  // it is killed (SIGKILL) and the result says timed_out. Call once.
  ProcessResult Wait(std::chrono::milliseconds timeout);

 private:
  ChildProcess() = default;
  void Drain(int out_fd, int err_fd, int wake_fd);  // the reader thread

  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string program_;
  int gate_fd_ = -1;       // write end of a held child's gate pipe
  int exec_err_fd_ = -1;   // read end: the child's errno if execve failed, EOF if it ran
  int wake_fd_ = -1;       // write end: stops the reader thread
  int wake_read_fd_ = -1;  // its read end, polled by the reader
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable drained_cv_;
  bool drained_ = false;  // guarded by mu_: both output pipes reached EOF
  std::string out_;       // guarded by mu_
  std::string err_;       // guarded by mu_
};

// Runs argv to completion (bounded by `timeout`, then killed): Start + Wait. A start
// failure is a result with exit_code -1 and the reason in `err`.
ProcessResult RunProcess(const std::vector<std::string>& argv, const Env& env,
                         std::chrono::milliseconds timeout);

// --- environments ---------------------------------------------------------------------------

// PATH and what python3 needs to find its packages (pyenv, virtualenvs, HOME's user site),
// with the AWS configuration files disabled.
Env PythonEnv();

// A drfailover child's environment, isolated from the developer's AWS set-up: PATH, HOME
// = `home`, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE = /dev/null,
// AWS_EC2_METADATA_DISABLED, the dummy credentials above, AWS_REGION us-east-1.
Env IsolatedCliEnv(const std::string& home);

// IsolatedCliEnv pointed at the emulator (AWS_ENDPOINT_URL) with the original Lambda's
// variables for its seeded deployment (resources().env).
Env EmulatorCliEnv(const EmulatorProcess& emulator, const std::string& home);

// --- tools ------------------------------------------------------------------------------------

// ${DRF_SOURCE_DIR}/tools/emulator/<script>.
std::string EmulatorTool(const std::string& script);

// python3 tools/emulator/check_state.py --endpoint <endpoint> --expect <expectation>.
ProcessResult CheckState(const std::string& endpoint, const std::string& expectation);

}  // namespace drf
