#include "report/html_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <pugixml.hpp>
#include <regex>
#include <string>
#include <vector>

namespace drf {
namespace {

// Helpers are prefixed Html: the module's tests are compiled as one unity translation unit.
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The docs/report.md example, whole: promotion and ASG in parallel, target registration
// (critical, failed after throttling), the ECS step not run, a hook that took no time.
json HtmlSampleReport() {
  return json::parse(R"json({
    "schema": "drfailover.report/v1", "mode": "run", "tool_version": "0.1.0",
    "region": "us-east-1", "account_id": "123456789012", "plan_source": "environment",
    "status": "PARTIAL", "error": null, "stopped": null, "forced": false,
    "started_at": "2026-11-25T21:40:00.000Z", "finished_at": "2026-11-25T21:40:04.321Z",
    "duration_ms": 4321,
    "steps": [
      {"id": "promote-db:dr-app-db", "kind": "promote_db", "resource": "db dr-app-db",
       "status": "succeeded", "summary": "promoted dr-app-db",
       "changes": ["promote read replica dr-app-db"],
       "before": {"replica_source": "arn:aws:rds:eu-west-1:1:db:app", "status": "available"},
       "after": {"replica_source": null, "status": "available"},
       "timings": {"start_offset_ms": 100, "end_offset_ms": 4000, "acting_ms": 400,
                   "waiting_ms": 3500},
       "error": null},
      {"id": "scale-asg:dr-jenkins", "kind": "scale_asg", "resource": "asg dr-jenkins",
       "status": "unchanged", "summary": "already 1", "changes": [],
       "before": {"desired": 1}, "after": {"desired": 1},
       "timings": {"start_offset_ms": 0, "end_offset_ms": 250, "acting_ms": 250,
                   "waiting_ms": 0},
       "error": null},
      {"id": "register-targets:tg-app", "kind": "register_targets", "resource": "tg tg-app",
       "status": "failed", "summary": "registering 1 target failed", "changes": [],
       "before": {}, "after": {},
       "timings": {"start_offset_ms": 4000, "end_offset_ms": 4200, "acting_ms": 200,
                   "waiting_ms": 0},
       "error": {"status_code": "Retryable",
                 "message": "tg tg-app: An error occurred (Throttling) when calling the RegisterTargets operation: Rate exceeded (HTTP 400, request id req-reg-1)",
                 "aws": {"code": "Throttling", "http_status": 400, "request_id": "req-reg-1",
                         "operation": "Elastic Load Balancing v2.RegisterTargets"}}},
      {"id": "announce", "kind": "run_command", "resource": "command announce",
       "status": "succeeded", "summary": "exited 0", "changes": ["run announce"],
       "before": {}, "after": {"exit_code": 0},
       "timings": {"start_offset_ms": 4200, "end_offset_ms": 4200, "acting_ms": 0,
                   "waiting_ms": 0},
       "error": null},
      {"id": "scale-ecs:dr/frontend", "kind": "scale_ecs", "resource": "ecs dr/frontend",
       "status": "not_run", "summary": "register-targets:tg-app did not succeed",
       "changes": [], "before": {}, "after": {},
       "timings": {"started_at": null, "finished_at": null, "start_offset_ms": null,
                   "end_offset_ms": null, "acting_ms": 0, "waiting_ms": 0},
       "error": null}
    ],
    "critical_path": ["promote-db:dr-app-db", "register-targets:tg-app"],
    "critical_path_ms": 4100,
    "recovery": {"rto_ms": null, "recovery_ms": null, "met": null},
    "api_calls": {
      "operations": {
        "Elastic Load Balancing v2.RegisterTargets":
          {"calls": 1, "attempts": 2, "retries": 1, "errors": {"Throttling": 2},
           "mutating": true, "latency_ms": 20},
        "RDS.DescribeDBInstances":
          {"calls": 1, "attempts": 1, "retries": 0, "errors": {}, "mutating": false,
           "latency_ms": 30}
      },
      "totals": {"calls": 2, "attempts": 3, "retries": 1, "mutating": 1}
    }
  })json");
}

// Parses `html` as XML (pugixml checks nesting and closing, not entity names) and returns
// the error description, or "" when it parsed.
std::string HtmlXmlError(const std::string& html) {
  pugi::xml_document doc;
  pugi::xml_parse_result result = doc.load_string(html.c_str());
  if (!result) return std::string(result.description()) + " at " + std::to_string(result.offset);
  if (std::string(doc.document_element().name()) != "html") return "root is not <html>";
  return "";
}

// What pugixml does not check: every '&' starts one of the references the renderer writes
// (an XML parser knows no HTML entities such as &nbsp;), and no byte XML forbids is present.
void HtmlExpectWellFormedText(const std::string& html) {
  static const std::regex kReference("^&(amp|lt|gt|quot|#39|#9|#10|#13);");
  for (size_t i = html.find('&'); i != std::string::npos; i = html.find('&', i + 1)) {
    EXPECT_TRUE(std::regex_search(html.substr(i, 8), kReference))
        << "bare '&' at " << i << ": " << html.substr(i, 20);
  }
  for (char c : html) {
    auto byte = static_cast<unsigned char>(c);
    EXPECT_FALSE(byte < 0x20 && c != '\n' && c != '\t' && c != '\r')
        << "control byte " << static_cast<int>(byte);
  }
}

struct HtmlBar {
  std::string classes;
  std::string step;
  int64_t ms = 0;
  double x = 0;
  double width = 0;
};

// The timeline's bars, read back from the markup.
std::vector<HtmlBar> HtmlBars(const std::string& html) {
  static const std::regex kBar(
      "<rect class=\"(bar[^\"]*)\" data-step=\"([^\"]*)\" data-ms=\"([0-9]+)\" "
      "x=\"([0-9.]+)\"[^>]* width=\"([0-9.]+)\"");
  std::vector<HtmlBar> bars;
  for (std::sregex_iterator it(html.begin(), html.end(), kBar), end; it != end; ++it) {
    bars.push_back(
        {(*it)[1], (*it)[2], std::stoll((*it)[3]), std::stod((*it)[4]), std::stod((*it)[5])});
  }
  return bars;
}

size_t HtmlCount(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t i = text.find(needle); i != std::string::npos; i = text.find(needle, i + 1)) {
    ++count;
  }
  return count;
}

