#include "aws/retry.h"

#include <algorithm>
#include <array>

namespace drf {
namespace {

// botocore/retries/standard.py (ThrottlingErrorDetector and TransientRetryableChecker) plus
// EC2's own throttling code, which botocore's legacy table carries.
constexpr std::array<std::string_view, 14> kThrottlingCodes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

constexpr std::array<std::string_view, 4> kTransientCodes = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
    "IDPCommunicationError",  // STS, modeled as retryable
};

// "<service id>.<operation>" of the calls that must not be repeated blindly.
constexpr std::array<std::string_view, 6> kNonIdempotent = {
    "RDS.PromoteReadReplica",
    "RDS.PromoteReadReplicaDBCluster",
    "RDS.FailoverGlobalCluster",
    "RDS.SwitchoverGlobalCluster",
    "SNS.Publish",
    "Lambda.Invoke",  // a hook function runs again on every call
};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& list, std::string_view code) {
  return !code.empty() && std::find(list.begin(), list.end(), code) != list.end();
}

}  // namespace

bool IsThrottlingCode(std::string_view code) { return Contains(kThrottlingCodes, code); }

bool IsTransientError(int http_status, std::string_view code) {
  switch (http_status) {
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return Contains(kTransientCodes, code);
  }
}

bool IsRetryableError(int http_status, std::string_view code, bool transport) {
  return transport || IsThrottlingCode(code) || IsTransientError(http_status, code);
}

bool IsIdempotentOperation(std::string_view service, std::string_view operation) {
  for (std::string_view name : kNonIdempotent) {
    const size_t dot = name.find('.');
    if (name.substr(0, dot) == service && name.substr(dot + 1) == operation) return false;
  }
  return true;
}

bool MayHaveTakenEffect(const AwsErrorInfo& error) {
  if (error.transport) return !error.not_sent;
  if (error.throttling) return false;
  return error.http_status >= 500 || (error.http_status >= 200 && error.http_status < 300);
}

bool MayHaveTakenEffect(const Status& status) {
  return status.aws() != nullptr && MayHaveTakenEffect(*status.aws());
}

Duration BackoffDelay(int attempt, double random01, std::chrono::milliseconds max_backoff) {
  // 2^(attempt-1) seconds, computed in milliseconds and capped before it can overflow.
  constexpr int kMaxShift = 30;
  const int shift = std::clamp(attempt - 1, 0, kMaxShift);
  const auto base = std::chrono::milliseconds(int64_t{1000} << shift);
  const auto cap = std::min(base, max_backoff);
  const double r = std::clamp(random01, 0.0, 1.0);
  const auto nanos = std::chrono::duration_cast<Duration>(cap).count();
  return Duration(static_cast<Duration::rep>(r * static_cast<double>(nanos)));
}

RetryQuota::RetryQuota(int capacity) : capacity_(capacity), available_(capacity) {}

std::optional<int> RetryQuota::Acquire(bool transport_failure) {
  const int cost = transport_failure ? kTransportRetryCost : kRetryCost;
  std::lock_guard<std::mutex> lock(mu_);
  if (available_ < cost) return std::nullopt;
  available_ -= cost;
  return cost;
}

void RetryQuota::OnSuccess(int last_retry_cost) {
  const int refund = last_retry_cost > 0 ? last_retry_cost : kNoRetryIncrement;
  std::lock_guard<std::mutex> lock(mu_);
  available_ = std::min(capacity_, available_ + refund);
}

int RetryQuota::available() const {
  std::lock_guard<std::mutex> lock(mu_);
  return available_;
}

}  // namespace drf
