// CommandRunner: the one interface through which drfailover starts a local program (a
// plan's run_command hook). The real implementation is posix/posix_command; tests use a
// fake.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace drf {

struct CommandRequest {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH when it has no '/'
  // Added to (or replacing in) the environment the program inherits.
  std::vector<std::pair<std::string, std::string>> env;
  MonoTime deadline;                    // Clock::Monotonic() time: the program is killed then
  const CancelToken* cancel = nullptr;  // optional: cancelled, the program is killed
  size_t max_output = 16 * 1024;        // per stream: the last this many bytes are kept
};

struct CommandResult {
  int exit_code = -1;                     // -1 when it did not exit by itself
  int term_signal = 0;                    // the signal that ended it, 0 when it exited
  bool timed_out = false;                 // killed at the deadline
  bool cancelled = false;                 // killed because the run was cancelled
  std::string out, err;                   // their last max_output bytes each
  bool out_cut = false, err_cut = false;  // earlier bytes were dropped
  Duration elapsed{0};
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  // Runs the program to its end, its deadline or a cancel (then it and its process group
  // get SIGTERM, and SIGKILL a few seconds later). NotFound when the program does not
  // exist or cannot be executed; the program's own failure is a CommandResult.
  // Thread-safe.
  virtual Result<CommandResult> Run(const CommandRequest& request) = 0;
};

}  // namespace drf
