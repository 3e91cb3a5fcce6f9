#include "report/summary_table.h"

#include <array>
#include <cctype>
#include <chrono>
#include <string_view>
#include <utility>
#include <vector>

#include "report/json_fields.h"
#include "report/text.h"

namespace drf {
namespace {

using nlohmann::json;

std::string Seconds(int64_t ms) { return FormatSeconds(std::chrono::milliseconds(ms)); }

std::string_view StatusColor(std::string_view status) {
  if (status == "succeeded" || status == "SUCCEEDED") return kAnsiGreen;
  if (status == "failed" || status == "timed_out" || status == "FAILED") return kAnsiRed;
  if (status == "not_run" || status == "PARTIAL") return kAnsiYellow;
  return "";
}

// A value as a person would write it: strings bare, everything else as compact JSON.
std::string ValueText(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Only what differs, "key: before → after", so a scaled ASG reads
// "desired: 0 → 1, min: 0 → 1" instead of two whole objects. A key only observed after
// (e.g. in_service, counted once the group has instances) is shown as "key: value": it is
// an observation, not a change from null.
std::string DescribeChange(const json& before, const json& after) {
  if (!before.is_object() || !after.is_object()) {
    return before == after ? "" : ValueText(before) + " → " + ValueText(after);
  }
  json keys = json::object();  // sorted union of both key sets
  for (const auto& [key, value] : before.items()) keys[key] = true;
  for (const auto& [key, value] : after.items()) keys[key] = true;
  std::string out;
  for (const auto& [key, unused] : keys.items()) {
    const json& b = JsonField(before, key);
    const json& a = JsonField(after, key);
    if (b == a || !after.contains(key)) continue;
    if (!out.empty()) out += ", ";
    out += key + ": " + (before.contains(key) ? ValueText(b) + " → " : "") + ValueText(a);
  }
  return out;
}

std::string ErrorText(const json& error) {
  if (!error.is_object()) return "";
  std::string code = JsonStr(JsonField(error, "aws"), "code");
  if (code.empty()) code = JsonStr(error, "status_code");
  std::string message = JsonStr(error, "message");
  // An AWS error's message names its code already: "An error occurred (Throttling) ...".
  if (message.find("(" + code + ")") != std::string::npos) return message;
  return code + ": " + message;
}

struct Column {
  std::string_view title;
  size_t max_width;
  bool align_right = false;
};

struct Row {
  std::vector<std::string> cells;
  std::string status;                // colors the status cell
  std::vector<std::string> details;  // lines printed under the row (plan changes)
};

std::string Plural(int64_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

std::string RightTrim(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

// Takes the rows: their cells are cut to width in place (a run of 2,000 steps has 14,000).
std::string RenderTable(const std::vector<Column>& columns, std::vector<Row> rows,
                        size_t status_column, bool color) {
  std::vector<size_t> widths;
  for (const Column& column : columns) widths.push_back(DisplayWidth(column.title));
  for (Row& row : rows) {
    for (size_t i = 0; i < columns.size(); ++i) {
      row.cells[i] = TruncateToWidth(StripControl(row.cells[i]), columns[i].max_width);
      widths[i] = std::max(widths[i], DisplayWidth(row.cells[i]));
    }
  }
  std::string header;
  for (size_t i = 0; i < columns.size(); ++i) {
    header += Pad(columns[i].title, widths[i], columns[i].align_right) + "  ";
  }
  std::string text = Paint(RightTrim(header), kAnsiBold, color) + "\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (size_t i = 0; i < columns.size(); ++i) {
      // Pad first, then color: escape codes take no columns.
      std::string cell = Pad(rows[r].cells[i], widths[i], columns[i].align_right);
      if (i == status_column) cell = Paint(cell, StatusColor(rows[r].status), color);
      line += cell + "  ";
    }
    text += RightTrim(line) + "\n";
    for (const std::string& detail : rows[r].details)
      text += "    + " + StripControl(detail) + "\n";
  }
  return text;
}

Row StepRow(const json& step, bool plan) {
  Row row;
  row.status = JsonStr(step, "status");
  std::string shown = plan && row.status == "succeeded" ? "change" : row.status;
  row.cells = {JsonStr(step, "id"), JsonStr(step, "resource"), shown,
               DescribeChange(JsonField(step, "before"), JsonField(step, "after"))};
  const json& timings = JsonField(step, "timings");
  if (!plan) {
    bool started = JsonField(timings, "start_offset_ms").is_number();
    row.cells.push_back(started ? Seconds(JsonInt(timings, "acting_ms")) : "-");
    row.cells.push_back(started ? Seconds(JsonInt(timings, "waiting_ms")) : "-");
  }
  row.cells.push_back(ErrorText(JsonField(step, "error")));
  if (plan) {
    for (const json& change : JsonField(step, "changes")) {
      if (change.is_string()) row.details.push_back(change.get<std::string>());
    }
  }
  return row;
}

std::string StepTable(const json& steps, bool plan, bool color) {
  std::vector<Column> columns = {{"STEP", 40},
                                 {"RESOURCE", 32},
                                 {plan ? "PLAN" : "STATUS", 9},
                                 {plan ? "BEFORE → WANTED" : "BEFORE → AFTER", 48}};
  if (!plan) {
    columns.push_back({"ACT", 9, true});
    columns.push_back({"WAIT", 9, true});
  }
  columns.push_back({"ERROR", 80});
  std::vector<Row> rows;
  if (steps.is_array()) {
    for (const json& step : steps) rows.push_back(StepRow(step, plan));
  }
  return RenderTable(columns, std::move(rows), 2, color);
}

constexpr std::array<std::string_view, 5> kStates = {"succeeded", "unchanged", "failed",
                                                     "timed_out", "not_run"};
using StateCounts = std::array<int64_t, kStates.size()>;

StateCounts CountStates(const json& steps) {
  StateCounts counts{};
  if (!steps.is_array()) return counts;
  for (const json& step : steps) {
    std::string status = JsonStr(step, "status");
    for (size_t i = 0; i < kStates.size(); ++i) counts[i] += status == kStates[i] ? 1 : 0;
  }
  return counts;
}

// "10 succeeded, 4 unchanged": the states from `first` on, in a fixed order, without zeros.
std::string CountsText(const StateCounts& counts, size_t first) {
  std::string out;
  for (size_t i = first; i < kStates.size(); ++i) {
    if (counts[i] == 0) continue;
    std::string name(kStates[i]);
    for (char& c : name) c = c == '_' ? ' ' : c;
    if (!out.empty()) out += ", ";
    out += std::to_string(counts[i]) + " " + name;
  }
  return out;
}

std::string CriticalPathText(const json& report) {
  const json& path = JsonField(report, "critical_path");
  if (!path.is_array() || path.empty()) return "";
  std::string ids;
  for (const json& id : path) ids += (ids.empty() ? "" : " → ") + ValueText(id);
  return " (critical path: " + ids + " " + Seconds(JsonInt(report, "critical_path_ms")) + ")";
}

// The recovery time against the objective, when the plan declares one.
std::string RecoveryText(const json& report) {
  const json& recovery = JsonField(report, "recovery");
  const json& rto = JsonField(recovery, "rto_ms");
  if (!rto.is_number_integer()) return "";
  std::string objective = "the RTO of " + Seconds(rto.get<int64_t>());
  const json& took = JsonField(recovery, "recovery_ms");
  if (!took.is_number_integer()) return "; not recovered: " + objective + " not met";
  std::string recovered = "; recovered in " + Seconds(took.get<int64_t>());
  return recovered + (JsonField(recovery, "met") == true ? ", within " : ", over ") + objective;
}

std::string StoppedText(const json& report) {
  std::string stopped = JsonStr(report, "stopped");
  return stopped.empty() ? "" : " (stopped: " + stopped + ")";
}

std::string RunHeadline(const json& report, bool color) {
  const json& steps = JsonField(report, "steps");
  const json& totals = JsonField(JsonField(report, "api_calls"), "totals");
  std::string status = JsonStr(report, "status");
  const bool failback = JsonStr(report, "action") == "failback";
  const bool drill = JsonField(report, "drill") == json(true);
  std::string what = failback ? "failback" : "failover";  // "Failover", "Drill failback", ...
  what = drill ? "Drill " + what : static_cast<char>(std::toupper(what[0])) + what.substr(1);
  std::string line = what + " " + Paint(status, StatusColor(status), color) + StoppedText(report) +
                     " in " + Seconds(JsonInt(report, "duration_ms")) + CriticalPathText(report) +
                     "; " + Plural(static_cast<int64_t>(steps.size()), "step");
  std::string counts = CountsText(CountStates(steps), 0);
  if (!counts.empty()) line += ": " + counts;
  line += "; " + Plural(JsonInt(totals, "calls"), "API call") + ", " +
          std::to_string(JsonInt(totals, "mutating")) + " mutating";
  int64_t retries = JsonInt(totals, "retries");
  if (retries > 0) line += ", " + std::to_string(retries) + (retries == 1 ? " retry" : " retries");
  return line + RecoveryText(report);
}

// In a plan, a step that "succeeded" is one that would change something.
std::string PlanHeadline(const json& report, bool color) {
  StateCounts counts = CountStates(JsonField(report, "steps"));
  std::string line = "Plan" + StoppedText(report) + ": " + Plural(counts[0], "change");
  std::string rest = CountsText(counts, 1);
  if (!rest.empty()) line += ", " + rest;
  int64_t mutating = JsonInt(JsonField(JsonField(report, "api_calls"), "totals"), "mutating");
  if (mutating == 0) return line + "; no changes were made";
  // A preview must never act; if one did, the summary must not claim otherwise.
  return line + "; " +
         Paint("WARNING: " + Plural(mutating, "mutating API call") + " made", kAnsiRed, color);
}

}  // namespace

std::string RenderSummary(const nlohmann::json& report, bool color) {
  bool plan = JsonStr(report, "mode") == "plan";
  std::string text = StepTable(JsonField(report, "steps"), plan, color);
  text += "\n";
  text += plan ? PlanHeadline(report, color) : RunHeadline(report, color);
  return text + "\n";
}

}  // namespace drf
