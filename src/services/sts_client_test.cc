#include "services/sts_client.h"

#include <gtest/gtest.h>

#include "services/services_test_util.h"

namespace drf {
namespace {

using services_testing::AwsHarness;
using services_testing::ExpectAllSameAsBotocore;
using services_testing::OracleCase;
using services_testing::QueryReply;

TEST(StsClientTest, GetCallerIdentityParsesReply) {
  AwsHarness harness;
  harness.http.Enqueue(200, QueryReply("GetCallerIdentity",
                                       "<Arn>arn:aws:sts::123456789012:assumed-role/dr/s</Arn>"
                                       "<UserId>AROAEXAMPLE:s</UserId>"
                                       "<Account>123456789012</Account>")
                                .body);
  Result<CallerIdentity> result = StsClient(harness.aws).GetCallerIdentity();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->account, "123456789012");
  EXPECT_EQ(result->arn, "arn:aws:sts::123456789012:assumed-role/dr/s");
  EXPECT_EQ(result->user_id, "AROAEXAMPLE:s");
}

TEST(StsClientTest, ReplyWithoutAccountIsInternal) {
  AwsHarness harness;
  harness.http.Enqueue(200, QueryReply("GetCallerIdentity", "<Arn>x</Arn>").body);
  Result<CallerIdentity> result = StsClient(harness.aws).GetCallerIdentity();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
}

TEST(StsClientTest, GetCallerIdentityMatchesBotocore) {
  AwsHarness harness;
  harness.http.Enqueue(200, QueryReply("GetCallerIdentity", "<Account>1</Account>").body);
  ASSERT_TRUE(StsClient(harness.aws).GetCallerIdentity().ok());
  ExpectAllSameAsBotocore(harness.http.requests(),
                          {OracleCase("sts", "GetCallerIdentity", nlohmann::json::object())});
}

}  // namespace
}  // namespace drf
