#include "plan/run_facts.h"

namespace drf {

void RunFacts::SetRun(std::string run_id, std::string region) {
  std::lock_guard<std::mutex> lock(mu_);
  run_id_ = std::move(run_id);
  region_ = std::move(region);
}

void RunFacts::StepFinished(std::string_view id, const StepResult& result) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string prefix = std::string(id) + ".";
  outputs_[prefix + "status"] = std::string(StepStateName(result.state));
  if (!result.after.is_object()) return;
  for (const auto& [key, value] : result.after.items()) {
    if (value.is_string()) {
      outputs_[prefix + key] = value.get<std::string>();
    } else if (value.is_number() || value.is_boolean()) {
      outputs_[prefix + key] = value.dump();
    }
  }
}

nlohmann::json RunFacts::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {{"run_id", run_id_}, {"region", region_}, {"outputs", outputs_}};
}

Result<std::string> RunFacts::Expand(std::string_view text) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    size_t open = text.find("${", at);
    if (open == std::string_view::npos) break;
    size_t close = text.find('}', open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(at, open - at));
    const std::string name(text.substr(open + 2, close - open - 2));
    if (name == "run_id") {
      out += run_id_;
    } else if (name == "region") {
      out += region_;
    } else if (auto it = outputs_.find(name); it != outputs_.end()) {
      out += it->second;
    } else {
      std::string known = "run_id, region";
      for (const auto& [key, value] : outputs_) known += ", " + key;
      return Status::InvalidArgument("${" + name + "} is not a fact of this run (known: " + known +
                                     "); a step's outputs are known once it finished, "
                                     "so the hook must come after it");
    }
    at = close + 1;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace drf
