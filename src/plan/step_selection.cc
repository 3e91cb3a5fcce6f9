#include "plan/step_selection.h"

#include <map>
#include <set>

namespace drf {
namespace {

using SpecsById = std::map<std::string, const StepSpec*>;

// `seen` keeps a diamond from being walked twice.
void CollectSelected(const std::string& id, const SpecsById& by_id,
                     const std::set<std::string>& selected, std::set<std::string>& seen,
                     std::vector<std::string>& out) {
  for (const std::string& dep : by_id.at(id)->after) {
    if (!seen.insert(dep).second || by_id.count(dep) == 0) continue;
    if (selected.count(dep) != 0) {
      out.push_back(dep);
    } else {
      CollectSelected(dep, by_id, selected, seen, out);
    }
  }
}

Status CheckKnown(const std::vector<std::string>& only, const SpecsById& by_id,
                  const std::vector<StepSpec>& specs) {
  for (const std::string& id : only) {
    if (by_id.count(id) != 0) continue;
    std::string known;
    for (const StepSpec& spec : specs) known += (known.empty() ? "" : ", ") + spec.id;
    return Status::InvalidArgument("unknown step id \"" + id + "\" (the plan's steps: " +
                                   (known.empty() ? "none" : known) + ")");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<StepSpec>> SelectSteps(const std::vector<StepSpec>& specs,
                                          const std::vector<std::string>& only) {
  if (only.empty()) return specs;
  SpecsById by_id;
  for (const StepSpec& spec : specs) by_id[spec.id] = &spec;
  DRF_RETURN_IF_ERROR(CheckKnown(only, by_id, specs));
  std::set<std::string> selected(only.begin(), only.end());
  std::vector<StepSpec> out;
  for (const StepSpec& spec : specs) {  // plan order, whatever the order of `only`
    if (selected.count(spec.id) == 0) continue;
    std::set<std::string> seen;
    std::vector<std::string> after;
    CollectSelected(spec.id, by_id, selected, seen, after);
    out.push_back(spec);
    out.back().after = std::move(after);
  }
  return out;
}

}  // namespace drf
