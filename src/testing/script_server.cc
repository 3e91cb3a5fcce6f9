#include "testing/script_server.h"

#include <signal.h>
#include <sys/types.h>

#include <cstdio>

namespace drf {

Result<std::unique_ptr<ScriptServer>> ScriptServer::Start(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return Status::InvalidArgument("cannot run: " + command);
  char line[256] = {};
  int port = 0;
  int pid = 0;
  if (std::fgets(line, sizeof(line), pipe) == nullptr ||
      std::sscanf(line, "%d %d", &port, &pid) != 2 || port <= 0 || pid <= 0) {
    ::pclose(pipe);
    return Status::InvalidArgument("server script did not report \"<port> <pid>\": " + command +
                                   " printed: " + line);
  }
  return std::unique_ptr<ScriptServer>(new ScriptServer(pipe, port, pid));
}

ScriptServer::~ScriptServer() {
  ::kill(static_cast<pid_t>(pid_), SIGTERM);
  ::pclose(pipe_);  // waits for the shell-exec'd script, now gone
}

std::string ScriptServer::SourcePath(const std::string& relative) {
#ifdef DRF_SOURCE_DIR
  return std::string(DRF_SOURCE_DIR) + "/" + relative;
#else
  return relative;
#endif
}

}  // namespace drf
