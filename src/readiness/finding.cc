#include "readiness/finding.h"

#include <algorithm>

#include "aws/denied_action.h"

namespace drf {

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kReady:
      return "ready";
    case Verdict::kWarning:
      return "warning";
    case Verdict::kNotReady:
      return "not_ready";
  }
  return "not_ready";
}

Verdict Worst(Verdict a, Verdict b) { return std::max(a, b); }

Finding ReadFailed(std::string check, std::string resource, const Status& status) {
  Finding finding{std::move(check), std::move(resource), Verdict::kWarning, "", {}};
  const AwsErrorInfo* aws = status.aws();
  if (aws != nullptr) {
    finding.evidence = {{"error_code", aws->code}, {"request_id", aws->request_id}};
  }
  if (status.code() == StatusCode::kNotFound) {
    finding.verdict = Verdict::kNotReady;
    finding.message = finding.resource + " does not exist: " + status.UserMessage();
  } else if (aws != nullptr && IsAccessDeniedCode(aws->code)) {
    finding.verdict = Verdict::kNotReady;
    finding.message = "cannot read " + finding.resource + ": " + status.UserMessage();
  } else {
    finding.message = "could not verify " + finding.resource + ": " + status.UserMessage();
  }
  return finding;
}

Verdict StepReadiness::verdict() const {
  Verdict worst = Verdict::kReady;
  for (const Finding& finding : findings) worst = Worst(worst, finding.verdict);
  return worst;
}

}  // namespace drf
