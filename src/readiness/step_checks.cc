#include "readiness/step_checks.h"

#include <type_traits>
#include <variant>

namespace drf {

StepReadiness CheckStep(const StepSpec& step, ReadinessServices& aws, WallTime now) {
  StepReadiness out;
  out.step_id = step.id;
  out.kind = std::string(StepKindName(step.kind));
  std::visit(
      [&](const auto& spec) {
        using Spec = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<Spec, PromoteDbSpec>) {
          CheckPromoteDb(spec, aws, now, out);
        } else if constexpr (std::is_same_v<Spec, ScaleAsgSpec>) {
          CheckScaleAsg(spec, aws, out);
        } else if constexpr (std::is_same_v<Spec, ScaleEcsSpec>) {
          CheckScaleEcs(spec, aws, out);
        } else if constexpr (std::is_same_v<Spec, RegisterTargetsSpec>) {
          CheckRegisterTargets(spec, aws, out);
        } else if constexpr (std::is_same_v<Spec, SwitchDnsSpec>) {
          CheckSwitchDns(spec, aws, out);
        } else if constexpr (std::is_same_v<Spec, RunCommandSpec>) {
          CheckRunCommand(spec, out);
        } else if constexpr (std::is_same_v<Spec, InvokeLambdaSpec>) {
          CheckInvokeLambda(spec, out);
        } else if constexpr (std::is_same_v<Spec, PromoteDbClusterSpec>) {
          CheckPromoteDbCluster(spec, aws, out);
        } else {
          static_assert(std::is_same_v<Spec, FailoverGlobalDbSpec>,
                        "every step kind has its checks");
          CheckFailoverGlobalDb(spec, aws, out);
        }
      },
      step.detail);
  return out;
}

}  // namespace drf
