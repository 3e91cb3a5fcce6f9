// drfailover's main: real effects (curl, the system clock, the process environment,
// signals) around RunCli.
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "app/cli.h"
#include "posix/curl_http.h"
#include "posix/malloc_settings.h"
#include "posix/posix_command.h"
#include "posix/process_environment.h"
#include "posix/system_clock.h"

namespace {

// SIGINT/SIGTERM cancel the run: no new action starts, waiting stops, and the report says
// what was done. Signals are taken by a dedicated thread (sigwait), so cancelling runs as
// ordinary code, not inside a signal handler.
void CancelOnSignals(drf::CancelToken& cancel) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by every thread started later
  std::thread([signals, &cancel] {
    int signal_number = 0;
    if (sigwait(&signals, &signal_number) == 0) cancel.Cancel();
    // A second signal means "stop now": the operator has seen the first one being handled.
    if (sigwait(&signals, &signal_number) == 0) _exit(130);
  }).detach();
}

}  // namespace

int main(int argc, char** argv) {
  drf::RestartWithoutThreadCaches(argv);  // first: may restart the process
  drf::UseOneMallocArena();        // before any thread starts (the signal thread, the workers)
  static drf::CancelToken cancel;  // outlives the detached signal thread
  CancelOnSignals(cancel);
  drf::ProcessEnvironment env;
  drf::CurlHttpClient http(drf::CurlHttpOptionsFromEnvironment(env));
  drf::SystemClock clock;
  drf::PosixCommandRunner commands(clock);
  const drf::Effects effects{env, http, clock, &commands};
  const drf::Console console{stdout, stderr, isatty(STDERR_FILENO) == 1};
  return drf::RunCli(std::vector<std::string>(argv + 1, argv + argc), effects, cancel, console);
}
