// invoke_lambda's readiness: the permission to invoke the function (IAM's simulator, with
// the others). Whether the function exists is not read: lambda:GetFunction would be one more
// permission the role needs only for this.
#include "readiness/step_checks.h"

namespace drf {

void CheckInvokeLambda(const InvokeLambdaSpec& spec, StepReadiness& out) {
  const bool arn = spec.function.starts_with("arn:");
  out.needs.push_back({"lambda:InvokeFunction", arn ? spec.function : "*", false});
}

}  // namespace drf
