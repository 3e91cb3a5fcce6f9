// Plan file: the failover described in YAML (or JSON, which is YAML), for deployments
// that outgrow the original's environment variables. Schema: docs/plan-file.md.
#pragma once

#include <string_view>

#include "core/result.h"
#include "plan/plan_spec.h"

namespace drf {

// Parses and validates `text`; `source_name` (a path) names the file in messages and
// becomes PlanSpec::source. A text whose first non-blank character is '{' is read as JSON
// (for byte/line positions in syntax errors). The result is not finalized (see
// FinalizePlan); steps keep the file's order. Errors: InvalidArgument listing every
// problem, each with its key path ("steps[2].scale_asg.min") and line; graph problems
// (ids, `after`, cycles) are reported once the steps themselves are valid.
Result<PlanSpec> ParsePlanFile(std::string_view text, std::string_view source_name);

}  // namespace drf
