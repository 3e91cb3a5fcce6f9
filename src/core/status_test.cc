#include "core/status.h"

#include <gtest/gtest.h>

#include "core/result.h"

namespace drf {
namespace {

TEST(StatusTest, AwsDetailsSurviveContextAndAppearInText) {
  AwsErrorInfo info;
  info.service = "RDS";
  info.operation = "PromoteReadReplica";
  info.http_status = 400;
  info.code = "InvalidDBInstanceState";
  info.message = "DB Instance is not a read replica.";
  info.request_id = "req-1";
  Status status = Status::FromAws(StatusCode::kRejected, info).WithContext("promote db");
  EXPECT_EQ(status.code(), StatusCode::kRejected);
  ASSERT_NE(status.aws(), nullptr);
  EXPECT_EQ(status.aws()->code, "InvalidDBInstanceState");
  EXPECT_EQ(status.ToString(),
            "Rejected: promote db: DB Instance is not a read replica. (RDS.PromoteReadReplica, "
            "code InvalidDBInstanceState, HTTP 400, request id req-1)");
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
