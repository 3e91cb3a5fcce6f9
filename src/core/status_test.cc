#include "core/status.h"

#include <gtest/gtest.h>

#include "core/result.h"

namespace drf {
namespace {

AwsErrorInfo NotAReplica() {
  AwsErrorInfo info;
  info.service = "RDS";
  info.operation = "PromoteReadReplica";
  info.http_status = 400;
  info.code = "InvalidDBInstanceState";
  info.message = "DB Instance is not a read replica.";
  info.request_id = "req-1";
  return info;
}

TEST(StatusTest, AwsDetailsSurviveContextAndAppearInText) {
  Status status = Status::FromAws(StatusCode::kRejected, NotAReplica()).WithContext("promote db");
  EXPECT_EQ(status.code(), StatusCode::kRejected);
  ASSERT_NE(status.aws(), nullptr);
  EXPECT_EQ(status.aws()->code, "InvalidDBInstanceState");
  EXPECT_EQ(status.message(), "promote db: DB Instance is not a read replica.");
  EXPECT_EQ(status.ToString(),
            "Rejected: promote db: An error occurred (InvalidDBInstanceState) when calling the "
            "PromoteReadReplica operation: DB Instance is not a read replica. (HTTP 400, "
            "request id req-1)");
}

// The aws CLI's wording: `aws rds promote-read-replica` prints
// "An error occurred (InvalidDBInstanceState) when calling the PromoteReadReplica
// operation: DB Instance is not a read replica."
TEST(StatusUserMessageTest, AnAwsErrorReadsLikeTheAwsCli) {
  Status status = Status::FromAws(StatusCode::kRejected, NotAReplica());
  EXPECT_EQ(status.UserMessage(),
            "An error occurred (InvalidDBInstanceState) when calling the PromoteReadReplica "
            "operation: DB Instance is not a read replica. (HTTP 400, request id req-1)");
  EXPECT_EQ(AwsErrorSentence(NotAReplica(), "not now"),
            "An error occurred (InvalidDBInstanceState) when calling the PromoteReadReplica "
            "operation: not now (HTTP 400, request id req-1)");
}

TEST(StatusUserMessageTest, ContextPrefixesComeBeforeTheSentence) {
  Status status = Status::FromAws(StatusCode::kRejected, NotAReplica())
                      .WithContext("promoting dr-app-db")
                      .WithContext("db dr-app-db");
  EXPECT_EQ(status.UserMessage(),
            "db dr-app-db: promoting dr-app-db: An error occurred (InvalidDBInstanceState) when "
            "calling the PromoteReadReplica operation: DB Instance is not a read replica. "
            "(HTTP 400, request id req-1)");
  // The structured facts are untouched.
  EXPECT_EQ(status.aws()->message, "DB Instance is not a read replica.");
  EXPECT_EQ(status.aws()->request_id, "req-1");
}

TEST(StatusUserMessageTest, AbsentFactsAreLeftOut) {
  AwsErrorInfo info = NotAReplica();
  info.request_id.clear();
  EXPECT_EQ(Status::FromAws(StatusCode::kRejected, info).UserMessage(),
            "An error occurred (InvalidDBInstanceState) when calling the PromoteReadReplica "
            "operation: DB Instance is not a read replica. (HTTP 400)");
}

TEST(StatusUserMessageTest, ACodeWithoutAMessageIsNotRepeated) {
  AwsErrorInfo info;
  info.service = "ECS";
  info.operation = "UpdateService";
  info.http_status = 400;
  info.code = "ThrottlingException";
  Status status =
      Status::FromAws(StatusCode::kRetryable, info).WithContext("gave up after 3 attempts");
  EXPECT_EQ(status.message(), "gave up after 3 attempts: ThrottlingException");
  EXPECT_EQ(status.UserMessage(),
            "gave up after 3 attempts: An error occurred (ThrottlingException) when calling the "
            "UpdateService operation (HTTP 400)");
}

TEST(StatusUserMessageTest, AReplyWithoutACodeNamesTheHttpStatus) {
  AwsErrorInfo info;
  info.service = "RDS";
  info.operation = "DescribeDBInstances";
  info.http_status = 502;
  info.message = "HTTP 502 (unrecognised error body): 502 Bad Gateway";
  info.request_id = "r-9";
  EXPECT_EQ(Status::FromAws(StatusCode::kRetryable, info).UserMessage(),
            "An error occurred (HTTP 502) when calling the DescribeDBInstances operation: HTTP "
            "502 (unrecognised error body): 502 Bad Gateway (request id r-9)");
}

TEST(StatusUserMessageTest, ATransportFailureSaysNoResponse) {
  AwsErrorInfo info;
  info.service = "STS";
  info.operation = "GetCallerIdentity";
  info.message = "Failed to connect to 127.0.0.1 port 9: Connection refused";
  info.transport = true;
  info.retryable = true;
  Status status =
      Status::FromAws(StatusCode::kTransport, info).WithContext("gave up after 3 attempts");
  EXPECT_EQ(status.UserMessage(),
            "gave up after 3 attempts: An error occurred (no response) when calling the "
            "GetCallerIdentity operation: Failed to connect to 127.0.0.1 port 9: Connection "
            "refused");
}

TEST(StatusUserMessageTest, AnUnreadableSuccessDoesNotRepeatWhatTheContextSays) {
  AwsErrorInfo info;
  info.service = "RDS";
  info.operation = "PromoteReadReplica";
  info.http_status = 200;
  info.message = "malformed XML response";
  info.request_id = "req-7";
  Status status = Status::FromAws(StatusCode::kInternal, info)
                      .WithContext(
                          "PromoteReadReplica may have been applied: AWS accepted it "
                          "(HTTP 200, request id req-7) but its reply could not be read");
  EXPECT_EQ(status.UserMessage(),
            "PromoteReadReplica may have been applied: AWS accepted it (HTTP 200, request id "
            "req-7) but its reply could not be read: An error occurred (unreadable reply) when "
            "calling the PromoteReadReplica operation: malformed XML response");
  // Without that context, the facts are given.
  EXPECT_EQ(Status::FromAws(StatusCode::kInternal, info).UserMessage(),
            "An error occurred (unreadable reply) when calling the PromoteReadReplica operation: "
            "malformed XML response (HTTP 200, request id req-7)");
}

TEST(StatusUserMessageTest, TheDeniedActionSuffixStaysWithAwsMessage) {
  AwsErrorInfo info;
  info.service = "S3";
  info.operation = "GetObject";
  info.http_status = 403;
  info.code = "AccessDenied";
  info.message = "Access Denied (IAM action s3:GetObject was denied)";  // NameDeniedAction's
  info.request_id = "R1";
  Status status =
      Status::FromAws(StatusCode::kInvalidArgument, info).WithContext("--plan s3://b/plan.yaml");
  EXPECT_EQ(status.UserMessage(),
            "--plan s3://b/plan.yaml: An error occurred (AccessDenied) when calling the GetObject "
            "operation: Access Denied (IAM action s3:GetObject was denied) (HTTP 403, request "
            "id R1)");
}

TEST(StatusUserMessageTest, OtherStatusesAreTheirMessage) {
  Status status = Status::TimedOut("db x still modifying after 300 s").WithContext("db x");
  EXPECT_EQ(status.UserMessage(), "db x: db x still modifying after 300 s");
  EXPECT_EQ(status.ToString(), "TimedOut: db x: db x still modifying after 300 s");
  EXPECT_EQ(Status::Ok().ToString(), "OK");
}

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  DRF_ASSIGN_OR_RETURN(int half, Half(x));
  return Half(half);
}

TEST(ResultTest, PropagatesTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(Quarter(3).ok());
}

}  // namespace
}  // namespace drf
