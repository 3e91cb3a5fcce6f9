#include "app/cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <sstream>

#include "app/check.h"
#include "app/failover.h"
#include "app/whoami.h"
#include "plan/validate.h"
#include "readiness/check_report.h"
#include "report/html_report.h"
#include "report/progress.h"
#include "report/report.h"
#include "report/summary_table.h"
#include "steps/poller.h"

namespace drf {
namespace {

// Options every verb accepts.
struct CommonOptions {
  std::optional<std::string> region;
  std::optional<std::string> profile;
  std::optional<std::string> endpoint_url;
  std::optional<std::string> retry_mode;  // standard | adaptive
  std::string output = "text";            // text | json
  std::string log_format = "text";
  std::string log_level = "info";
};

// The CLI's AWS options (no hard stop: a CLI run ends by its deadline or a signal).
AwsSessionOptions SessionOptions(const CommonOptions& c) {
  AwsSessionOptions aws;
  aws.region = c.region;
  aws.profile = c.profile;
  aws.endpoint_url = c.endpoint_url;
  aws.retry_mode = c.retry_mode;
  return aws;
}

// Options of run, plan and check: the plan, and a file for the JSON result.
struct PlanOptions {
  std::optional<std::string> plan_file;
  std::optional<std::string> report_file;
};

// Options of run and plan.
struct FailoverOptions {
  std::optional<int> deadline_seconds;
  bool sequential = false;
  bool force = false;
  bool no_progress = false;
};

void AddCommonOptions(CLI::App& verb, CommonOptions& o) {
  verb.add_option(
      "--region", o.region,
      "AWS region of the DR site (default: AWS_REGION, AWS_DEFAULT_REGION, the profile)");
  verb.add_option("--profile", o.profile,
                  "profile in the shared config files (default: AWS_PROFILE)");
  verb.add_option("--endpoint-url", o.endpoint_url,
                  "send every AWS call to this URL (an emulator)");
  verb.add_option("--retry-mode", o.retry_mode,
                  "AWS retry mode: standard, or adaptive (standard plus a client-side send rate "
                  "limit per service after throttling); default: the plan's retry_mode, "
                  "AWS_RETRY_MODE, the profile's retry_mode, standard")
      ->check(CLI::IsMember({"standard", "adaptive"}));
  verb.add_option("--output", o.output, "result format on stdout")
      ->check(CLI::IsMember({"text", "json"}));
  verb.add_option("--log-format", o.log_format,
                  "log lines on stderr: text (the original's lines) or json")
      ->check(CLI::IsMember({"text", "json"}, CLI::ignore_case));
  verb.add_option("--log-level", o.log_level, "trace, debug, info, warn or error")
      ->check(
          CLI::IsMember({"trace", "debug", "info", "warn", "warning", "error"}, CLI::ignore_case));
}

void AddPlanOptions(CLI::App& verb, PlanOptions& o) {
  verb.add_option("--plan", o.plan_file,
                  "plan file (YAML or JSON), or s3://bucket/key; default: DRF_PLAN_FILE, else the "
                  "original's variables");
  verb.add_option("--report", o.report_file, "also write the JSON report (or result) to this file");
}

void AddFailoverOptions(CLI::App& verb, FailoverOptions& o) {
  verb.add_option("--deadline", o.deadline_seconds,
                  "whole-run limit in seconds (overrides the plan)")
      ->check(CLI::Range(1, 7 * 24 * 3600));
  verb.add_flag("--sequential", o.sequential, "one step at a time in the original's order");
  verb.add_flag("--force", o.force,
                "promote the DB even if its replica lag is over max_replica_lag (or unknown "
                "with on_unknown_lag: refuse), and run within the cooldown or without a "
                "usable lease table; the report records it");
  verb.add_flag("--no-progress", o.no_progress, "no live progress line on a terminal");
}

// Options of drill: the failback after the failover, and where the drill report goes.
struct DrillOptions {
  std::optional<std::string> failback_after;  // a duration: "30m", "90s", "1h"
  std::optional<std::string> html_file;
};

void AddDrillOptions(CLI::App& verb, DrillOptions& o) {
  verb.add_option("--failback-after", o.failback_after,
                  "fail back once the DR region has served this long (e.g. 10m, 90s); without "
                  "it the drill ends with the region failed over");
  verb.add_option("--html", o.html_file,
                  "write the drill report here (default: drfailover-drill-<time>.html in the "
                  "current directory)");
}

// Options of report.
struct ReportOptions {
  std::string json_file;
  std::string html_file;
};

// Options of check.
struct CheckOptions {
  std::optional<std::string> last_report;
};

void AddCheckOptions(CLI::App& verb, CheckOptions& o) {
  verb.add_option("--last-report", o.last_report,
                  "the report of the last successful run: its recovery time is what to expect");
}

// What a verb is given: the outside world, the signal-cancelled token and where to write.
struct Verb {
  const Effects& effects;
  CancelToken& cancel;
  const Console& console;
};

// "<host>:<pid>": who holds the run lease, as another run's refusal names it.
std::string LocalHolder() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "unknown-host");
  return std::string(host) + ":" + std::to_string(getpid());
}