TEST(HtmlReportTest, IsOneSelfContainedWellFormedDocument) {
  std::string html = RenderHtmlReport(HtmlSampleReport());
  EXPECT_THAT(html, StartsWith("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "
                               "lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>"));
  EXPECT_EQ(HtmlXmlError(html), "");
  HtmlExpectWellFormedText(html);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("href=")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_THAT(html, HasSubstr("@media print"));
  EXPECT_THAT(html, HasSubstr("@page { size: A4; margin: 12mm; }"));
  // The sections, in order.
  std::vector<std::string> order = {
      "<h1>",           "id=\"timeline\"", "id=\"steps\"",      "id=\"before-after\"",
      "id=\"retries\"", "id=\"errors\"",   "id=\"environment\""};
  size_t at = 0;
  for (const std::string& mark : order) {
    size_t found = html.find(mark);
    ASSERT_NE(found, std::string::npos) << mark;
    EXPECT_GT(found, at) << mark;
    at = found;
  }
}

TEST(HtmlReportTest, EscapesMarkupAndReplacesWhatXmlForbids) {
  json report = HtmlSampleReport();
  report["steps"][0]["id"] = "x<&\">'y";
  report["steps"][0]["summary"] = "<script>alert(1)</script>";
  report["steps"][2]["error"]["message"] = "bad\x1b[31m byte \xff here\nnext";
  report["region"] = "us-east-1\x01";
  report["steps"][1]["before"] = {{"<k>", "v&w"}};
  std::string html = RenderHtmlReport(report);
  EXPECT_EQ(HtmlXmlError(html), "");
  HtmlExpectWellFormedText(html);
  EXPECT_THAT(html, HasSubstr("data-step=\"x&lt;&amp;&quot;&gt;&#39;y\""));
  EXPECT_THAT(html, HasSubstr("<code>x&lt;&amp;&quot;&gt;&#39;y</code>"));
  EXPECT_THAT(html, Not(HasSubstr("x<&")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("bad\uFFFD[31m byte \uFFFD here\nnext"));
  EXPECT_THAT(html, HasSubstr("us-east-1\uFFFD"));
  EXPECT_THAT(html, HasSubstr("<span class=\"k\">&lt;k&gt;</span>: v&amp;w"));
  EXPECT_THAT(html, Not(HasSubstr("\xff")));
}

TEST(HtmlReportTest, OneBarPerStartedStepAndNoneForStepsNotRun) {
  std::string html = RenderHtmlReport(HtmlSampleReport());
  std::vector<HtmlBar> bars = HtmlBars(html);
  EXPECT_EQ(HtmlCount(html, "<rect class=\"bar"), 4u);
  ASSERT_EQ(bars.size(), 4u);
  EXPECT_EQ(bars[0].step, "promote-db:dr-app-db");
  EXPECT_EQ(bars[1].step, "scale-asg:dr-jenkins");
  EXPECT_EQ(bars[2].step, "register-targets:tg-app");
  EXPECT_EQ(bars[3].step, "announce");
  EXPECT_THAT(html, Not(HasSubstr("data-step=\"scale-ecs:dr/frontend\"")));
  EXPECT_THAT(html, HasSubstr(">scale-ecs:dr/frontend</text><text class=\"notrun\""));
  EXPECT_EQ(HtmlCount(html, ">not run</text>"), 1u);
}

TEST(HtmlReportTest, BarWidthsAreProportionalToDurations) {
  std::vector<HtmlBar> bars = HtmlBars(RenderHtmlReport(HtmlSampleReport()));
  ASSERT_EQ(bars.size(), 4u);
  EXPECT_EQ(bars[0].ms, 3900);
  EXPECT_EQ(bars[1].ms, 250);
  EXPECT_EQ(bars[2].ms, 200);
  // One scale for all bars (units per ms), and bars start where their steps started.
  const double per_ms = bars[0].width / 3900;
  ASSERT_GT(per_ms, 0.1);
  for (const HtmlBar& bar : bars) {
    if (bar.ms == 0) continue;
    EXPECT_NEAR(bar.width, static_cast<double>(bar.ms) * per_ms, 0.002) << bar.step;
  }
  EXPECT_NEAR(bars[0].x - bars[1].x, 100 * per_ms, 0.002);
  EXPECT_NEAR(bars[2].x - bars[1].x, 4000 * per_ms, 0.002);
  // A step that took no time still shows, as a 1-unit bar marked data-ms="0".
  EXPECT_EQ(bars[3].ms, 0);
  EXPECT_EQ(bars[3].width, 1);
}

TEST(HtmlReportTest, ActingAndWaitingAreClippedToTheBar) {
  json report = HtmlSampleReport();
  // Acting and waiting add up to more than the step took: the split stays inside the bar.
  report["steps"][1]["timings"]["acting_ms"] = 200;
  report["steps"][1]["timings"]["waiting_ms"] = 900;
  std::string html = RenderHtmlReport(report);
  static const std::regex kSplit(
      "<rect class=\"(acting|waiting)\" x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"([0-9.]+)\"");
  std::vector<double> widths;
  size_t row = html.find("data-step=\"scale-asg:dr-jenkins\"");
  std::string rest = html.substr(row, html.find("</g>", row) - row);
  for (std::sregex_iterator it(rest.begin(), rest.end(), kSplit), end; it != end; ++it) {
    widths.push_back(std::stod((*it)[2]));
  }
  ASSERT_EQ(widths.size(), 2u);
  const double per_ms = HtmlBars(html)[1].width / 250;
  EXPECT_NEAR(widths[0], 200 * per_ms, 0.001);
  EXPECT_NEAR(widths[1], 50 * per_ms, 0.001);
}

TEST(HtmlReportTest, CriticalStepsAreMarkedAndExplained) {
  std::string html = RenderHtmlReport(HtmlSampleReport());
  std::vector<HtmlBar> bars = HtmlBars(html);
  ASSERT_EQ(bars.size(), 4u);
  EXPECT_EQ(bars[0].classes, "bar critical");
  EXPECT_EQ(bars[1].classes, "bar");
  EXPECT_EQ(bars[2].classes, "bar critical");
  EXPECT_EQ(bars[3].classes, "bar");
  EXPECT_THAT(html, HasSubstr(">critical path</text>"));
  EXPECT_THAT(html, HasSubstr("promote-db:dr-app-db → register-targets:tg-app (4.1 s)"));
}

TEST(HtmlReportTest, RtoLineOnlyWhenTheReportHasAnRto) {
  std::string without = RenderHtmlReport(HtmlSampleReport());
  EXPECT_THAT(without, Not(HasSubstr("class=\"rto\"")));
  EXPECT_THAT(without, HasSubstr("none set"));

  json report = HtmlSampleReport();
  report["recovery"] = {{"rto_ms", 10000}, {"recovery_ms", 4200}, {"met", true}};
  std::string with = RenderHtmlReport(report);
  EXPECT_EQ(HtmlCount(with, "<line class=\"rto\""), 1u);
  EXPECT_THAT(with, HasSubstr(">RTO 10.0 s</text>"));
  EXPECT_THAT(with, HasSubstr("<span class=\"status s-ok\">met</span>"));
  // The RTO is beyond the run: it sets the scale (4321 ms before, 10000 now), and the line
  // is where 10 s is on it.
  std::vector<HtmlBar> before = HtmlBars(without);
  std::vector<HtmlBar> bars = HtmlBars(with);
  ASSERT_EQ(bars.size(), 4u);
  ASSERT_EQ(before.size(), 4u);
  EXPECT_NEAR(bars[0].width / before[0].width, 4321.0 / 10000, 1e-5);
  std::smatch line;
  ASSERT_TRUE(std::regex_search(with, line, std::regex("<line class=\"rto\" x1=\"([0-9.]+)\"")));
  EXPECT_NEAR(std::stod(line[1]) - bars[1].x, 10000 * bars[0].width / 3900, 0.002);

  report["recovery"] = {{"rto_ms", 1000}, {"recovery_ms", 4200}, {"met", false}};
  EXPECT_THAT(RenderHtmlReport(report), HasSubstr("<span class=\"status s-bad\">missed</span>"));
}

TEST(HtmlReportTest, ErrorsShowMessagesAndRequestIds) {
  json report = HtmlSampleReport();
  report["error"] = {{"status_code", "Rejected"},
                     {"message", "preparing the plan: listing the services of ECS cluster dr"},
                     {"aws",
                      {{"code", "AccessDenied"},
                       {"http_status", 403},
                       {"request_id", "MKKJ9pes"},
                       {"operation", "ECS.ListServices"}}}};
  std::string html = RenderHtmlReport(report);
  std::string errors = html.substr(html.find("id=\"errors\""));
  EXPECT_THAT(errors, HasSubstr("<code>req-reg-1</code>"));
  EXPECT_THAT(errors, HasSubstr("Elastic Load Balancing v2.RegisterTargets"));
  EXPECT_THAT(errors, HasSubstr("Throttling"));
  EXPECT_THAT(errors, HasSubstr("Retryable"));
  EXPECT_THAT(errors, HasSubstr("Rate exceeded (HTTP 400, request id req-reg-1)"));
  EXPECT_THAT(errors, HasSubstr("<code>MKKJ9pes</code>"));
  EXPECT_THAT(errors, HasSubstr("ECS.ListServices"));
  EXPECT_THAT(errors, HasSubstr("The plan could not be prepared"));
  EXPECT_THAT(errors, Not(HasSubstr("promote-db:dr-app-db")));  // it succeeded

  std::string none = RenderHtmlReport(json{{"steps", json::array()}});
  EXPECT_THAT(none, HasSubstr("<p>No errors.</p>"));
}

TEST(HtmlReportTest, TitleSaysDrillFailoverOrFailback) {
  json report = HtmlSampleReport();
  EXPECT_THAT(RenderHtmlReport(report), HasSubstr("<h1>drfailover failover report</h1>"));
  report["action"] = "failback";
  EXPECT_THAT(RenderHtmlReport(report), HasSubstr("<h1>drfailover failback report</h1>"));
  report["drill"] = true;
  std::string drill = RenderHtmlReport(report);
  EXPECT_THAT(drill, HasSubstr("<title>drfailover drill report</title>"));
  EXPECT_THAT(drill, HasSubstr("<h1>drfailover drill report</h1>"));
  EXPECT_THAT(drill, HasSubstr("run · failback · drill"));
  report["drill"] = nullptr;
  report["action"] = nullptr;
  EXPECT_THAT(RenderHtmlReport(report), HasSubstr("<h1>drfailover failover report</h1>"));
}

TEST(HtmlReportTest, OutcomeStepsRetriesAndEnvironment) {
  json report = HtmlSampleReport();
  report["identity"] = "arn:aws:sts::123456789012:assumed-role/dr-operator/alice";
  report["stopped"] = "deadline";
  std::string html = RenderHtmlReport(report);
  EXPECT_THAT(html, HasSubstr("<p class=\"big status s-warn\">PARTIAL</p>"));
  EXPECT_THAT(html, HasSubstr("stopped: deadline"));
  EXPECT_THAT(html, HasSubstr("<td>2026-11-25T21:40:00.000Z</td>"));
  EXPECT_THAT(html, HasSubstr("<td>4.3 s</td>"));
  EXPECT_THAT(html, HasSubstr("5 steps: 2 succeeded, 1 unchanged, 1 failed, 1 not run"));
  // Steps table: kind, resource, status, summary, duration.
  EXPECT_THAT(html,
              HasSubstr("<td>promote_<wbr/>db</td><td>db dr-app-db</td><td><span class=\"status "
                        "s-ok\">succeeded</span></td><td>promoted dr-app-db</td><td "
                        "class=\"num\">3.9 s</td>"));
  // Before → after: the changed key stands out, and the changes are listed.
  EXPECT_THAT(html, HasSubstr("<li class=\"changed\"><span class=\"k\">replica_source</span>: "
                              "null</li>"));
  EXPECT_THAT(html, HasSubstr("<li>promote read replica dr-app-db</li>"));
  // Retries: only the operation that was retried or failed, with its causes.
  std::string retries = html.substr(html.find("id=\"retries\""));
  retries = retries.substr(0, retries.find("</section>"));
  EXPECT_THAT(retries, HasSubstr("Elastic Load Balancing v2.RegisterTargets"));
  EXPECT_THAT(retries, HasSubstr("Throttling × 2"));
  EXPECT_THAT(retries, Not(HasSubstr("RDS.DescribeDBInstances")));
  EXPECT_THAT(retries, HasSubstr("Totals: 2 API calls, 3 attempts, 1 retry, 1 mutating call."));
  // Environment.
  std::string environment = html.substr(html.find("id=\"environment\""));
  for (const char* value :
       {"123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/dr-operator/alice",
        "0.1.0", "environment", "drfailover.report/v1"}) {
    EXPECT_THAT(environment, HasSubstr(std::string("<td>") + value + "</td>"));
  }
}

// What a failover recorded for failback is part of `before` (docs/report.md).
TEST(HtmlReportTest, TheStandbyRecordIsShownWithBefore) {
  json report = HtmlSampleReport();
  report["steps"][0]["before"]["standby"] = "source=arn:aws:rds:eu-west-1:1:db:app";
  std::string html = RenderHtmlReport(report);
  EXPECT_THAT(html,
              HasSubstr("<span class=\"k\">standby</span>: source=arn:aws:rds:eu-west-1:1:db:app"));
  EXPECT_EQ(HtmlXmlError(html), "");
}

TEST(HtmlReportTest, ADrillsFailbackIsShownAfterTheErrorsWithoutBars) {
  json report = HtmlSampleReport();
  report["drill"] = true;
  json failback = HtmlSampleReport();
  failback["action"] = "failback";
  failback["status"] = "SUCCEEDED";
  failback["steps"] = json::array({failback["steps"][1]});
  failback["steps"][0]["id"] = "scale-asg:back-to-standby";
  report["failback"] = failback;
  std::string html = RenderHtmlReport(report);
  EXPECT_EQ(HtmlXmlError(html), "");
  size_t section = html.find("<section id=\"failback\">");
  ASSERT_NE(section, std::string::npos);
  EXPECT_GT(section, html.find("<section id=\"errors\">"));
  EXPECT_LT(section, html.find("<section id=\"environment\">"));
  EXPECT_THAT(html.substr(section), HasSubstr("<code>scale-asg:back-to-standby</code>"));
  EXPECT_EQ(HtmlBars(html).size(), 4u);  // the timeline is the failover's
  report["failback"] = nullptr;
  EXPECT_THAT(RenderHtmlReport(report), Not(HasSubstr("id=\"failback\"")));
}

TEST(HtmlReportTest, AReportMissingAlmostEverythingStillRenders) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<json> reports = {
      json(),
      json::object(),
      json::array(),
      json(3),
      json("report"),
      json::parse(R"({"steps": [{}]})"),
      json::parse(R"({"steps": 3})"),
      json::parse(R"({"steps": [3, null, "x", [], {"id": 5, "timings": 7}]})"),
      json::parse(R"({"steps": [{"id": "a", "timings": {"start_offset_ms": "0",
                      "end_offset_ms": null}}], "critical_path": "a"})"),
      json::parse(R"({"steps": [{"id": "a", "timings": {"start_offset_ms": -5,
                      "end_offset_ms": 1e300, "acting_ms": 1e308, "waiting_ms": -1}},
                     {"id": "b", "timings": {"start_offset_ms": 10, "end_offset_ms": 2}}],
                     "duration_ms": 1e308, "recovery": {"rto_ms": 1e300, "met": "yes"},
                     "critical_path": [1, null, "a"], "critical_path_ms": "x"})"),
      json::parse(R"({"recovery": 3, "api_calls": {"operations": {"x": 3, "y": {"errors": [1],
                      "retries": "many"}, "z": {"retries": 2, "errors": {"E": "x"}}},
                      "totals": "z"}, "error": "boom", "status": 7, "drill": "yes",
                      "action": 1, "identity": {"arn": 1}, "failback": {"steps": [3]}})"),
      json{{"duration_ms", nan},
           {"steps",
            {{{"id", "n"}, {"timings", {{"start_offset_ms", nan}}}},
             {{"id", "m"}, {"timings", {{"start_offset_ms", 1}, {"end_offset_ms", nan}}}}}},
           {"recovery", {{"rto_ms", nan}}}},
      json{{"steps",
            {{{"id", std::string("\xc3\x28\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82")},
              {"before", {{std::string("\xff"), std::string("\xfe\xfe")}}}}}}},
  };
  for (const json& report : reports) {
    SCOPED_TRACE(report.dump(-1, ' ', false, json::error_handler_t::replace));
    std::string html;
    EXPECT_NO_THROW(html = RenderHtmlReport(report));
    EXPECT_EQ(HtmlXmlError(html), "");
    HtmlExpectWellFormedText(html);
    EXPECT_THAT(html, HasSubstr("</html>"));
    for (const char* bad : {"\"nan", "\"-nan", "\"inf", "\"-inf", "nan s", "inf s"}) {
      EXPECT_THAT(html, Not(HasSubstr(bad)));
    }
  }
}

TEST(HtmlReportTest, ANotRunStepInAnEmptyRunHasNoBar) {
  std::string html = RenderHtmlReport(json::parse(R"({"steps": [{"id": "only"}]})"));
  EXPECT_EQ(HtmlCount(html, "<rect class=\"bar"), 0u);
  EXPECT_THAT(html, HasSubstr(">not run</text>"));
  EXPECT_THAT(html, HasSubstr("<h1>drfailover failover report</h1>"));
  EXPECT_THAT(html, HasSubstr("UNKNOWN"));
}

}  // namespace
}  // namespace drf
