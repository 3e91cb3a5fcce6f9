// IamClient: what `check` asks IAM (query, 2010-05-08, one global endpoint): whether an
// identity's policies allow the actions a failover would make, evaluated by IAM's policy
// simulator without acting. Thread-safe as far as AwsClient is.
#pragma once

#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "core/result.h"

namespace drf {

struct PolicySimulation {
  std::string action;    // EvalActionName: "rds:PromoteReadReplica"
  std::string resource;  // EvalResourceName: an ARN or "*"
  std::string decision;  // EvalDecision: allowed, explicitDeny, implicitDeny
};

class IamClient {
 public:
  explicit IamClient(AwsClient& aws) : aws_(aws) {}

  // SimulatePrincipalPolicy: the decision of `principal_arn`'s identity policies (an IAM
  // user, group or role ARN) for each of `actions` on each of `resources` ("*" when
  // unscoped), all Marker pages: one result per action and resource (IAM answers several
  // resources per action in ResourceSpecificResults). Needs iam:SimulatePrincipalPolicy;
  // an unknown principal is NotFound (NoSuchEntity).
  Result<std::vector<PolicySimulation>> SimulatePrincipalPolicy(
      const std::string& principal_arn, const std::vector<std::string>& actions,
      const std::vector<std::string>& resources);

 private:
  AwsClient& aws_;
};

}  // namespace drf