Logger MakeLogger(const CommonOptions& o, const Verb& verb) {
  LoggerOptions options;
  options.format = ParseLogFormat(o.log_format).value_or(LogFormat::kText);
  options.min_level = ParseLogLevel(o.log_level).value_or(LogLevel::kInfo);
  options.text_timestamps = true;
  options.out = verb.console.err;
  return Logger(options, verb.effects.clock);
}

void Print(std::FILE* f, const std::string& text) { std::fwrite(text.data(), 1, text.size(), f); }

int ReportError(const Verb& verb, const Status& status, ExitCode code) {
  Print(verb.console.err, "drfailover: " + status.UserMessage() + "\n");
  return static_cast<int>(code);
}

Status CannotWrite(const std::string& path) {
  return Status::InvalidArgument("--report: cannot write " + path + ": " + std::strerror(errno));
}

// Creates (or empties) the file at `path` and lets `write` fill it; `write` says whether
// all went well.
Status WriteFile(const std::string& path, const std::function<bool(std::FILE*)>& write) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return CannotWrite(path);
  bool ok = write(f);
  ok = std::fclose(f) == 0 && ok;
  return ok ? Status::Ok() : Status::InvalidArgument("--report: error writing " + path);
}

Status WriteFile(const std::string& path, const std::string& content) {
  return WriteFile(path, [&content](std::FILE* f) {
    return std::fwrite(content.data(), 1, content.size(), f) == content.size();
  });
}

// Checked before acting: a typo in the report's path must not leave a failover without
// its record. Opens for appending (an existing file is left as it is); a file created
// here is removed again, so a run that does not start leaves nothing behind.
Status CheckWritable(const std::string& path) {
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) return CannotWrite(path);
  std::fclose(f);
  if (!existed) std::filesystem::remove(path, ec);
  return Status::Ok();
}

constexpr const char* kVerbs[] = {"run", "plan", "check", "failback", "drill", "report", "whoami"};

// CLI11 answers a mistyped verb with only "A subcommand is required".
std::optional<Status> UnknownVerb(const std::vector<std::string>& args) {
  if (args.empty() || args[0].empty() || args[0][0] == '-') return std::nullopt;
  for (const char* verb : kVerbs) {
    if (args[0] == verb) return std::nullopt;
  }
  return Status::InvalidArgument(
      "unknown command \"" + args[0] +
      "\": expected run, plan, check, failback, drill, report or whoami (see --help)");
}

// Writes the JSON result to --report (if given) and prints it or its `text`; returns the
// exit code, never "succeeded" when the file could not be written.
int Deliver(const Verb& verb, const CommonOptions& c, const PlanOptions& p,
            const nlohmann::json& result, const std::string& text, ExitCode exit_code) {
  if (p.report_file) {
    Status written =
        WriteFile(*p.report_file, [&result](std::FILE* f) { return WriteReport(result, f); });
    if (!written.ok()) {
      ReportError(verb, written, ExitCode::kFailed);
      if (exit_code == ExitCode::kSucceeded) exit_code = ExitCode::kFailed;
    }
  }
  if (c.output == "json") {
    WriteReport(result, verb.console.out);
  } else {
    Print(verb.console.out, text);
  }
  return static_cast<int>(exit_code);
}

