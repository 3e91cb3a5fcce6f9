#include "report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "report/json_fields.h"
#include "report/text.h"

namespace drf {
// The helpers have a namespace of their own: the module is compiled as a unity build, where
// the anonymous namespaces of all its files are one (summary_table.cc has a ValueText too).
namespace html_report {
namespace {

using nlohmann::json;

// ---- Escaping ---------------------------------------------------------------------------

constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

struct CodePoint {
  char32_t value = 0;
  size_t length = 0;  // bytes; 0: not valid UTF-8
};

// The code point of the UTF-8 sequence at text[i]. Length 0 for bytes that are not UTF-8 (a
// stray continuation byte, a cut or overlong sequence, a surrogate, beyond U+10FFFF): the
// report's strings come from AWS and from files, and one bad byte must not make the whole
// document unreadable to an XML parser.
CodePoint DecodeUtf8(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return {lead, 1};
  size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || i + length > text.size()) return {};
  auto value = static_cast<char32_t>(lead & (0x7F >> length));
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {};
    value = (value << 6) | static_cast<char32_t>(byte(i + k) & 0x3F);
  }
  constexpr std::array<char32_t, 5> kSmallest = {0, 0, 0x80, 0x800, 0x10000};
  bool surrogate = value >= 0xD800 && value <= 0xDFFF;
  if (value < kSmallest[length] || value > 0x10FFFF || surrogate) return {};
  return {value, length};
}

// Whether `c` may appear in the page: XML 1.0 forbids the C0 controls but tab, newline and
// carriage return (even as references), and U+FFFE/U+FFFF; HTML calls DEL and the C1
// controls errors. Terminal escapes in an AWS message are the likely source.
bool Printable(char32_t c) {
  if (c == '\t' || c == '\n' || c == '\r') return true;
  if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return false;
  return c != 0xFFFE && c != 0xFFFF;
}

// `text` as element content, or as an attribute value in double quotes, for HTML and XML
// alike: the five markup characters as references, anything unprintable as U+FFFD. In an
// attribute, tab and line breaks are references too: an XML parser would turn them into
// spaces.
std::string Escape(std::string_view text, bool attribute = false) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    CodePoint cp = DecodeUtf8(text, i);
    if (cp.length == 0 || !Printable(cp.value)) {
      out += kReplacementChar;
      i += std::max<size_t>(cp.length, 1);
      continue;
    }
    switch (cp.value) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        out.append(text.substr(i, cp.length));
    }
    i += cp.length;
  }
  return out;
}

std::string Attr(std::string_view text) { return Escape(text, true); }

// ---- Reading the report (tolerant: a saved or hand-edited file may lack anything) ------

// Far beyond any run (30,000 years), small enough that sums and scales stay finite.
constexpr double kMaxMillis = 1e15;

// The number at `value` when there is a finite one.
std::optional<double> Number(const json& value) {
  if (!value.is_number()) return std::nullopt;
  auto number = value.get<double>();
  if (!std::isfinite(number)) return std::nullopt;
  return number;
}

// A duration or offset in milliseconds, clamped to 0 .. kMaxMillis.
std::optional<double> Millis(const json& value) {
  std::optional<double> number = Number(value);
  if (!number) return std::nullopt;
  return std::clamp(*number, 0.0, kMaxMillis);
}

