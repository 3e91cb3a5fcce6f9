// Retry policy: AWS "standard" mode (botocore/retries/standard.py), made safe for non-idempotent
// calls; adaptive mode adds adaptive_rate_limiter.h. Implemented in retry.cc.
//
// The pieces are separate so AwsClient composes them and tests check each alone:
// classification (is this failure retryable, is it throttling, may it have taken effect,
// may this operation be sent twice), the full-jitter backoff, and the retry quota (a token
// bucket shared by every call of one client).
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"

namespace drf {

struct RetryOptions {
  // AWS_RETRY_MODE: "standard"; "adaptive" (standard plus a client-side send rate limit per
  // service, adaptive_rate_limiter.h); "legacy" is accepted and runs as standard.
  std::string mode = "standard";
  int max_attempts = 3;  // AWS_MAX_ATTEMPTS: total attempts including the first
  std::chrono::milliseconds max_backoff{20000};  // full-jitter cap
  int quota_capacity = 500;                      // retry token bucket
};

// One of the throttling codes of standard mode (Throttling, SlowDown, RequestLimitExceeded...).
bool IsThrottlingCode(std::string_view code);

// Standard mode's transient errors: HTTP 500/502/503/504, or a code such as RequestTimeout,
// RequestTimeoutException, PriorRequestNotComplete, IDPCommunicationError.
bool IsTransientError(int http_status, std::string_view code);

// Whether standard mode retries a failed attempt. `transport` means no HTTP response at all
// (connect failure, timeout, dropped connection): always retryable.
bool IsRetryableError(int http_status, std::string_view code, bool transport);

// False for operations that must never be sent twice blindly: a second
// RDS PromoteReadReplica / PromoteReadReplicaDBCluster after the first took effect is
// answered InvalidDBInstanceState (and one that crosses a finished promotion could act
// twice), FailoverGlobalCluster starts another failover, SNS Publish sends a second
// message. Everything else we call is idempotent: Describe*/List*/Get*, and the mutating
// calls we make set absolute values (UpdateAutoScalingGroup sizes, UpdateService
// desiredCount) or add members that are already there (RegisterTargets). DynamoDB's
// conditional writes (PutItem, UpdateItem, DeleteItem) are retried too: a retry of one
// that took effect cannot act twice, it fails its condition instead
// (ConditionalCheckFailedException), and the caller reads the item to tell its own earlier
// write from another writer's (app/run_lease.cc).
bool IsIdempotentOperation(std::string_view service, std::string_view operation);

// Whether AWS may have acted on a failed attempt: yes after a 5xx (a service can fail after
// acting), an answer lost after the request was sent, or a 2xx whose body could not be
// read (it was accepted). No for throttling (refused before acting, whatever the HTTP
// status: EC2 sends RequestLimitExceeded as 503), other 4xx refusals, and failures before
// the request left (`not_sent`). A non-idempotent call is retried only when this is false.
bool MayHaveTakenEffect(const AwsErrorInfo& error);
// The same for a call's final Status (false when it carries no AWS details).
bool MayHaveTakenEffect(const Status& status);

// The delay before the retry that follows failed attempt `attempt` (1-based):
// random01 × min(2^(attempt−1) s, max_backoff). `random01` is uniform in [0, 1).
Duration BackoffDelay(int attempt, double random01, std::chrono::milliseconds max_backoff);

// The retry token bucket. A retry takes kRetryCost tokens (kTransportRetryCost after a
// transport failure or timeout); when too few are left the call is not retried, so a
// region-wide outage does not multiply our load. Successful calls put tokens back.
// Thread-safe: one quota is shared by all threads using a client.
class RetryQuota {
 public:
  static constexpr int kRetryCost = 5;
  static constexpr int kTransportRetryCost = 10;
  static constexpr int kNoRetryIncrement = 1;

  explicit RetryQuota(int capacity);

  // Takes the tokens for one retry. Returns the cost taken, or nullopt (nothing taken) when
  // the bucket holds too few.
  std::optional<int> Acquire(bool transport_failure);
  // Records a successful call. `last_retry_cost` is what the call's last retry took (0 if it
  // succeeded at the first attempt): that amount is refunded, else kNoRetryIncrement is
  // added, never beyond the capacity (botocore's RetryQuotaChecker does the same).
  void OnSuccess(int last_retry_cost);

  int available() const;
  int capacity() const { return capacity_; }

 private:
  const int capacity_;
  mutable std::mutex mu_;
  int available_;  // guarded by mu_
};

}  // namespace drf
