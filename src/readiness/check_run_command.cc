// run_command's readiness: its program exists and may be executed by this user.
#include "posix/posix_command.h"
#include "readiness/step_checks.h"

namespace drf {

void CheckRunCommand(const RunCommandSpec& spec, StepReadiness& out) {
  const std::string& program = spec.argv.at(0);
  std::string found = FindProgram(program);
  if (found.empty()) {
    out.findings.push_back({"program", program, Verdict::kNotReady,
                            "program " + program + " is not found or not executable" +
                                (program.find('/') == std::string::npos ? " on PATH" : ""),
                            nlohmann::json::object()});
    return;
  }
  out.findings.push_back({"program",
                          program,
                          Verdict::kReady,
                          "program " + found + " is executable",
                          {{"path", found}}});
}

}  // namespace drf