// A value as a person would write it: strings bare, everything else as compact JSON.
std::string PlainText(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A count from the report ("3"); "0" when absent.
std::string CountText(const json& value) {
  return fmt::format("{:.0f}", std::clamp(Number(value).value_or(0), -kMaxMillis, kMaxMillis));
}

// "1 retry", "3 retries".
std::string CountOf(const json& value, std::string_view one, std::string_view many) {
  std::string count = CountText(value);
  return count + " " + std::string(count == "1" ? one : many);
}

std::string SecondsText(double ms) { return fmt::format("{:.1f} s", ms / 1000); }

// The milliseconds at `value` in seconds, or "" when there are none.
std::string MillisText(const json& value) {
  std::optional<double> ms = Millis(value);
  return ms ? SecondsText(*ms) : "";
}

// Escaped `text`, or a muted dash when there is none.
std::string OrDash(std::string_view text) {
  return text.empty() ? "<span class=\"muted\">—</span>" : Escape(text);
}

// The colour class of a run's or a step's status, from a fixed set: text from the report
// never becomes a class name.
std::string_view StatusClass(std::string_view status) {
  if (status == "SUCCEEDED" || status == "succeeded") return "ok";
  if (status == "unchanged") return "same";
  if (status == "FAILED" || status == "failed" || status == "timed_out") return "bad";
  if (status == "PARTIAL" || status == "not_run") return "warn";
  return "unknown";
}

std::string StatusSpan(std::string_view status) {
  return fmt::format("<span class=\"status s-{}\">{}</span>", StatusClass(status), OrDash(status));
}

bool StepFailed(const json& step) {
  std::string status = JsonStr(step, "status");
  return status == "failed" || status == "timed_out" || JsonField(step, "error").is_object();
}

// "1 succeeded, 2 not run", counted from the steps themselves (step_counts may be absent).
std::string StepCountsText(const json& steps) {
  static constexpr std::array<std::string_view, 5> kStates = {"succeeded", "unchanged", "failed",
                                                              "timed_out", "not_run"};
  std::array<size_t, kStates.size()> counts{};
  for (const json& step : steps) {
    std::string status = JsonStr(step, "status");
    for (size_t i = 0; i < kStates.size(); ++i) counts[i] += status == kStates[i] ? 1 : 0;
  }
  std::string out = fmt::format("{} step{}", steps.size(), steps.size() == 1 ? "" : "s");
  std::string separator = ": ";
  for (size_t i = 0; i < kStates.size(); ++i) {
    if (counts[i] == 0) continue;
    std::string name(kStates[i]);
    std::replace(name.begin(), name.end(), '_', ' ');
    out += fmt::format("{}{} {}", separator, counts[i], name);
    separator = ", ";
  }
  return out;
}

// Long values (a hook's 16 KiB of stdout) are cut: the page is for reading and printing,
// the JSON report keeps them whole.
std::string Cut(std::string_view text) { return TruncateToWidth(text, 300); }

// ---- Page furniture ---------------------------------------------------------------------

// Inline, no external fonts or images: the page must render the same on an offline laptop
// and when printed (A4, 12 mm margins leave 186 mm; the column is 180 mm).
constexpr std::string_view kStyle = R"css(
:root { --ok: #1a7f37; --bad: #c62828; --warn: #9a6700; --same: #0550ae; --muted: #6e7781;
        --line: #d0d7de; --head: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px; color: #1f2328; background: #fff;
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 180mm; margin: 0 auto; }
h1 { font-size: 22px; margin: 0 0 2px; }
h2 { font-size: 16px; margin: 22px 0 6px; padding-bottom: 3px; border-bottom: 1px solid var(--line); }
h3 { font-size: 13px; margin: 0 0 4px; }
p { margin: 4px 0; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.muted { color: var(--muted); }
.s-ok { color: var(--ok); } .s-bad { color: var(--bad); } .s-warn { color: var(--warn); }
.s-same { color: var(--same); } .s-unknown { color: var(--muted); }
.status { font-weight: 600; white-space: nowrap; }
.outcome { border: 1px solid var(--line); border-left: 10px solid var(--muted); border-radius: 6px;
           padding: 10px 14px; }
.outcome.o-ok { border-left-color: var(--ok); } .outcome.o-bad { border-left-color: var(--bad); }
.outcome.o-warn { border-left-color: var(--warn); }
.big { font-size: 34px; font-weight: 800; letter-spacing: 1px; margin: 2px 0; }
.sub { font-size: 14px; }
table { width: 100%; border-collapse: collapse; margin: 6px 0; font-size: 12px; }
table.fixed { table-layout: fixed; }
th, td { text-align: left; vertical-align: top; padding: 3px 6px; border-bottom: 1px solid var(--line);
         overflow-wrap: anywhere; }
th { background: var(--head); font-weight: 600; }
tr { page-break-inside: avoid; break-inside: avoid; }
.num { text-align: right; white-space: nowrap; }
table.facts th { width: 28%; background: none; }
ul.kv, ul.lines { margin: 0; padding: 0; list-style: none; }
ul.lines li::before { content: "+ "; color: var(--muted); }
li.changed { font-weight: 600; }
.k { color: var(--muted); }
.error { border-left: 4px solid var(--bad); background: #fff8f8; padding: 6px 10px; margin: 8px 0;
         page-break-inside: avoid; break-inside: avoid; }
.msg { white-space: pre-wrap; overflow-wrap: anywhere; }
.note { font-size: 12px; }
svg.timeline { display: block; width: 100%; height: auto; }
svg.timeline text { font-family: system-ui, "DejaVu Sans", sans-serif; font-size: 15px; fill: #1f2328; }
svg.timeline text.tick, svg.timeline .legend text, svg.timeline text.rto-label { font-size: 13px; }
svg.timeline text.notrun, svg.timeline text.tick { fill: var(--muted); }
svg.timeline text.label-critical { font-weight: 700; fill: var(--bad); }
svg.timeline text.rto-label { fill: var(--bad); font-weight: 600; }
.bar { fill: #b6cdee; stroke: #4a6fa5; stroke-width: 0.6; }
.bar.critical, .swatch-critical { fill: #f6c6bd; stroke: var(--bad); stroke-width: 2; }
.acting, .swatch-acting { fill: #1f4e8c; }
.waiting, .swatch-waiting { fill: #e0a526; }
.rto, .swatch-rto { stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 6 4; }
.grid { stroke: #eaeef2; stroke-width: 1; }
.axis { stroke: #8c959f; stroke-width: 1; }
footer { margin-top: 24px; font-size: 11px; color: var(--muted); }
@media print {
  @page { size: A4; margin: 12mm; }
  body { padding: 0; font-size: 11px; }
  h2 { page-break-after: avoid; break-after: avoid; }
  .outcome, .error, svg.timeline { page-break-inside: avoid; break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

std::string Head(std::string_view title) {
  return fmt::format(
      "<!DOCTYPE html>\n"
      "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
      "<head>\n"
      "<meta charset=\"utf-8\"/>\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
      "<title>{}</title>\n"
      "<style>{}</style>\n"
      "</head>\n",
      Escape(title), kStyle);
}

// A two-column table of label and (already escaped) value rows.
std::string FactsTable(const std::vector<std::pair<std::string_view, std::string>>& rows) {
  std::string out = "<table class=\"facts\"><tbody>\n";
  for (const auto& [label, html] : rows) {
    out += fmt::format("<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n", Escape(label), html);
  }
  return out + "</tbody></table>\n";
}

struct TableColumn {
  std::string_view title;
  int percent;  // of the table's width
  bool numeric = false;
};

// The start of a table, up to its body's first row. Fixed column widths: a long ARN wraps in
// its cell instead of widening the table past the page.
std::string TableStart(std::string_view css_class, const std::vector<TableColumn>& columns) {
  std::string colgroup;
  std::string header;
  for (const TableColumn& column : columns) {
    colgroup += fmt::format("<col style=\"width: {}%\"/>", column.percent);
    header +=
        fmt::format("<th{}>{}</th>", column.numeric ? " class=\"num\"" : "", Escape(column.title));
  }
  return fmt::format(
      "<table class=\"fixed {}\"><colgroup>{}</colgroup><thead><tr>{}</tr></thead><tbody>\n",
      css_class, colgroup, header);
}

// ---- Outcome ----------------------------------------------------------------------------

std::string Title(const json& report) {
  if (JsonField(report, "drill") == true) return "drfailover drill report";
  if (JsonStr(report, "action") == "failback") return "drfailover failback report";
  return "drfailover failover report";
}

// "run · failback · drill · stopped: deadline · forced"
std::string OutcomeLine(const json& report) {
  std::vector<std::string> parts;
  std::string mode = JsonStr(report, "mode");
  if (!mode.empty()) parts.push_back(mode == "plan" ? "plan (a preview: nothing changed)" : mode);
  if (std::string action = JsonStr(report, "action"); !action.empty()) parts.push_back(action);
  if (JsonField(report, "drill") == true) parts.push_back("drill");
  if (std::string stopped = JsonStr(report, "stopped"); !stopped.empty()) {
    parts.push_back("stopped: " + stopped);
  }
  if (JsonField(report, "forced") == true) parts.push_back("forced");
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : " · ") + part;
  return out;
}

std::string CriticalPathText(const json& report) {
  std::string ids;
  for (const json& id : JsonArray(report, "critical_path")) {
    ids += (ids.empty() ? "" : " → ") + PlainText(id);
  }
  if (ids.empty()) return "";
  return ids + " (" + SecondsText(Millis(JsonField(report, "critical_path_ms")).value_or(0)) + ")";
}

// The measured recovery beside the objective: the figure a drill is run to produce.
std::vector<std::pair<std::string_view, std::string>> RecoveryRows(const json& report) {
  const json& recovery = JsonField(report, "recovery");
  std::optional<double> rto = Millis(JsonField(recovery, "rto_ms"));
  std::optional<double> took = Millis(JsonField(recovery, "recovery_ms"));
  std::string rto_html = rto ? Escape(SecondsText(*rto)) : "<span class=\"muted\">none set</span>";
  std::string took_html;
  if (took) {
    took_html = Escape(SecondsText(*took));
  } else {
    took_html = JsonStr(report, "mode") == "plan"
                    ? "<span class=\"muted\">— (a plan recovers nothing)</span>"
                    : "<span class=\"status s-bad\">not recovered</span>";
  }
  const json& met = JsonField(recovery, "met");
  std::string met_html = met == true    ? "<span class=\"status s-ok\">met</span>"
                         : met == false ? "<span class=\"status s-bad\">missed</span>"
                                        : "<span class=\"muted\">—</span>";
  return {{"RTO", rto_html}, {"Measured recovery", took_html}, {"Objective", met_html}};
}

std::string OutcomeSection(const json& report, std::string_view title) {
  std::string status = JsonStr(report, "status");
  std::string_view status_class = StatusClass(status);
  std::vector<std::pair<std::string_view, std::string>> rows = {
      {"Started", OrDash(JsonStr(report, "started_at"))},
      {"Finished", OrDash(JsonStr(report, "finished_at"))},
      {"Duration", OrDash(MillisText(JsonField(report, "duration_ms")))}};
  for (auto& row : RecoveryRows(report)) rows.push_back(std::move(row));
  rows.emplace_back("Critical path", OrDash(CriticalPathText(report)));
  rows.emplace_back("Steps", Escape(StepCountsText(JsonArray(report, "steps"))));
  return fmt::format(
      "<header class=\"outcome o-{0}\">\n<h1>{1}</h1>\n"
      "<p class=\"big status s-{0}\">{2}</p>\n<p class=\"sub\">{3}</p>\n{4}</header>\n",
      status_class, Escape(title), status.empty() ? "UNKNOWN" : Escape(status),
      Escape(OutcomeLine(report)), FactsTable(rows));
}

// ---- Timeline ---------------------------------------------------------------------------

// Geometry in SVG user units: the viewBox is kWidth wide and CSS scales it to the column.
// On A4 (180 mm) a unit is 0.18 mm: the text sizes in the CSS (15 and 13 units) print at
// about 7.5 and 6.5 pt.
constexpr double kWidth = 1000;
constexpr double kLabelRight = 302;  // step ids end here, right-aligned
constexpr double kPlotLeft = 312;
constexpr double kPlotRight = 985;
constexpr double kTop = 50;  // the legend and the RTO label are above the rows
constexpr double kRowHeight = 26;
constexpr double kBarHeight = 18;
constexpr double kSplitHeight = 7;  // acting/waiting, along the bottom of the bar
constexpr size_t kLabelChars = 36;

// An SVG number: three decimals at most ("12.5", "300").
std::string Coord(double value) {
  std::string text = fmt::format("{:.3f}", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

// One step's row.
struct Bar {
  std::string id;
  bool started = false;
  double start_ms = 0;
  double duration_ms = 0;  // whole milliseconds
  double acting_ms = 0;
  double waiting_ms = 0;
  bool critical = false;
};

std::vector<Bar> ReadBars(const json& report) {
  std::set<std::string> critical;
  for (const json& id : JsonArray(report, "critical_path")) {
    if (id.is_string()) critical.insert(id.get<std::string>());
  }
  std::vector<Bar> bars;
  for (const json& step : JsonArray(report, "steps")) {
    Bar& bar = bars.emplace_back();
    bar.id = JsonStr(step, "id");
    bar.critical = critical.count(bar.id) > 0;
    const json& timings = JsonField(step, "timings");
    std::optional<double> start = Millis(JsonField(timings, "start_offset_ms"));
    if (!start) continue;  // never started: null offsets (docs/report.md)
    bar.started = true;
    bar.start_ms = *start;
    double end = Millis(JsonField(timings, "end_offset_ms")).value_or(*start);
    bar.duration_ms = std::round(std::max(0.0, end - *start));
    bar.acting_ms = Millis(JsonField(timings, "acting_ms")).value_or(0);
    bar.waiting_ms = Millis(JsonField(timings, "waiting_ms")).value_or(0);
  }
  return bars;
}

// The common scale, so bars compare: the run, the last end and the RTO all fit.
double ScaleMillis(const json& report, const std::vector<Bar>& bars, std::optional<double> rto) {
  double max = Millis(JsonField(report, "duration_ms")).value_or(0);
  for (const Bar& bar : bars) {
    if (bar.started) max = std::max(max, bar.start_ms + bar.duration_ms);
  }
  if (rto) max = std::max(max, *rto);
  return std::max(max, 1.0);
}

// A round tick interval (1, 2 or 5 times a power of ten ms, at least 1 ms) giving about five
// ticks.
double TickStep(double max_ms) {
  double raw = max_ms / 5;
  double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double multiple : {1.0, 2.0, 5.0}) {
    if (multiple * power >= raw) return std::max(multiple * power, 1.0);
  }
  return std::max(10 * power, 1.0);
}

std::string TickLabel(double ms, double step) {
  int decimals = step >= 1000 ? 0 : step >= 100 ? 1 : step >= 10 ? 2 : 3;
  return fmt::format("{:.{}f} s", ms / 1000, decimals);
}

std::string Legend(bool with_rto) {
  std::string out =
      "<g class=\"legend\">"
      "<rect class=\"swatch-critical\" x=\"2\" y=\"8\" width=\"18\" height=\"14\"/>"
      "<text x=\"26\" y=\"20\">critical path</text>"
      "<rect class=\"swatch-acting\" x=\"140\" y=\"12\" width=\"18\" height=\"7\"/>"
      "<text x=\"164\" y=\"20\">acting</text>"
      "<rect class=\"swatch-waiting\" x=\"230\" y=\"12\" width=\"18\" height=\"7\"/>"
      "<text x=\"254\" y=\"20\">waiting</text>";
  if (with_rto) {
    out +=
        "<line class=\"swatch-rto\" x1=\"330\" y1=\"15\" x2=\"358\" y2=\"15\"/>"
        "<text x=\"364\" y=\"20\">RTO</text>";
  }
  return out + "</g>\n";
}

std::string BarTooltip(const Bar& bar) {
  if (!bar.started) return bar.id + ": not run";
  return fmt::format("{}: {} (from {} to {}; acting {}, waiting {}){}", bar.id,
                     SecondsText(bar.duration_ms), SecondsText(bar.start_ms),
                     SecondsText(bar.start_ms + bar.duration_ms), SecondsText(bar.acting_ms),
                     SecondsText(bar.waiting_ms), bar.critical ? "; on the critical path" : "");
}

// One row: the id, then the bar (its width exactly duration × px_per_ms, or 1 unit when the
// step took no time) with acting then waiting along its bottom, clipped to the bar; or "not
// run".
std::string BarRow(const Bar& bar, double y, double px_per_ms) {
  std::string out = fmt::format("<g class=\"row\"><title>{}</title>", Escape(BarTooltip(bar)));
  out += fmt::format("<text class=\"{}\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                     bar.critical ? "label label-critical" : "label", Coord(kLabelRight),
                     Coord(y + 18), Escape(TruncateToWidth(bar.id, kLabelChars)));
  if (!bar.started) {
    return out + fmt::format("<text class=\"notrun\" x=\"{}\" y=\"{}\">not run</text></g>\n",
                             Coord(kPlotLeft + 4), Coord(y + 18));
  }
  double x = kPlotLeft + bar.start_ms * px_per_ms;
  double width = bar.duration_ms > 0 ? bar.duration_ms * px_per_ms : 1;
  out += fmt::format(
      "<rect class=\"{}\" data-step=\"{}\" data-ms=\"{:.0f}\" x=\"{}\" y=\"{}\" width=\"{}\" "
      "height=\"{}\"/>",
      bar.critical ? "bar critical" : "bar", Attr(bar.id), bar.duration_ms, Coord(x), Coord(y + 4),
      Coord(width), Coord(kBarHeight));
  double acting = std::min(bar.acting_ms, bar.duration_ms);
  double waiting = std::min(bar.waiting_ms, bar.duration_ms - acting);
  double split_y = y + 4 + kBarHeight - kSplitHeight;
  if (acting > 0) {
    out += fmt::format("<rect class=\"acting\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                       Coord(x), Coord(split_y), Coord(acting * px_per_ms), Coord(kSplitHeight));
  }
  if (waiting > 0) {
    out += fmt::format("<rect class=\"waiting\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                       Coord(x + acting * px_per_ms), Coord(split_y), Coord(waiting * px_per_ms),
                       Coord(kSplitHeight));
  }
  return out + "</g>\n";
}

// Grid lines and labels in seconds along the bottom.
std::string TimeAxis(double max_ms, double px_per_ms, double top, double bottom) {
  std::string out = fmt::format(
      "<g class=\"time-axis\"><line class=\"axis\" x1=\"{}\" y1=\"{}\" "
      "x2=\"{}\" y2=\"{}\"/>",
      Coord(kPlotLeft), Coord(bottom), Coord(kPlotRight), Coord(bottom));
  double step = TickStep(max_ms);
  for (int i = 0; i <= 20 && i * step <= max_ms * (1 + 1e-9); ++i) {
    double x = kPlotLeft + i * step * px_per_ms;
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>"
        "<text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>",
        Coord(x), Coord(top), Coord(bottom + 4), Coord(bottom + 19),
        Escape(TickLabel(i * step, step)));
  }
  return out + "</g>\n";
}

std::string RtoMarker(double rto_ms, double px_per_ms, double top, double bottom) {
  double x = kPlotLeft + rto_ms * px_per_ms;
  // Near the right edge the label goes left of the line, so it stays in the picture.
  std::string_view anchor = x > kPlotRight - 90 ? "end" : "start";
  double label_x = anchor == "end" ? x - 4 : x + 4;
  return fmt::format(
      "<line class=\"rto\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" "
      "stroke-dasharray=\"6 4\"/>"
      "<text class=\"rto-label\" x=\"{3}\" y=\"{4}\" text-anchor=\"{5}\">{6}</text>\n",
      Coord(x), Coord(top - 12), Coord(bottom), Coord(label_x), Coord(top - 4), anchor,
      Escape("RTO " + SecondsText(rto_ms)));
}

std::string TimelineSection(const json& report) {
  std::vector<Bar> bars = ReadBars(report);
  std::optional<double> rto = Millis(JsonField(JsonField(report, "recovery"), "rto_ms"));
  double max_ms = ScaleMillis(report, bars, rto);
  double px_per_ms = (kPlotRight - kPlotLeft) / max_ms;
  size_t rows = std::max<size_t>(bars.size(), 1);  // an empty run still gets its axis
  double bottom = kTop + static_cast<double>(rows) * kRowHeight + 4;
  double height = bottom + 28;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" role=\"img\" "
      "viewBox=\"0 0 {0} {1}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">\n"
      "<title>Timeline of the steps, one row per step in plan order</title>\n",
      Coord(kWidth), Coord(height));
  svg += Legend(rto.has_value());
  svg += TimeAxis(max_ms, px_per_ms, kTop, bottom);
  for (size_t i = 0; i < bars.size(); ++i) {
    svg += BarRow(bars[i], kTop + static_cast<double>(i) * kRowHeight, px_per_ms);
  }
  if (bars.empty()) {
    svg += fmt::format("<text class=\"notrun\" x=\"{}\" y=\"{}\">no steps</text>\n",
                       Coord(kPlotLeft + 4), Coord(kTop + 18));
  }
  if (rto) svg += RtoMarker(*rto, px_per_ms, kTop, bottom);
  svg += "</svg>\n";
  return "<section id=\"timeline\">\n<h2>Timeline</h2>\n" + svg +
         "<p class=\"muted note\">One bar per started step, from its start to its end on a common "
         "scale; along its bottom the time spent acting (AWS calls) and waiting (for AWS to "
         "converge). Steps that never started read \"not run\".</p>\n</section>\n";
}

// ---- Steps, before → after --------------------------------------------------------------

std::string DurationText(const json& step) {
  const json& timings = JsonField(step, "timings");
  std::optional<double> start = Millis(JsonField(timings, "start_offset_ms"));
  if (!start) return "";
  double end = Millis(JsonField(timings, "end_offset_ms")).value_or(*start);
  return SecondsText(std::max(0.0, end - *start));
}

// The kind, breakable after its underscores: "register_<wbr/>targets" wraps in a narrow
// column where breaking anywhere would read "register_tar gets".
std::string KindHtml(std::string_view kind) {
  std::string out;
  for (char c : OrDash(kind)) {
    out += c;
    if (c == '_') out += "<wbr/>";
  }
  return out;
}

std::string StepsTable(const json& steps) {
  std::string out = TableStart("steps", {{"Step", 21},
                                         {"Kind", 12},
                                         {"Resource", 20},
                                         {"Status", 12},
                                         {"Summary", 25},
                                         {"Duration", 10, true}});
  for (const json& step : steps) {
    out += fmt::format(
        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td class=\"num\">{}</td></tr>\n",
        OrDash(JsonStr(step, "id")), KindHtml(JsonStr(step, "kind")),
        OrDash(JsonStr(step, "resource")), StatusSpan(JsonStr(step, "status")),
        OrDash(Cut(JsonStr(step, "summary"))), OrDash(DurationText(step)));
  }
  if (steps.empty()) out += "<tr><td colspan=\"6\" class=\"muted\">No steps.</td></tr>\n";
  return out + "</tbody></table>\n";
}

std::string StepsSection(const json& steps) {
  return "<section id=\"steps\">\n<h2>Steps</h2>\n" + StepsTable(steps) + "</section>\n";
}

// A value in a before/after list; an empty string shows as "" (it would look missing).
std::string ValueHtml(const json& value) {
  if (value.is_string() && value.get_ref<const std::string&>().empty()) {
    return "<span class=\"muted\">\"\"</span>";
  }
  return Escape(Cut(PlainText(value)));
}

// An object as "key: value" lines; a key whose value differs from `other`'s (the before of
// an after) is marked, so the change stands out. Anything but an object as its text.
std::string KeyValueList(const json& value, const json& other = json()) {
  if (value.is_null() || (value.is_object() && value.empty())) return OrDash("");
  if (!value.is_object()) return ValueHtml(value);
  std::string out = "<ul class=\"kv\">";
  for (const auto& [key, item] : value.items()) {
    bool changed = other.is_object() && JsonField(other, key) != item;
    out += fmt::format("<li{}><span class=\"k\">{}</span>: {}</li>",
                       changed ? " class=\"changed\"" : "", Escape(key), ValueHtml(item));
  }
  return out + "</ul>";
}

std::string ChangeLines(const json& changes) {
  if (!changes.is_array() || changes.empty()) return OrDash("");
  std::string out = "<ul class=\"lines\">";
  for (const json& change : changes) out += "<li>" + Escape(Cut(PlainText(change))) + "</li>";
  return out + "</ul>";
}

std::string BeforeAfterSection(const json& steps) {
  std::string out =
      "<section id=\"before-after\">\n<h2>Before → after</h2>\n" +
      TableStart("changes", {{"Step", 22}, {"Before", 26}, {"After", 26}, {"Changes", 26}});
  for (const json& step : steps) {
    const json& before = JsonField(step, "before");
    out += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       OrDash(JsonStr(step, "id")), KeyValueList(before),
                       KeyValueList(JsonField(step, "after"), before),
                       ChangeLines(JsonField(step, "changes")));
  }
  if (steps.empty()) out += "<tr><td colspan=\"4\" class=\"muted\">No steps.</td></tr>\n";
  return out + "</tbody></table>\n</section>\n";
}

// ---- Retries, errors, environment -------------------------------------------------------

// "Throttling × 2, HTTP 503 × 1"
std::string ErrorCountsText(const json& errors) {
  std::string out;
  if (!errors.is_object()) return out;
  for (const auto& [code, count] : errors.items()) {
    out += fmt::format("{}{} × {}", out.empty() ? "" : ", ", code, CountText(count));
  }
  return out;
}

std::string RetriesSection(const json& api_calls) {
  std::string rows;
  const json& operations = JsonField(api_calls, "operations");
  if (operations.is_object()) {
    for (const auto& [name, op] : operations.items()) {
      const json& errors = JsonField(op, "errors");
      bool has_errors = errors.is_object() && !errors.empty();
      if (Number(JsonField(op, "retries")).value_or(0) <= 0 && !has_errors) continue;
      rows += fmt::format(
          "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"num\">{}</td><td>{}</td></tr>\n",
          Escape(name), CountText(JsonField(op, "calls")), CountText(JsonField(op, "attempts")),
          CountText(JsonField(op, "retries")), OrDash(ErrorCountsText(errors)));
    }
  }
  const json& totals = JsonField(api_calls, "totals");
  std::string out = "<section id=\"retries\">\n<h2>Retries and their causes</h2>\n";
  if (rows.empty()) {
    out += "<p>No call was retried and none failed.</p>\n";
  } else {
    out += TableStart("retries", {{"Operation", 36},
                                  {"Calls", 11, true},
                                  {"Attempts", 11, true},
                                  {"Retries", 11, true},
                                  {"Errors (causes)", 31}}) +
           rows + "</tbody></table>\n";
  }
  out += fmt::format("<p>Totals: {}, {}, {}, {}.</p>\n</section>\n",
                     CountOf(JsonField(totals, "calls"), "API call", "API calls"),
                     CountOf(JsonField(totals, "attempts"), "attempt", "attempts"),
                     CountOf(JsonField(totals, "retries"), "retry", "retries"),
                     CountOf(JsonField(totals, "mutating"), "mutating call", "mutating calls"));
  return out;
}

// An error object's message and what AWS said (the request id is what AWS Support asks for).
std::string ErrorDetails(const json& error) {
  if (!error.is_object()) return "<p class=\"muted\">No error recorded.</p>\n";
  const json& aws = JsonField(error, "aws");
  std::string http;
  if (std::optional<double> status = Number(JsonField(aws, "http_status"))) {
    http = *status == 0 ? "no response" : CountText(JsonField(aws, "http_status"));
  }
  std::string request_id = JsonStr(aws, "request_id");
  std::vector<std::pair<std::string_view, std::string>> rows = {
      {"Status code", OrDash(JsonStr(error, "status_code"))},
      {"AWS error code", OrDash(JsonStr(aws, "code"))},
      {"HTTP status", OrDash(http)},
      {"Request id", request_id.empty() ? OrDash("") : "<code>" + Escape(request_id) + "</code>"},
      {"Operation", OrDash(JsonStr(aws, "operation"))}};
  return fmt::format("<p class=\"msg mono\">{}</p>\n{}", OrDash(JsonStr(error, "message")),
                     FactsTable(rows));
}

// The top-level error, then each failed step's; "" when there are none.
std::string ErrorBlocks(const json& report) {
  std::string out;
  if (const json& error = JsonField(report, "error"); error.is_object()) {
    out += "<div class=\"error\"><h3>The plan could not be prepared</h3>\n" + ErrorDetails(error) +
           "</div>\n";
  }
  for (const json& step : JsonArray(report, "steps")) {
    if (!StepFailed(step)) continue;
    out += fmt::format("<div class=\"error\"><h3><code>{}</code> {}</h3>\n{}</div>\n",
                       OrDash(JsonStr(step, "id")), StatusSpan(JsonStr(step, "status")),
                       ErrorDetails(JsonField(step, "error")));
  }
  return out;
}

std::string ErrorsSection(const json& report) {
  std::string blocks = ErrorBlocks(report);
  return "<section id=\"errors\">\n<h2>Errors</h2>\n" +
         (blocks.empty() ? "<p>No errors.</p>\n" : blocks) + "</section>\n";
}

// A drill that failed back carries the failback's own report under `failback` (`drfailover
// drill`): its outcome, steps and errors. Its steps are not on the timeline, which is the
// failover's.
std::string FailbackSection(const json& report) {
  const json& failback = JsonField(report, "failback");
  if (!failback.is_object()) return "";
  std::string status = JsonStr(failback, "status");
  const json& steps = JsonArray(failback, "steps");
  std::vector<std::pair<std::string_view, std::string>> rows = {
      {"Status", StatusSpan(status)},
      {"Started", OrDash(JsonStr(failback, "started_at"))},
      {"Finished", OrDash(JsonStr(failback, "finished_at"))},
      {"Duration", OrDash(MillisText(JsonField(failback, "duration_ms")))},
      {"Steps", Escape(StepCountsText(steps))}};
  return "<section id=\"failback\">\n<h2>Failback</h2>\n" + FactsTable(rows) + StepsTable(steps) +
         ErrorBlocks(failback) + "</section>\n";
}

std::string EnvironmentSection(const json& report) {
  std::vector<std::pair<std::string_view, std::string>> rows = {
      {"Account", OrDash(JsonStr(report, "account_id"))},
      {"Region", OrDash(JsonStr(report, "region"))},
      {"Identity", OrDash(JsonStr(report, "identity"))},
      {"drfailover version", OrDash(JsonStr(report, "tool_version"))},
      {"Plan source", OrDash(JsonStr(report, "plan_source"))},
      {"Report schema", OrDash(JsonStr(report, "schema"))}};
  return "<section id=\"environment\">\n<h2>Environment</h2>\n" + FactsTable(rows) + "</section>\n";
}

}  // namespace
}  // namespace html_report

std::string RenderHtmlReport(const nlohmann::json& report) {
  namespace h = html_report;
  const nlohmann::json& steps = JsonArray(report, "steps");
  std::string title = h::Title(report);
  std::string html = h::Head(title);
  html += "<body>\n<main>\n";
  html += h::OutcomeSection(report, title);
  html += h::TimelineSection(report);
  html += h::StepsSection(steps);
  html += h::BeforeAfterSection(steps);
  html += h::RetriesSection(JsonField(report, "api_calls"));
  html += h::ErrorsSection(report);
  html += h::FailbackSection(report);
  html += h::EnvironmentSection(report);
  html += "<footer>Rendered by drfailover from its run report (" +
          h::OrDash(JsonStr(report, "schema")) + "). Times are UTC.</footer>\n";
  return html + "</main>\n</body>\n</html>\n";
}

}  // namespace drf
