#include "report/progress.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "report/text.h"

namespace drf {
namespace {

std::string_view Mark(StepState state) {
  switch (state) {
    case StepState::kSucceeded:
    case StepState::kUnchanged:
      return "✔";
    case StepState::kFailed:
    case StepState::kTimedOut:
      return "✘";
    default:
      return "○";
  }
}

}  // namespace

ProgressReporter::ProgressReporter(ProgressOptions options, Clock& clock)
    : options_(options), clock_(clock) {}

void ProgressReporter::StepStarted(std::string_view id, std::string_view resource) {
  std::lock_guard<std::mutex> lock(mu_);
  Running& step = running_[std::string(id)];
  step.resource = StripControl(resource);
  step.started = clock_.Monotonic();
  step.order = started_++;
  if (options_.terminal) {
    DrawStatusLocked();
  } else {
    WriteLineLocked("▶ started " + StripControl(id) + " (" + step.resource + ")");
  }
}

void ProgressReporter::StepWaiting(std::string_view id, std::string_view what) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = running_.find(id);
  if (it == running_.end()) return;  // not started: nothing sensible to show
  std::string waiting_for = StripControl(what);
  // Steps report on every poll; a plain log needs a line only when the state moves on.
  bool changed = waiting_for != it->second.waiting_for;
  it->second.waiting_for = std::move(waiting_for);
  if (options_.terminal) {
    DrawStatusLocked();
  } else if (changed) {
    WriteLineLocked("… waiting " + StripControl(id) + ": " + it->second.waiting_for);
  }
}

void ProgressReporter::StepFinished(std::string_view id, const StepResult& result) {
  const StepState state = result.state;
  const std::string& summary = result.summary;
  std::lock_guard<std::mutex> lock(mu_);
  std::string line = std::string(Mark(state)) + " finished " + StripControl(id) + ": " +
                     std::string(StepStateName(state));
  auto it = running_.find(id);
  if (it != running_.end()) {
    line += " in " + FormatSeconds(clock_.Monotonic() - it->second.started);
    running_.erase(it);
  }
  if (!summary.empty()) line += " — " + StripControl(summary);
  ++done_;
  if (options_.terminal) {
    // The finished line stays in the scrollback; the status line is redrawn below it.
    EraseStatusLocked();
    WriteLineLocked(line);
    DrawStatusLocked();
  } else {
    WriteLineLocked(line);
  }
}

void ProgressReporter::Refresh() {
  std::lock_guard<std::mutex> lock(mu_);
  if (options_.terminal) DrawStatusLocked();
}

void ProgressReporter::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (options_.terminal) EraseStatusLocked();
}

void ProgressReporter::WriteLineLocked(const std::string& line) {
  std::fputs((line + "\n").c_str(), options_.out);
  std::fflush(options_.out);
}

void ProgressReporter::DrawStatusLocked() {
  std::string line = StatusLineLocked();
  if (options_.width > 0 && line.size() > static_cast<size_t>(options_.width)) {
    size_t cut = static_cast<size_t>(options_.width);
    // Never cut inside a UTF-8 sequence: back off over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    line.resize(cut);
  }
  size_t width = line.size();
  // Pad over the rest of a longer previous line instead of using an erase escape, so the
  // output stays plain text even on a terminal.
  if (width < status_width_) line.append(status_width_ - width, ' ');
  std::fputs(("\r" + line).c_str(), options_.out);
  std::fflush(options_.out);
  status_width_ = width;
}

void ProgressReporter::EraseStatusLocked() {
  if (status_width_ == 0) return;
  std::fputs(("\r" + std::string(status_width_, ' ') + "\r").c_str(), options_.out);
  status_width_ = 0;
}

std::string ProgressReporter::StatusLineLocked() {
  std::string line = "[" + std::to_string(done_);
  if (options_.total_steps > 0) line += "/" + std::to_string(options_.total_steps);
  line += " done, " + std::to_string(running_.size()) + " running]";
  // The oldest running steps are the ones most likely holding the run up: the oldest is
  // shown acting or waiting, then up to kMoreWaitsShown more that wait, oldest first.
  constexpr size_t kMoreWaitsShown = 2;
  std::vector<const std::pair<const std::string, Running>*> by_age;
  for (const auto& entry : running_) by_age.push_back(&entry);
  std::sort(by_age.begin(), by_age.end(),
            [](const auto* a, const auto* b) { return a->second.order < b->second.order; });
  const MonoTime now = clock_.Monotonic();
  size_t more = 0;
  for (size_t i = 0; i < by_age.size(); ++i) {
    const Running& step = by_age[i]->second;
    const bool waiting = !step.waiting_for.empty();
    if (i > 0 && (!waiting || more++ == kMoreWaitsShown)) continue;
    line += i == 0 ? (waiting ? " waiting: " : " running: ") : "; ";
    line += StripControl(by_age[i]->first) + " (" + (waiting ? step.waiting_for : step.resource) +
            ", " + FormatSeconds(now - step.started) + ")";
  }
  return line;
}

}  // namespace drf
