#include "plan/step_selection.h"

#include <map>
#include <set>

namespace drf {
namespace {

// A member of a subset: the wrapped step with dependencies rewritten.
class SubsetStep final : public Step {
 public:
  SubsetStep(Step& inner, std::vector<std::string> after) : inner_(inner), spec_(inner.spec()) {
    spec_.after = std::move(after);
  }
  const StepSpec& spec() const override { return spec_; }
  std::string resource() const override { return inner_.resource(); }
  StepResult Preview(StepContext& ctx) override { return inner_.Preview(ctx); }
  StepResult Run(StepContext& ctx) override { return inner_.Run(ctx); }

 private:
  Step& inner_;
  StepSpec spec_;
};

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

Result<std::vector<SelectedStep>> SelectSubset(const std::vector<StepSpec>& specs,
                                               const std::vector<std::string>& only) {
  SpecsById by_id;
  for (const StepSpec& spec : specs) by_id[spec.id] = &spec;
  DRF_RETURN_IF_ERROR(CheckKnown(only, by_id, specs));
  std::set<std::string> selected(only.begin(), only.end());
  std::vector<SelectedStep> out;
  for (const StepSpec& spec : specs) {  // plan order, whatever the order of `only`
    if (selected.count(spec.id) == 0) continue;
    std::set<std::string> seen;
    std::vector<std::string> after;
    CollectSelected(spec.id, by_id, selected, seen, after);
    out.push_back({spec.id, std::move(after)});
  }
  return out;
}

Result<StepSelection> StepSelection::Select(const std::vector<std::unique_ptr<Step>>& steps,
                                            const std::vector<std::string>& only) {
  StepSelection selection;
  if (only.empty()) {
    for (const auto& step : steps) selection.steps_.push_back(step.get());
    return selection;
  }
  std::vector<StepSpec> specs;
  std::map<std::string, Step*> by_id;
  for (const auto& step : steps) {
    specs.push_back(step->spec());
    by_id[step->spec().id] = step.get();
  }
  DRF_ASSIGN_OR_RETURN(std::vector<SelectedStep> members, SelectSubset(specs, only));
  for (SelectedStep& member : members) {
    selection.subset_.push_back(
        std::make_unique<SubsetStep>(*by_id.at(member.id), std::move(member.after)));
    selection.steps_.push_back(selection.subset_.back().get());
  }
  return selection;
}

}  // namespace drf
