#include "failback/restore_asg.h"

#include "failback/left_alone.h"
#include "steps/capacity.h"
#include "steps/standby_record.h"

namespace drf {

RestoreAsgStep::RestoreAsgStep(StepSpec spec, AutoScalingClient& autoscaling, SharedReads& reads)
    : InspectApplyStep(std::move(spec)), autoscaling_(autoscaling), reads_(reads) {
  reads_.ExpectAsg(name());
}

std::string RestoreAsgStep::resource() const { return "asg " + name(); }

Result<AsgRestore> RestoreAsgStep::Inspect(StepRun& run) {
  Result<AutoScalingGroup> group = run.poller().Act([&] { return DescribeAsg(reads_, name()); });
  if (!group.ok()) return group.status();
  AsgRestore restore{{group->min_size, group->max_size, group->desired_capacity}, std::nullopt};
  run.result().before = AsgSizesJson(restore.current);
  auto tag = group->tags.find(kStandbyTag);
  if (tag == group->tags.end()) return restore;
  restore.standby = ParseAsgStandby(tag->second);
  if (!restore.standby) {
    return Status::Rejected("its " + std::string(kStandbyTag) + " tag \"" + tag->second +
                            "\" is not a standby record (expected min=N max=N desired=N); "
                            "nothing changed");
  }
  run.result().before["standby"] = tag->second;
  return restore;
}

void RestoreAsgStep::Explain(StepRun& run, const AsgRestore& restore) {
  StepResult& result = run.result();
  if (!restore.standby) return LeaveAlone(result, "asg " + name());
  result.after = AsgSizesJson(*restore.standby);
  result.state = StepState::kSucceeded;
  if (restore.current == *restore.standby) {
    result.summary =
        "already at standby " + AsgSlashed(restore.current) + "; would remove its standby record";
  } else {
    result.summary = "would restore " + name() + " " + AsgSlashed(restore.current) + " -> " +
                     AsgSlashed(*restore.standby);
  }
  result.changes.push_back(result.summary);
}

void RestoreAsgStep::Apply(StepRun& run, const AsgRestore& restore) {
  StepResult& result = run.result();
  if (!restore.standby) return LeaveAlone(result, "asg " + name());
  const AsgSizes& standby = *restore.standby;
  result.after = AsgSizesJson(standby);
  if (restore.current != standby) {
    if (run.StopIfCancelled()) return;
    run.log().Info("Restoring ASG " + name() + " to its standby sizes " + AsgSlashed(standby));
    Result<Ack> ack = run.poller().Act([&] {
      return autoscaling_.UpdateAutoScalingGroup(
          {name(), standby.min, standby.max, standby.desired});
    });
    Status made = run.RecordMutation("AutoScaling.UpdateAutoScalingGroup", name(), ack);
    if (!made.ok()) return run.Fail(made);
    result.changes.push_back(name() + " " + AsgSlashed(restore.current) + " -> " +
                             AsgSlashed(standby));
  }
  if (run.StopIfCancelled()) return;
  Result<Ack> removed =
      run.poller().Act([&] { return autoscaling_.DeleteTag(name(), kStandbyTag); });
  Status made = run.RecordMutation("AutoScaling.DeleteTags", name(), removed);
  if (!made.ok()) return run.Fail(made);
  result.changes.push_back("removed the standby record of " + name());
  result.state = StepState::kSucceeded;
  result.summary = "restored " + name() + " to standby " + AsgSlashed(standby);
}

}  // namespace drf
