#include "failback/deregister_targets.h"

#include <algorithm>

#include "failback/left_alone.h"
#include "steps/register_targets.h"
#include "steps/standby_record.h"

namespace drf {
namespace {

// "<id>:<port>" -> Target; the port after the last colon.
std::optional<Target> ParseTargetKey(const std::string& key) {
  const size_t colon = key.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  try {
    return Target{key.substr(0, colon), std::stoi(key.substr(colon + 1)), ""};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

nlohmann::json Keys(const std::vector<Target>& targets) {
  nlohmann::json keys = nlohmann::json::array();
  for (const Target& t : targets) keys.push_back(TargetKey(t.id, t.port.value_or(0)));
  return keys;
}

}  // namespace

DeregisterTargetsStep::DeregisterTargetsStep(StepSpec spec, Elbv2Client& elbv2, SharedReads& reads)
    : InspectApplyStep(std::move(spec)), elbv2_(elbv2), reads_(reads) {
  reads_.ExpectTargetGroup(arn());
}

std::string DeregisterTargetsStep::resource() const { return "targets " + arn(); }

Result<TargetsToRemove> DeregisterTargetsStep::Inspect(StepRun& run) {
  TargetsToRemove remove;
  Result<TargetGroup> group = run.poller().Act([&] { return DescribeTargetGroup(reads_, arn()); });
  if (!group.ok()) return group.status();
  remove.group = *group;
  Result<ResourceTags> tags = run.poller().Act([&] { return reads_.TargetGroupTags(arn()); });
  if (!tags.ok()) return tags.status();
  remove.tag_keys = RegisteredTagKeys(*tags);
  remove.recorded = RecordedTargets(*tags);
  Result<std::set<std::string>> registered =
      run.poller().Act([&] { return RegisteredTargets(elbv2_, remove.group); });
  if (!registered.ok()) return registered.status();
  for (const std::string& key : remove.recorded) {
    if (!registered->count(key)) continue;
    if (std::optional<Target> target = ParseTargetKey(key)) remove.registered.push_back(*target);
  }
  run.result().before = {
      {"registered", std::vector<std::string>(registered->begin(), registered->end())},
      {"registered_by_failover",
       std::vector<std::string>(remove.recorded.begin(), remove.recorded.end())}};
  return remove;
}

void DeregisterTargetsStep::Explain(StepRun& run, const TargetsToRemove& remove) {
  StepResult& result = run.result();
  if (remove.tag_keys.empty()) return LeaveAlone(result, "target group " + remove.group.name);
  result.state = StepState::kSucceeded;
  result.after = {{"deregistered", Keys(remove.registered)}};
  for (const Target& t : remove.registered) {
    result.changes.push_back("would deregister " + TargetKey(t.id, t.port.value_or(0)) + " from " +
                             remove.group.name);
  }
  result.summary = "would deregister " + std::to_string(remove.registered.size()) +
                   " targets registered by the failover and remove their record";
}

void DeregisterTargetsStep::Apply(StepRun& run, const TargetsToRemove& remove) {
  StepResult& result = run.result();
  if (remove.tag_keys.empty()) return LeaveAlone(result, "target group " + remove.group.name);
  const std::string& name = remove.group.name;
  for (size_t begin = 0; begin < remove.registered.size(); begin += kRegisterBatch) {
    if (run.StopIfCancelled()) return;
    const size_t end = std::min(begin + kRegisterBatch, remove.registered.size());
    std::vector<Target> batch(remove.registered.begin() + static_cast<std::ptrdiff_t>(begin),
                              remove.registered.begin() + static_cast<std::ptrdiff_t>(end));
    Result<Ack> ack = run.poller().Act([&] { return elbv2_.DeregisterTargets(arn(), batch); });
    Status made = run.RecordMutation("ELBv2.DeregisterTargets", arn(), ack);
    if (!made.ok()) return run.Fail(made);
    for (const Target& t : batch) {
      result.changes.push_back("deregistered " + TargetKey(t.id, t.port.value_or(0)) + " from " +
                               name);
    }
  }
  if (run.StopIfCancelled()) return;
  Result<Ack> removed = run.poller().Act([&] { return elbv2_.RemoveTags(arn(), remove.tag_keys); });
  Status made = run.RecordMutation("ELBv2.RemoveTags", arn(), removed);
  if (!made.ok()) return run.Fail(made);
  result.after = {{"deregistered", Keys(remove.registered)}};
  result.state = StepState::kSucceeded;
  result.summary = "deregistered " + std::to_string(remove.registered.size()) +
                   " targets the failover registered with " + name;
}

}  // namespace drf
