#include "steps/register_targets.h"

#include <algorithm>
#include <set>
#include <utility>

#include "steps/capacity.h"
#include "steps/stall_evidence.h"
#include "steps/standby_record.h"

namespace drf {
namespace {

using Source = RegisterTargetsSpec::Source;

bool FromAsg(const RegisterTargetsSpec& spec) { return spec.source == Source::kAsg; }

// "ASG dr-jenkins" / "ECS service dr/frontend", for messages.
std::string SourceName(const RegisterTargetsSpec& spec) {
  return FromAsg(spec) ? "ASG " + spec.source_asg
                       : EcsServiceLabel(spec.source_cluster, spec.source_service);
}

std::string Noun(const RegisterTargetsSpec& spec) { return FromAsg(spec) ? "instances" : "tasks"; }

// "0 of 3 tasks running", "1 of 2 instances InService and Healthy".
std::string ReadyText(const RegisterTargetsSpec& spec, const SourceTargets& source) {
  return ReadyCount(source.ids.size(), source.wanted,
                    FromAsg(spec) ? kReadyInstances : kReadyTasks);
}

nlohmann::json RegisteredJson(const std::set<std::string>& keys) {
  return {{"registered", std::vector<std::string>(keys.begin(), keys.end())}};
}

// One Preview or Run after Inspect: where the targets go, and the source's ready targets
// as last read.
class Registration {
 public:
  Registration(StepRun& run, const RegisterTargetsSpec& spec, Elbv2Client& elbv2,
               AutoScalingClient& autoscaling, EcsClient& ecs, SharedReads& reads,
               const TargetDestination& to)
      : run_(run),
        result_(run.result()),
        spec_(spec),
        elbv2_(elbv2),
        autoscaling_(autoscaling),
        ecs_(ecs),
        reads_(reads),
        tg_(to.group),
        port_(to.port) {}

  void Run() {
    Status waited = WaitForSource();
    if (waited.ok() || CanRegisterPartially(waited)) {
      Status registered = RegisterMissing();
      if (!registered.ok()) return run_.EndUnfinished(registered, result_.summary);
    }
    if (!waited.ok()) {
      std::string done =
          result_.summary.empty() ? ReadyText() : result_.summary + "; " + ReadyText();
      run_.EndUnfinished(waited, done);
    }
  }

  // Read-only: what Run would register now, and what it would wait for.
  void Preview() {
    Status read = run_.poller().Act([&] { return ReadSourceNow(); });
    if (!read.ok()) return run_.Fail(read);
    Result<std::set<std::string>> registered =
        run_.poller().Act([&] { return RegisteredTargets(elbv2_, tg_); });
    if (!registered.ok()) return run_.Fail(registered.status());
    result_.before = result_.after = RegisteredJson(*registered);
    for (const Target& t : Missing(*registered)) {
      result_.changes.push_back("would register " + TargetKey(t.id, port_) + " with " + tg_.name);
    }
    const int pending = source_.wanted - static_cast<int>(source_.ids.size());
    if (source_.wanted <= 0) {
      // Usually the source's scale step has not run yet: registration follows it.
      result_.changes.push_back("would register the " + Noun(spec_) + " of " + SourceName(spec_) +
                                " once it has capacity and they are ready");
    } else if (pending > 0) {
      result_.changes.push_back("would register up to " + std::to_string(pending) + " more " +
                                Noun(spec_) + " of " + SourceName(spec_) + " once ready");
    }
    result_.state = result_.changes.empty() ? StepState::kUnchanged : StepState::kSucceeded;
    result_.summary = result_.changes.empty()
                          ? "all " + ReadyText() + " already registered"
                          : "would register " + Noun(spec_) + " of " + SourceName(spec_) +
                                " on port " + std::to_string(port_) + " (" + ReadyText() + ")";
  }

 private:
  Status ReadSourceNow(TaskListing listing = TaskListing::kAlways) {
    if (FromAsg(spec_)) {
      Result<AsgCapacity> now = ReadAsgCapacity(reads_, spec_.source_asg);
      if (!now.ok()) return now.status();
      source_ = {now->ready, now->group.desired_capacity};
    } else {
      Result<EcsCapacity> now =
          ReadEcsCapacity(reads_, spec_.source_cluster, spec_.source_service, listing);
      if (!now.ok()) return now.status();
      source_ = {now->ips, now->service.desired_count};
      ecs_seen_ = now->service;
    }
    return Status::Ok();
  }

