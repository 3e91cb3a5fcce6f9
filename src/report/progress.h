// Live progress of a run on stderr: what the executor is doing while steps act and wait.
// ProgressReporter is a RunObserver (plan/run_observer.h): the executor tells it when steps
// start and finish, the steps' waits what they wait for, and it writes that for humans. On a
// terminal it keeps one status line, redrawn with '\r', and prints a
// line per finished step above it; elsewhere (CI logs, files) it writes one plain line per event
// and no control characters, so logs stay greppable.
#pragma once

#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "plan/run_observer.h"

namespace drf {

struct ProgressOptions {
  std::FILE* out = stderr;  // not owned
  bool terminal = false;    // isatty(fileno(out)): one redrawn status line
  int total_steps = 0;      // steps in the plan, for "[3/14 done"; 0: unknown
  int width = 120;          // terminal mode: the status line is cut to this many bytes
};

// Thread-safe, as RunObserver requires.
class ProgressReporter final : public RunObserver {
 public:
  // `clock` (not owned) measures how long steps have been running.
  ProgressReporter(ProgressOptions options, Clock& clock);

  void StepStarted(std::string_view id, std::string_view resource) override;
  void StepWaiting(std::string_view id, std::string_view what) override;
  void StepFinished(std::string_view id, const StepResult& result) override;

  // Terminal mode: redraws the status line so elapsed times move between events (call it
  // from a timer if wanted). Plain mode: does nothing.
  void Refresh();
  // Terminal mode: erases the status line, so what follows (the summary) starts on a
  // clean line. Plain mode: does nothing.
  void Finish();

 private:
  struct Running {
    std::string resource;
    std::string waiting_for;  // empty while acting
    MonoTime started;
    int order = 0;  // start order, so the oldest running step is shown
  };

  void WriteLineLocked(const std::string& line);
  void DrawStatusLocked();
  void EraseStatusLocked();
  std::string StatusLineLocked();

  const ProgressOptions options_;
  Clock& clock_;
  std::mutex mu_;                                        // serializes writes and state
  std::map<std::string, Running, std::less<>> running_;  // guarded by mu_
  int started_ = 0;                                      // guarded by mu_
  int done_ = 0;                                         // guarded by mu_
  size_t status_width_ = 0;  // bytes of the status line on screen; guarded by mu_
};

}  // namespace drf
