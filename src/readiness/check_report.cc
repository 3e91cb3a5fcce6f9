#include "readiness/check_report.h"

#include "core/log.h"
#include "report/json_fields.h"
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

std::string Shown(const std::string& verdict) {
  if (verdict == "not_ready") return "not ready";
  return verdict;
}

std::string_view VerdictColor(const std::string& verdict) {
  return verdict == "ready" ? kAnsiGreen : verdict == "warning" ? kAnsiYellow : kAnsiRed;
}

// The finding that decides a step's verdict (the first of the worst), or a count when all
// are ready.
std::string Detail(const json& step) {
  const std::string verdict = JsonStr(step, "verdict");
  const json& findings = JsonArray(step, "findings");
  if (verdict != "ready") {
    for (const json& finding : findings) {
      if (JsonStr(finding, "verdict") == verdict) return JsonStr(finding, "message");
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
  for (const json& step : JsonArray(check, "steps")) {
    const std::string verdict = JsonStr(step, "verdict");
    out += StripControl(Pad(TruncateToWidth(JsonStr(step, "id"), kStep), kStep) + " " +
                        Pad(JsonStr(step, "kind"), kKind) + " ");
    out += Paint(Pad(Shown(verdict), kVerdict), VerdictColor(verdict), color);
    Line(out, " " + TruncateToWidth(Detail(step), kDetail));
  }
  // Every finding that is not ready, then every warning, in full.
  for (const std::string wanted : {"not_ready", "warning"}) {
    std::string section;
    auto add = [&](const std::string& where, const json& finding) {
      if (JsonStr(finding, "verdict") != wanted) return;
      section += "  " + StripControl(where + ": " + JsonStr(finding, "message")) + "\n";
    };
    for (const json& finding : JsonArray(check, "general")) {
      add("(" + JsonStr(finding, "check") + ")", finding);
    }
    for (const json& step : JsonArray(check, "steps")) {
      for (const json& finding : JsonArray(step, "findings")) add(JsonStr(step, "id"), finding);
    }
    if (section.empty()) continue;
    out += "\n" +
           Paint(wanted == "warning" ? "Warnings:" : "Not ready:", VerdictColor(wanted), color) +
           "\n";
    out += section;
  }
  const json& counts = JsonField(check, "step_counts");
  const json& change_set = JsonField(check, "change_set");
  const json& permissions = JsonField(check, "permissions");
  const json& totals = JsonField(JsonField(check, "api_calls"), "totals");
  const std::string verdict = JsonStr(check, "verdict");
  std::string line = "Check " + Shown(verdict) + ": " + std::to_string(JsonInt(counts, "ready")) +
                     " steps ready, " + std::to_string(JsonInt(counts, "warning")) +
                     " with warnings, " + std::to_string(JsonInt(counts, "not_ready")) +
                     " not ready; a run would change " +
                     std::to_string(JsonInt(change_set, "would_change")) + " steps (" +
                     std::to_string(JsonInt(change_set, "unchanged")) + " already done); ";
  line += JsonField(permissions, "verified") == true
              ? "permissions of " + JsonStr(permissions, "principal") + " verified (" +
                    std::to_string(JsonInt(permissions, "actions_checked")) + " actions); "
              : std::string("permissions not verified; ");
  line += std::to_string(JsonInt(totals, "calls")) + " API calls, " +
          std::to_string(JsonInt(totals, "mutating")) + " mutating, in " +
          FormatSeconds(std::chrono::milliseconds(JsonInt(check, "duration_ms")));
  out += "\n" + Paint(line, VerdictColor(verdict), color) + "\n";
  const json& expected = JsonField(check, "expected_recovery");
  if (expected.is_object()) {
    std::string text = "Expected recovery: " +
                       FormatSeconds(std::chrono::milliseconds(JsonInt(expected, "recovery_ms"))) +
                       " (the run of " + JsonStr(expected, "from") + ")";
    if (JsonField(expected, "rto_ms").is_number()) {
      text += ", RTO " + FormatSeconds(std::chrono::milliseconds(JsonInt(expected, "rto_ms")));
    }
    Line(out, text);
  }
  return out;
}

}  // namespace drf
