#include "report/api_call_counter.h"

#include <array>

namespace drf {
namespace {

bool IsFailure(int http_status, std::string_view error_code) {
  return !error_code.empty() || http_status < 200 || http_status >= 300;
}

// The key a failed attempt is counted under, so a reader sees why calls were retried even
// when AWS sent no code (a bare 503, a dropped connection).
std::string ErrorKey(int http_status, std::string_view error_code) {
  if (!error_code.empty()) return std::string(error_code);
  if (http_status == 0) return "Transport";
  return "HTTP " + std::to_string(http_status);
}

}  // namespace

bool IsMutatingOperation(std::string_view operation) {
  // Simulate*: IAM's policy simulator evaluates, it changes nothing.
  static constexpr std::array<std::string_view, 4> kReadPrefixes = {"Describe", "List", "Get",
                                                                    "Simulate"};
  for (std::string_view prefix : kReadPrefixes) {
    if (operation.starts_with(prefix)) return false;
  }
  return true;
}

void ApiCallCounter::Record(std::string_view service, std::string_view operation, int http_status,
                            std::string_view error_code, bool will_retry, Duration latency) {
  std::string name = std::string(service) + "." + std::string(operation);
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = by_name_.try_emplace(name);
  OperationStats& stats = it->second;
  if (inserted) {
    stats.name = std::move(name);
    stats.service = service;
    stats.operation = operation;
    stats.mutating = IsMutatingOperation(operation);
  }
  ++stats.attempts;
  // A logical call ends with its last attempt; every earlier attempt is a retry.
  if (will_retry) {
    ++stats.retries;
  } else {
    ++stats.calls;
  }
  if (IsFailure(http_status, error_code)) ++stats.errors[ErrorKey(http_status, error_code)];
  stats.latency += latency;
}

ApiCallCounter::Snapshot ApiCallCounter::TakeSnapshot() const {
  Snapshot snapshot;
  std::lock_guard<std::mutex> lock(mu_);
  snapshot.operations.reserve(by_name_.size());
  for (const auto& [name, stats] : by_name_) {
    snapshot.operations.push_back(stats);
    snapshot.calls += stats.calls;
    snapshot.attempts += stats.attempts;
    snapshot.retries += stats.retries;
    if (stats.mutating) snapshot.mutating_calls += stats.calls;
    snapshot.latency += stats.latency;
  }
  snapshot.rate_limits = rate_limits_.Take();
  return snapshot;
}

int64_t ApiCallCounter::MutatingCalls() const {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t total = 0;
  for (const auto& [name, stats] : by_name_) {
    if (stats.mutating) total += stats.calls;
  }
  return total;
}

}  // namespace drf
