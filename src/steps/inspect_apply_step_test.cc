#include "steps/inspect_apply_step.h"

#include <gtest/gtest.h>

#include "steps/step_test_util.h"

namespace drf {
namespace {

using steps_testing::StepHarness;

// A kind that only writes down which phase ran, with what decision. Each phase can be
// told to fail.
class PhaseLog final : public InspectApplyStep<int> {
 public:
  explicit PhaseLog(std::vector<std::string>& phases)
      : InspectApplyStep(StepSpec{}), phases_(phases) {}

  std::string resource() const override { return "thing t-1"; }

  Status spec_error;
  Status inspect_error;
  bool apply_fails = false;

 private:
  Status CheckSpec() const override {
    phases_.push_back("check");
    return spec_error;
  }
  Result<int> Inspect(StepRun& /*run*/) override {
    phases_.push_back("inspect");
    if (!inspect_error.ok()) return inspect_error;
    return 7;
  }
  void Explain(StepRun& run, const int& decision) override {
    phases_.push_back("explain " + std::to_string(decision));
    run.result().state = StepState::kSucceeded;
  }
  void Apply(StepRun& run, const int& decision) override {
    phases_.push_back("apply " + std::to_string(decision));
    if (apply_fails) return run.Fail(Status::Rejected("refused"));
    run.result().state = StepState::kSucceeded;
  }
  void Wait(StepRun& /*run*/, const int& decision) override {
    phases_.push_back("wait " + std::to_string(decision));
  }

  std::vector<std::string>& phases_;
};

class InspectApplyStepTest : public ::testing::Test {
 protected:
  StepHarness h_;
  std::vector<std::string> phases_;
  PhaseLog step_{phases_};
};

TEST_F(InspectApplyStepTest, PreviewInspectsAndExplainsAndNeverActs) {
  StepResult result = step_.Preview(h_.ctx);

  EXPECT_EQ(result.state, StepState::kSucceeded);
  EXPECT_EQ(phases_, (std::vector<std::string>{"check", "inspect", "explain 7"}));
}

TEST_F(InspectApplyStepTest, RunInspectsThenAppliesThenWaitsOnTheSameDecision) {
  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kSucceeded);
  EXPECT_EQ(phases_, (std::vector<std::string>{"check", "inspect", "apply 7", "wait 7"}));
}

TEST_F(InspectApplyStepTest, CancelledRunIsNotRunAndReadsNothing) {
  h_.cancel.Cancel();

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kNotRun);
  EXPECT_EQ(phases_, (std::vector<std::string>{"check"}));
}

TEST_F(InspectApplyStepTest, FailedInspectionEndsBothVerbsNamingTheResource) {
  step_.inspect_error = Status::NotFound("no such thing");

  StepResult preview = step_.Preview(h_.ctx);
  StepResult run = step_.Run(h_.ctx);

  for (const StepResult& result : {preview, run}) {
    EXPECT_EQ(result.state, StepState::kFailed);
    EXPECT_EQ(result.summary, "failed: no such thing");
    EXPECT_EQ(result.error.code(), StatusCode::kNotFound);
    EXPECT_NE(result.error.message().find("thing t-1"), std::string::npos)
        << result.error.message();
  }
  EXPECT_EQ(phases_, (std::vector<std::string>{"check", "inspect", "check", "inspect"}));
}

TEST_F(InspectApplyStepTest, UnusableSpecFailsBeforeInspecting) {
  step_.spec_error = Status::InvalidArgument("needs one thing");

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(result.error.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(phases_, (std::vector<std::string>{"check"}));
}

TEST_F(InspectApplyStepTest, ApplyThatEndsTheStepSkipsTheWait) {
  step_.apply_fails = true;

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(phases_, (std::vector<std::string>{"check", "inspect", "apply 7"}));
}

}  // namespace
}  // namespace drf
