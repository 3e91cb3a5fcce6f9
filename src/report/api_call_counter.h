// ApiCallCounter: per "Service.Operation" counts of the AWS API calls of a run, for the
// report ("API calls per operation", retries and their causes). It is fed one record per
// HTTP attempt; the app adapts aws' ApiCallObserver to Record() so that report never
// depends on aws. It also keeps the retry mode and adaptive send limits per service
// (RateLimitLog). Thread-safe: steps on many threads record at once.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "report/rate_limit_log.h"

namespace drf {

// True unless the operation only reads (its name starts with Describe, List, Get or
// Simulate).
bool IsMutatingOperation(std::string_view operation);

class ApiCallCounter {
 public:
  struct OperationStats {
    std::string name;       // "RDS.PromoteReadReplica"
    std::string service;    // "RDS"
    std::string operation;  // "PromoteReadReplica"
    bool mutating = false;
    int64_t calls = 0;     // logical calls: attempts after which no retry followed
    int64_t attempts = 0;  // HTTP attempts, including the first
    int64_t retries = 0;   // attempts that were followed by another attempt
    // Failed attempts by AWS error code ("Throttling": 3); "HTTP <status>" when a failed
    // response had no code, "Transport" when no response arrived.
    std::map<std::string, int64_t> errors;
    Duration latency{0};  // sum over attempts
  };

  struct Snapshot {
    std::vector<OperationStats> operations;  // sorted by name
    int64_t calls = 0;
    int64_t attempts = 0;
    int64_t retries = 0;
    int64_t mutating_calls = 0;  // logical calls of mutating operations
    Duration latency{0};
    std::vector<OperationRateLimits> rate_limits;  // by operation
  };

  // Records one HTTP attempt. `http_status` 0 means no response was received;
  // `error_code` is empty on success.
  void Record(std::string_view service, std::string_view operation, int http_status,
              std::string_view error_code, bool will_retry, Duration latency);

  // The retry side of one attempt (RateLimitLog::Record).
  void RecordRetryMode(std::string_view service, std::string_view operation, std::string_view mode,
                       bool throttled, std::optional<double> send_limit, WallTime at) {
    rate_limits_.Record(std::string(service) + "." + std::string(operation), mode, throttled,
                        send_limit, at);
  }

  // A consistent copy of the counts so far. (Not named Snapshot(): that is the type.)
  Snapshot TakeSnapshot() const;
  // Logical calls of mutating operations so far.
  int64_t MutatingCalls() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, OperationStats, std::less<>> by_name_;  // guarded by mu_
  RateLimitLog rate_limits_;                                    // thread-safe itself
};

}  // namespace drf
