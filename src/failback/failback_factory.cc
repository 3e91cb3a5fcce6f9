#include "failback/failback_factory.h"

#include "failback/deregister_targets.h"
#include "failback/left_alone.h"
#include "failback/restore_asg.h"
#include "failback/restore_ecs.h"
#include "failback/switch_dns_back.h"

namespace drf {
namespace {

// Why failback leaves a step of `kind` as it is.
std::string NotReversedWhy(StepKind kind) {
  switch (kind) {
    case StepKind::kPromoteDb:
      return "the promoted DB stays the primary (the plan's reprotect_db is off)";
    case StepKind::kPromoteDbCluster:
      return "the promoted Aurora cluster stays the primary";
    case StepKind::kFailoverGlobalDb:
      return "the global database keeps its writer here; to move it back, fail over with the "
             "former primary region's plan";
    case StepKind::kRunCommand:
    case StepKind::kInvokeLambda:
      return "hooks run in failovers only";
    default:
      return "failback does not undo a " + std::string(StepKindName(kind)) + " step";
  }
}

std::unique_ptr<Step> MakeFailbackStep(const StepSpec& spec, StepServices& aws,
                                       const FailbackOptions& options) {
  switch (spec.kind) {
    case StepKind::kScaleAsg:
      return std::make_unique<RestoreAsgStep>(spec, aws.autoscaling, aws.reads);
    case StepKind::kScaleEcs:
      return std::make_unique<RestoreEcsStep>(spec, aws.ecs, aws.reads);
    case StepKind::kRegisterTargets:
      return std::make_unique<DeregisterTargetsStep>(spec, aws.elbv2, aws.reads);
    case StepKind::kSwitchDns:
      return std::make_unique<SwitchDnsBackStep>(spec, aws.route53);
    case StepKind::kPromoteDb:
      if (options.reprotect_db && options.rds_in) {
        return std::make_unique<ReprotectDbStep>(spec, aws.rds, options.rds_in);
      }
      break;
    default:
      break;
  }
  // The failover's own step names the resource the same way in both reports.
  std::vector<std::unique_ptr<Step>> failover = BuildSteps({spec}, aws);
  return std::make_unique<NotReversedStep>(spec, failover.front()->resource(),
                                           NotReversedWhy(spec.kind));
}

}  // namespace

std::vector<std::unique_ptr<Step>> BuildFailbackSteps(const std::vector<StepSpec>& specs,
                                                      StepServices& aws,
                                                      const FailbackOptions& options) {
  std::vector<std::unique_ptr<Step>> steps;
  for (const StepSpec& spec : specs) steps.push_back(MakeFailbackStep(spec, aws, options));
  return steps;
}

}  // namespace drf
