// BuildSteps: one runnable Step per finalized spec (plan/finalize_plan.h), each given the
// service clients its kind uses. The one place that knows every step kind.
#pragma once

#include <memory>
#include <vector>

#include "core/command.h"
#include "plan/plan_spec.h"
#include "plan/run_facts.h"
#include "plan/step.h"
#include "services/autoscaling_client.h"
#include "services/cloudwatch_client.h"
#include "services/ecs_client.h"
#include "services/elbv2_client.h"
#include "services/lambda_client.h"
#include "services/rds_client.h"
#include "services/route53_client.h"
#include "services/shared_reads.h"

namespace drf {

// What steps act through: the AWS clients, the reads steps share (SharedReads), local programs
// (hooks; null in the Lambda function) and the run's facts (hooks' inputs). Not owned; they must
// outlive the steps built from them.
struct StepServices {
  RdsClient& rds;
  AutoScalingClient& autoscaling;
  EcsClient& ecs;
  Elbv2Client& elbv2;
  CloudWatchClient& cloudwatch;
  Route53Client& route53;
  LambdaClient& lambda;
  SharedReads& reads;
  CommandRunner* commands;
  const RunFacts& facts;
};

// One Step per spec, in the same order. `specs` must be finalized (each kind set from its
// detail, one service per ECS spec).
std::vector<std::unique_ptr<Step>> BuildSteps(const std::vector<StepSpec>& specs,
                                              StepServices& aws);

}  // namespace drf