  // Until the source has all the targets it wants ready, bounded by the step's deadline
  // and the stall rule. Its first poll is the first read, so a source that wants none
  // fails there, before any sleep: waiting could not help. That poll often comes as the
  // source's scaling step ends, so a service reporting no task running is not listed then.
  Status WaitForSource() {
    WaitSpec wait;
    wait.what = SourceName(spec_);
    wait.stall_after = run_.stall_after();
    TaskListing listing = TaskListing::kUnlessNoneReported;
    wait.check = [&]() -> Result<WaitProgress> {
      DRF_RETURN_IF_ERROR(ReadSourceNow(std::exchange(listing, TaskListing::kAlways)));
      if (source_.wanted <= 0) {
        return Status::Rejected("source has no capacity: " + SourceName(spec_) + " wants 0 " +
                                Noun(spec_) + ", nothing to register");
      }
      const int ready = static_cast<int>(source_.ids.size());
      return WaitProgress{ready >= source_.wanted, drf::ReadyText(spec_, source_), ready};
    };
    wait.evidence = [&]() -> std::string {
      if (FromAsg(spec_)) return AsgStallEvidence(autoscaling_, spec_.source_asg);
      return ecs_seen_ ? EcsStallEvidence(ecs_, *ecs_seen_, spec_.source_cluster) : "";
    };
    return run_.poller().Wait(wait);
  }

  // When the source stalls or time runs out, the ready targets are still registered if the
  // plan allows it (`partial`, the default): a partial target group serves traffic, an
  // empty one serves none. Not after a cancel: no new actions then.
  bool CanRegisterPartially(const Status& waited) const {
    const bool short_source =
        waited.code() == StatusCode::kTimedOut || waited.code() == StatusCode::kStalled;
    return short_source && spec_.partial && !source_.ids.empty() && !run_.ctx().cancel.cancelled();
  }

  // The source's ready targets that are not registered yet (`registered`: Registered's keys).
  std::vector<Target> Missing(const std::set<std::string>& registered) const {
    std::vector<Target> out;
    for (const std::string& id : source_.ids) {
      if (!registered.count(TargetKey(id, port_))) out.push_back({id, port_, ""});
    }
    return out;
  }

  std::string ReadyText() const {
    return std::to_string(source_.ids.size()) + " of " + std::to_string(source_.wanted) + " " +
           Noun(spec_) + " of " + SourceName(spec_) + " ready";
  }

  Status RegisterMissing() {
    Result<std::set<std::string>> registered =
        run_.poller().Act([&] { return RegisteredTargets(elbv2_, tg_); });
    if (!registered.ok()) return registered.status();
    result_.before = RegisteredJson(*registered);
    const std::vector<Target> missing = Missing(*registered);
    std::set<std::string> after = *registered;
    result_.after = RegisteredJson(after);
    if (missing.empty()) {
      run_.log().Info("All " + std::to_string(source_.ids.size()) + " " + Noun(spec_) + " from " +
                      SourceName(spec_) + " are already registered with target group " + tg_.arn);
      result_.state = StepState::kUnchanged;
      result_.summary =
          "all " + std::to_string(source_.ids.size()) + " " + Noun(spec_) + " already registered";
      return Status::Ok();
    }
    return SendInBatches(missing, after);
  }

  // Adds `missing` to the targets recorded as registered by a failover (the
  // drfailover:registered tags, steps/standby_record.h), before registering them: failback
  // deregisters those and only those. A failure is a warning: failback then leaves them.
  void RecordRegistration(const std::vector<Target>& missing) {
    Result<ResourceTags> tags = run_.poller().Act([&] { return reads_.TargetGroupTags(tg_.arn); });
    Status recorded = tags.status();
    if (tags.ok()) {
      std::set<std::string> targets = RecordedTargets(*tags);
      const size_t before = targets.size();
      for (const Target& t : missing) targets.insert(TargetKey(t.id, port_));
      if (targets.size() == before) return;
      RegisteredTags record = RegisteredTargetTags(targets);
      if (record.unrecorded > 0) {
        run_.log().Warn("target group " + tg_.name + ": " + std::to_string(record.unrecorded) +
                        " registered targets do not fit in its tags; failback will leave them");
      }
      Result<Ack> ack = run_.poller().Act([&] { return elbv2_.AddTags(tg_.arn, record.tags); });
      recorded = run_.RecordMutation("ELBv2.AddTags", tg_.arn, ack);
      if (recorded.ok()) return;
    }
    run_.log().Warn(
        "target group " + tg_.name +
        ": registered targets not recorded (failback will leave them): " + recorded.UserMessage());
  }

