#include "posix/malloc_settings.h"

#include <sys/auxv.h>
#include <unistd.h>

#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace drf {
namespace {

constexpr const char* kTunablesVar = "GLIBC_TUNABLES";
constexpr const char* kNoCaches = "glibc.malloc.tcache_count=0";
// The marker's value: "-" when the operator had no GLIBC_TUNABLES, "=" and their value
// otherwise (which may be empty).
constexpr char kWasUnset = '-';
constexpr char kWasSet = '=';

std::optional<std::string> GetEnv(const char* name) {
  const char* value = std::getenv(name);  // safe: no other thread exists yet
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

void SetEnv(const char* name, const std::optional<std::string>& value) {
  if (value) {
    ::setenv(name, value->c_str(), 1);
  } else {
    ::unsetenv(name);
  }
}

}  // namespace

void UseOneMallocArena() {
#if defined(__GLIBC__)
  const std::optional<std::string> tunables = GetEnv(kTunablesVar);
  if (GetEnv("MALLOC_ARENA_MAX") ||
      (tunables && tunables->find("glibc.malloc.arena_max") != std::string::npos)) {
    return;
  }
  mallopt(M_ARENA_MAX, 1);
#endif
}

ThreadCacheStep DecideThreadCaches(const std::optional<std::string>& tunables,
                                   const std::optional<std::string>& marker) {
  ThreadCacheStep step;
  if (marker) {
    step.action = ThreadCacheStep::Action::kRestore;
    if (!marker->empty() && marker->front() == kWasSet) {
      step.tunables = marker->substr(1);
    } else if (*marker != std::string(1, kWasUnset)) {
      step.tunables = tunables;  // not our marker: leave GLIBC_TUNABLES as it is
    }
    return step;
  }
  if (tunables && tunables->find("glibc.malloc.tcache") != std::string::npos) return step;
  step.action = ThreadCacheStep::Action::kRestart;
  step.tunables = tunables && !tunables->empty() ? *tunables + ":" + kNoCaches : kNoCaches;
  step.marker = tunables ? kWasSet + *tunables : std::string(1, kWasUnset);
  return step;
}

void RestartWithoutThreadCaches(char** argv) {
#if defined(__GLIBC__)
  const std::optional<std::string> tunables = GetEnv(kTunablesVar);
  const ThreadCacheStep step = DecideThreadCaches(tunables, GetEnv(kMallocRestartVar));
  switch (step.action) {
    case ThreadCacheStep::Action::kNothing:
      return;
    case ThreadCacheStep::Action::kRestore:
      SetEnv(kTunablesVar, step.tunables);
      ::unsetenv(kMallocRestartVar);
      return;
    case ThreadCacheStep::Action::kRestart:
      // No loader base: the kernel started the dynamic loader itself, which then loaded this
      // program (`ld.so --library-path lib bin/bootstrap`, deploy/package.sh's launchers), so
      // /proc/self/exe is the loader. Those launchers set GLIBC_TUNABLES themselves.
      if (::getauxval(AT_BASE) == 0) return;
      SetEnv(kTunablesVar, step.tunables);
      ::setenv(kMallocRestartVar, step.marker.c_str(), 1);
      ::execv("/proc/self/exe", argv);
      // Not restarted (no /proc, say): go on as we are, with the operator's environment.
      SetEnv(kTunablesVar, tunables);
      ::unsetenv(kMallocRestartVar);
      return;
  }
#else
  (void)argv;
#endif
}

}  // namespace drf
