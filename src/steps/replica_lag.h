// The replica-lag guard of promote_db: how far behind its source an RDS read replica is
// (CloudWatch's ReplicaLag, the last 5 minutes in 1-minute maxima), and whether that
// allows promoting it. Promoting a replica that lags loses the writes it has not received
// yet, so above the plan's max_replica_lag the step refuses unless the run is forced.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "plan/plan_spec.h"
#include "services/cloudwatch_client.h"

namespace drf {

inline constexpr std::chrono::minutes kReplicaLagWindow{5};

struct ReplicaLagReading {
  std::optional<double> latest_seconds;  // the newest 1-minute maximum
  std::optional<double> max_seconds;     // the largest in the window
  std::string unknown_why;               // when latest_seconds is empty: why
};

// Reads the lag of `instance` over the kReplicaLagWindow before `now`. A failed read is a
// reading without data, `unknown_why` naming the error (the guard then decides).
ReplicaLagReading ReadReplicaLag(CloudWatchClient& cloudwatch, const std::string& instance,
                                 WallTime now);

struct LagVerdict {
  Status refusal;           // not OK: do not promote, this is why
  std::string warning;      // promoting despite the lag (forced) or without knowing it
  nlohmann::json evidence;  // for the step's `before`: latest, max, limit, verdict, forced
};

// What `guard` says about `reading` for `instance`.
LagVerdict JudgeReplicaLag(const std::string& instance, const ReplicaLagReading& reading,
                           const ReplicaLagGuard& guard);

}  // namespace drf