  Status SendInBatches(const std::vector<Target>& missing, std::set<std::string>& after) {
    if (run_.ctx().cancel.cancelled()) return Status::Cancelled("run cancelled while registering");
    RecordRegistration(missing);
    run_.log().Info("Registering " + Noun(spec_) + " from " + SourceName(spec_) +
                    " with target group " + tg_.arn);
    size_t done = 0;
    for (size_t begin = 0; begin < missing.size(); begin += kRegisterBatch) {
      // No new action once cancelled; Run reports it with what was registered so far.
      if (run_.ctx().cancel.cancelled())
        return Status::Cancelled("run cancelled while registering");
      std::vector<Target> batch(missing.begin() + static_cast<std::ptrdiff_t>(begin),
                                missing.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                      begin + kRegisterBatch, missing.size())));
      Result<Ack> ack = run_.poller().Act([&] { return elbv2_.RegisterTargets(tg_.arn, batch); });
      DRF_RETURN_IF_ERROR(run_.RecordMutation("ELBv2.RegisterTargets", tg_.arn, ack));
      for (const Target& t : batch) {
        after.insert(TargetKey(t.id, port_));
        result_.changes.push_back("registered " + TargetKey(t.id, port_) + " with " + tg_.name);
      }
      done += batch.size();
      result_.after = RegisteredJson(after);
      result_.summary = "registered " + std::to_string(done) + " " + Noun(spec_) + " of " +
                        SourceName(spec_) + " on port " + std::to_string(port_);
    }
    run_.log().Info("Successfully registered " + std::to_string(done) + " " + Noun(spec_) +
                    " with target group " + tg_.arn);
    result_.state = StepState::kSucceeded;
    return Status::Ok();
  }

  StepRun& run_;
  StepResult& result_;
  const RegisterTargetsSpec& spec_;
  Elbv2Client& elbv2_;
  AutoScalingClient& autoscaling_;
  EcsClient& ecs_;
  SharedReads& reads_;
  const TargetGroup& tg_;
  const int port_;
  SourceTargets source_;
  std::optional<EcsService> ecs_seen_;  // the source service as last read, for evidence
};

}  // namespace

Result<TargetGroup> DescribeTargetGroup(SharedReads& reads, const std::string& arn) {
  DRF_ASSIGN_OR_RETURN(std::optional<TargetGroup> tg, reads.TargetGroupByArn(arn));
  if (!tg) return Status::NotFound("target group " + arn + " not found");
  return *tg;
}

std::string TargetKey(const std::string& id, int port) { return id + ":" + std::to_string(port); }

Result<std::set<std::string>> RegisteredTargets(Elbv2Client& elbv2, const TargetGroup& tg) {
  Result<std::vector<TargetHealthDescription>> health = elbv2.DescribeTargetHealth(tg.arn);
  if (!health.ok()) return health.status();
  std::set<std::string> out;
  for (const TargetHealthDescription& d : *health) {
    if (d.state == "draining") continue;
    out.insert(TargetKey(d.target.id, d.target.port.value_or(tg.port)));
  }
  return out;
}

Status CheckTargetType(const TargetGroup& tg, const RegisterTargetsSpec& spec) {
  const std::string needed = FromAsg(spec) ? "instance" : "ip";
  if (!spec.target_type.empty() && spec.target_type != tg.target_type) {
    return Status::InvalidArgument("the plan says target type " + spec.target_type +
                                   " but target group " + tg.arn + " has type " + tg.target_type);
  }
  if (tg.target_type == needed) return Status::Ok();
  return Status::InvalidArgument("target group " + tg.arn + " has target type " + tg.target_type +
                                 ", but its source " + SourceName(spec) + " provides " +
                                 (FromAsg(spec) ? "instance ids (needs type instance)"
                                                : "task IPs of awsvpc tasks (needs type ip)"));
}

RegisterTargetsStep::RegisterTargetsStep(StepSpec spec, Elbv2Client& elbv2,
                                         AutoScalingClient& autoscaling, EcsClient& ecs,
                                         SharedReads& reads)
    : InspectApplyStep(std::move(spec)),
      elbv2_(elbv2),
      autoscaling_(autoscaling),
      ecs_(ecs),
      reads_(reads) {
  reads_.ExpectTargetGroup(reg().target_group_arn);
}

std::string RegisterTargetsStep::resource() const { return "targets " + reg().target_group_arn; }

// The target group, its port, and whether its type fits the source.
Result<TargetDestination> RegisterTargetsStep::Inspect(StepRun& run) {
  Result<TargetGroup> tg =
      run.poller().Act([&] { return DescribeTargetGroup(reads_, reg().target_group_arn); });
  if (!tg.ok()) return tg.status();
  DRF_RETURN_IF_ERROR(CheckTargetType(*tg, reg()));
  const int port = reg().port.value_or(tg->port);
  if (port <= 0) {
    return Status::InvalidArgument("target group " + tg->arn +
                                   " has no port; give the step a port");
  }
  return TargetDestination{*tg, port};
}

void RegisterTargetsStep::Explain(StepRun& run, const TargetDestination& to) {
  Registration(run, reg(), elbv2_, autoscaling_, ecs_, reads_, to).Preview();
}

void RegisterTargetsStep::Apply(StepRun& run, const TargetDestination& to) {
  Registration(run, reg(), elbv2_, autoscaling_, ecs_, reads_, to).Run();
}

}  // namespace drf
