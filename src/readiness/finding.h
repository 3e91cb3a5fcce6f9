// What `drfailover check` finds: for each step of the plan, findings with a verdict and the
// evidence AWS gave, and what IAM actions the step's run would need. Read-only by
// construction: the checks only ever hold the read half of each client's API.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace drf {

// Ordered by severity: the verdict of a step or a whole check is its worst finding's.
enum class Verdict { kReady, kWarning, kNotReady };
std::string_view VerdictName(Verdict verdict);  // "ready", "warning", "not_ready"
Verdict Worst(Verdict a, Verdict b);

struct Finding {
  std::string check;     // what was checked: "replica", "replica_lag", "launch_template", ...
  std::string resource;  // what it is about, as the plan or AWS names it
  Verdict verdict = Verdict::kReady;
  std::string message;                                 // one line, naming the resource
  nlohmann::json evidence = nlohmann::json::object();  // what AWS reported
};

// A read that failed: not_ready when the resource does not exist or the read is denied
// (the run would fail the same way), else a warning that it could not be verified.
Finding ReadFailed(std::string check, std::string resource, const Status& status);

// An IAM action a step's run would make, on the resource IAM authorizes (an ARN, or "*").
struct ActionNeed {
  std::string action;    // "rds:PromoteReadReplica"
  std::string resource;  // "arn:aws:rds:us-east-1:123456789012:db:dr-app-db" or "*"
  // The run only degrades without it (it informs a guard, or is read for evidence): its
  // denial is a warning, not "not ready".
  bool optional = false;
};

struct StepReadiness {
  std::string step_id;
  std::string kind;  // "promote_db", ...
  std::vector<Finding> findings;
  std::vector<ActionNeed> needs;
  Verdict verdict() const;
};

}  // namespace drf
