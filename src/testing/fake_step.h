// FakeStep: a scripted Step for executor and plan tests. Its script decides the result
// (and may sleep on the FakeClock to take time, or block on a test's latch); it counts
// Run and Preview calls. Header-only; used by tests only.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <utility>

#include "plan/step.h"

namespace drf {

class FakeStep final : public Step {
 public:
  using Script = std::function<StepResult(StepContext&)>;

  FakeStep(StepSpec spec, Script run, Script preview = nullptr)
      : spec_(std::move(spec)), run_(std::move(run)), preview_(std::move(preview)) {}

  // A script that takes `duration` on the clock (stopping early when cancelled) and
  // then ends in `state`.
  static Script Takes(Duration duration, StepState state = StepState::kSucceeded) {
    return [duration, state](StepContext& ctx) {
      StepResult result;
      bool full = ctx.clock.SleepFor(duration, &ctx.cancel);
      result.state = full ? state : StepState::kTimedOut;
      if (result.state == StepState::kFailed) result.error = Status::Rejected("scripted failure");
      if (!full) result.error = Status::Cancelled("stopped while waiting");
      result.summary = std::string(StepStateName(result.state));
      return result;
    };
  }
  static Script Ends(StepState state) { return Takes(Duration(0), state); }

  const StepSpec& spec() const override { return spec_; }
  std::string resource() const override { return "fake " + spec_.id; }
  StepResult Preview(StepContext& ctx) override {
    ++previews_;
    if (preview_) return preview_(ctx);
    StepResult result;
    result.summary = "would change " + spec_.id;
    return result;  // kPending: "would change"
  }
  StepResult Run(StepContext& ctx) override {
    ++runs_;
    return run_(ctx);
  }

  int runs() const { return runs_.load(); }
  int previews() const { return previews_.load(); }

 private:
  StepSpec spec_;
  Script run_;
  Script preview_;
  std::atomic<int> runs_{0};
  std::atomic<int> previews_{0};
};

}  // namespace drf
