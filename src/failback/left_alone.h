// What failback leaves as it is, and says so: a resource without a record of a failover
// (LeaveAlone), and a step kind with no way back (NotReversedStep). Neither makes a call.
#pragma once

#include <string>

#include "plan/step.h"

namespace drf {

// Ends `result` kUnchanged: `resource` has no standby record, so drfailover did not fail it
// over (or has failed it back already) and failback does not touch it.
void LeaveAlone(StepResult& result, const std::string& resource);

// A failover step that failback does not undo (a promoted database without reprotect_db,
// a hook, a global database's writer): kUnchanged in both verbs, its summary saying why.
class NotReversedStep final : public Step {
 public:
  NotReversedStep(StepSpec spec, std::string resource, std::string why);

  const StepSpec& spec() const override { return spec_; }
  std::string resource() const override { return resource_; }
  StepResult Preview(StepContext& ctx) override { return Run(ctx); }
  StepResult Run(StepContext& ctx) override;

 private:
  StepSpec spec_;
  std::string resource_;
  std::string why_;
};

}  // namespace drf