// The exit code when --report cannot be written (CheckWritable); nullopt when it can.
std::optional<int> ReportFileUnwritable(const Verb& verb, const PlanOptions& p) {
  if (!p.report_file) return std::nullopt;
  Status writable = CheckWritable(*p.report_file);
  if (writable.ok()) return std::nullopt;
  return ReportError(verb, writable, ExitCode::kInvalidConfig);
}

FailoverRequest MakeRequest(FailoverMode mode, const CommonOptions& c, const PlanOptions& p,
                            const FailoverOptions& f) {
  FailoverRequest request;
  request.mode = mode;
  request.plan_file = p.plan_file;
  request.aws = SessionOptions(c);
  if (f.deadline_seconds) request.deadline = std::chrono::seconds(*f.deadline_seconds);
  if (f.sequential) request.ordering = Ordering::kSequential;
  request.force = f.force;
  request.holder = LocalHolder();
  request.report_location = p.report_file.value_or("");
  return request;
}

// Runs `request` with live progress on a terminal (unless --no-progress).
FailoverOutcome RunWithProgress(FailoverRequest request, const FailoverOptions& f, Logger& log,
                                const Verb& verb) {
  std::optional<ProgressReporter> progress;
  if (verb.console.err_is_terminal && !f.no_progress) {
    progress.emplace(ProgressOptions{verb.console.err, true, 0, 120}, verb.effects.clock);
    request.observer = &*progress;
  }
  FailoverOutcome outcome = RunFailover(request, verb.effects, log, verb.cancel);
  if (progress) progress->Finish();
  return outcome;
}

int RunFailoverVerb(FailoverMode mode, FailoverAction action, const CommonOptions& c,
                    const PlanOptions& p, const FailoverOptions& f, const Verb& verb) {
  if (std::optional<int> code = ReportFileUnwritable(verb, p)) return *code;
  Logger log = MakeLogger(c, verb);
  FailoverRequest request = MakeRequest(mode, c, p, f);
  request.action = action;
  FailoverOutcome outcome = RunWithProgress(std::move(request), f, log, verb);
  if (outcome.report.is_null()) return ReportError(verb, outcome.error, outcome.exit_code);
  if (!outcome.error.ok()) ReportError(verb, outcome.error, outcome.exit_code);
  return Deliver(verb, c, p, outcome.report,
                 RenderSummary(outcome.report, verb.console.err_is_terminal), outcome.exit_code);
}

// The drill report's default name: drfailover-drill-20261207T101500Z.html.
std::string DefaultDrillReportPath(Clock& clock) {
  std::string stamp = FormatTimestamp(clock.Now());  // 2026-12-07T10:15:00.123Z
  std::string compact;
  for (char ch : stamp.substr(0, 19)) {
    if (ch != '-' && ch != ':') compact += ch;
  }
  return "drfailover-drill-" + compact + "Z.html";
}

