// Fuzz target: a plan file (YAML or JSON) through ParsePlanFile, then, when it loads,
// through finalization and a run of its graph (plan_fuzz_util.h). Seeds: fuzz/corpus/plan_file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "plan/plan_file.h"
#include "plan/plan_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  drf::fuzzing::CheckPlanOrError(drf::ParsePlanFile(text, "fuzz.yaml"));
  return 0;
}
