// LeaseGuard: one failover at a time, and the cooldown between failovers (PlanSpec::lock),
// around the steps of a `run`: the lease (app/run_lease.h) is taken before the first step
// acts, renewed while the steps run and given back after them; a completed failover is
// recorded for the next run's cooldown check.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/run_lease.h"
#include "core/clock.h"
#include "core/log.h"
#include "plan/plan_spec.h"
#include "services/dynamodb_client.h"

namespace drf {

class LeaseGuard {
 public:
  // Takes the lease of `lock` (a table must be set) for `holder`.
  // - kFailedPrecondition (the run must not start; nothing is held): another run holds the
  //   lease (--force does not override a live holder: its lease ends at the time the
  //   message gives), or the last failover finished within the cooldown and the run is not
  //   `forced`.
  // - Any other failure to take the lease (a missing table, AccessDenied): an error, unless
  //   `forced`: then the run goes on without the lease, with a warning (and the report's
  //   `lease.held` false says why).
  static Result<std::unique_ptr<LeaseGuard>> Take(const RunLock& lock, const std::string& holder,
                                                  bool forced, DynamoDbClient& dynamodb,
                                                  Clock& clock, Logger& log);
  ~LeaseGuard();

  // After the steps: records the failover when it `completed` (every step succeeded or was
  // unchanged), stops renewing and releases the lease. Returns the report's `lease` object:
  // {table, holder, held, note, renewals, lost, released, cooldown_seconds, cooldown_forced,
  // recorded}. Call once.
  nlohmann::json Finish(bool completed);

 private:
  LeaseGuard(const RunLock& lock, std::string holder, DynamoDbClient& dynamodb, Clock& clock,
             Logger& log);

  RunLock lock_;
  std::string holder_;
  Clock& clock_;
  Logger& log_;
  RunLease lease_;
  std::unique_ptr<LeaseRenewer> renewer_;
  std::string note_;  // why the lease is not held, when it is not
  bool cooldown_forced_ = false;
};

}  // namespace drf