// A failover labelled as a drill; with --failback-after, the failback once the region has
// served that long. The result is the failover's report with the failback's under
// `failback`; the drill report (HTML) is written and its path printed.
int RunDrillVerb(const CommonOptions& c, const PlanOptions& p, const FailoverOptions& f,
                 const DrillOptions& d, const Verb& verb) {
  std::optional<std::chrono::seconds> failback_after;
  if (d.failback_after) {
    failback_after = ParseDuration(*d.failback_after);
    if (!failback_after) {
      return ReportError(verb,
                         Status::InvalidArgument("--failback-after: \"" + *d.failback_after +
                                                 "\" is not a duration (expected e.g. 90s, 10m, "
                                                 "1h)"),
                         ExitCode::kInvalidConfig);
    }
  }
  if (std::optional<int> code = ReportFileUnwritable(verb, p)) return *code;
  const std::string html_path = d.html_file.value_or(DefaultDrillReportPath(verb.effects.clock));
  if (Status writable = CheckWritable(html_path); !writable.ok()) {
    return ReportError(verb, writable, ExitCode::kInvalidConfig);
  }
  Logger log = MakeLogger(c, verb);
  FailoverRequest request = MakeRequest(FailoverMode::kRun, c, p, f);
  request.drill = true;
  FailoverOutcome failover = RunWithProgress(request, f, log, verb);
  if (failover.report.is_null()) return ReportError(verb, failover.error, failover.exit_code);
  if (!failover.error.ok()) ReportError(verb, failover.error, failover.exit_code);
  nlohmann::json report = failover.report;
  report["failback"] = nullptr;
  ExitCode exit_code = failover.exit_code;
  if (failback_after && !verb.cancel.cancelled()) {
    log.Info("Drill: the DR region serves for " + FormatElapsed(*failback_after) +
             ", then drfailover fails back (Ctrl-C stops the drill without failing back)");
    if (!verb.effects.clock.SleepFor(*failback_after, &verb.cancel)) {
      log.Warn("Drill stopped before its failback: the DR region stays failed over");
      exit_code = ExitCode::kInterrupted;
    } else {
      request.action = FailoverAction::kFailback;
      request.force = false;
      FailoverOutcome failback = RunWithProgress(request, f, log, verb);
      if (!failback.error.ok()) ReportError(verb, failback.error, failback.exit_code);
      report["failback"] = failback.report;
      if (exit_code == ExitCode::kSucceeded) exit_code = failback.exit_code;
    }
  }
  if (Status written = WriteFile(html_path, RenderHtmlReport(report)); !written.ok()) {
    ReportError(verb, written, ExitCode::kFailed);
    if (exit_code == ExitCode::kSucceeded) exit_code = ExitCode::kFailed;
  } else {
    Print(verb.console.err, "drfailover: drill report: " + html_path + "\n");
  }
  std::string text = RenderSummary(failover.report, verb.console.err_is_terminal);
  if (!report["failback"].is_null()) {
    text += "\nFailback:\n" + RenderSummary(report["failback"], verb.console.err_is_terminal);
  }
  return Deliver(verb, c, p, report, text, exit_code);
}

// `report REPORT.json --html OUT.html`: a saved report as the drill report people read.
int RunReportVerb(const ReportOptions& o, const Verb& verb) {
  std::FILE* in = std::fopen(o.json_file.c_str(), "r");
  if (in == nullptr) {
    return ReportError(
        verb, Status::InvalidArgument("cannot read " + o.json_file + ": " + std::strerror(errno)),
        ExitCode::kInvalidConfig);
  }
  std::string text;
  char buffer[65536];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, in)) > 0;) text.append(buffer, n);
  std::fclose(in);
  nlohmann::json report = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!report.is_object() || report.value("schema", "") != "drfailover.report/v1") {
    return ReportError(
        verb,
        Status::InvalidArgument(o.json_file + " is not a drfailover report (expected a JSON "
                                              "object with \"schema\": "
                                              "\"drfailover.report/v1\")"),
        ExitCode::kInvalidConfig);
  }
  if (Status written = WriteFile(o.html_file, RenderHtmlReport(report)); !written.ok()) {
    return ReportError(verb, written, ExitCode::kInvalidConfig);
  }
  Print(verb.console.err, "drfailover: report: " + o.html_file + "\n");
  return 0;
}

int RunCheckVerb(const CommonOptions& c, const PlanOptions& p, const CheckOptions& o,
                 const Verb& verb) {
  if (std::optional<int> code = ReportFileUnwritable(verb, p)) return *code;
  Logger log = MakeLogger(c, verb);
  CheckRequest request;
  request.failover.plan_file = p.plan_file;
  request.failover.aws = SessionOptions(c);
  request.last_report = o.last_report;
  CheckOutcome outcome = RunCheck(request, verb.effects, log, verb.cancel);
  if (outcome.result.is_null()) return ReportError(verb, outcome.error, outcome.exit_code);
  return Deliver(verb, c, p, outcome.result,
                 RenderCheck(outcome.result, verb.console.err_is_terminal), outcome.exit_code);
}

