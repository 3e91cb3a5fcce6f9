#include "report/report.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <utility>

#include "core/log.h"

namespace drf {
namespace {

using nlohmann::json;

int64_t Millis(Duration d) {
  return static_cast<int64_t>(std::chrono::round<std::chrono::milliseconds>(d).count());
}

json Stopped(const RunRecord& run) {
  // A deadline also cancels the run's token; name the cause, not the mechanism.
  if (run.deadline_reached) return "deadline";
  if (run.interrupted) return "interrupted";
  return nullptr;
}

json ErrorJson(const Status& error) {
  if (error.ok()) return nullptr;
  json out = {{"status_code", StatusCodeName(error.code())},
              {"message", error.UserMessage()},
              {"aws", nullptr}};
  if (const AwsErrorInfo* aws = error.aws()) {
    out["aws"] = {{"code", aws->code},
                  {"http_status", aws->http_status},
                  {"request_id", aws->request_id},
                  {"operation", aws->service + "." + aws->operation}};
  }
  return out;
}

json MutatingCallsJson(const std::vector<MutatingCall>& calls) {
  json out = json::array();
  for (const MutatingCall& call : calls) {
    out.push_back({{"operation", call.operation},
                   {"resource", call.resource},
                   {"request_id", call.request_id},
                   {"at", FormatTimestamp(call.at)}});
  }
  return out;
}

// Times are null for a step that never started: a zero would read as "took no time".
json TimingsJson(const StepRecord& step) {
  json out = {{"started_at", nullptr},
              {"finished_at", nullptr},
              {"start_offset_ms", nullptr},
              {"end_offset_ms", nullptr},
              {"acting_ms", Millis(step.result.acting)},
              {"waiting_ms", Millis(step.result.waiting)}};
  if (step.started) {
    out["started_at"] = FormatTimestamp(step.started_at);
    out["finished_at"] = FormatTimestamp(step.finished_at);
    out["start_offset_ms"] = Millis(step.start_offset);
    out["end_offset_ms"] = Millis(step.end_offset);
  }
  return out;
}

// Moves what it can out of `step`: the record is not needed afterwards, and its memory is
// then reused for the report's next steps.
json StepJson(StepRecord& step) {
  StepResult& result = step.result;
  json timings = TimingsJson(step);
  return {{"id", std::move(step.id)},
          {"kind", StepKindName(step.kind)},
          {"resource", std::move(step.resource)},
          {"status", StepStateName(result.state)},
          {"summary", std::move(result.summary)},
          {"changes", std::move(result.changes)},
          {"depends_on", std::move(step.after)},
          {"before", std::move(result.before)},
          {"after", std::move(result.after)},
          {"mutating_calls", MutatingCallsJson(std::exchange(result.calls, {}))},
          {"timings", std::move(timings)},
          {"wait", std::move(result.wait)},
          {"checks", std::move(result.checks)},
          {"error", ErrorJson(result.error)}};
}

// Every state appears, zero or not, so consumers need no defaults.
json StepCounts(const RunRecord& run) {
  static constexpr std::array<StepState, 5> kStates = {StepState::kSucceeded, StepState::kUnchanged,
                                                       StepState::kFailed, StepState::kTimedOut,
                                                       StepState::kNotRun};
  std::map<std::string, int> counts;
  for (StepState state : kStates) counts[std::string(StepStateName(state))] = 0;
  for (const StepRecord& step : run.steps) ++counts[std::string(StepStateName(step.result.state))];
  return counts;
}

// From the start of the path's first step to the end of its last: the time the run could
// not have saved by running other steps in parallel.
int64_t CriticalPathMillis(const RunRecord& run, const std::vector<std::string>& path) {
  if (path.empty()) return 0;
  const StepRecord* first = nullptr;
  const StepRecord* last = nullptr;
  for (const StepRecord& step : run.steps) {
    if (step.id == path.front()) first = &step;
    if (step.id == path.back()) last = &step;
  }
  if (first == nullptr || last == nullptr) return 0;
  return Millis(last->end_offset - first->start_offset);
}

// The measured recovery time beside the plan's objective. The service has recovered when
// every step succeeded or was unchanged: then `recovery_ms` runs from the run's start to
// the end of its last step. Null while it has not (a step did not succeed, the run stopped
// early, or a plan preview, which recovers nothing).
json RecoveryJson(const RunRecord& run, const ReportContext& context) {
  json recovery_ms = nullptr;
  bool recovered = context.mode == ReportMode::kRun && context.error.ok() &&
                   run.status == RunStatus::kSucceeded && !run.deadline_reached && !run.interrupted;
  if (recovered) {
    Duration last{0};
    for (const StepRecord& step : run.steps) {
      if (step.started) last = std::max(last, step.end_offset);
    }
    recovery_ms = Millis(last);
  }
  json met = nullptr;
  if (context.rto && context.mode == ReportMode::kRun) {
    met = recovered && recovery_ms.get<int64_t>() <= Millis(*context.rto);
  }
  return {{"rto_ms", context.rto ? json(Millis(*context.rto)) : json(nullptr)},
          {"recovery_ms", std::move(recovery_ms)},
          {"met", std::move(met)}};
}

// Requests a second to the millisecond: finer is noise to a reader.
double RoundedRate(double rate) { return std::round(rate * 1000) / 1000; }

// Per operation: the retry mode, the throttles, and in adaptive mode the send limit over time
// (`t_ms` from the run's start; negative for calls made while the plan was prepared).
json RateLimitsJson(const std::vector<OperationRateLimits>& operations, WallTime run_start) {
  json out = json::object();
  for (const OperationRateLimits& s : operations) {
    json samples = json::array();
    for (const RateSample& sample : s.samples) {
      samples.push_back(
          {{"t_ms", Millis(sample.at - run_start)}, {"rate", RoundedRate(sample.limit)}});
    }
    out[s.operation] = {{"mode", s.mode},
                        {"throttles", s.throttles},
                        {"rate", s.limit ? json(RoundedRate(*s.limit)) : json(nullptr)},
                        {"samples", std::move(samples)},
                        {"samples_dropped", s.samples_dropped}};
  }
  return out;
}

}  // namespace

json ApiCallsJson(const ApiCallCounter::Snapshot& snapshot) {
  json operations = json::object();
  for (const ApiCallCounter::OperationStats& op : snapshot.operations) {
    operations[op.name] = {{"calls", op.calls},       {"attempts", op.attempts},
                           {"retries", op.retries},   {"errors", op.errors},
                           {"mutating", op.mutating}, {"latency_ms", Millis(op.latency)}};
  }
  return {{"operations", std::move(operations)},
          {"totals",
           {{"calls", snapshot.calls},
            {"attempts", snapshot.attempts},
            {"retries", snapshot.retries},
            {"mutating", snapshot.mutating_calls}}}};
}

json WithSharedReads(json api_calls, const SharedReadCounts& reads) {
  api_calls["shared_reads"] = {{"asked", reads.asked},
                               {"calls", reads.calls},
                               {"read_ahead", reads.read_ahead},
                               {"passed_on", reads.passed_on}};
  return api_calls;
}

std::string_view ReportModeName(ReportMode mode) {
  return mode == ReportMode::kPlan ? "plan" : "run";
}

nlohmann::json BuildReport(RunRecord run, const ApiCallCounter::Snapshot& api_calls,
                           const ReportContext& context) {
  // Everything read across steps first: StepJson empties them.
  std::vector<std::string> path = CriticalPath(run);
  int64_t critical_path_ms = CriticalPathMillis(run, path);
  json step_counts = StepCounts(run);
  json recovery = RecoveryJson(run, context);
  json steps = json::array();
  for (StepRecord& step : run.steps) steps.push_back(StepJson(step));
  return {{"schema", kReportSchema},
          {"mode", ReportModeName(context.mode)},
          {"action", context.action},
          {"drill", context.drill},
          {"identity", context.identity ? json(*context.identity) : json(nullptr)},
          {"tool_version", context.tool_version},
          {"region", context.region},
          {"account_id", context.account_id ? json(*context.account_id) : json(nullptr)},
          {"plan_source", context.plan_source},
          {"status", context.error.ok() ? RunStatusName(run.status) : "FAILED"},
          {"error", ErrorJson(context.error)},
          {"stopped", Stopped(run)},
          {"forced", context.forced},
          {"lease", context.lease},
          {"notifications", nullptr},
          {"started_at", FormatTimestamp(run.started)},
          {"finished_at", FormatTimestamp(run.finished)},
          {"duration_ms", std::max<int64_t>(0, Millis(run.finished - run.started))},
          {"step_counts", std::move(step_counts)},
          {"steps", std::move(steps)},
          {"critical_path", std::move(path)},
          {"critical_path_ms", critical_path_ms},
          {"recovery", std::move(recovery)},
          {"api_calls", WithSharedReads(ApiCallsJson(api_calls), context.shared_reads)},
          {"rate_limits", RateLimitsJson(api_calls.rate_limits, run.started)}};
}

std::string DumpReport(const nlohmann::json& report) {
  return report.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {

// nlohmann's serializer writes through an output adapter (json::dump passes one that appends
// to a string); this one hands the bytes to a stdio stream.
class FileOutput final : public nlohmann::detail::output_adapter_protocol<char> {
 public:
  explicit FileOutput(std::FILE* out) : out_(out) {}
  void write_character(char c) override { std::fputc(c, out_); }
  void write_characters(const char* s, std::size_t length) override {
    std::fwrite(s, 1, length, out_);
  }

 private:
  std::FILE* out_;
};

}  // namespace

bool WriteReport(const nlohmann::json& report, std::FILE* out) {
  nlohmann::detail::serializer<json> serializer(std::make_shared<FileOutput>(out), ' ',
                                                json::error_handler_t::replace);
  serializer.dump(report, /*pretty_print=*/true, /*ensure_ascii=*/false, /*indent_step=*/2);
  std::fputc('\n', out);
  return std::ferror(out) == 0;
}

}  // namespace drf
