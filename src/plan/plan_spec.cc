#include "plan/plan_spec.h"

#include <algorithm>

namespace drf {

std::string_view StepKindName(StepKind kind) {
  switch (kind) {
    case StepKind::kPromoteDb:
      return "promote_db";
    case StepKind::kScaleAsg:
      return "scale_asg";
    case StepKind::kScaleEcs:
      return "scale_ecs";
    case StepKind::kRegisterTargets:
      return "register_targets";
    case StepKind::kSwitchDns:
      return "switch_dns";
    case StepKind::kRunCommand:
      return "run_command";
    case StepKind::kInvokeLambda:
      return "invoke_lambda";
    case StepKind::kPromoteDbCluster:
      return "promote_db_cluster";
    case StepKind::kFailoverGlobalDb:
      return "failover_global_db";
  }
  return "unknown";
}

std::optional<StepKind> StepKindFromName(std::string_view name) {
  for (StepKind kind : kAllStepKinds) {
    if (StepKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

// A promotion copies nothing but can sit in `modifying` for long on a big instance; ASG
// instances boot and pass health checks in minutes; ECS tasks start in a minute or two
// (image pulls included); registration waits on those same tasks and instances.
std::chrono::seconds DefaultStepTimeout(StepKind kind) {
  using std::chrono::minutes;
  switch (kind) {
    case StepKind::kPromoteDb:
    case StepKind::kPromoteDbCluster:
    case StepKind::kFailoverGlobalDb:
      return minutes(60);
    case StepKind::kScaleAsg:
      return minutes(20);
    case StepKind::kScaleEcs:
    case StepKind::kRegisterTargets:
      return minutes(15);
    case StepKind::kSwitchDns:
      return minutes(10);
    case StepKind::kRunCommand:
      return minutes(5);
    case StepKind::kInvokeLambda:
      return minutes(15);  // Lambda's own limit on a function's run
  }
  return minutes(15);
}

// No progress for this long means something is wrong that waiting will not fix: a
// promotion shows a new status within minutes; a launch or task start that has not
// added one instance or task in 10 (5) minutes is failing (see the evidence it reports).
std::chrono::seconds DefaultStallAfter(StepKind kind) {
  using std::chrono::minutes;
  switch (kind) {
    case StepKind::kPromoteDb:
    case StepKind::kPromoteDbCluster:
    case StepKind::kFailoverGlobalDb:
      return minutes(30);
    case StepKind::kScaleAsg:
      return minutes(10);
    case StepKind::kScaleEcs:
    case StepKind::kRegisterTargets:
      return minutes(5);
    case StepKind::kSwitchDns:
    case StepKind::kRunCommand:  // a hook reports no progress: its timeout bounds it
    case StepKind::kInvokeLambda:
      return minutes(5);
  }
  return minutes(5);
}

std::string_view NotifyEventName(NotifyEvent event) {
  switch (event) {
    case NotifyEvent::kStart:
      return "start";
    case NotifyEvent::kFailure:
      return "failure";
    case NotifyEvent::kEnd:
      return "end";
  }
  return "end";
}

std::optional<NotifyEvent> NotifyEventFromName(std::string_view name) {
  for (NotifyEvent event : {NotifyEvent::kStart, NotifyEvent::kFailure, NotifyEvent::kEnd}) {
    if (NotifyEventName(event) == name) return event;
  }
  return std::nullopt;
}

bool NotifySpec::Wants(NotifyEvent event) const {
  return !topic_arn.empty() && std::find(on.begin(), on.end(), event) != on.end();
}

}  // namespace drf