int RunWhoAmI(const CommonOptions& c, const Verb& verb) {
  auto session = AwsSession::Create(verb.effects.env, verb.effects.http, verb.effects.clock,
                                    SessionOptions(c), nullptr, &verb.cancel);
  if (!session.ok()) {
    return ReportError(verb, session.status(),
                       session.status().code() == StatusCode::kInvalidArgument
                           ? ExitCode::kInvalidConfig
                           : ExitCode::kFailed);
  }
  auto who = WhoAmI(**session);
  if (!who.ok()) return ReportError(verb, who.status(), ExitCode::kFailed);
  Print(verb.console.out, c.output == "json" ? who->dump(2) + "\n" : RenderWhoAmI(*who));
  return 0;
}

}  // namespace

int RunCli(const std::vector<std::string>& args, const Effects& effects, CancelToken& cancel,
           const Console& console) {
  const Verb verb{effects, cancel, console};
  CLI::App app{"drfailover: turn a pilot-light DR region into production, safely and fast."};
  app.name("drfailover");
  app.require_subcommand(1);
  CommonOptions common;
  FailoverOptions failover;

  // The verb table.
  CLI::App* run = app.add_subcommand(
      "run", "fail over: promote the DB, scale ASGs and ECS services, register targets");
  CLI::App* plan = app.add_subcommand(
      "plan", "dry run: read live state and show what `run` would change (no changes)");
  CLI::App* check = app.add_subcommand(
      "check",
      "readiness: would a failover work now? read-only; exit 0 ready, 4 warnings, 1 not ready");
  CLI::App* failback = app.add_subcommand(
      "failback",
      "back to standby: DNS back, the failover's targets deregistered, ASGs and services to "
      "their recorded standby sizes");
  CLI::App* drill = app.add_subcommand(
      "drill", "a failover labelled as a drill, optionally failed back; writes the drill report");
  CLI::App* report = app.add_subcommand("report", "render a saved JSON report as HTML");
  CLI::App* whoami = app.add_subcommand(
      "whoami", "show the AWS account, identity, region and where they came from");
  for (CLI::App* sub : {run, plan, check, failback, drill, whoami}) AddCommonOptions(*sub, common);
  PlanOptions plan_options;
  for (CLI::App* sub : {run, plan, check, failback, drill}) AddPlanOptions(*sub, plan_options);
  for (CLI::App* sub : {run, plan, failback, drill}) AddFailoverOptions(*sub, failover);
  bool failback_dry_run = false;
  failback->add_flag("--dry-run", failback_dry_run,
                     "read live state and show what failback would change (no changes)");
  DrillOptions drill_options;
  AddDrillOptions(*drill, drill_options);
  ReportOptions report_options;
  report->add_option("report", report_options.json_file, "the JSON report (--report of a run)")
      ->required();
  report->add_option("--html", report_options.html_file, "write the HTML report here")->required();
  CheckOptions check_options;
  AddCheckOptions(*check, check_options);

  if (std::optional<Status> unknown = UnknownVerb(args)) {
    return ReportError(verb, *unknown, ExitCode::kInvalidConfig);
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 wants them reversed
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    std::ostringstream out, err;
    int code = app.exit(e, out, err);
    Print(console.out, out.str());
    Print(console.err, err.str());
    return code == 0 ? 0 : static_cast<int>(ExitCode::kInvalidConfig);
  }
  if (run->parsed()) {
    return RunFailoverVerb(FailoverMode::kRun, FailoverAction::kFailover, common, plan_options,
                           failover, verb);
  }
  if (plan->parsed()) {
    return RunFailoverVerb(FailoverMode::kPlan, FailoverAction::kFailover, common, plan_options,
                           failover, verb);
  }
  if (failback->parsed()) {
    return RunFailoverVerb(failback_dry_run ? FailoverMode::kPlan : FailoverMode::kRun,
                           FailoverAction::kFailback, common, plan_options, failover, verb);
  }
  if (drill->parsed()) return RunDrillVerb(common, plan_options, failover, drill_options, verb);
  if (report->parsed()) return RunReportVerb(report_options, verb);
  if (check->parsed()) return RunCheckVerb(common, plan_options, check_options, verb);
  return RunWhoAmI(common, verb);
}

}  // namespace drf
