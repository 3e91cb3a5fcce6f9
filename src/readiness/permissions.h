// Whether the caller's identity holds every IAM action the plan's steps would make,
// evaluated by IAM's policy simulator (SimulatePrincipalPolicy) without acting. Where the
// simulator cannot be used (the caller may not call it, or the identity is not an IAM user
// or role), each step gets a "not verifiable" warning: never a silent pass.
#pragma once

#include <string>
#include <vector>

#include "readiness/finding.h"
#include "services/iam_client.h"
#include "services/sts_client.h"

namespace drf {

// The IAM principal whose policies apply to `caller_arn` (GetCallerIdentity's Arn): a
// user or role ARN as is; an assumed-role session's role
// ("arn:aws:sts::1:assumed-role/dr/session" -> "arn:aws:iam::1:role/dr"; a role's path is
// not in the session ARN, so a role with a path is not found and the check says so). Empty
// for identities the simulator does not take (root, federated users).
std::string PolicyPrincipal(const std::string& caller_arn);

struct PermissionsSummary {
  std::string caller;     // GetCallerIdentity's Arn ("" if unknown)
  std::string principal;  // whose policies were simulated ("" if none)
  bool verified = false;
  std::string unverified_why;  // when not verified
  int actions_checked = 0;     // distinct (action, resource) pairs
};

// Adds one "permissions" finding to each step: ready when every need is allowed, not
// ready naming each denied action (a warning for optional needs). When the permissions
// cannot be verified, adds nothing and says why in the summary (UnverifiedFinding).
PermissionsSummary CheckPermissions(std::vector<StepReadiness>& steps, StsClient& sts,
                                    IamClient& iam);

// The check-wide warning for permissions that could not be verified.
Finding UnverifiedFinding(const PermissionsSummary& summary);

}  // namespace drf
