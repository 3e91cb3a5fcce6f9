#include "failback/failback_plan.h"

#include <map>

namespace drf {

std::vector<StepSpec> ReverseDependencies(const std::vector<StepSpec>& specs) {
  std::map<std::string, std::vector<std::string>> dependents;
  for (const StepSpec& spec : specs) {
    for (const std::string& dependency : spec.after) dependents[dependency].push_back(spec.id);
  }
  std::vector<StepSpec> reversed = specs;
  for (StepSpec& spec : reversed) spec.after = dependents[spec.id];
  return reversed;
}

}  // namespace drf
