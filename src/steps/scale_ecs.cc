#include "steps/scale_ecs.h"

#include <algorithm>

#include "steps/capacity.h"
#include "steps/poller.h"
#include "steps/stall_evidence.h"
#include "steps/step_outcome.h"

namespace drf {
namespace {

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

ScaleEcsStep::ScaleEcsStep(StepSpec spec, EcsClient& ecs) : spec_(std::move(spec)), ecs_(ecs) {}

const std::string& ScaleEcsStep::service() const {
  static const std::string kNone;
  return ecs().services.size() == 1 ? ecs().services[0] : kNone;
}

std::string ScaleEcsStep::resource() const { return "ecs " + ecs().cluster + "/" + service(); }

StepResult ScaleEcsStep::Preview(StepContext& ctx) {
  StepResult result;
  if (service().empty()) {
    EndFailed(ctx, result, resource(),
              Status::InvalidArgument("a scale_ecs step needs exactly one service"));
    return result;
  }
  Poller poller(ctx, result);
  Result<EcsService> svc =
      poller.Act([&] { return DescribeActiveService(ecs_, ecs().cluster, service()); });
  if (!svc.ok()) {
    EndFailed(ctx, result, resource(), svc.status());
    return result;
  }
  const int desired = std::max(svc->desired_count, ecs().min_desired_count);
  result.before = {{"desired_count", svc->desired_count}};
  result.after = {{"desired_count", desired}};
  if (desired == svc->desired_count) {
    result.state = StepState::kUnchanged;
    result.summary =
        "already at " + std::to_string(desired) + " >= " + std::to_string(ecs().min_desired_count);
  } else {
    result.state = StepState::kSucceeded;
    result.summary = "would scale " + ecs().cluster + "/" + service() + " desired count " +
                     std::to_string(svc->desired_count) + " -> " + std::to_string(desired);
    result.changes.push_back(result.summary);
  }
  return result;
}

StepResult ScaleEcsStep::Run(StepContext& ctx) {
  StepResult result;
  if (service().empty()) {
    EndFailed(ctx, result, resource(),
              Status::InvalidArgument("a scale_ecs step needs exactly one service"));
    return result;
  }
  if (StopIfCancelled(ctx, result, resource())) return result;
  Poller poller(ctx, result);
  Result<EcsService> svc =
      poller.Act([&] { return DescribeActiveService(ecs_, ecs().cluster, service()); });
  if (!svc.ok()) {
    EndFailed(ctx, result, resource(), svc.status());
    return result;
  }
  const int desired = std::max(svc->desired_count, ecs().min_desired_count);
  if (!Raise(ctx, poller, result, svc->desired_count, desired)) return result;
  const CapacityWait wait = ecs().capacity_wait;
  const bool changed = result.state == StepState::kSucceeded;
  if (desired > 0 &&
      (wait == CapacityWait::kYes || (wait == CapacityWait::kIfChanged && changed))) {
    WaitRunning(ctx, poller, result, desired);
  }
  return result;
}

bool ScaleEcsStep::Raise(StepContext& ctx, Poller& poller, StepResult& result, int current,
                         int desired) {
  const std::string& cluster = ecs().cluster;
  const std::string min = std::to_string(ecs().min_desired_count);
  result.before = {{"desired_count", current}};
  result.after = {{"desired_count", desired}};
  if (desired == current) {
    ctx.log.Info(EcsServiceInCluster(cluster, service()) + " already has desired count " +
                 std::to_string(current) + " (at least " + min + ")");
    result.state = StepState::kUnchanged;
    result.summary = "already at " + std::to_string(current) + " >= " + min;
    return true;
  }
  if (StopIfCancelled(ctx, result, resource())) return false;
  ctx.log.Info("Scaling ECS service " + service() + " in cluster " + cluster);
  Result<Mutated<EcsService>> updated =
      poller.Act([&] { return ecs_.UpdateService(cluster, service(), desired); });
  if (!updated.ok()) {
    // Accepted but unreadable: made, so listed (the error says it is unconfirmed).
    if (AcceptedButUnreadable(updated.status())) {
      RecordCall(ctx, result, "ECS.UpdateService", cluster + "/" + service(),
                 updated.status().aws()->request_id);
    }
    EndFailed(ctx, result, resource(), updated.status());
    return false;
  }
  RecordCall(ctx, result, "ECS.UpdateService", cluster + "/" + service(), updated->request_id);
  ctx.log.Info("Successfully scaled ECS service " + service());
  result.state = StepState::kSucceeded;
  result.summary = "scaled " + cluster + "/" + service() + " desired count " +
                   std::to_string(current) + " -> " + std::to_string(desired);
  result.changes.push_back(result.summary);
  return true;
}

void ScaleEcsStep::WaitRunning(StepContext& ctx, Poller& poller, StepResult& result, int desired) {
  const std::string& cluster = ecs().cluster;
  std::optional<EcsCapacity> last;
  WaitSpec wait;
  wait.what = "ECS service " + cluster + "/" + service();
  wait.stall_after = StallLimit(spec_);
  wait.check = [&]() -> Result<WaitProgress> {
    Result<EcsCapacity> now = ReadEcsCapacity(ecs_, cluster, service());
    if (!now.ok()) return now.status();
    last = *now;
    DRF_RETURN_IF_ERROR(FailedRollout(now->service));
    const int running = static_cast<int>(now->running.size());
    return WaitProgress{running >= desired, DescribeCapacity(*now), running};
  };
  wait.evidence = [&] { return last ? EcsStallEvidence(ecs_, last->service, cluster) : ""; };
  Status waited = poller.Wait(wait);
  const int running = last ? static_cast<int>(last->running.size()) : 0;
  result.after["running_count"] = running;
  if (!waited.ok()) {
    EndUnfinished(ctx, result, resource(), waited,
                  result.summary + "; " + std::to_string(running) + " of " +
                      std::to_string(desired) + " tasks running");
  }
}

}  // namespace drf
