#include "services/mutated.h"

#include <gtest/gtest.h>

namespace drf {
namespace {

Status AwsFailure(int http_status, std::string message, std::string request_id = "") {
  AwsErrorInfo info;
  info.service = "Auto Scaling";
  info.operation = "UpdateAutoScalingGroup";
  info.http_status = http_status;
  info.message = std::move(message);
  info.request_id = std::move(request_id);
  return Status::FromAws(StatusCode::kInternal, std::move(info));
}

TEST(MutatedTest, OnlyA2xxIsAcceptedButUnreadable) {
  EXPECT_TRUE(AcceptedButUnreadable(AwsFailure(200, "malformed XML response")));
  EXPECT_TRUE(AcceptedButUnreadable(AwsFailure(204, "malformed XML response")));
  EXPECT_FALSE(AcceptedButUnreadable(AwsFailure(400, "ValidationError")));
  EXPECT_FALSE(AcceptedButUnreadable(AwsFailure(0, "connection reset")));
  EXPECT_FALSE(AcceptedButUnreadable(Status::Internal("no AWS details")));
  EXPECT_FALSE(AcceptedButUnreadable(Status::Ok()));
}

TEST(MutatedTest, ExplainsAnAcceptedCallOnce) {
  EXPECT_EQ(ExplainUnreadableMutation(AwsFailure(200, "malformed XML response", "r-1")).message(),
            "UpdateAutoScalingGroup may have been applied: AWS accepted it (HTTP 200, request id "
            "r-1) but its reply could not be read: malformed XML response");
  // Said already (by the client): not twice.
  Status said =
      AwsFailure(200, "malformed XML response")
          .WithContext("AWS accepted the call (HTTP 200) but its reply could not be read");
  EXPECT_EQ(ExplainUnreadableMutation(said).message(),
            "UpdateAutoScalingGroup may have been applied: AWS accepted the call (HTTP 200) but "
            "its reply could not be read: malformed XML response");
  // Anything else is left as it is.
  EXPECT_EQ(ExplainUnreadableMutation(AwsFailure(400, "busy")).message(), "busy");
}

TEST(MutatedTest, UnusableReplyCarriesTheCall) {
  Status status = UnusableMutationReply(services::kRds, "PromoteReadReplica", "p-1",
                                        Status::Internal("reply has no DBInstance element"));
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_TRUE(AcceptedButUnreadable(status));
  ASSERT_NE(status.aws(), nullptr);
  EXPECT_EQ(status.aws()->service, "RDS");
  EXPECT_EQ(status.aws()->operation, "PromoteReadReplica");
  EXPECT_EQ(status.aws()->request_id, "p-1");
  EXPECT_EQ(status.message(),
            "PromoteReadReplica may have been applied: AWS accepted it (HTTP 200, request id p-1) "
            "but its reply could not be read: reply has no DBInstance element");
}

}  // namespace
}  // namespace drf
