// Validation of a configuration before any AWS call: names, ARNs, numbers and the step
// graph. Every problem is collected (not just the first) so an operator fixes the
// configuration in one go; each names the variable or key path, what was found and what
// was expected. Used by both loaders (env_config, plan_file) and by FinalizePlan.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "plan/plan_spec.h"

namespace drf {

// The problems found in one configuration. Not thread-safe.
class ConfigErrors {
 public:
  // "<path>: found <found>, expected <expected>". `found` is written as given: quote
  // strings with Quote().
  void Add(std::string_view path, std::string_view found, std::string_view expected);
  // A message that does not fit the found/expected shape (cycles).
  void AddMessage(std::string message) { messages_.push_back(std::move(message)); }

  bool empty() const { return messages_.empty(); }
  const std::vector<std::string>& messages() const { return messages_; }
  // OK when empty; otherwise InvalidArgument "<header>: N problem(s):\n<one per line>".
  Status ToStatus(std::string_view header) const;

 private:
  std::vector<std::string> messages_;
};

// `value` in double quotes, control characters escaped, cut after 100 characters.
std::string Quote(std::string_view value);

// Names a field of one step for messages. Fields are the plan file's keys ("name", "min",
// "services[1]", "from_asg", "timeout", "after", ...); a loader maps them to its own
// spelling ("steps[2].scale_asg.min", "JENKINS_ASG_NAME", "TARGET_GROUPS[\"arn\"].port").
using FieldPath = std::function<std::string(std::string_view field)>;

// Each Check* adds one error naming `path` when `value` is bad and returns whether it
// was good.
bool CheckDbInstanceIdentifier(std::string_view path, std::string_view value, ConfigErrors& errors);
bool CheckAsgName(std::string_view path, std::string_view value, ConfigErrors& errors);
bool CheckEcsName(std::string_view path, std::string_view value, ConfigErrors& errors);
bool CheckTargetGroupArn(std::string_view path, std::string_view value, ConfigErrors& errors);
bool CheckBackupWindow(std::string_view path, std::string_view value, ConfigErrors& errors);
// Step ids: 1-255 letters, digits and - _ : . / @ (generated ids use ':' and '/').
bool CheckStepId(std::string_view path, std::string_view value, ConfigErrors& errors);
bool CheckIntRange(std::string_view path, long long value, long long min, long long max,
                   ConfigErrors& errors);
bool CheckPositive(std::string_view path, std::chrono::seconds value, ConfigErrors& errors);
// DynamoDB table names: 3-255 letters, digits and _ - .
bool CheckTableName(std::string_view path, std::string_view value, ConfigErrors& errors);
// An SNS topic ARN: arn:<partition>:sns:<region>:<12-digit account>:<name>.
bool CheckTopicArn(std::string_view path, std::string_view value, ConfigErrors& errors);
// The lock's values: the table's name, a ttl of at least kMinLockTtl, a cooldown >= 0.
void ValidateRunLock(const RunLock& lock, const FieldPath& path, ConfigErrors& errors);

// Checks the values of one step: names, ARN, sizes, port, timeout, type/source match.
// Does not look at other steps (see CheckPlanGraph in finalize_plan.h).
void ValidateStepSpec(const StepSpec& step, const FieldPath& path, ConfigErrors& errors);

// A dependency cycle among `steps` (by `after`; unknown ids are ignored), as the ids
// along it with the first repeated at the end ("a", "b", "a"); empty when there is none.
std::vector<std::string> FindCycle(const std::vector<StepSpec>& steps);
std::string FormatCycle(const std::vector<std::string>& cycle);  // "a -> b -> a"

// "90s", "15m", "1h", "1h30m" or integer seconds ("90"); a leading '-' is accepted so
// CheckPositive can say what was wrong. nullopt when unreadable.
std::optional<std::chrono::seconds> ParseDuration(std::string_view text);
inline constexpr std::string_view kDurationExpected =
    "a duration like 90s, 15m, 1h, 1h30m or integer seconds";

// "<name>" of arn:...:targetgroup/<name>/<id>; the whole ARN if it has no such part.
std::string TargetGroupNameFromArn(std::string_view arn);

}  // namespace drf
