#include "testing/cli_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "testing/close_fd.h"
#include "testing/emulator.h"

namespace drf {
namespace {

// argv[0] as execve needs it: unchanged when it has a '/', else the first executable of
// that name on `path` ("" when none).
std::string ResolveProgram(const std::string& name, const std::string& path) {
  if (name.find('/') != std::string::npos) return name;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

// Reads a failed child's errno from the exec-error pipe; 0 when the pipe closed empty
// (execve succeeded and closed it).
int ReadExecErrno(int fd) {
  int child_errno = 0;
  ssize_t got;
  do {
    got = ::read(fd, &child_errno, sizeof(child_errno));
  } while (got < 0 && errno == EINTR);
  return got == static_cast<ssize_t>(sizeof(child_errno)) ? child_errno : 0;
}

}  // namespace

std::string Describe(const ProcessResult& r) {
  std::string text = r.term_signal != 0 ? "killed by signal " + std::to_string(r.term_signal) +
                                              " (" + ::strsignal(r.term_signal) + ")"
                                        : "exit code " + std::to_string(r.exit_code);
  if (r.timed_out) text += " (timed out, killed)";
  return text + "\n--- stdout:\n" + r.out + "\n--- stderr:\n" + r.err;
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::Start(const std::vector<std::string>& argv,
                                                          const Env& env, bool held) {
  if (argv.empty()) return Status::InvalidArgument("no program to start");
  auto env_path = env.find("PATH");
  std::string program =
      ResolveProgram(argv[0], env_path == env.end() ? "/usr/bin:/bin" : env_path->second);
  if (program.empty()) return Status::NotFound(argv[0] + " not found on the child's PATH");

  // Everything the child needs is prepared before fork(): after it, only async-signal-safe
  // calls (the test process has threads).
  std::vector<std::string> env_strings;
  for (const auto& [key, value] : env) env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);

  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  int gate[2] = {-1, -1};
  int exec_err[2] = {-1, -1};
  int wake[2] = {-1, -1};
  int dev_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  auto close_all = [&] {
    for (int* fds : {out_pipe, err_pipe, gate, exec_err, wake}) {
      CloseFd(fds[0]);
      CloseFd(fds[1]);
    }
    CloseFd(dev_null);
  };
  if (dev_null < 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(exec_err, O_CLOEXEC) != 0 || ::pipe2(wake, O_CLOEXEC) != 0 ||
      (held && ::pipe2(gate, O_CLOEXEC) != 0)) {
    Status error = Status::Internal(std::string("pipes for a child: ") + std::strerror(errno));
    close_all();
    return error;
  }

  pid_t pid = ::fork();
  if (pid < 0) {
    Status error = Status::Internal(std::string("fork: ") + std::strerror(errno));
    close_all();
    return error;
  }
  if (pid == 0) {
    // The child: stdio, wait at the gate, exec. Async-signal-safe calls only.
    if (::dup2(dev_null, 0) < 0 || ::dup2(out_pipe[1], 1) < 0 || ::dup2(err_pipe[1], 2) < 0) {
      int e = errno;
      (void)!::write(exec_err[1], &e, sizeof(e));
      ::_exit(127);
    }
    if (held) {
      char go = 0;
      ssize_t got;
      do {
        got = ::read(gate[0], &go, 1);
      } while (got < 0 && errno == EINTR);
      if (got != 1) ::_exit(126);  // the parent gave up on this child
    }
    ::execve(program.c_str(), argp.data(), envp.data());
    int e = errno;
    (void)!::write(exec_err[1], &e, sizeof(e));
    ::_exit(127);
  }

  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->pid_ = pid;
  child->program_ = program;
  CloseFd(out_pipe[1]);
  CloseFd(err_pipe[1]);
  CloseFd(exec_err[1]);
  CloseFd(gate[0]);
  CloseFd(dev_null);
  child->gate_fd_ = gate[1];
  child->exec_err_fd_ = exec_err[0];
  child->wake_fd_ = wake[1];
  child->wake_read_fd_ = wake[0];
  int out_fd = out_pipe[0];
  int err_fd = err_pipe[0];
  int wake_fd = wake[0];
  child->reader_ = std::thread(
      [c = child.get(), out_fd, err_fd, wake_fd] { c->Drain(out_fd, err_fd, wake_fd); });
  if (!held) {
    Status started = child->Release();
    if (!started.ok()) return started;
  }
  return child;
}

Status ChildProcess::Release() {
  if (gate_fd_ >= 0) {
    char go = 1;
    ssize_t wrote;
    do {
      wrote = ::write(gate_fd_, &go, 1);
    } while (wrote < 0 && errno == EINTR);
    CloseFd(gate_fd_);
    if (wrote != 1)
      return Status::Internal(std::string("releasing a child: ") + std::strerror(errno));
  }
  if (exec_err_fd_ >= 0) {
    int child_errno = ReadExecErrno(exec_err_fd_);  // returns once execve ran or failed
    CloseFd(exec_err_fd_);
    if (child_errno != 0) {
      return Status::Internal("cannot execute " + program_ + ": " + std::strerror(child_errno));
    }
  }
  return Status::Ok();
}

void ChildProcess::Drain(int out_fd, int err_fd, int wake_fd) {
  pollfd fds[3] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    // Returns at EOF too (a dead child closes both pipes), or when woken: the child was
    // killed but something it started may still hold the pipes.
    int n = ::poll(fds, 3, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || fds[2].revents != 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char chunk[8192];
      ssize_t got = ::read(fds[i].fd, chunk, sizeof(chunk));
      if (got > 0) {
        std::lock_guard<std::mutex> lock(mu_);
        (i == 0 ? out_ : err_).append(chunk, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (int i = 0; i < 2; ++i) {  // the wake pipe is closed by its owner, after join()
    if (fds[i].fd >= 0) ::close(fds[i].fd);
  }
  std::lock_guard<std::mutex> lock(mu_);
  drained_ = true;
  drained_cv_.notify_all();
}

ProcessResult ChildProcess::Wait(std::chrono::milliseconds timeout) {
  ProcessResult result;
  if (reaped_) {
    result.err = "(already waited for)";
    return result;
  }
  if (gate_fd_ >= 0) CloseFd(gate_fd_);  // a held child never released: it exits 126
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!drained_cv_.wait_for(lock, timeout, [this] { return drained_; })) {
      result.timed_out = true;
      ::kill(pid_, SIGKILL);
    }
  }
  if (result.timed_out) {
    char wake = 1;
    (void)!::write(wake_fd_, &wake, 1);
  }
  if (reader_.joinable()) reader_.join();
  CloseFd(wake_fd_);
  CloseFd(wake_read_fd_);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  CloseFd(exec_err_fd_);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  std::lock_guard<std::mutex> lock(mu_);
  result.out = out_;
  result.err = err_;
  return result;
}

ChildProcess::~ChildProcess() {
  CloseFd(gate_fd_);
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  if (wake_fd_ >= 0) {
    char wake = 1;
    (void)!::write(wake_fd_, &wake, 1);
  }
  if (reader_.joinable()) reader_.join();
  CloseFd(wake_fd_);
  CloseFd(wake_read_fd_);
  CloseFd(exec_err_fd_);
}

ProcessResult RunProcess(const std::vector<std::string>& argv, const Env& env,
                         std::chrono::milliseconds timeout) {
  auto child = ChildProcess::Start(argv, env);
  if (!child.ok()) {
    ProcessResult failed;
    failed.err = "cannot start " + (argv.empty() ? std::string("?") : argv[0]) + ": " +
                 child.status().ToString();
    return failed;
  }
  return (*child)->Wait(timeout);
}

Env PythonEnv() {
  Env env;
  for (const char* name :
       {"PATH", "HOME", "PYENV_ROOT", "PYENV_VERSION", "VIRTUAL_ENV", "PYTHONPATH"}) {
    if (const char* value = std::getenv(name)) env[name] = value;
  }
  env["AWS_CONFIG_FILE"] = "/dev/null";
  env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
  env["AWS_EC2_METADATA_DISABLED"] = "true";
  return env;
}

Env IsolatedCliEnv(const std::string& home) {
  Env env;
  env["PATH"] = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "/usr/bin:/bin";
  env["HOME"] = home;
  env["AWS_CONFIG_FILE"] = "/dev/null";
  env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
  env["AWS_EC2_METADATA_DISABLED"] = "true";
  env["AWS_ACCESS_KEY_ID"] = kCliTestAccessKeyId;
  env["AWS_SECRET_ACCESS_KEY"] = kCliTestSecretAccessKey;
  env["AWS_REGION"] = "us-east-1";
  return env;
}

Env EmulatorCliEnv(const EmulatorProcess& emulator, const std::string& home) {
  Env env = IsolatedCliEnv(home);
  env["AWS_ENDPOINT_URL"] = emulator.endpoint();
  if (emulator.resources().contains("env")) {
    for (const auto& [key, value] : emulator.resources().at("env").items()) {
      env[key] = value.get<std::string>();
    }
  }
  return env;
}

std::string EmulatorTool(const std::string& script) {
#ifdef DRF_SOURCE_DIR
  return std::string(DRF_SOURCE_DIR) + "/tools/emulator/" + script;
#else
  return "tools/emulator/" + script;
#endif
}

ProcessResult CheckState(const std::string& endpoint, const std::string& expectation) {
  return RunProcess(
      {"python3", EmulatorTool("check_state.py"), "--endpoint", endpoint, "--expect", expectation},
      PythonEnv(), std::chrono::seconds(60));
}

}  // namespace drf
