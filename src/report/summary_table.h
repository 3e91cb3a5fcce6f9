// The human summary of a report (BuildReport's JSON): a fixed-width table of the steps
// and one status line, for the terminal after a run or a plan. Works from the JSON, not
// the records, so a saved report can be rendered again later.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace drf {

// Renders `report`. Run mode: columns step, resource, status, before → after, acting and
// waiting seconds, error; then "Failover SUCCEEDED in 4.2 s (critical path: ...); 14
// steps: ...; 37 API calls, 12 mutating". Plan mode: the same table with each step's
// changes listed under it, then "Plan: 9 changes, 5 unchanged; no changes were made".
// ANSI colors only when `color`. Missing or mistyped fields render as empty, never throw.
std::string RenderSummary(const nlohmann::json& report, bool color);

}  // namespace drf
