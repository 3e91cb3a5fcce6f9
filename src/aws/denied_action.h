// Names the IAM action behind an access denial. AWS's denials usually say "... is not
// authorized to perform: ecs:UpdateService ...", but some do not (S3's "Access Denied",
// EC2's encoded UnauthorizedOperation message): an SRE reading the report must still see
// which permission the role lacks.
#pragma once

#include <string>
#include <string_view>

#include "aws/service.h"
#include "core/status.h"

namespace drf {

// Codes AWS uses for a request its IAM evaluation refused (case-sensitive).
bool IsAccessDeniedCode(std::string_view code);

// "s3:GetObject": the IAM action of `operation` (the service's signing name is its IAM
// prefix for every service drfailover calls).
std::string IamAction(const ServiceInfo& service, std::string_view operation);

// For an access denial whose message does not already name the IAM action, appends
// " (IAM action s3:GetObject was denied)" to `info.message`; otherwise changes nothing.
void NameDeniedAction(const ServiceInfo& service, AwsErrorInfo& info);

}  // namespace drf
