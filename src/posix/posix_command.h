// PosixCommandRunner: CommandRunner with posix_spawn, pipes and poll. The program runs in
// its own process group, so a timeout or cancel also ends what it started.
#pragma once

#include <string>

#include "core/command.h"

namespace drf {

// Where `program` would be run from: itself when it has a '/', else the first executable
// of that name on PATH; "" when there is none (or it may not be executed).
std::string FindProgram(const std::string& program);

class PosixCommandRunner final : public CommandRunner {
 public:
  // `clock` (Monotonic) measures the deadline; it must outlive the runner.
  explicit PosixCommandRunner(Clock& clock) : clock_(clock) {}
  Result<CommandResult> Run(const CommandRequest& request) override;

 private:
  Clock& clock_;
};

}  // namespace drf
