// The result of `drfailover check` (schema drfailover.check/v1, docs/check.md): the verdict,
// each step's findings with evidence, the permissions, the plan's change set and, when a
// previous run's report is given, the recovery time to expect. Rendered as JSON (--output
// json, the Lambda's response) or as a table for a terminal.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/clock.h"
#include "readiness/finding.h"
#include "readiness/permissions.h"
#include "report/api_call_counter.h"

namespace drf {

inline constexpr std::string_view kCheckSchema = "drfailover.check/v1";

struct CheckContext {
  std::string tool_version;
  std::string region;
  std::string plan_source;
  WallTime checked_at{};
  Duration took{};
  PermissionsSummary permissions;
  // The `plan` verb's preview, summarised: {"would_change": n, "unchanged": n,
  // "failed": n, "changes": [{"step", "change"}]}.
  nlohmann::json change_set = nlohmann::json::object();
  // From the last run's report (--last-report): {"from", "recovery_ms", "rto_ms", "met"};
  // null when none was given.
  nlohmann::json expected_recovery;
  // Checks about the plan or the run as a whole (the lease table), beside the steps'.
  std::vector<Finding> general;
};

// The verdict of the whole check: its worst finding's.
Verdict OverallVerdict(const std::vector<StepReadiness>& steps,
                       const std::vector<Finding>& general);

nlohmann::json BuildCheckReport(const std::vector<StepReadiness>& steps,
                                const ApiCallCounter::Snapshot& api_calls,
                                const CheckContext& context);

// A table (step, kind, verdict, the worst finding), then every finding that is not ready
// (and every warning), then one verdict line. From the JSON, so a saved result renders
// the same. ANSI colors only when `color`.
std::string RenderCheck(const nlohmann::json& check, bool color);

}  // namespace drf
