// RestoreEcsStep: failback of a scale_ecs step. Sets the service's desired count back to
// its standby record (steps/standby_record.h), then removes the record. Like RestoreAsgStep:
// only to the recorded value, a service without a record is left alone and reported, no
// wait for tasks to stop, and the record goes last so a resumed run converges.
#pragma once

#include <optional>
#include <string>

#include "services/ecs_client.h"
#include "services/shared_reads.h"
#include "steps/inspect_apply_step.h"

namespace drf {

struct EcsRestore {
  int current = 0;
  std::optional<int> standby;  // none: leave it alone
  std::string arn;
};

class RestoreEcsStep final : public InspectApplyStep<EcsRestore> {
 public:
  // `spec.detail` must hold a finalized ScaleEcsSpec (one service). `ecs` and `reads` must
  // outlive it.
  RestoreEcsStep(StepSpec spec, EcsClient& ecs, SharedReads& reads);

  std::string resource() const override;  // "ecs <cluster>/<service>"

 private:
  const ScaleEcsSpec& ecs() const { return std::get<ScaleEcsSpec>(spec().detail); }
  std::string service() const;
  Status CheckSpec() const override;
  Result<EcsRestore> Inspect(StepRun& run) override;
  void Explain(StepRun& run, const EcsRestore& restore) override;
  void Apply(StepRun& run, const EcsRestore& restore) override;

  EcsClient& ecs_;
  SharedReads& reads_;
};

}  // namespace drf
