#include "readiness/check_report.h"

#include "core/log.h"
#include "report/report.h"
#include "report/text.h"

namespace drf {
namespace {

using nlohmann::json;

json FindingJson(const Finding& finding) {
  return {{"check", finding.check},
          {"resource", finding.resource},
          {"verdict", VerdictName(finding.verdict)},
          {"message", finding.message},
          {"evidence", finding.evidence}};
}

json StepJson(const StepReadiness& step) {
  json findings = json::array();
  for (const Finding& finding : step.findings) findings.push_back(FindingJson(finding));
  return {{"id", step.step_id},
          {"kind", step.kind},
          {"verdict", VerdictName(step.verdict())},
          {"findings", std::move(findings)}};
}

json PermissionsJson(const PermissionsSummary& p) {
  return {{"caller", p.caller},
          {"principal", p.principal},
          {"verified", p.verified},
          {"why", p.verified ? json(nullptr) : json(p.unverified_why)},
          {"actions_checked", p.actions_checked}};
}

// --- rendering (from the JSON) ----------------------------------------------------------

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kRed = "\x1b[31m";
constexpr std::string_view kGreen = "\x1b[32m";
constexpr std::string_view kYellow = "\x1b[33m";

std::string Str(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return "";
  return object[key].get<std::string>();
}

int64_t Int(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_number()) return 0;
  return object[key].get<int64_t>();
}

const json& Array(const json& object, const char* key) {
  static const json kEmpty = json::array();
  if (!object.is_object() || !object.contains(key) || !object[key].is_array()) return kEmpty;
  return object[key];
}

std::string Shown(const std::string& verdict) {
  if (verdict == "not_ready") return "not ready";
  return verdict;
}

std::string Paint(const std::string& verdict, const std::string& text, bool color) {
  if (!color) return text;
  std::string_view code = verdict == "ready" ? kGreen : verdict == "warning" ? kYellow : kRed;
  return std::string(code) + text + std::string(kReset);
}

// The finding that decides a step's verdict (the first of the worst), or a count when all
// are ready.
std::string Detail(const json& step) {
  const std::string verdict = Str(step, "verdict");
  const json& findings = Array(step, "findings");
  if (verdict != "ready") {
    for (const json& finding : findings) {
      if (Str(finding, "verdict") == verdict) return Str(finding, "message");
    }
  }
  return std::to_string(findings.size()) + " checks passed";
}

void Line(std::string& out, std::string_view text) {
  out += StripControl(text);
  out += '\n';
}

}  // namespace

Verdict OverallVerdict(const std::vector<StepReadiness>& steps,
                       const std::vector<Finding>& general) {
  Verdict worst = Verdict::kReady;
  for (const StepReadiness& step : steps) worst = Worst(worst, step.verdict());
  for (const Finding& finding : general) worst = Worst(worst, finding.verdict);
  return worst;
}

json BuildCheckReport(const std::vector<StepReadiness>& steps,
                      const ApiCallCounter::Snapshot& api_calls, const CheckContext& context) {
  json step_list = json::array();
  json counts = {{"ready", 0}, {"warning", 0}, {"not_ready", 0}};
  for (const StepReadiness& step : steps) {
    step_list.push_back(StepJson(step));
    counts[std::string(VerdictName(step.verdict()))] =
        counts[std::string(VerdictName(step.verdict()))].get<int>() + 1;
  }
  json general = json::array();
  for (const Finding& finding : context.general) general.push_back(FindingJson(finding));
  return {
      {"schema", kCheckSchema},
      {"verdict", VerdictName(OverallVerdict(steps, context.general))},
      {"tool_version", context.tool_version},
      {"region", context.region},
      {"plan_source", context.plan_source},
      {"checked_at", FormatTimestamp(context.checked_at)},
      {"duration_ms", std::chrono::duration_cast<std::chrono::milliseconds>(context.took).count()},
      {"step_counts", std::move(counts)},
      {"steps", std::move(step_list)},
      {"general", std::move(general)},
      {"permissions", PermissionsJson(context.permissions)},
      {"change_set", context.change_set},
      {"expected_recovery", context.expected_recovery},
      {"api_calls", ApiCallsJson(api_calls)}};
}

std::string RenderCheck(const json& check, bool color) {
  constexpr size_t kStep = 34, kKind = 17, kVerdict = 10, kDetail = 90;
  std::string out;
  Line(out,
       Pad("STEP", kStep) + " " + Pad("KIND", kKind) + " " + Pad("VERDICT", kVerdict) + " DETAIL");
  for (const json& step : Array(check, "steps")) {
    const std::string verdict = Str(step, "verdict");
    out += StripControl(Pad(TruncateToWidth(Str(step, "id"), kStep), kStep) + " " +
                        Pad(Str(step, "kind"), kKind) + " ");
    out += Paint(verdict, Pad(Shown(verdict), kVerdict), color);
    Line(out, " " + TruncateToWidth(Detail(step), kDetail));
  }
  // Every finding that is not ready, then every warning, in full.
  for (const std::string wanted : {"not_ready", "warning"}) {
    std::string section;
    auto add = [&](const std::string& where, const json& finding) {
      if (Str(finding, "verdict") != wanted) return;
      section += "  " + StripControl(where + ": " + Str(finding, "message")) + "\n";
    };
    for (const json& finding : Array(check, "general")) {
      add("(" + Str(finding, "check") + ")", finding);
    }
    for (const json& step : Array(check, "steps")) {
      for (const json& finding : Array(step, "findings")) add(Str(step, "id"), finding);
    }
    if (section.empty()) continue;
    out += "\n" + Paint(wanted, wanted == "warning" ? "Warnings:" : "Not ready:", color) + "\n";
    out += section;
  }
  const json& counts = check.value("step_counts", json::object());
  const json& change_set = check.value("change_set", json::object());
  const json& permissions = check.value("permissions", json::object());
  const json& totals = check.value("api_calls", json::object()).value("totals", json::object());
  const std::string verdict = Str(check, "verdict");
  std::string line = "Check " + Shown(verdict) + ": " + std::to_string(Int(counts, "ready")) +
                     " steps ready, " + std::to_string(Int(counts, "warning")) +
                     " with warnings, " + std::to_string(Int(counts, "not_ready")) +
                     " not ready; a run would change " +
                     std::to_string(Int(change_set, "would_change")) + " steps (" +
                     std::to_string(Int(change_set, "unchanged")) + " already done); ";
  line += permissions.value("verified", false)
              ? "permissions of " + Str(permissions, "principal") + " verified (" +
                    std::to_string(Int(permissions, "actions_checked")) + " actions); "
              : std::string("permissions not verified; ");
  line += std::to_string(Int(totals, "calls")) + " API calls, " +
          std::to_string(Int(totals, "mutating")) + " mutating, in " +
          FormatSeconds(std::chrono::milliseconds(Int(check, "duration_ms")));
  out += "\n" + Paint(verdict, line, color) + "\n";
  const json& expected = check.value("expected_recovery", json());
  if (expected.is_object()) {
    std::string text = "Expected recovery: " +
                       FormatSeconds(std::chrono::milliseconds(Int(expected, "recovery_ms"))) +
                       " (the run of " + Str(expected, "from") + ")";
    if (expected.contains("rto_ms") && expected["rto_ms"].is_number()) {
      text += ", RTO " + FormatSeconds(std::chrono::milliseconds(Int(expected, "rto_ms")));
    }
    Line(out, text);
  }
  return out;
}

}  // namespace drf
