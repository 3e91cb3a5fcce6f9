#include "readiness/permissions.h"

#include <map>
#include <set>
#include <utility>

#include "services/batches.h"

namespace drf {
namespace {

using Decisions = std::map<std::pair<std::string, std::string>, std::string>;  // -> decision

// The ARN's fields: arn:partition:service:region:account:resource.
std::vector<std::string> ArnFields(const std::string& arn) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string::npos) return {};
    fields.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  fields.push_back(arn.substr(start));
  return fields;
}

// Resources per simulator call: the request stays small, and a large estate (hundreds of
// services, each its own ARN) still takes a handful of calls.
constexpr size_t kResourcesPerSimulation = 25;

// Evaluates every distinct (action, resource) of `steps`: resources that need the same
// actions share calls.
Result<Decisions> Simulate(const std::vector<StepReadiness>& steps, IamClient& iam,
                           const std::string& principal) {
  std::map<std::string, std::set<std::string>> actions_by_resource;
  for (const StepReadiness& step : steps) {
    for (const ActionNeed& need : step.needs) {
      actions_by_resource[need.resource].insert(need.action);
    }
  }
  std::map<std::set<std::string>, std::vector<std::string>> resources_by_actions;
  for (const auto& [resource, actions] : actions_by_resource) {
    resources_by_actions[actions].push_back(resource);
  }
  Decisions decisions;
  for (const auto& [actions, resources] : resources_by_actions) {
    const std::vector<std::string> action_list(actions.begin(), actions.end());
    for (const std::vector<std::string>& batch :
         SplitIntoBatches(resources, kResourcesPerSimulation)) {
      DRF_ASSIGN_OR_RETURN(std::vector<PolicySimulation> results,
                           iam.SimulatePrincipalPolicy(principal, action_list, batch));
      for (const PolicySimulation& result : results) {
        // With one resource IAM may name it "*" or leave it out: it is the one asked about.
        const std::string& resource = batch.size() == 1 ? batch[0] : result.resource;
        decisions[{result.action, resource}] = result.decision;
      }
    }
  }
  return decisions;
}

Finding StepPermissions(const StepReadiness& step, const Decisions& decisions,
                        const std::string& principal) {
  Finding finding{"permissions", principal, Verdict::kReady, "", {}};
  nlohmann::json denied = nlohmann::json::array();
  std::string denied_text;
  for (const ActionNeed& need : step.needs) {
    auto it = decisions.find({need.action, need.resource});
    const std::string decision = it == decisions.end() ? "not evaluated" : it->second;
    if (decision == "allowed") continue;
    denied.push_back({{"action", need.action},
                      {"resource", need.resource},
                      {"decision", decision},
                      {"optional", need.optional}});
    denied_text += (denied_text.empty() ? "" : ", ") + need.action +
                   (need.resource == "*" ? "" : " on " + need.resource) + " (" + decision + ")";
    finding.verdict =
        Worst(finding.verdict, need.optional ? Verdict::kWarning : Verdict::kNotReady);
  }
  finding.evidence = {{"principal", principal}, {"actions", step.needs.size()}, {"denied", denied}};
  finding.message =
      denied.empty() ? principal + " may make all " + std::to_string(step.needs.size()) + " actions"
                     : principal + " is denied " + denied_text;
  return finding;
}

}  // namespace

std::string PolicyPrincipal(const std::string& caller_arn) {
  std::vector<std::string> f = ArnFields(caller_arn);
  if (f.size() != 6) return "";
  const std::string& resource = f[5];
  if (f[2] == "iam" && (resource.rfind("user/", 0) == 0 || resource.rfind("role/", 0) == 0)) {
    return caller_arn;
  }
  if (f[2] == "sts" && resource.rfind("assumed-role/", 0) == 0) {
    const std::string rest = resource.substr(std::string("assumed-role/").size());
    const std::string role = rest.substr(0, rest.find('/'));
    return "arn:" + f[1] + ":iam::" + f[4] + ":role/" + role;
  }
  return "";
}

PermissionsSummary CheckPermissions(std::vector<StepReadiness>& steps, StsClient& sts,
                                    IamClient& iam) {
  PermissionsSummary summary;
  Result<CallerIdentity> caller = sts.GetCallerIdentity();
  Status unverified;
  if (!caller.ok()) {
    unverified = caller.status();
  } else {
    summary.caller = caller->arn;
    summary.principal = PolicyPrincipal(caller->arn);
    if (summary.principal.empty()) {
      unverified = Status::FailedPrecondition(
          caller->arn + " is not an IAM user or role the policy simulator can evaluate");
    }
  }
  Decisions decisions;
  if (unverified.ok()) {
    Result<Decisions> simulated = Simulate(steps, iam, summary.principal);
    if (simulated.ok()) {
      decisions = std::move(*simulated);
    } else {
      unverified = simulated.status();
    }
  }
  if (!unverified.ok()) {
    summary.unverified_why = unverified.UserMessage();
    return summary;
  }
  summary.verified = true;
  summary.actions_checked = static_cast<int>(decisions.size());
  for (StepReadiness& step : steps) {
    step.findings.push_back(StepPermissions(step, decisions, summary.principal));
  }
  return summary;
}

Finding UnverifiedFinding(const PermissionsSummary& summary) {
  return {"permissions",
          summary.caller.empty() ? "caller" : summary.caller,
          Verdict::kWarning,
          "permissions not verifiable: " + summary.unverified_why +
              "; a missing permission would show only during a run",
          {{"caller", summary.caller}}};
}

}  // namespace drf
