// InvokeLambdaStep: a hook, a Lambda function invoked synchronously as one step of the plan
// (it works from the CLI and from the Lambda function alike).
//
// The payload is the plan's JSON with the run's facts replaced in its strings ("${region}",
// "${<step id>.<output>}", plan/run_facts.h); without one, {"drfailover": <the facts>}.
//
// Not idempotent: the function runs on every run that reaches the step. Invoke is never
// sent again after a failure that may have reached the function (a 5xx, a lost reply):
// the step then fails saying the function may have run. Throttling is retried.
//
// Outcomes: kSucceeded (the function returned), kFailed (a FunctionError, with its
// errorType and errorMessage; the function is missing; an unknown fact; AWS errors).
// Steps that depend on it do not run when it fails.
#pragma once

#include <string>

#include "plan/run_facts.h"
#include "services/lambda_client.h"
#include "steps/inspect_apply_step.h"

namespace drf {

class InvokeLambdaStep final : public InspectApplyStep<InvokeLambdaSpec> {
 public:
  // `lambda` and `facts` must outlive the step.
  InvokeLambdaStep(StepSpec spec, LambdaClient& lambda, const RunFacts& facts);

  std::string resource() const override;  // "function <name or ARN>"

 private:
  const InvokeLambdaSpec& invoke() const { return std::get<InvokeLambdaSpec>(spec().detail); }
  Result<InvokeLambdaSpec> Inspect(StepRun& run) override;
  void Explain(StepRun& run, const InvokeLambdaSpec& invoke) override;
  void Apply(StepRun& run, const InvokeLambdaSpec& invoke) override;

  // The payload to send: the plan's with the facts in its strings, or the facts.
  Result<std::string> Payload() const;

  LambdaClient& lambda_;
  const RunFacts& facts_;
};

}  // namespace drf
