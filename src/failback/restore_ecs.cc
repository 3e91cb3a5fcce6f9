#include "failback/restore_ecs.h"

#include "failback/left_alone.h"
#include "steps/capacity.h"
#include "steps/standby_record.h"

namespace drf {
namespace {

std::string Restored(const std::string& label, const EcsRestore& restore) {
  return label + " desired count " + std::to_string(restore.current) + " -> " +
         std::to_string(*restore.standby);
}

}  // namespace

RestoreEcsStep::RestoreEcsStep(StepSpec spec, EcsClient& ecs, SharedReads& reads)
    : InspectApplyStep(std::move(spec)), ecs_(ecs), reads_(reads) {
  if (!service().empty()) reads_.ExpectService(this->ecs().cluster, service());
}

std::string RestoreEcsStep::service() const {
  return ecs().services.size() == 1 ? ecs().services[0] : "";
}

std::string RestoreEcsStep::resource() const { return "ecs " + ecs().cluster + "/" + service(); }

Status RestoreEcsStep::CheckSpec() const {
  if (!service().empty()) return Status::Ok();
  return Status::InvalidArgument("a scale_ecs step needs exactly one service");
}

Result<EcsRestore> RestoreEcsStep::Inspect(StepRun& run) {
  Result<EcsService> svc =
      run.poller().Act([&] { return DescribeActiveService(reads_, ecs().cluster, service()); });
  if (!svc.ok()) return svc.status();
  EcsRestore restore{svc->desired_count, std::nullopt, svc->arn};
  run.result().before = {{"desired_count", svc->desired_count}};
  // The describe carries the tags (SharedReads); an older answer without them is read apart.
  Result<ResourceTags> tags =
      svc->tags ? Result<ResourceTags>(*svc->tags)
                : run.poller().Act([&] { return ecs_.ListTagsForResource(svc->arn); });
  if (!tags.ok()) return tags.status();
  auto tag = tags->find(kStandbyTag);
  if (tag == tags->end()) return restore;
  restore.standby = ParseEcsStandby(tag->second);
  if (!restore.standby) {
    return Status::Rejected("its " + std::string(kStandbyTag) + " tag \"" + tag->second +
                            "\" is not a standby record (expected desired=N); nothing changed");
  }
  run.result().before["standby"] = tag->second;
  return restore;
}

void RestoreEcsStep::Explain(StepRun& run, const EcsRestore& restore) {
  StepResult& result = run.result();
  if (!restore.standby) return LeaveAlone(result, resource());
  result.after = {{"desired_count", *restore.standby}};
  result.state = StepState::kSucceeded;
  const std::string label = ecs().cluster + "/" + service();
  result.summary = restore.current == *restore.standby
                       ? "already at standby desired count " + std::to_string(restore.current) +
                             "; would remove its standby record"
                       : "would restore " + Restored(label, restore);
  result.changes.push_back(result.summary);
}

void RestoreEcsStep::Apply(StepRun& run, const EcsRestore& restore) {
  StepResult& result = run.result();
  if (!restore.standby) return LeaveAlone(result, resource());
  const std::string label = ecs().cluster + "/" + service();
  result.after = {{"desired_count", *restore.standby}};
  if (restore.current != *restore.standby) {
    if (run.StopIfCancelled()) return;
    run.log().Info("Restoring " + EcsServiceInCluster(ecs().cluster, service()) +
                   " to its standby desired count " + std::to_string(*restore.standby));
    Result<Mutated<EcsService>> updated = run.poller().Act(
        [&] { return ecs_.UpdateService(ecs().cluster, service(), *restore.standby); });
    Status made = run.RecordMutation("ECS.UpdateService", label, updated);
    if (!made.ok()) return run.Fail(made);
    result.changes.push_back(Restored(label, restore));
  }
  if (run.StopIfCancelled()) return;
  Result<Ack> removed =
      run.poller().Act([&] { return ecs_.UntagResource(restore.arn, kStandbyTag); });
  Status made = run.RecordMutation("ECS.UntagResource", label, removed);
  if (!made.ok()) return run.Fail(made);
  result.changes.push_back("removed the standby record of " + label);
  result.state = StepState::kSucceeded;
  result.summary =
      "restored " + label + " to standby desired count " + std::to_string(*restore.standby);
}

}  // namespace drf
