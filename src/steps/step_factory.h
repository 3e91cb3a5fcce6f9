// BuildSteps: turns a loaded plan into runnable steps. It is the one place where the plan
// meets AWS before running: `all_services` ECS specs are resolved into service names with
// ListServices (read-only), then FinalizePlan (plan/finalize_plan.h) fixes ids, splits ECS
// specs into one step per service and adds dependencies, and each spec becomes its Step.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "plan/plan_spec.h"
#include "plan/step.h"
#include "services/autoscaling_client.h"
#include "services/ecs_client.h"
#include "services/elbv2_client.h"
#include "services/rds_client.h"

namespace drf {

// The clients steps use. Not owned; they must outlive the steps built from them.
struct AwsServices {
  RdsClient& rds;
  AutoScalingClient& autoscaling;
  EcsClient& ecs;
  Elbv2Client& elbv2;
};

// The name of an ECS service from its ARN: the last path segment of
// "arn:aws:ecs:<region>:<account>:service/<cluster>/<name>" (or the older
// "service/<name>"). A plain name is returned as is.
std::string ServiceNameFromArn(const std::string& arn);

// Resolves `all_services`, finalizes `plan` (so `plan` afterwards holds the exact steps
// run, in the same order as the result) and builds one Step per spec. Errors: ListServices
// failures (naming the cluster), FinalizePlan's InvalidArgument.
Result<std::vector<std::unique_ptr<Step>>> BuildSteps(PlanSpec& plan, AwsServices& aws);

}  // namespace drf
