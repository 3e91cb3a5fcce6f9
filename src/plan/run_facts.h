// RunFacts: what a hook may use of the run it is part of: the run's id and region, and the
// outputs of the steps that have finished (their status and the scalar fields of their
// `after`, e.g. a promoted DB's endpoint). Filled as steps finish (it is one of the run's
// observers), read by hook steps, whose dependencies have finished by then.
#pragma once

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.h"
#include "plan/run_observer.h"

namespace drf {

class RunFacts final : public RunObserver {
 public:
  void SetRun(std::string run_id, std::string region);

  void StepStarted(std::string_view, std::string_view) override {}
  void StepWaiting(std::string_view, std::string_view) override {}
  void StepFinished(std::string_view id, const StepResult& result) override;

  // {"run_id", "region", "outputs": {"<step id>.<field>": value, "<step id>.status": ...}}.
  nlohmann::json Snapshot() const;
  // `text` with each "${name}" replaced: run_id, region, or an output ("${promote-db:
  // dr-app-db.endpoint}"). An unknown name is InvalidArgument naming it and what is known.
  Result<std::string> Expand(std::string_view text) const;

 private:
  mutable std::mutex mu_;
  std::string run_id_, region_;                 // guarded by mu_
  std::map<std::string, std::string> outputs_;  // guarded by mu_
};

}  // namespace drf
