// ScriptServer: runs a helper server script (tools/testing/*.py) for a test and stops it.
// The script must print "<port> <pid>" as its first stdout line once it listens on
// 127.0.0.1, and should exit by itself when its parent goes away.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "core/result.h"

namespace drf {

class ScriptServer {
 public:
  // Starts `command` through the shell (prefix it with `exec` so the pid printed is the
  // one we stop). InvalidArgument with the script's output when it does not report a port.
  static Result<std::unique_ptr<ScriptServer>> Start(const std::string& command);
  ~ScriptServer();  // SIGTERM to the reported pid, then waits for it
  ScriptServer(const ScriptServer&) = delete;
  ScriptServer& operator=(const ScriptServer&) = delete;

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // The path of a file under the source tree, e.g. "tools/testing/http_test_server.py".
  static std::string SourcePath(const std::string& relative);

 private:
  ScriptServer(FILE* pipe, int port, int pid) : pipe_(pipe), port_(port), pid_(pid) {}

  FILE* pipe_;
  int port_;
  int pid_;
};

}  // namespace drf
