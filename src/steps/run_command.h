// RunCommandStep: a hook, a local program the CLI runs as one step of the plan: a check
// that the primary is really down, a page to the on-call, a cache to warm. The Lambda
// function has no such programs and refuses the step.
//
// Its arguments and environment may use the run's facts ("${run_id}", "${region}",
// "${<step id>.<output>}", plan/run_facts.h); the environment also gets DRF_RUN_ID,
// DRF_REGION, DRF_STEP_ID and DRF_FACTS (the facts as JSON). Standard input is empty;
// standard output and error are kept (their last 16 KiB) in the report.
//
// Not idempotent by itself: the program runs on every run that reaches the step (a resumed
// run included), so it must be safe to run again. `plan` shows it and runs nothing.
//
// Outcomes: kSucceeded (exit code 0), kFailed (another exit code, a signal, a program that
// cannot be run, an unknown fact, the Lambda function), kTimedOut (killed at the step's
// deadline, with its process group). Steps that depend on it do not run when it fails.
#pragma once

#include <string>

#include "core/command.h"
#include "plan/run_facts.h"
#include "steps/inspect_apply_step.h"

namespace drf {

class RunCommandStep final : public InspectApplyStep<RunCommandSpec> {
 public:
  // `commands` may be null (the Lambda function): the step then fails saying so. Both must
  // outlive the step.
  RunCommandStep(StepSpec spec, CommandRunner* commands, const RunFacts& facts);

  std::string resource() const override;  // "command <program>"

 private:
  const RunCommandSpec& command() const { return std::get<RunCommandSpec>(spec().detail); }
  Status CheckSpec() const override;
  Result<RunCommandSpec> Inspect(StepRun& run) override;
  void Explain(StepRun& run, const RunCommandSpec& command) override;
  void Apply(StepRun& run, const RunCommandSpec& command) override;

  CommandRunner* commands_;
  const RunFacts& facts_;
};

// "prog 'a b' c": argv as a shell would need it quoted, for logs and the report.
std::string QuotedCommandLine(const std::vector<std::string>& argv);

}  // namespace drf
