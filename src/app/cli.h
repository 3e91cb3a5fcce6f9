// The drfailover command line: a table of verbs (run, plan, whoami), like ninja's tool
// table. RunCli is main() without the process: tests call it with fakes.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "app/effects.h"
#include "core/clock.h"

namespace drf {

// Where the command line writes. Not owned.
struct Console {
  std::FILE* out;        // results: summary table, report JSON, whoami
  std::FILE* err;        // logs, live progress, error messages
  bool err_is_terminal;  // live progress as a redrawn status line
};

// Parses `args` (without the program name) and runs the verb. `cancel` is cancelled on
// SIGINT/SIGTERM by the caller. Returns the exit code (app/exit_codes.h).
int RunCli(const std::vector<std::string>& args, const Effects& effects, CancelToken& cancel,
           const Console& console);

}  // namespace drf
