#include "steps/step_factory.h"

#include "plan/finalize_plan.h"
#include "steps/promote_db.h"
#include "steps/register_targets.h"
#include "steps/scale_asg.h"
#include "steps/scale_ecs.h"

namespace drf {
namespace {

// Replaces "every service of the cluster" by the names that exist now, so the plan (and
// its report) lists exactly what is scaled.
Status ResolveAllServices(PlanSpec& plan, EcsClient& ecs) {
  for (StepSpec& step : plan.steps) {
    auto* spec = std::get_if<ScaleEcsSpec>(&step.detail);
    if (spec == nullptr || !spec->all_services) continue;
    Result<std::vector<std::string>> arns = ecs.ListServices(spec->cluster);
    if (!arns.ok()) {
      return arns.status().WithContext("listing the services of ECS cluster " + spec->cluster);
    }
    std::vector<std::string> names;
    for (const std::string& arn : *arns) names.push_back(ServiceNameFromArn(arn));
    spec->services = std::move(names);
    spec->all_services = false;
  }
  return Status::Ok();
}

std::unique_ptr<Step> MakeStep(const StepSpec& spec, AwsServices& aws) {
  switch (spec.kind) {
    case StepKind::kPromoteDb:
      return std::make_unique<PromoteDbStep>(spec, aws.rds);
    case StepKind::kScaleAsg:
      return std::make_unique<ScaleAsgStep>(spec, aws.autoscaling);
    case StepKind::kScaleEcs:
      return std::make_unique<ScaleEcsStep>(spec, aws.ecs);
    case StepKind::kRegisterTargets:
      return std::make_unique<RegisterTargetsStep>(spec, aws.elbv2, aws.autoscaling, aws.ecs);
  }
  return nullptr;
}

}  // namespace

std::string ServiceNameFromArn(const std::string& arn) {
  size_t slash = arn.rfind('/');
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

Result<std::vector<std::unique_ptr<Step>>> BuildSteps(PlanSpec& plan, AwsServices& aws) {
  DRF_RETURN_IF_ERROR(ResolveAllServices(plan, aws.ecs));
  DRF_RETURN_IF_ERROR(FinalizePlan(plan));
  std::vector<std::unique_ptr<Step>> steps;
  // FinalizePlan sets each kind from its detail, so MakeStep's switch is exhaustive.
  for (const StepSpec& spec : plan.steps) steps.push_back(MakeStep(spec, aws));
  return steps;
}

}  // namespace drf
