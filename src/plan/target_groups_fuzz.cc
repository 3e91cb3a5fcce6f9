// Fuzz target: the TARGET_GROUPS variable alone. env_config_fuzz must first produce seven
// valid lines before its input reaches TARGET_GROUPS; here every other variable holds the
// reference deployment's valid value, so every mutation lands in the JSON parser and the
// target-group validation (ARNs, types, sources, ports), then in plan finalization and a
// run of the graph (plan_fuzz_util.h). Seeds: fuzz/corpus/target_groups.
#include <cstddef>
#include <cstdint>
#include <string>

#include "plan/env_config.h"
#include "plan/plan_fuzz_util.h"
#include "testing/fake_environment.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  drf::FakeEnvironment env;
  env.Set(std::string(drf::kDbInstanceIdentifierVar), "dr-app-db");
  env.Set(std::string(drf::kJenkinsAsgVar), "dr-jenkins");
  env.Set(std::string(drf::kMonitoringAsgVar), "dr-monitoring");
  env.Set(std::string(drf::kEcsClusterVar), "dr");
  env.Set(std::string(drf::kEcsServicesVar), "frontend,kafka");
  env.Set(std::string(drf::kTargetGroupsVar),
          std::string(reinterpret_cast<const char*>(data), size));
  drf::fuzzing::CheckPlanOrError(drf::PlanFromEnvironment(env));
  return 0;
}
