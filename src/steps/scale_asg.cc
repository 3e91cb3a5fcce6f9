#include "steps/scale_asg.h"

#include <algorithm>

#include "steps/capacity.h"
#include "steps/poller.h"
#include "steps/stall_evidence.h"
#include "steps/step_outcome.h"

namespace drf {
namespace {

AsgSizes SizesOf(const AutoScalingGroup& group) {
  return {group.min_size, group.max_size, group.desired_capacity};
}

nlohmann::json SizesJson(const AsgSizes& s) {
  return {{"min", s.min}, {"max", s.max}, {"desired", s.desired}};
}

std::string Slashed(const AsgSizes& s) {
  return std::to_string(s.min) + "/" + std::to_string(s.max) + "/" + std::to_string(s.desired);
}

// One line per size that changes: "dr-jenkins min 0 -> 1".
std::vector<std::string> SizeChanges(const std::string& name, const AsgSizes& from,
                                     const AsgSizes& to) {
  std::vector<std::string> lines;
  auto add = [&](const char* field, int a, int b) {
    if (a != b)
      lines.push_back(name + " " + field + " " + std::to_string(a) + " -> " + std::to_string(b));
  };
  add("min", from.min, to.min);
  add("max", from.max, to.max);
  add("desired", from.desired, to.desired);
  return lines;
}

// Only the fields that change are sent, so values changed meanwhile by someone else
// (a scaling policy raising desired, say) are not overwritten with our older reading.
UpdateAsgRequest ChangedFields(const std::string& name, const AsgSizes& from, const AsgSizes& to) {
  UpdateAsgRequest request{name, std::nullopt, std::nullopt, std::nullopt};
  if (from.min != to.min) request.min_size = to.min;
  if (from.max != to.max) request.max_size = to.max;
  if (from.desired != to.desired) request.desired_capacity = to.desired;
  return request;
}

std::string SizesText(const AsgSizes& s) {
  return "min=" + std::to_string(s.min) + ", max=" + std::to_string(s.max) +
         ", desired=" + std::to_string(s.desired);
}

}  // namespace

AsgSizes RaisedSizes(const AsgSizes& current, const ScaleAsgSpec& spec) {
  AsgSizes out;
  out.min = std::max(current.min, spec.min_size);
  out.desired = std::max({current.desired, spec.desired_capacity, out.min});
  out.max = std::max({current.max, spec.max_size, out.desired});
  return out;
}

ScaleAsgStep::ScaleAsgStep(StepSpec spec, AutoScalingClient& autoscaling)
    : spec_(std::move(spec)), autoscaling_(autoscaling) {}

std::string ScaleAsgStep::resource() const { return "asg " + asg().asg_name; }

StepResult ScaleAsgStep::Preview(StepContext& ctx) {
  StepResult result;
  Poller poller(ctx, result);
  Result<AutoScalingGroup> group =
      poller.Act([&] { return DescribeAsg(autoscaling_, asg().asg_name); });
  if (!group.ok()) {
    EndFailed(ctx, result, resource(), group.status());
    return result;
  }
  AsgSizes current = SizesOf(*group);
  AsgSizes target = RaisedSizes(current, asg());
  result.before = SizesJson(current);
  result.after = SizesJson(target);
  result.changes = SizeChanges(asg().asg_name, current, target);
  result.state = result.changes.empty() ? StepState::kUnchanged : StepState::kSucceeded;
  result.summary =
      result.changes.empty()
          ? "already at " + Slashed(current) + " (at or above target)"
          : "would scale " + asg().asg_name + " " + Slashed(current) + " -> " + Slashed(target);
  return result;
}

StepResult ScaleAsgStep::Run(StepContext& ctx) {
  StepResult result;
  if (StopIfCancelled(ctx, result, resource())) return result;
  Poller poller(ctx, result);
  Result<AutoScalingGroup> group =
      poller.Act([&] { return DescribeAsg(autoscaling_, asg().asg_name); });
  if (!group.ok()) {
    EndFailed(ctx, result, resource(), group.status());
    return result;
  }
  const AsgSizes target = RaisedSizes(SizesOf(*group), asg());
  if (!Raise(ctx, poller, result, SizesOf(*group), target)) return result;
  const CapacityWait wait = asg().capacity_wait;
  const bool changed = result.state == StepState::kSucceeded;
  if (target.desired > 0 &&
      (wait == CapacityWait::kYes || (wait == CapacityWait::kIfChanged && changed))) {
    WaitInService(ctx, poller, result, target.desired);
  }
  return result;
}

bool ScaleAsgStep::Raise(StepContext& ctx, Poller& poller, StepResult& result,
                         const AsgSizes& current, const AsgSizes& target) {
  const std::string& name = asg().asg_name;
  result.before = SizesJson(current);
  result.after = SizesJson(target);
  if (current == target) {
    ctx.log.Info("ASG " + name + " already at or above target: " + SizesText(current));
    result.state = StepState::kUnchanged;
    result.summary = "already at " + Slashed(current) + " (at or above target)";
    return true;
  }
  if (StopIfCancelled(ctx, result, resource())) return false;
  ctx.log.Info("Scaling ASG " + name + " to " + SizesText(target));
  Result<Ack> ack = poller.Act(
      [&] { return autoscaling_.UpdateAutoScalingGroup(ChangedFields(name, current, target)); });
  if (!ack.ok()) {
    // Accepted but unreadable: made, so listed (the error says it is unconfirmed).
    if (AcceptedButUnreadable(ack.status())) {
      RecordCall(ctx, result, "AutoScaling.UpdateAutoScalingGroup", name,
                 ack.status().aws()->request_id);
    }
    EndFailed(ctx, result, resource(), ack.status());
    return false;
  }
  RecordCall(ctx, result, "AutoScaling.UpdateAutoScalingGroup", name, ack->request_id);
  ctx.log.Info("Successfully updated ASG " + name);
  result.state = StepState::kSucceeded;
  result.summary = "scaled " + name + " " + Slashed(current) + " -> " + Slashed(target);
  result.changes = SizeChanges(name, current, target);
  return true;
}

void ScaleAsgStep::WaitInService(StepContext& ctx, Poller& poller, StepResult& result,
                                 int desired) {
  const std::string& name = asg().asg_name;
  int in_service = 0;
  WaitSpec wait;
  wait.what = "ASG " + name;
  wait.stall_after = StallLimit(spec_);
  wait.check = [&]() -> Result<WaitProgress> {
    Result<AsgCapacity> now = ReadAsgCapacity(autoscaling_, name);
    if (!now.ok()) return now.status();
    in_service = static_cast<int>(now->ready.size());
    return WaitProgress{in_service >= desired, DescribeCapacity(*now), in_service};
  };
  wait.evidence = [&] { return AsgStallEvidence(autoscaling_, name); };
  Status waited = poller.Wait(wait);
  result.after["in_service"] = in_service;
  if (!waited.ok()) {
    EndUnfinished(ctx, result, resource(), waited,
                  result.summary + "; " + std::to_string(in_service) + " of " +
                      std::to_string(desired) + " instances InService");
  }
}

}  // namespace drf
