// The drill report: a run report (BuildReport's JSON, docs/report.md) rendered as one
// self-contained HTML page to keep as the record of a failover, a failback or a DR drill,
// on screen or printed on A4. Like the summary table it works from the JSON, so a saved
// report can be rendered again later (`drfailover report <report.json> --html <out.html>`).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace drf {

// Renders `report` as an HTML5 document that is also well-formed XML (XHTML syntax: every
// element closed, all text escaped, invalid UTF-8 and characters XML forbids replaced by
// U+FFFD), with no script and no external resource: inline CSS (print CSS for A4) and an
// inline SVG timeline. Sections, in order: the outcome (status, mode, times, RTO against
// the measured recovery), the timeline, the steps, before → after, retries and their
// causes, errors, the failback (a drill's), the environment.
//
// Timeline: one row per step in plan order; one `rect.bar` per started step (`data-step`
// its id, `data-ms` its duration), its width proportional to the duration on a scale common
// to all bars (0 .. the longest of the run, the last step's end and the RTO); a zero-length
// step gets a 1-unit bar with data-ms="0". A step that never started (null
// `timings.start_offset_ms`) gets a row reading "not run" and no bar. Bars of the critical
// path also have the class `critical`; a dashed `line.rto` marks the RTO when the report
// has one.
//
// A drill's report may carry the failback's report under `failback`: its outcome, steps and
// errors follow the errors. Missing or mistyped fields render as empty or "—", never throw.
std::string RenderHtmlReport(const nlohmann::json& report);

}  // namespace drf
