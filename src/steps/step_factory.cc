#include "steps/step_factory.h"

#include "steps/failover_global_db.h"
#include "steps/invoke_lambda.h"
#include "steps/promote_db.h"
#include "steps/promote_db_cluster.h"
#include "steps/register_targets.h"
#include "steps/run_command.h"
#include "steps/scale_asg.h"
#include "steps/scale_ecs.h"
#include "steps/switch_dns.h"

namespace drf {
namespace {

std::unique_ptr<Step> MakeStep(const StepSpec& spec, StepServices& aws) {
  switch (spec.kind) {
    case StepKind::kPromoteDb:
      return std::make_unique<PromoteDbStep>(spec, aws.rds, &aws.cloudwatch);
    case StepKind::kScaleAsg:
      return std::make_unique<ScaleAsgStep>(spec, aws.autoscaling, aws.reads);
    case StepKind::kScaleEcs:
      return std::make_unique<ScaleEcsStep>(spec, aws.ecs, aws.reads);
    case StepKind::kRegisterTargets:
      return std::make_unique<RegisterTargetsStep>(spec, aws.elbv2, aws.autoscaling, aws.ecs,
                                                   aws.reads);
    case StepKind::kSwitchDns:
      return std::make_unique<SwitchDnsStep>(spec, aws.route53, aws.elbv2);
    case StepKind::kRunCommand:
      return std::make_unique<RunCommandStep>(spec, aws.commands, aws.facts);
    case StepKind::kInvokeLambda:
      return std::make_unique<InvokeLambdaStep>(spec, aws.lambda, aws.facts);
    case StepKind::kPromoteDbCluster:
      return std::make_unique<PromoteDbClusterStep>(spec, aws.rds);
    case StepKind::kFailoverGlobalDb:
      return std::make_unique<FailoverGlobalDbStep>(spec, aws.rds);
  }
  return nullptr;
}

}  // namespace

std::vector<std::unique_ptr<Step>> BuildSteps(const std::vector<StepSpec>& specs,
                                              StepServices& aws) {
  std::vector<std::unique_ptr<Step>> steps;
  // FinalizePlan sets each kind from its detail, so MakeStep's switch is exhaustive.
  for (const StepSpec& spec : specs) steps.push_back(MakeStep(spec, aws));
  return steps;
}

}  // namespace drf
