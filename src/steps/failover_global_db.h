// FailoverGlobalDbStep: makes the DR region's member cluster the writer of an Aurora
// global database: SwitchoverGlobalCluster (planned, no data loss) or, with an explicit
// allow_data_loss, FailoverGlobalCluster with AllowDataLoss (the primary region is down).
//
// Done means: DescribeGlobalClusters shows the target as the writer, no move running
// (no FailoverState) and the global database `available`; and the target cluster
// `available` (DescribeDBClusters).
//
// Idempotent: the target already the writer with nothing running is kUnchanged (after
// checking the cluster is available); a move already running (a killed run's call, another
// run) is waited for, never started again. The calls are never sent again blindly
// (aws/retry.h): after a failure that may have taken effect the global database is read;
// a move to the target, or the target as the writer, means it took effect (recorded and
// waited for); otherwise the step fails saying the outcome is unknown, and the next run
// decides from AWS's state. InvalidGlobalClusterStateFault (a move running) is the same.
//
// Outcomes: kSucceeded, kUnchanged, kFailed (global database or member missing, AWS
// errors, outcome unknown), kTimedOut.
#pragma once

#include <string>

#include "services/rds_client.h"
#include "steps/inspect_apply_step.h"

namespace drf {

// What Inspect found.
struct GlobalDbMove {
  std::string target_arn;  // the DR member
  std::string writer_arn;  // the writer now ("" none)
  std::string moving_to;   // FailoverState's target when a move runs; "" otherwise
};

class FailoverGlobalDbStep final : public InspectApplyStep<GlobalDbMove> {
 public:
  // `spec.detail` must hold a FailoverGlobalDbSpec. `rds` must outlive the step.
  FailoverGlobalDbStep(StepSpec spec, RdsClient& rds);

  std::string resource() const override;  // "global db <identifier>"

 private:
  const FailoverGlobalDbSpec& global() const {
    return std::get<FailoverGlobalDbSpec>(spec().detail);
  }
  Result<GlobalDbMove> Inspect(StepRun& run) override;
  void Explain(StepRun& run, const GlobalDbMove& move) override;
  // The call, then the wait: whether it may be sent depends on what the reads show.
  void Apply(StepRun& run, const GlobalDbMove& move) override;

  Result<GlobalDbMove> Read();
  void WaitForWriter(StepRun& run, const GlobalDbMove& move, const std::string& done);
  std::string call() const;  // "SwitchoverGlobalCluster" or "FailoverGlobalCluster"

  RdsClient& rds_;
};

}  // namespace drf
