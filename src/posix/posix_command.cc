#include "posix/posix_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

extern char** environ;

namespace drf {
namespace {

// How long a program has to end after SIGTERM before it gets SIGKILL.
constexpr Duration kTermGrace = std::chrono::seconds(3);
// The longest poll: cancel is seen this soon.
constexpr Duration kPollSlice = std::chrono::milliseconds(100);

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// The environment the program gets: ours, with `extra` added or replacing.
std::vector<std::string> MergedEnvironment(
    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry = *e;
    size_t eq = entry.find('=');
    if (eq != std::string::npos) merged[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [name, value] : extra) merged[name] = value;
  std::vector<std::string> out;
  for (const auto& [name, value] : merged) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Appends `data` keeping only the last `max` bytes.
void KeepTail(std::string& buffer, bool& cut, const char* data, size_t size, size_t max) {
  buffer.append(data, size);
  if (buffer.size() > max) {
    buffer.erase(0, buffer.size() - max);
    cut = true;
  }
}

}  // namespace

std::string FindProgram(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return ::access(program.c_str(), X_OK) == 0 ? program : "";
  }
  const char* path = ::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  while (true) {
    size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) return "";
    dirs.remove_prefix(colon + 1);
  }
}

Result<CommandResult> PosixCommandRunner::Run(const CommandRequest& request) {
  if (request.argv.empty()) return Status::InvalidArgument("no program to run");
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Status::Internal(std::strerror(errno));
  Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return Status::Internal(std::strerror(errno));
  Fd err_read(err_pipe[0]), err_write(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);

  std::vector<std::string> args = request.argv;
  std::vector<std::string> env = MergedEnvironment(request.env);
  std::vector<char*> argv = Pointers(args), envp = Pointers(env);
  pid_t pid = 0;
  const MonoTime start = clock_.Monotonic();
  int spawned = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (spawned != 0) {
    return Status::NotFound("cannot run " + request.argv[0] + ": " + std::strerror(spawned));
  }
  out_write.Close();
  err_write.Close();

  CommandResult result;
  std::optional<MonoTime> kill_at;  // SIGKILL then, once SIGTERM was sent
  bool out_open = true, err_open = true;
  int status = 0;
  bool exited = false;
  while (!exited || out_open || err_open) {
    const MonoTime now = clock_.Monotonic();
    if (!kill_at &&
        (now >= request.deadline || (request.cancel != nullptr && request.cancel->cancelled()))) {
      result.timed_out = now >= request.deadline;
      result.cancelled = !result.timed_out;
      ::kill(-pid, SIGTERM);
      kill_at = now + kTermGrace;
    } else if (kill_at && now >= *kill_at) {
      ::kill(-pid, SIGKILL);
      kill_at = MonoTime::max();
    }
    if (!exited) {
      pid_t waited = ::waitpid(pid, &status, WNOHANG);
      if (waited == pid) exited = true;
    }
    if (exited && !out_open && !err_open) break;
    pollfd fds[2] = {{out_open ? out_read.get() : -1, POLLIN, 0},
                     {err_open ? err_read.get() : -1, POLLIN, 0}};
    // Once the program exited, its pipes close unless a child of it holds them: after the
    // program has gone, what its children still write is not waited for.
    const Duration slice = exited ? Duration(0) : kPollSlice;
    int ready = ::poll(
        fds, 2,
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(slice).count()));
    if (ready < 0 && errno != EINTR) break;
    char buffer[4096];
    for (int i = 0; i < 2; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      ssize_t got = ::read(fds[i].fd, buffer, sizeof(buffer));
      if (got > 0) {
        if (i == 0) KeepTail(result.out, result.out_cut, buffer, size_t(got), request.max_output);
        if (i == 1) KeepTail(result.err, result.err_cut, buffer, size_t(got), request.max_output);
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        (i == 0 ? out_open : err_open) = false;
      }
    }
    if (exited && ready == 0) break;
  }
  if (!exited) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  result.elapsed = clock_.Monotonic() - start;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  return result;
}

}  // namespace drf
