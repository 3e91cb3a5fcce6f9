// BuildSteps: one runnable Step per finalized spec (plan/finalize_plan.h), each given the
// service clients its kind uses. The one place that knows every step kind.
#pragma once

#include <memory>
#include <vector>

#include "plan/plan_spec.h"
#include "plan/step.h"
#include "services/autoscaling_client.h"
#include "services/cloudwatch_client.h"
#include "services/ecs_client.h"
#include "services/elbv2_client.h"
#include "services/rds_client.h"
#include "services/route53_client.h"

namespace drf {

// The clients steps use. Not owned; they must outlive the steps built from them.
struct AwsServices {
  RdsClient& rds;
  AutoScalingClient& autoscaling;
  EcsClient& ecs;
  Elbv2Client& elbv2;
  CloudWatchClient& cloudwatch;
  Route53Client& route53;
};

// One Step per spec, in the same order. `specs` must be finalized (each kind set from its
// detail, one service per ECS spec).
std::vector<std::unique_ptr<Step>> BuildSteps(const std::vector<StepSpec>& specs, AwsServices& aws);

}  // namespace drf
