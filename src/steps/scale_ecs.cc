#include "steps/scale_ecs.h"

#include <algorithm>
#include <utility>

#include "steps/capacity.h"
#include "steps/stall_evidence.h"
#include "steps/standby_record.h"

namespace drf {
namespace {

std::string AlreadyAt(int current, int min) {
  return "already at " + std::to_string(current) + " >= " + std::to_string(min);
}

// "dr/frontend desired count 0 -> 1"
std::string Scaled(const std::string& cluster, const std::string& service,
                   const EcsResize& resize) {
  return cluster + "/" + service + " desired count " + std::to_string(resize.current) + " -> " +
         std::to_string(resize.desired);
}

// An error when the service's primary deployment has given up rolling out.
Status FailedRollout(const EcsService& s) {
  for (const EcsDeployment& d : s.deployments) {
    if (d.status == "PRIMARY" && d.rollout_state == "FAILED") {
      return Status::Rejected("deployment " + d.id + " of service " + s.name + " failed");
    }
  }
  return Status::Ok();
}

}  // namespace

ScaleEcsStep::ScaleEcsStep(StepSpec spec, EcsClient& ecs, SharedReads& reads)
    : InspectApplyStep(std::move(spec)), ecs_(ecs), reads_(reads) {
  if (!service().empty()) reads_.ExpectService(this->ecs().cluster, service());
}

const std::string& ScaleEcsStep::service() const {
  static const std::string kNone;
  return ecs().services.size() == 1 ? ecs().services[0] : kNone;
}

std::string ScaleEcsStep::resource() const { return "ecs " + ecs().cluster + "/" + service(); }

Status ScaleEcsStep::CheckSpec() const {
  if (!service().empty()) return Status::Ok();
  return Status::InvalidArgument("a scale_ecs step needs exactly one service");
}

Result<EcsResize> ScaleEcsStep::Inspect(StepRun& run) {
  Result<EcsService> svc =
      run.poller().Act([&] { return DescribeActiveService(reads_, ecs().cluster, service()); });
  if (!svc.ok()) return svc.status();
  run.result().before = {{"desired_count", svc->desired_count}};
  return EcsResize{svc->desired_count, std::max(svc->desired_count, ecs().min_desired_count),
                   svc->arn, svc->tags};
}

void ScaleEcsStep::Explain(StepRun& run, const EcsResize& resize) {
  StepResult& result = run.result();
  result.after = {{"desired_count", resize.desired}};
  if (resize.desired == resize.current) {
    result.state = StepState::kUnchanged;
    result.summary = AlreadyAt(resize.current, ecs().min_desired_count);
    return;
  }
  result.state = StepState::kSucceeded;
  result.summary = "would scale " + Scaled(ecs().cluster, service(), resize);
  result.changes.push_back(result.summary);
}

void ScaleEcsStep::Apply(StepRun& run, const EcsResize& resize) {
  const std::string& cluster = ecs().cluster;
  StepResult& result = run.result();
  result.after = {{"desired_count", resize.desired}};
  if (resize.desired == resize.current) {
    run.log().Info(EcsServiceInCluster(cluster, service()) + " already has desired count " +
                   std::to_string(resize.current) + " (at least " +
                   std::to_string(ecs().min_desired_count) + ")");
    result.state = StepState::kUnchanged;
    result.summary = AlreadyAt(resize.current, ecs().min_desired_count);
    return;
  }
  if (run.StopIfCancelled()) return;
  RecordStandby(run, resize);
  run.log().Info("Scaling " + EcsServiceInCluster(cluster, service()));
  Result<Mutated<EcsService>> updated =
      run.poller().Act([&] { return ecs_.UpdateService(cluster, service(), resize.desired); });
  Status made = run.RecordMutation("ECS.UpdateService", cluster + "/" + service(), updated);
  if (!made.ok()) return run.Fail(made);
  run.log().Info("Successfully scaled ECS service " + service());
  result.state = StepState::kSucceeded;
  result.summary = "scaled " + Scaled(cluster, service(), resize);
  result.changes.push_back(result.summary);
}

void ScaleEcsStep::RecordStandby(StepRun& run, const EcsResize& resize) {
  const std::string label = ecs().cluster + "/" + service();
  // The describe carries the tags (SharedReads); an older answer without them is read apart.
  Result<ResourceTags> tags =
      resize.tags ? Result<ResourceTags>(*resize.tags)
                  : run.poller().Act([&] { return ecs_.ListTagsForResource(resize.arn); });
  Status recorded = tags.status();
  if (tags.ok()) {
    if (auto it = tags->find(kStandbyTag); it != tags->end()) {
      run.result().before["standby"] = it->second;
      return;
    }
    const std::string value = EcsStandbyValue(resize.current);
    Result<Ack> ack =
        run.poller().Act([&] { return ecs_.TagResource(resize.arn, kStandbyTag, value); });
    recorded = run.RecordMutation("ECS.TagResource", label, ack);
    if (recorded.ok()) {
      run.result().before["standby"] = value;
      return;
    }
  }
  run.log().Warn(EcsServiceInCluster(ecs().cluster, service()) +
                 ": standby desired count not recorded (failback will leave it alone): " +
                 recorded.UserMessage());
}

void ScaleEcsStep::Wait(StepRun& run, const EcsResize& resize) {
  const int desired = resize.desired;
  const bool changed = run.result().state == StepState::kSucceeded;
  if (!WaitsForCapacity(ecs().capacity_wait, changed, desired)) return;
  const std::string& cluster = ecs().cluster;
  std::optional<EcsCapacity> last;
  TaskListing listing = TaskListing::kUnlessNoneReported;
  WaitSpec wait;
  wait.what = EcsServiceLabel(cluster, service());
  wait.stall_after = run.stall_after();
  wait.check = [&]() -> Result<WaitProgress> {
    Result<EcsCapacity> now =
        ReadEcsCapacity(reads_, cluster, service(), std::exchange(listing, TaskListing::kAlways));
    if (!now.ok()) return now.status();
    last = *now;
    DRF_RETURN_IF_ERROR(FailedRollout(now->service));
    const int running = static_cast<int>(now->running.size());
    return WaitProgress{running >= desired, DescribeCapacity(*now), running};
  };
  wait.evidence = [&] { return last ? EcsStallEvidence(ecs_, last->service, cluster) : ""; };
  wait.poll_at_once = !(changed && resize.desired > resize.current);
  Status waited = run.poller().Wait(wait);
  const int running = last ? static_cast<int>(last->running.size()) : 0;
  run.result().after["running_count"] = running;
  if (waited.ok() && last) PassOnEcsCapacity(reads_, cluster, service(), *last);
  if (!waited.ok()) {
    run.EndUnfinished(waited, run.result().summary + "; " +
                                  ReadyCount(static_cast<size_t>(running), desired, kReadyTasks));
  }
}

}  // namespace drf
