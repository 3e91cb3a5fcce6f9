// Fuzzing support for the plan loaders (plan_file_fuzz.cc, env_config_fuzz.cc), not part
// of the library: takes a loaded PlanSpec through everything that follows loading
// (FinalizePlan, Plan::Create, a whole run of the graph) and traps when a documented
// promise breaks, so the fuzzer reports it as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <variant>

#include "plan/finalize_plan.h"
#include "plan/plan.h"
#include "plan/plan_spec.h"

namespace drf::fuzzing {

[[noreturn]] inline void Violated(const char* promise, const std::string& detail) {
  std::fprintf(stderr, "promise broken: %s: %s\n", promise, detail.c_str());
  std::abort();
}

// A failed load must say why.
inline void CheckError(const Status& status) {
  if (status.ok() || status.message().empty())
    Violated("errors carry a message", status.ToString());
}

// Stands in for the step layer (which lists a cluster's services), then finalizes the plan
// and runs its graph to the end, failing every third step.
inline void ExercisePlan(PlanSpec plan) {
  for (StepSpec& step : plan.steps) {
    if (auto* ecs = std::get_if<ScaleEcsSpec>(&step.detail); ecs && ecs->all_services) {
      ecs->services = {"frontend", "kafka"};
      ecs->all_services = false;
    }
  }
  Status finalized = FinalizePlan(plan);
  if (!finalized.ok()) return CheckError(finalized);
  Result<Plan> created = Plan::Create(plan.steps);
  if (!created.ok()) Violated("a finalized plan creates a Plan", created.status().ToString());
  Plan& graph = *created;
  size_t finished = 0;
  while (graph.more_to_do()) {
    std::optional<std::string> id = graph.FindWork();
    if (!id) Violated("a plan with work left always has a ready step", "no running step");
    graph.StepFinished(*id, ++finished % 3 == 0 ? StepState::kFailed : StepState::kSucceeded);
    if (finished > plan.steps.size()) Violated("each step runs at most once", *id);
  }
}

// What every plan fuzz target does with its parser's answer: an error must keep its
// promises; a plan must finalize and run.
inline void CheckPlanOrError(Result<PlanSpec> plan) {
  if (!plan.ok()) return CheckError(plan.status());
  ExercisePlan(std::move(plan).value());
}

}  // namespace drf::fuzzing
