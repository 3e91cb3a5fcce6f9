#include "testing/emulator.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "testing/close_fd.h"

extern char** environ;

namespace drf {
namespace {

constexpr char kReadyPrefix[] = "EMULATOR READY ";
constexpr char kSetupHint[] =
    "is the emulated region installed? Run scripts/setup.sh (python3 with moto[server] and "
    "boto3), or try: python3 tools/emulator/emulator.py --seed reference";

std::string SourceDir() {
#ifdef DRF_SOURCE_DIR
  return DRF_SOURCE_DIR;
#else
  return ".";
#endif
}

std::string Number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::vector<std::string> CommandLine(const EmulatorOptions& options) {
  std::vector<std::string> argv = {options.python,
                                   SourceDir() + "/tools/emulator/emulator.py",
                                   "--promotion-seconds",
                                   Number(options.promotion_seconds),
                                   "--instance-start-seconds",
                                   Number(options.instance_start_seconds),
                                   "--task-start-seconds",
                                   Number(options.task_start_seconds)};
  if (options.seed_reference) {
    argv.push_back("--seed");
    argv.push_back("reference");
  }
  argv.push_back("--fidelity");
  argv.push_back(options.fidelity);
  if (!options.stuck_services.empty()) {
    argv.push_back("--stuck-services");
    argv.push_back(StuckServicesJson(options.stuck_services).dump());
  }
  if (!options.stuck_asgs.empty()) {
    argv.push_back("--stuck-asgs");
    argv.push_back(StuckAsgsJson(options.stuck_asgs).dump());
  }
  if (!options.warm_services.empty()) {
    argv.push_back("--warm-services");
    argv.push_back(nlohmann::json(options.warm_services).dump());
  }
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  return argv;
}

std::string Tail(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  return text;
}

// Waits for `pid` to exit for up to `bound`; true when it was reaped.
bool WaitExit(pid_t pid, std::chrono::milliseconds bound) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (true) {
    pid_t r = ::waitpid(pid, nullptr, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Spawns argv with stdin/stdout on fresh pipes and stderr appended to `stderr_path`.
Status Spawn(const std::vector<std::string>& args, const std::string& stderr_path, pid_t* pid,
             int* stdin_fd, int* stdout_fd) {
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return Status::Internal("pipe: " + std::string(strerror(errno)));
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    return Status::Internal("pipe: " + std::string(strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_APPEND, 0);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int rc = ::posix_spawnp(pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    return Status::InvalidArgument("cannot start " + args[0] + ": " + strerror(rc));
  }
  *stdin_fd = in[1];
  *stdout_fd = out[0];
  return Status::Ok();
}

// Reads stdout until the READY line; other lines are kept for the error message.
Result<std::string> ReadReadyLine(int fd, std::chrono::milliseconds bound) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  std::string buffer;
  while (true) {
    size_t newline;
    while ((newline = buffer.find('\n')) != std::string::npos) {
      std::string line = buffer.substr(0, newline);
      buffer.erase(0, newline + 1);
      if (line.rfind(kReadyPrefix, 0) == 0) return line.substr(sizeof(kReadyPrefix) - 1);
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return Status::TimedOut("no READY line after " + std::to_string(bound.count()) + " ms");
    }
    pollfd p{fd, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::min<long>(left.count(), 1000)));
    if (n < 0 && errno != EINTR) return Status::Internal("poll: " + std::string(strerror(errno)));
    if (n <= 0) continue;
    char chunk[4096];
    ssize_t got = ::read(fd, chunk, sizeof(chunk));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return Status::InvalidArgument("emulator exited before READY");
    buffer.append(chunk, static_cast<size_t>(got));
  }
}

// A minimal HTTP/1.1 exchange with a 127.0.0.1 endpoint ("http://127.0.0.1:<port>").
// Test-only: the control endpoints are loopback, tiny and answered with Connection: close.
Result<std::string> LoopbackHttp(const std::string& endpoint, const std::string& method,
                                 const std::string& path, const std::string& body) {
  auto colon = endpoint.rfind(':');
  if (endpoint.rfind("http://127.0.0.1:", 0) != 0 || colon == std::string::npos) {
    return Status::InvalidArgument("not a loopback endpoint: " + endpoint);
  }
  int port = std::atoi(endpoint.c_str() + colon + 1);
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Transport("socket: " + std::string(strerror(errno)));
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string request =
      method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
      "\r\nContent-Type: application/json\r\n" + "Content-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
    char chunk[4096];
    ssize_t got;
    while ((got = ::recv(fd, chunk, sizeof(chunk), 0)) > 0) {
      reply.append(chunk, static_cast<size_t>(got));
    }
  }
  ::close(fd);
  auto split = reply.find("\r\n\r\n");
  if (reply.rfind("HTTP/1.1 ", 0) != 0 || split == std::string::npos) {
    return Status::Transport(method + " " + endpoint + path + ": no HTTP response");
  }
  std::string status = reply.substr(9, 3);
  std::string payload = reply.substr(split + 4);
  if (status != "200") {
    return Status::Rejected(method + " " + path + ": HTTP " + status + " " + payload);
  }
  return payload;
}

// A status with `status`'s code and a new message.
Status SameCode(const Status& status, std::string message) {
  switch (status.code()) {
    case StatusCode::kTimedOut:
      return Status::TimedOut(std::move(message));
    case StatusCode::kInternal:
      return Status::Internal(std::move(message));
    default:
      return Status::InvalidArgument(std::move(message));
  }
}

}  // namespace

nlohmann::json StuckServicesJson(const std::map<std::string, EmulatorStuckService>& services) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, s] : services) {
    out[name] = {{"reason", s.reason},
                 {"running", s.running},
                 {"exit_code", s.exit_code ? nlohmann::json(*s.exit_code) : nlohmann::json()}};
  }
  return out;
}

