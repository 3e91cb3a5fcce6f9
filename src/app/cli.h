// The drfailover command line: a table of verbs (run, plan, whoami), like ninja's tool
// table. RunCli is main() without the process: tests call it with fakes.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/environment.h"
#include "core/http.h"

namespace drf {

struct CliIo {
  const Environment& env;
  HttpClient& http;
  Clock& clock;
  CancelToken& cancel;   // cancelled on SIGINT/SIGTERM by the caller
  std::FILE* out;        // results: summary table, report JSON, whoami
  std::FILE* err;        // logs, live progress, error messages
  bool err_is_terminal;  // live progress as a redrawn status line
};

// Parses `args` (without the program name) and runs the verb. Returns the exit code
// (app/exit_codes.h).
int RunCli(const std::vector<std::string>& args, CliIo& io);

}  // namespace drf
