// The readiness checks of each step kind: read what the step would act on and say whether
// a run would work, with the evidence, and which IAM actions it would need (permissions.h
// evaluates those). Read-only: only Describe/List/Get calls. Each check is independent of
// the others, so `check` runs them all at once.
#pragma once

#include "core/clock.h"
#include "plan/plan_spec.h"
#include "readiness/finding.h"
#include "services/autoscaling_client.h"
#include "services/cloudwatch_client.h"
#include "services/ec2_client.h"
#include "services/ecs_client.h"
#include "services/elbv2_client.h"
#include "services/rds_client.h"
#include "services/route53_client.h"

namespace drf {

struct ReadinessServices {
  RdsClient& rds;
  CloudWatchClient& cloudwatch;
  AutoScalingClient& autoscaling;
  Ec2Client& ec2;
  EcsClient& ecs;
  Elbv2Client& elbv2;
  Route53Client& route53;
};

// Findings for one finalized step (plan/finalize_plan.h), `now` being the wall time (the
// replica-lag window ends there).
StepReadiness CheckStep(const StepSpec& step, ReadinessServices& aws, WallTime now);

// The kinds' checks, for their tests. Each appends its findings and needs to `out`.
void CheckPromoteDb(const PromoteDbSpec& spec, ReadinessServices& aws, WallTime now,
                    StepReadiness& out);
void CheckScaleAsg(const ScaleAsgSpec& spec, ReadinessServices& aws, StepReadiness& out);
void CheckScaleEcs(const ScaleEcsSpec& spec, ReadinessServices& aws, StepReadiness& out);
void CheckRegisterTargets(const RegisterTargetsSpec& spec, ReadinessServices& aws,
                          StepReadiness& out);
void CheckSwitchDns(const SwitchDnsSpec& spec, ReadinessServices& aws, StepReadiness& out);
void CheckRunCommand(const RunCommandSpec& spec, StepReadiness& out);
void CheckInvokeLambda(const InvokeLambdaSpec& spec, StepReadiness& out);
void CheckPromoteDbCluster(const PromoteDbClusterSpec& spec, ReadinessServices& aws,
                           StepReadiness& out);
void CheckFailoverGlobalDb(const FailoverGlobalDbSpec& spec, ReadinessServices& aws,
                           StepReadiness& out);

}  // namespace drf
