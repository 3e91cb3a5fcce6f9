#include "steps/scale_asg.h"

#include <algorithm>

#include "steps/capacity.h"
#include "steps/stall_evidence.h"
#include "steps/standby_record.h"

namespace drf {
namespace {

AsgSizes SizesOf(const AutoScalingGroup& group) {
  return {group.min_size, group.max_size, group.desired_capacity};
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

std::string AlreadyAt(const AsgSizes& current) {
  return "already at " + AsgSlashed(current) + " (at or above target)";
}

}  // namespace

nlohmann::json AsgSizesJson(const AsgSizes& s) {
  return {{"min", s.min}, {"max", s.max}, {"desired", s.desired}};
}

std::string AsgSlashed(const AsgSizes& s) {
  return std::to_string(s.min) + "/" + std::to_string(s.max) + "/" + std::to_string(s.desired);
}

AsgSizes RaisedSizes(const AsgSizes& current, const ScaleAsgSpec& spec) {
  AsgSizes out;
  out.min = std::max(current.min, spec.min_size);
  out.desired = std::max({current.desired, spec.desired_capacity, out.min});
  out.max = std::max({current.max, spec.max_size, out.desired});
  return out;
}

ScaleAsgStep::ScaleAsgStep(StepSpec spec, AutoScalingClient& autoscaling, SharedReads& reads)
    : InspectApplyStep(std::move(spec)), autoscaling_(autoscaling), reads_(reads) {
  reads_.ExpectAsg(asg().asg_name);
}

std::string ScaleAsgStep::resource() const { return "asg " + asg().asg_name; }

Result<AsgResize> ScaleAsgStep::Inspect(StepRun& run) {
  Result<AutoScalingGroup> group =
      run.poller().Act([&] { return DescribeAsg(reads_, asg().asg_name); });
  if (!group.ok()) return group.status();
  const AsgSizes current = SizesOf(*group);
  run.result().before = AsgSizesJson(current);
  auto standby = group->tags.find(kStandbyTag);
  if (standby != group->tags.end()) run.result().before["standby"] = standby->second;
  return AsgResize{current, RaisedSizes(current, asg()), standby != group->tags.end()};
}

void ScaleAsgStep::Explain(StepRun& run, const AsgResize& resize) {
  StepResult& result = run.result();
  result.after = AsgSizesJson(resize.target);
  result.changes = SizeChanges(asg().asg_name, resize.current, resize.target);
  if (result.changes.empty()) {
    result.state = StepState::kUnchanged;
    result.summary = AlreadyAt(resize.current);
    return;
  }
  result.state = StepState::kSucceeded;
  result.summary = "would scale " + asg().asg_name + " " + AsgSlashed(resize.current) + " -> " +
                   AsgSlashed(resize.target);
}

void ScaleAsgStep::Apply(StepRun& run, const AsgResize& resize) {
  const std::string& name = asg().asg_name;
  StepResult& result = run.result();
  result.after = AsgSizesJson(resize.target);
  if (resize.current == resize.target) {
    run.log().Info("ASG " + name + " already at or above target: " + SizesText(resize.current));
    result.state = StepState::kUnchanged;
    result.summary = AlreadyAt(resize.current);
    return;
  }
  if (run.StopIfCancelled()) return;
  if (!resize.standby_recorded) RecordStandby(run, resize.current);
  run.log().Info("Scaling ASG " + name + " to " + SizesText(resize.target));
  Result<Ack> ack = run.poller().Act([&] {
    return autoscaling_.UpdateAutoScalingGroup(ChangedFields(name, resize.current, resize.target));
  });
  Status made = run.RecordMutation("AutoScaling.UpdateAutoScalingGroup", name, ack);
  if (!made.ok()) return run.Fail(made);
  run.log().Info("Successfully updated ASG " + name);
  result.state = StepState::kSucceeded;
  result.summary =
      "scaled " + name + " " + AsgSlashed(resize.current) + " -> " + AsgSlashed(resize.target);
  result.changes = SizeChanges(name, resize.current, resize.target);
}

void ScaleAsgStep::RecordStandby(StepRun& run, const AsgSizes& standby) {
  const std::string& name = asg().asg_name;
  const std::string value = AsgStandbyValue(standby);
  Result<Ack> ack = run.poller().Act([&] { return autoscaling_.PutTag(name, kStandbyTag, value); });
  Status recorded = run.RecordMutation("AutoScaling.CreateOrUpdateTags", name, ack);
  if (recorded.ok()) {
    run.result().before["standby"] = value;
    return;
  }
  // Not worth failing a failover over: failback then leaves the group as it is.
  run.log().Warn("ASG " + name + ": standby sizes not recorded (failback will leave it alone): " +
                 recorded.UserMessage());
}

void ScaleAsgStep::Wait(StepRun& run, const AsgResize& resize) {
  const int desired = resize.target.desired;
  const bool changed = run.result().state == StepState::kSucceeded;
  if (!WaitsForCapacity(asg().capacity_wait, changed, desired)) return;
  const std::string& name = asg().asg_name;
  int in_service = 0;
  WaitSpec wait;
  wait.what = "ASG " + name;
  wait.stall_after = run.stall_after();
  wait.check = [&]() -> Result<WaitProgress> {
    Result<AsgCapacity> now = ReadAsgCapacity(reads_, name);
    if (!now.ok()) return now.status();
    in_service = static_cast<int>(now->ready.size());
    return WaitProgress{in_service >= desired, DescribeCapacity(*now), in_service};
  };
  wait.evidence = [&] { return AsgStallEvidence(autoscaling_, name); };
  wait.poll_at_once = !(changed && desired > resize.current.desired);
  Status waited = run.poller().Wait(wait);
  run.result().after["in_service"] = in_service;
  if (!waited.ok()) {
    run.EndUnfinished(waited, run.result().summary + "; " + std::to_string(in_service) + " of " +
                                  std::to_string(desired) + " instances InService");
  }
}

}  // namespace drf
