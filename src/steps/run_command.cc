#include "steps/run_command.h"

#include <algorithm>

namespace drf {
namespace {

// The last non-empty line of a program's output, for a one-line error.
std::string LastLine(const std::string& text) {
  size_t end = text.find_last_not_of("\r\n");
  if (end == std::string::npos) return "";
  size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - (start + 1) + 1);
}

}  // namespace

std::string QuotedCommandLine(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& arg : argv) {
    bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) ||
             std::string_view("-_./:=@,+%").find(c) != std::string_view::npos;
    });
    std::string quoted = "'";
    for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += (out.empty() ? "" : " ") + (plain ? arg : quoted + "'");
  }
  return out;
}

RunCommandStep::RunCommandStep(StepSpec spec, CommandRunner* commands, const RunFacts& facts)
    : InspectApplyStep(std::move(spec)), commands_(commands), facts_(facts) {}

std::string RunCommandStep::resource() const { return "command " + command().argv.at(0); }

Status RunCommandStep::CheckSpec() const {
  if (commands_ == nullptr) {
    return Status::FailedPrecondition(
        "run_command runs only in the CLI (drfailover run): the Lambda function has no local "
        "programs; use invoke_lambda there");
  }
  return Status::Ok();
}

// Nothing to read: the facts are expanded when it runs, once its dependencies are done.
Result<RunCommandSpec> RunCommandStep::Inspect(StepRun& /*run*/) { return command(); }

void RunCommandStep::Explain(StepRun& run, const RunCommandSpec& spec) {
  StepResult& result = run.result();
  result.state = StepState::kSucceeded;
  result.summary = "would run " + QuotedCommandLine(spec.argv);
  result.changes.push_back("run " + QuotedCommandLine(spec.argv));
}

void RunCommandStep::Apply(StepRun& run, const RunCommandSpec& spec) {
  StepResult& result = run.result();
  CommandRequest request;
  for (const std::string& arg : spec.argv) {
    Result<std::string> expanded = facts_.Expand(arg);
    if (!expanded.ok()) return run.Fail(expanded.status().WithContext("argv"));
    request.argv.push_back(std::move(*expanded));
  }
  for (const auto& [name, value] : spec.env) {
    Result<std::string> expanded = facts_.Expand(value);
    if (!expanded.ok()) return run.Fail(expanded.status().WithContext("env " + name));
    request.env.emplace_back(name, std::move(*expanded));
  }
  const nlohmann::json facts = facts_.Snapshot();
  request.env.emplace_back("DRF_RUN_ID", facts["run_id"].get<std::string>());
  request.env.emplace_back("DRF_REGION", facts["region"].get<std::string>());
  request.env.emplace_back("DRF_STEP_ID", run.ctx().step_id);
  request.env.emplace_back("DRF_FACTS", facts.dump());
  request.deadline = run.ctx().deadline;
  request.cancel = &run.ctx().cancel;

  if (run.StopIfCancelled()) return;
  const std::string line = QuotedCommandLine(request.argv);
  run.log().Info("Running " + line);
  Result<CommandResult> ran = commands_->Run(request);
  if (!ran.ok()) return run.Fail(ran.status());
  run.Record("Hook.RunCommand", request.argv[0], "");
  result.acting += ran->elapsed;
  result.after = {{"command", line},
                  {"exit_code", ran->exit_code},
                  {"signal", ran->term_signal},
                  {"stdout", (ran->out_cut ? "..." : "") + ran->out},
                  {"stderr", (ran->err_cut ? "..." : "") + ran->err},
                  {"seconds", std::chrono::duration<double>(ran->elapsed).count()}};
  if (ran->timed_out) {
    return run.EndUnfinished(
        Status::TimedOut("killed at the step's deadline after " + FormatElapsed(ran->elapsed)),
        "ran " + line);
  }
  if (ran->cancelled) {
    return run.EndUnfinished(Status::Cancelled("killed: the run was cancelled"), "ran " + line);
  }
  if (ran->exit_code != 0) {
    std::string why = ran->term_signal != 0 ? "killed by signal " + std::to_string(ran->term_signal)
                                            : "exited with " + std::to_string(ran->exit_code);
    std::string last = LastLine(ran->err.empty() ? ran->out : ran->err);
    return run.Fail(Status::Rejected(why + (last.empty() ? "" : ": " + last)));
  }
  run.log().Info(line + " succeeded in " + FormatElapsed(ran->elapsed));
  result.state = StepState::kSucceeded;
  result.summary = "ran " + line + " (exit 0, " + FormatElapsed(ran->elapsed) + ")";
  result.changes.push_back("ran " + line);
}

}  // namespace drf
