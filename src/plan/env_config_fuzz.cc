// Fuzz target: the original function's environment variables through PlanFromEnvironment,
// then, when they make a plan, through finalization and a run of its graph
// (plan_fuzz_util.h). Seeds: fuzz/corpus/env_config.
//
// Input: the values of kVars, in that order, one per line; the last one (TARGET_GROUPS, the
// JSON) takes the rest of the input, newlines included. Missing lines leave variables unset.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "plan/env_config.h"
#include "plan/plan_fuzz_util.h"
#include "testing/fake_environment.h"

namespace {

constexpr std::string_view kVars[] = {
    drf::kDbInstanceIdentifierVar,
    drf::kJenkinsAsgVar,
    drf::kMonitoringAsgVar,
    drf::kEcsClusterVar,
    drf::kEcsServicesVar,
    drf::kOrderingVar,
    drf::kDeadlineVar,
    drf::kTargetGroupsVar,
};
constexpr size_t kVarCount = sizeof(kVars) / sizeof(kVars[0]);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  drf::FakeEnvironment env;
  for (size_t i = 0; i < kVarCount && !input.empty(); ++i) {
    size_t end = i + 1 == kVarCount ? input.size() : input.find('\n');
    if (end == std::string_view::npos) end = input.size();
    env.Set(std::string(kVars[i]), std::string(input.substr(0, end)));
    input.remove_prefix(end == input.size() ? end : end + 1);
  }
  drf::fuzzing::CheckPlanOrError(drf::PlanFromEnvironment(env));
  return 0;
}