nlohmann::json StuckAsgsJson(const std::map<std::string, EmulatorStuckAsg>& groups) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, g] : groups)
    out[name] = {{"reason", g.reason}, {"in_service", g.in_service}};
  return out;
}

Result<std::unique_ptr<EmulatorProcess>> EmulatorProcess::Start(const EmulatorOptions& options) {
  std::unique_ptr<EmulatorProcess> emu(new EmulatorProcess());
  char path[] = "/tmp/drf-emulator-stderr-XXXXXX";
  int err_fd = ::mkstemp(path);
  if (err_fd < 0) return Status::Internal("mkstemp: " + std::string(strerror(errno)));
  ::close(err_fd);
  emu->stderr_path_ = path;
  auto args = CommandLine(options);
  DRF_RETURN_IF_ERROR(
      Spawn(args, emu->stderr_path_, &emu->pid_, &emu->stdin_fd_, &emu->stdout_fd_));

  auto bound = std::chrono::milliseconds(static_cast<long>(options.ready_timeout_seconds * 1000));
  Result<std::string> line = ReadReadyLine(emu->stdout_fd_, bound);
  Status status = line.ok() ? Status::Ok() : line.status();
  if (line.ok()) {
    try {
      emu->ready_ = nlohmann::json::parse(*line);
      emu->endpoint_ = emu->ready_.at("endpoint").get<std::string>();
      emu->moto_endpoint_ = emu->ready_.at("moto_endpoint").get<std::string>();
      emu->region_ = emu->ready_.at("region").get<std::string>();
      emu->resources_ = emu->ready_.value("resources", nlohmann::json::object());
    } catch (const nlohmann::json::exception& e) {
      status = Status::Internal(std::string("bad READY line: ") + e.what() + ": " + *line);
    }
  }
  if (status.ok()) return emu;
  std::string command;
  for (const auto& a : args) command += (command.empty() ? "" : " ") + a;
  emu->Stop();  // the process has exited (and flushed its stderr) before we read the tail
  return SameCode(status, "emulator did not start: " + status.message() +
                              "\n  command: " + command + "\n  hint: " + kSetupHint +
                              "\n  stderr: " + Tail(emu->stderr_path_, 3000));
}

void EmulatorProcess::Stop() {
  CloseFd(stdin_fd_);  // EOF on stdin asks the emulator to exit
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (!WaitExit(pid_, std::chrono::seconds(10))) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }
  CloseFd(stdout_fd_);
}

EmulatorProcess::~EmulatorProcess() {
  Stop();
  if (!stderr_path_.empty()) ::unlink(stderr_path_.c_str());
}

Result<std::string> EmulatorProcess::Call(const std::string& method, const std::string& path,
                                          const std::string& body) const {
  return LoopbackHttp(endpoint_, method, path, body);
}

Result<nlohmann::json> EmulatorProcess::Stats() const {
  DRF_ASSIGN_OR_RETURN(std::string body, Call("GET", "/_emulator/stats", ""));
  auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::Internal("bad stats JSON: " + body);
  return doc;
}

Status EmulatorProcess::ResetStats() const {
  auto reply = Call("POST", "/_emulator/reset-stats", "");
  return reply.ok() ? Status::Ok() : reply.status();
}

Status EmulatorProcess::Settle(std::chrono::seconds timeout) const {
  const nlohmann::json request = {{"timeout_seconds", timeout.count()}};
  auto reply = Call("POST", "/_emulator/settle", request.dump());
  return reply.ok() ? Status::Ok() : reply.status();
}

Status EmulatorProcess::Reseed() {
  DRF_ASSIGN_OR_RETURN(std::string body, Call("POST", "/_emulator/reseed", "{}"));
  auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.contains("resources")) {
    return Status::Internal("bad reseed reply: " + body);
  }
  resources_ = doc["resources"];
  ready_["resources"] = resources_;
  return Status::Ok();
}

Result<nlohmann::json> EmulatorProcess::SetConfig(const nlohmann::json& settings) const {
  DRF_ASSIGN_OR_RETURN(std::string body, Call("POST", "/_emulator/config", settings.dump()));
  auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::Internal("bad config JSON: " + body);
  return doc;
}

Result<nlohmann::json> EmulatorProcess::SetStuckServices(
    const std::map<std::string, EmulatorStuckService>& services) const {
  return SetConfig({{"stuck_services", StuckServicesJson(services)}});
}

Status EmulatorProcess::WarmServices(const std::map<std::string, int>& services) const {
  auto reply = Call("POST", "/_emulator/warm", nlohmann::json(services).dump());
  return reply.ok() ? Status::Ok() : reply.status();
}

Result<nlohmann::json> EmulatorProcess::SetStuckAsgs(
    const std::map<std::string, EmulatorStuckAsg>& groups) const {
  return SetConfig({{"stuck_asgs", StuckAsgsJson(groups)}});
}

void SuiteEmulator::Start(const EmulatorOptions& options,
                          const std::function<Status(EmulatorProcess&)>& prepare) {
  error_.clear();
  Result<std::unique_ptr<EmulatorProcess>> started = EmulatorProcess::Start(options);
  if (!started.ok()) {
    error_ = started.status().ToString();
    return;
  }
  emulator_ = std::move(started).value();
  if (!prepare) return;
  if (Status prepared = prepare(*emulator_); !prepared.ok()) error_ = prepared.ToString();
}

}  // namespace drf
