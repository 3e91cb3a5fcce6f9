// The run report: one JSON document saying what a run (or a plan preview) did, step by
// step, with timings, errors as AWS reported them, the critical path and the API calls
// made. Written to a file by the CLI and returned by the Lambda; docs/report.md documents
// the schema ("drfailover.report/v1"). Pure: builds a value from plain records.
#pragma once

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "plan/run_record.h"
#include "report/api_call_counter.h"

namespace drf {

inline constexpr std::string_view kReportSchema = "drfailover.report/v1";

enum class ReportMode {
  kRun,   // steps acted: "changes" were made
  kPlan,  // steps only previewed: nothing was changed
};
std::string_view ReportModeName(ReportMode mode);  // "run", "plan"

// How the steps' one-resource reads were shared (services/shared_reads.h): reads asked for,
// the calls that answered them, how many of those reads a call made earlier for other steps
// had read ahead, and how many readings of a service's tasks a wait passed on.
struct SharedReadCounts {
  int asked = 0;
  int calls = 0;
  int read_ahead = 0;
  int passed_on = 0;  // readings of a service's tasks a scaling step's wait passed on
};

// Facts about the run that the records do not carry.
struct ReportContext {
  ReportMode mode = ReportMode::kRun;
  std::string tool_version;                 // "0.1.0"
  std::string region;                       // the DR region acted on
  std::string plan_source;                  // "environment" or the plan file path
  std::optional<std::string> account_id;    // from STS, when known; null otherwise
  std::optional<std::chrono::seconds> rto;  // the plan's recovery-time objective
  bool forced = false;                      // --force / {"force": true}: guards overridden
  std::string action = "failover";          // "failover" or "failback"
  bool drill = false;                       // a drill (`drfailover drill`, {"action": "drill"})
  std::optional<std::string> identity;      // the caller's ARN, when looked up (STS)
  // Why no step could run although AWS was reached (the plan could not be prepared, e.g.
  // listing a cluster's services was denied): the report's top-level `error`, and its
  // status is then FAILED. OK otherwise.
  Status error;
  // The run lease (app/lease_guard.h): the report's `lease`; null when the plan has none.
  nlohmann::json lease;
  SharedReadCounts shared_reads;  // the report's api_calls.shared_reads
};

// Builds the report. Never fails; strings are taken as given, so serialize with
// DumpReport (which replaces invalid UTF-8 instead of throwing). Takes the record: its
// steps' strings and values are moved into the report, not copied (with 500 services the
// report takes ~3.4 MB of memory; built beside a copy of the record, it set the run's peak).
nlohmann::json BuildReport(RunRecord run, const ApiCallCounter::Snapshot& api_calls,
                           const ReportContext& context);

// The report's `api_calls`: per operation and in total (calls, attempts, retries, mutating).
nlohmann::json ApiCallsJson(const ApiCallCounter::Snapshot& snapshot);

// Pretty-printed (2-space) JSON with a trailing newline; invalid UTF-8 is replaced.
std::string DumpReport(const nlohmann::json& report);

// Writes DumpReport's text to `out` as it is made, never holding it whole (at 500 services
// it is ~0.9 MB; held whole, it set the run's peak memory: bench/README.md). False when the
// stream reports an error; `out` is neither flushed nor closed here.
bool WriteReport(const nlohmann::json& report, std::FILE* out);

}  // namespace drf
