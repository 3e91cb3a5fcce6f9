// RegisterTargetsStep: registers the targets of a source, the InService and Healthy
// instances of an Auto Scaling group or the RUNNING tasks of an ECS service (by IP), with
// a target group. The executor runs it after the step that scales the source.
//
// Unlike the original, which registered right after the ASG update (so usually nothing),
// it first waits until the source has as many ready targets as it wants (desired
// capacity / desired count; ready as capacity.h counts it), bounded by its deadline and
// by the stall rule. A source that wants none fails at once ("source has no capacity"):
// waiting could never succeed. If the wait stalls or the deadline passes with some
// targets ready, those are still registered when the spec allows it (`partial`, a partial
// load balancer beats none in a disaster) and the step ends kFailed (stalled, with the
// source's evidence) or kTimedOut.
//
// The port is the spec's or the target group's own (never a fixed 80). Only targets not
// yet registered (same id and port; "draining" counts as not registered) are sent, in
// batches of kRegisterBatch. The target group's type must fit the source: instance for an
// ASG, ip for an ECS service (awsvpc tasks); a mismatch is a failure that says so.
//
// Outcomes: kSucceeded, kUnchanged (all ready targets already registered), kFailed,
// kTimedOut.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "services/autoscaling_client.h"
#include "services/ecs_client.h"
#include "services/elbv2_client.h"
#include "services/shared_reads.h"
#include "steps/inspect_apply_step.h"

namespace drf {

inline constexpr size_t kRegisterBatch = 100;

// The ready targets of a source and how many it wants.
struct SourceTargets {
  std::vector<std::string> ids;  // instance ids or IPs, in AWS's order
  int wanted = 0;                // desired capacity / desired count
};

// One target group, read with the other steps' (SharedReads); NotFound when AWS does not
// list it.
Result<TargetGroup> DescribeTargetGroup(SharedReads& reads, const std::string& arn);
// "<id>:<port>": a target as the report and the registered-target record name it.
std::string TargetKey(const std::string& id, int port);
// The keys of every target registered with `tg` that is not on its way out ("draining").
Result<std::set<std::string>> RegisteredTargets(Elbv2Client& elbv2, const TargetGroup& tg);

// The target group's type must fit the source (instance ids from an ASG, task IPs of awsvpc
// tasks from an ECS service), and the plan's stated type (if any) must be the real one:
// registering instance ids in an ip group (or the reverse) is refused by AWS with a message
// that does not say why. InvalidArgument naming both otherwise.
Status CheckTargetType(const TargetGroup& tg, const RegisterTargetsSpec& spec);

// What Inspect found: the target group (its type checked against the source) and the port
// its targets are registered on.
struct TargetDestination {
  TargetGroup group;
  int port = 0;
};

class RegisterTargetsStep final : public InspectApplyStep<TargetDestination> {
 public:
  // `spec.detail` must hold a RegisterTargetsSpec. The clients must outlive the step.
  RegisterTargetsStep(StepSpec spec, Elbv2Client& elbv2, AutoScalingClient& autoscaling,
                      EcsClient& ecs, SharedReads& reads);

  std::string resource() const override;  // "targets <target group arn>"

 private:
  const RegisterTargetsSpec& reg() const { return std::get<RegisterTargetsSpec>(spec().detail); }
  Result<TargetDestination> Inspect(StepRun& run) override;
  // Reads the source and the registered targets now: what Run would register.
  void Explain(StepRun& run, const TargetDestination& to) override;
  // Waits for the source's targets, then registers those not yet registered.
  void Apply(StepRun& run, const TargetDestination& to) override;

  Elbv2Client& elbv2_;
  AutoScalingClient& autoscaling_;
  EcsClient& ecs_;
  SharedReads& reads_;
};

}  // namespace drf
