#include "plan/finalize_plan.h"

#include <algorithm>
#include <map>
#include <queue>
#include <set>

namespace drf {
namespace {

// Stands for the not yet known services of an `all_services` spec during load-time
// checks. No real ECS service name contains '*'.
constexpr std::string_view kAnyService = "*";

struct Finalizer {
  PlanSpec& plan;
  bool placeholders;  // load-time check: `all_services` not expanded yet
  ConfigErrors& errors;
  std::map<std::string, std::vector<std::string>> groups;  // explicit ECS id -> piece ids
};

std::string Path(const StepSpec& step, std::string_view field) {
  return (step.origin.empty() ? step.id : step.origin) + "." + std::string(field);
}

void AppendEcsPieces(Finalizer& f, StepSpec step, std::vector<StepSpec>& out) {
  ScaleEcsSpec ecs = std::get<ScaleEcsSpec>(step.detail);
  std::vector<std::string> services = ecs.services;
  // Each piece is a copy of `step` naming one service: without this, every copy would keep
  // the whole list's storage (the scale benchmark's 500 services: 6.5 MB for the whole run).
  std::get<ScaleEcsSpec>(step.detail).services = std::vector<std::string>();
  if (f.placeholders && ecs.all_services) services = {std::string(kAnyService)};
  bool keep_id = !step.id.empty() && services.size() == 1 && !ecs.all_services;
  if (!step.id.empty() && !keep_id) f.groups[step.id];  // an empty group is still known
  for (const std::string& service : services) {
    StepSpec piece = step;
    ScaleEcsSpec& piece_ecs = std::get<ScaleEcsSpec>(piece.detail);
    piece_ecs.services = {service};
    piece_ecs.all_services = false;
    if (step.id.empty()) {
      piece.id = DefaultStepId(piece, service);
    } else if (!keep_id) {
      piece.id = step.id + "/" + service;
      f.groups[step.id].push_back(piece.id);
    }
    out.push_back(std::move(piece));
  }
}

void SplitAndName(Finalizer& f) {
  std::vector<StepSpec> out;
  for (StepSpec& step : f.plan.steps) {
    // The variant is the truth; its alternatives are in StepKind's order.
    step.kind = static_cast<StepKind>(step.detail.index());
    if (step.kind == StepKind::kScaleEcs) {
      AppendEcsPieces(f, std::move(step), out);
      continue;
    }
    if (step.id.empty()) step.id = DefaultStepId(step);
    out.push_back(std::move(step));
  }
  f.plan.steps = std::move(out);
}

void CheckUniqueIds(Finalizer& f) {
  std::map<std::string, const StepSpec*> seen;
  for (const StepSpec& step : f.plan.steps) {
    auto [it, inserted] = seen.emplace(step.id, &step);
    if (inserted && !f.groups.count(step.id)) continue;
    std::string other = inserted ? "an ECS step's id" : it->second->origin;
    f.errors.Add(
        Path(step, "id"), Quote(step.id),
        "an id no other step has (also used by " + other + "; give one of them an explicit id)");
  }
}

// True when `id` may name a piece of an `all_services` spec whose services are not known.
bool IsUnexpandedEcsPiece(const Finalizer& f, const std::string& id) {
  if (!f.placeholders) return false;
  for (const StepSpec& step : f.plan.steps) {
    const auto* ecs = std::get_if<ScaleEcsSpec>(&step.detail);
    if (ecs == nullptr || ecs->services.front() != kAnyService) continue;
    if (id.rfind("scale-ecs:" + ecs->cluster + "/", 0) == 0) return true;
  }
  return false;
}

void ResolveAfter(Finalizer& f) {
  std::set<std::string> ids;
  for (const StepSpec& step : f.plan.steps) ids.insert(step.id);
  for (StepSpec& step : f.plan.steps) {
    std::vector<std::string> resolved;
    for (const std::string& dep : step.after) {
      if (ids.count(dep)) {
        resolved.push_back(dep);
      } else if (auto group = f.groups.find(dep); group != f.groups.end()) {
        resolved.insert(resolved.end(), group->second.begin(), group->second.end());
      } else if (!IsUnexpandedEcsPiece(f, dep)) {
        f.errors.Add(Path(step, "after"), Quote(dep), "the id of a step in this plan");
      }
    }
    step.after.clear();
    for (std::string& dep : resolved) {
      if (std::find(step.after.begin(), step.after.end(), dep) == step.after.end()) {
        step.after.push_back(std::move(dep));
      }
    }
  }
}

bool IsSourceOf(const RegisterTargetsSpec& reg, const StepSpec& step) {
  if (const auto* asg = std::get_if<ScaleAsgSpec>(&step.detail)) {
    return reg.source == RegisterTargetsSpec::Source::kAsg && asg->asg_name == reg.source_asg;
  }
  const auto* ecs = std::get_if<ScaleEcsSpec>(&step.detail);
  if (ecs == nullptr || reg.source != RegisterTargetsSpec::Source::kEcsService) return false;
  const std::string& service = ecs->services.front();
  return ecs->cluster == reg.source_cluster &&
         (service == reg.source_service || service == kAnyService);
}

// Traffic moves once the DR region can serve it: a switch_dns step without its own `after`
// comes after every registration and database step of the plan.
bool ServesTraffic(const StepSpec& step) {
  return step.kind == StepKind::kRegisterTargets || step.kind == StepKind::kPromoteDb ||
         step.kind == StepKind::kPromoteDbCluster || step.kind == StepKind::kFailoverGlobalDb;
}

// A registration needs its source's instances or tasks, so it waits for the scaling.
void AddImpliedDependencies(Finalizer& f) {
  for (StepSpec& step : f.plan.steps) {
    if (step.kind != StepKind::kSwitchDns || !step.after.empty()) continue;
    for (const StepSpec& other : f.plan.steps) {
      if (ServesTraffic(other)) step.after.push_back(other.id);
    }
  }
  for (StepSpec& step : f.plan.steps) {
    const auto* reg = std::get_if<RegisterTargetsSpec>(&step.detail);
    if (reg == nullptr) continue;
    for (const StepSpec& source : f.plan.steps) {
      if (!IsSourceOf(*reg, source)) continue;
      if (std::find(step.after.begin(), step.after.end(), source.id) == step.after.end()) {
        step.after.push_back(source.id);
      }
    }
  }
}

bool IsRegistrationOf(const StepSpec& dependent, const StepSpec& source) {
  const auto* reg = std::get_if<RegisterTargetsSpec>(&dependent.detail);
  return reg != nullptr && IsSourceOf(*reg, source);
}

// Which scaling steps wait for their capacity (docs/plan-file.md, "Waits"). Every wait
// happens once, where the capacity is used: a registration waits for its source's ready
// targets itself (it must read them anyway), so a scale step waits only when told to, or
// when another kind of step depends on it. Computed before ChainSequentially: the
// sequential chain orders steps, it does not consume their capacity.
void ResolveWaits(PlanSpec& plan) {
  for (StepSpec& step : plan.steps) {
    std::optional<bool> wait;
    CapacityWait* resolved = nullptr;
    if (auto* asg = std::get_if<ScaleAsgSpec>(&step.detail)) {
      wait = asg->wait;
      resolved = &asg->capacity_wait;
    } else if (auto* ecs = std::get_if<ScaleEcsSpec>(&step.detail)) {
      wait = ecs->wait;
      resolved = &ecs->capacity_wait;
    } else {
      continue;
    }
    bool has_dependents = false, consumed = false;
    for (const StepSpec& other : plan.steps) {
      if (std::find(other.after.begin(), other.after.end(), step.id) == other.after.end()) continue;
      has_dependents = true;
      consumed = consumed || !IsRegistrationOf(other, step);
    }
    if (wait == false) {
      *resolved = CapacityWait::kNo;
    } else if (consumed || (wait == true && has_dependents)) {
      *resolved = CapacityWait::kYes;
    } else {
      *resolved = wait == true ? CapacityWait::kIfChanged : CapacityWait::kNo;
    }
  }
}

// Every step gets a timeout and a stall limit: its own, else the plan's for its kind, else
// the kind's default. No wait in drfailover is unbounded.
void ResolveBounds(PlanSpec& plan) {
  for (StepSpec& step : plan.steps) {
    auto pick = [&](const KindDurations& plan_wide, std::chrono::seconds fallback) {
      auto it = plan_wide.find(step.kind);
      return it == plan_wide.end() ? fallback : it->second;
    };
    if (!step.timeout) step.timeout = pick(plan.timeouts, DefaultStepTimeout(step.kind));
    if (!step.stall_after) step.stall_after = pick(plan.stall_after, DefaultStallAfter(step.kind));
  }
}

// The original's order: the database first, then ASGs, ECS services and registrations;
// after them traffic, then hooks (which a plan orders with `after`).
int SequentialRank(StepKind kind) {
  switch (kind) {
    case StepKind::kPromoteDb:
    case StepKind::kPromoteDbCluster:
    case StepKind::kFailoverGlobalDb:
      return 0;
    case StepKind::kScaleAsg:
      return 1;
    case StepKind::kScaleEcs:
      return 2;
    case StepKind::kRegisterTargets:
      return 3;
    case StepKind::kSwitchDns:
      return 4;
    case StepKind::kRunCommand:
    case StepKind::kInvokeLambda:
      return 5;
  }
  return 5;
}

// Kahn's algorithm, choosing among ready steps the earliest kind (the original's order),
// then the earliest in the configuration. Requires an acyclic graph.
void ChainSequentially(PlanSpec& plan) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < plan.steps.size(); ++i) index[plan.steps[i].id] = i;
  std::vector<size_t> waiting(plan.steps.size(), 0);
  std::vector<std::vector<size_t>> dependents(plan.steps.size());
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    for (const std::string& dep : plan.steps[i].after) {
      ++waiting[i];
      dependents[index.at(dep)].push_back(i);
    }
  }
  using Key = std::pair<int, size_t>;  // (kind rank, position)
  std::priority_queue<Key, std::vector<Key>, std::greater<Key>> ready;
  auto push = [&](size_t i) { ready.emplace(SequentialRank(plan.steps[i].kind), i); };
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    if (waiting[i] == 0) push(i);
  }
  std::vector<StepSpec> ordered;
  while (!ready.empty()) {
    size_t i = ready.top().second;
    ready.pop();
    for (size_t d : dependents[i]) {
      if (--waiting[d] == 0) push(d);
    }
    ordered.push_back(plan.steps[i]);
    const std::string& prev = ordered.size() > 1 ? ordered[ordered.size() - 2].id : "";
    auto& after = ordered.back().after;
    if (!prev.empty() && std::find(after.begin(), after.end(), prev) == after.end()) {
      after.push_back(prev);
    }
  }
  plan.steps = std::move(ordered);
}

