#include "aws/denied_action.h"

#include <gtest/gtest.h>

#include "aws/aws_error_parser.h"

namespace drf {
namespace {

AwsErrorInfo Denial(std::string code, std::string operation, std::string message) {
  AwsErrorInfo info;
  info.code = std::move(code);
  info.operation = std::move(operation);
  info.message = std::move(message);
  return info;
}

TEST(DeniedActionTest, AccessDeniedCodesOfEveryProtocol) {
  for (const char* code :
       {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}) {
    EXPECT_TRUE(IsAccessDeniedCode(code)) << code;
  }
  EXPECT_FALSE(IsAccessDeniedCode(""));
  EXPECT_FALSE(IsAccessDeniedCode("accessdenied"));
  EXPECT_FALSE(IsAccessDeniedCode("InvalidDBInstanceState"));
  EXPECT_FALSE(IsAccessDeniedCode("InvalidClientTokenId"));  // bad key: not a policy matter
}

TEST(DeniedActionTest, IamActionUsesTheIamPrefixNotTheServiceId) {
  EXPECT_EQ(IamAction(services::kElbv2, "RegisterTargets"), "elasticloadbalancing:RegisterTargets");
  EXPECT_EQ(IamAction(services::kAutoScaling, "UpdateAutoScalingGroup"),
            "autoscaling:UpdateAutoScalingGroup");
  EXPECT_EQ(IamAction(services::kS3, "GetObject"), "s3:GetObject");
}

TEST(DeniedActionTest, AMessageWithoutTheActionGetsIt) {
  AwsErrorInfo info = Denial("AccessDenied", "GetObject", "Access Denied");
  NameDeniedAction(services::kS3, info);
  EXPECT_EQ(info.message, "Access Denied (IAM action s3:GetObject was denied)");

  AwsErrorInfo ec2 = Denial("UnauthorizedOperation", "DescribeInstances",
                            "You are not authorized to perform this operation. Encoded "
                            "authorization failure message: AbC");
  NameDeniedAction(services::kEc2, ec2);
  EXPECT_TRUE(ec2.message.ends_with("(IAM action ec2:DescribeInstances was denied)"));
}

TEST(DeniedActionTest, AMessageNamingTheActionIsKept) {
  const std::string aws =
      "User: arn:aws:iam::123456789012:user/drf is not authorized to perform: "
      "ecs:UpdateService on resource: arn:aws:ecs:us-east-1:123456789012:service/dr/frontend";
  AwsErrorInfo info = Denial("AccessDeniedException", "UpdateService", aws);
  NameDeniedAction(services::kEcs, info);
  EXPECT_EQ(info.message, aws);
}

TEST(DeniedActionTest, OtherErrorsAreUntouched) {
  AwsErrorInfo info = Denial("InvalidDBInstanceState", "PromoteReadReplica", "not a replica");
  NameDeniedAction(services::kRds, info);
  EXPECT_EQ(info.message, "not a replica");
}

// The parser applies it: what reaches the report and the log names the action.
TEST(DeniedActionTest, ErrorResponsesOfDenialsNameTheAction) {
  HttpResponse s3;
  s3.status = 403;
  s3.body = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";
  AwsErrorInfo info = AwsErrorFromResponse(services::kS3, "GetObject", s3);
  EXPECT_EQ(info.message, "Access Denied (IAM action s3:GetObject was denied)");
  EXPECT_EQ(info.code, "AccessDenied");
  EXPECT_FALSE(info.retryable);

  HttpResponse rds;
  rds.status = 400;
  rds.body =
      "<ErrorResponse><Error><Code>InvalidDBInstanceState</Code>"
      "<Message>not a replica</Message></Error></ErrorResponse>";
  EXPECT_EQ(AwsErrorFromResponse(services::kRds, "PromoteReadReplica", rds).message,
            "not a replica");
}

// What a user reads: the aws CLI's sentence, then AWS's message with the action named.
TEST(DeniedActionTest, TheUserMessageNamesCodeOperationAndAction) {
  HttpResponse s3;
  s3.status = 403;
  s3.headers = {{"x-amz-request-id", "R1"}};
  s3.body = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";
  AwsErrorInfo info = AwsErrorFromResponse(services::kS3, "GetObject", s3);
  Status status = Status::FromAws(StatusCodeForAwsError(info), info).WithContext("--plan s3://b/k");
  EXPECT_EQ(status.UserMessage(),
            "--plan s3://b/k: An error occurred (AccessDenied) when calling the GetObject "
            "operation: Access Denied (IAM action s3:GetObject was denied) (HTTP 403, request "
            "id R1)");
}

}  // namespace
}  // namespace drf
