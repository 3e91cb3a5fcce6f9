#include "aws/denied_action.h"

#include <algorithm>
#include <array>

namespace drf {

bool IsAccessDeniedCode(std::string_view code) {
  // AccessDenied: query and REST services; AccessDeniedException: JSON services;
  // UnauthorizedOperation: EC2; AuthorizationError: SNS.
  static constexpr std::array<std::string_view, 4> kCodes = {
      "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"};
  return std::find(kCodes.begin(), kCodes.end(), code) != kCodes.end();
}

std::string IamAction(const ServiceInfo& service, std::string_view operation) {
  std::string action(service.signing_name);
  action += ':';
  action += operation;
  return action;
}

void NameDeniedAction(const ServiceInfo& service, AwsErrorInfo& info) {
  if (!IsAccessDeniedCode(info.code)) return;
  const std::string action = IamAction(service, info.operation);
  if (info.message.find(action) != std::string::npos) return;
  info.message += " (IAM action " + action + " was denied)";
}

}  // namespace drf