void Finalize(Finalizer& f) {
  SplitAndName(f);
  CheckUniqueIds(f);
  ResolveAfter(f);
  AddImpliedDependencies(f);
  if (!f.errors.empty()) return;  // a cycle check on duplicate ids would mislead
  std::vector<std::string> cycle = FindCycle(f.plan.steps);
  if (!cycle.empty()) {
    f.errors.AddMessage("dependency cycle: " + FormatCycle(cycle) +
                        " (check `after` and the registrations' sources)");
    return;
  }
  ResolveWaits(f.plan);
  ResolveBounds(f.plan);
  for (StepSpec& step : f.plan.steps) {
    if (auto* db = std::get_if<PromoteDbSpec>(&step.detail)) db->replica_lag = f.plan.replica_lag;
  }
  if (f.plan.ordering == Ordering::kSequential) ChainSequentially(f.plan);
}

}  // namespace

std::string DefaultStepId(const StepSpec& step, const std::string& service) {
  switch (static_cast<StepKind>(step.detail.index())) {
    case StepKind::kPromoteDb:
      return "promote-db:" + std::get<PromoteDbSpec>(step.detail).db_instance_identifier;
    case StepKind::kScaleAsg:
      return "scale-asg:" + std::get<ScaleAsgSpec>(step.detail).asg_name;
    case StepKind::kScaleEcs:
      return "scale-ecs:" + std::get<ScaleEcsSpec>(step.detail).cluster + "/" + service;
    case StepKind::kRegisterTargets:
      return "register-targets:" +
             TargetGroupNameFromArn(std::get<RegisterTargetsSpec>(step.detail).target_group_arn);
    case StepKind::kRunCommand: {
      const std::string& program = std::get<RunCommandSpec>(step.detail).argv.at(0);
      return "run-command:" + program.substr(program.rfind('/') + 1);
    }
    case StepKind::kFailoverGlobalDb:
      return "failover-global-db:" +
             std::get<FailoverGlobalDbSpec>(step.detail).global_cluster_identifier;
    case StepKind::kPromoteDbCluster:
      return "promote-db-cluster:" +
             std::get<PromoteDbClusterSpec>(step.detail).db_cluster_identifier;
    case StepKind::kInvokeLambda: {
      std::string function = std::get<InvokeLambdaSpec>(step.detail).function;
      size_t name = function.find(":function:");
      if (name != std::string::npos) function = function.substr(name + 10);
      return "invoke-lambda:" + function;
    }
    case StepKind::kSwitchDns: {
      const auto& dns = std::get<SwitchDnsSpec>(step.detail);
      return "switch-dns:" + dns.record +
             (dns.set_identifier.empty() ? "" : "/" + dns.set_identifier);
    }
  }
  return "step";
}

Status ResolveAllServices(PlanSpec& plan, const ListClusterServices& list) {
  for (StepSpec& step : plan.steps) {
    auto* spec = std::get_if<ScaleEcsSpec>(&step.detail);
    if (spec == nullptr || !spec->all_services) continue;
    Result<std::vector<std::string>> names = list(spec->cluster);
    if (!names.ok()) {
      return names.status().WithContext("listing the services of ECS cluster " + spec->cluster);
    }
    spec->services = std::move(*names);
    spec->all_services = false;
  }
  return Status::Ok();
}

Status FinalizePlan(PlanSpec& plan) {
  ConfigErrors errors;
  Finalizer f{plan, /*placeholders=*/false, errors, {}};
  Finalize(f);
  return errors.ToStatus("invalid plan" + (plan.source.empty() ? "" : " from " + plan.source));
}

void CheckPlanGraph(const PlanSpec& plan, ConfigErrors& errors) {
  PlanSpec copy = plan;
  Finalizer f{copy, /*placeholders=*/true, errors, {}};
  Finalize(f);
}

}  // namespace drf
