#include "plan/plan.h"

#include <map>

#include "plan/validate.h"

namespace drf {

Result<Plan> Plan::Create(const std::vector<StepSpec>& specs) {
  Plan plan;
  std::map<std::string, size_t> index;
  ConfigErrors errors;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (!index.emplace(specs[i].id, i).second) {
      errors.Add("step " + specs[i].id, "a duplicate id", "unique step ids");
    }
    plan.nodes_.push_back(Node{specs[i].id, {}, 0, NodeState::kWaiting, StepState::kPending, ""});
  }
  for (size_t i = 0; i < specs.size(); ++i) {
    for (const std::string& dep : specs[i].after) {
      auto it = index.find(dep);
      if (it == index.end()) {
        errors.Add("step " + specs[i].id + " after", Quote(dep), "the id of a step in the plan");
        continue;
      }
      plan.nodes_[it->second].dependents.push_back(i);
      ++plan.nodes_[i].unmet;
    }
  }
  if (std::vector<std::string> cycle = FindCycle(specs); !cycle.empty()) {
    errors.AddMessage("dependency cycle: " + FormatCycle(cycle));
  }
  DRF_RETURN_IF_ERROR(errors.ToStatus("invalid step graph"));
  for (size_t i = 0; i < plan.nodes_.size(); ++i) {
    if (plan.nodes_[i].unmet == 0) {
      plan.nodes_[i].state = NodeState::kReady;
      plan.ready_.insert(i);
    }
  }
  return plan;
}

std::optional<std::string> Plan::FindWork() {
  if (ready_.empty()) return std::nullopt;
  size_t i = *ready_.begin();
  ready_.erase(ready_.begin());
  nodes_[i].state = NodeState::kRunning;
  ++running_;
  return nodes_[i].id;
}

void Plan::StepFinished(const std::string& id, StepState state) {
  size_t i = IndexOf(id);
  if (i == nodes_.size() || nodes_[i].state != NodeState::kRunning) return;
  nodes_[i].state = NodeState::kFinished;
  nodes_[i].result = state;
  --running_;
  if (state != StepState::kSucceeded && state != StepState::kUnchanged) {
    MarkDependentsNotRun(i, "dependency " + id + " failed");
    return;
  }
  for (size_t d : nodes_[i].dependents) {
    if (nodes_[d].state == NodeState::kWaiting && --nodes_[d].unmet == 0) {
      nodes_[d].state = NodeState::kReady;
      ready_.insert(d);
    }
  }
}

// Every dependent, however far, names the step that failed: that is what to fix.
void Plan::MarkDependentsNotRun(size_t index, const std::string& reason) {
  std::vector<size_t> todo = nodes_[index].dependents;
  while (!todo.empty()) {
    Node& node = nodes_[todo.back()];
    todo.pop_back();
    if (node.state != NodeState::kWaiting && node.state != NodeState::kReady) continue;
    ready_.erase(static_cast<size_t>(&node - nodes_.data()));
    node.state = NodeState::kNotRun;
    node.result = StepState::kNotRun;
    node.reason = reason;
    todo.insert(todo.end(), node.dependents.begin(), node.dependents.end());
  }
}

void Plan::Cancel(const std::string& reason) {
  for (Node& node : nodes_) {
    if (node.state != NodeState::kWaiting && node.state != NodeState::kReady) continue;
    node.state = NodeState::kNotRun;
    node.result = StepState::kNotRun;
    node.reason = reason;
  }
  ready_.clear();
}

bool Plan::more_to_do() const {
  for (const Node& node : nodes_) {
    if (node.state != NodeState::kFinished && node.state != NodeState::kNotRun) return true;
  }
  return false;
}

const std::string& Plan::NotRunReason(const std::string& id) const {
  static const std::string kEmpty;
  size_t i = IndexOf(id);
  return i == nodes_.size() ? kEmpty : nodes_[i].reason;
}

StepState Plan::state(const std::string& id) const {
  size_t i = IndexOf(id);
  return i == nodes_.size() ? StepState::kPending : nodes_[i].result;
}

size_t Plan::IndexOf(const std::string& id) const {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].id == id) return i;
  }
  return nodes_.size();
}

}  // namespace drf
