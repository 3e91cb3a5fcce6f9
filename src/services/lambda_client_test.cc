#include "services/lambda_client.h"

#include <gtest/gtest.h>

#include "services/services_test_util.h"

namespace drf {
namespace {

using services_testing::AwsHarness;
using services_testing::ExpectAllSameAsBotocore;
using services_testing::OracleCase;

class LambdaClientTest : public ::testing::Test {
 protected:
  AwsHarness harness_;
  LambdaClient lambda_{harness_.aws};
};

TEST_F(LambdaClientTest, InvokeReturnsThePayloadAndTheVersion) {
  harness_.http.Enqueue(200, R"({"warmed": 12})",
                        {{"X-Amz-Executed-Version", "7"}, {"x-amzn-RequestId", "req-7"}});
  Result<InvokeResult> result = lambda_.Invoke("warm-cache", R"({"region": "us-west-2"})");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->status_code, 200);
  EXPECT_EQ(result->function_error, "");
  EXPECT_EQ(result->payload, R"({"warmed": 12})");
  EXPECT_EQ(result->executed_version, "7");
  EXPECT_EQ(result->request_id, "req-7");
}

TEST_F(LambdaClientTest, AFunctionErrorIsASuccessfulCallThatSaysSo) {
  harness_.http.Enqueue(200, R"({"errorMessage": "primary still up", "errorType": "Exception"})",
                        {{"X-Amz-Function-Error", "Unhandled"}});
  Result<InvokeResult> result = lambda_.Invoke("check", "{}");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->function_error, "Unhandled");
  EXPECT_NE(result->payload.find("primary still up"), std::string::npos);
}

TEST_F(LambdaClientTest, AMissingFunctionIsNotFound) {
  harness_.http.Enqueue(
      404,
      R"({"Type": "User", "Message": "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"})",
      {{"X-Amzn-ErrorType", "ResourceNotFoundException"}});
  Result<InvokeResult> result = lambda_.Invoke("nope", "{}");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_NE(result.status().message().find("Function not found"), std::string::npos);
}

TEST_F(LambdaClientTest, InvokeIsNeverSentTwiceAfterA5xx) {
  harness_.http.Enqueue(500, R"({"Type": "Service", "Message": "internal"})",
                        {{"X-Amzn-ErrorType", "ServiceException"}});
  Result<InvokeResult> result = lambda_.Invoke("warm-cache", "{}");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(harness_.http.request_count(), 1u) << "the function may have run";
}

TEST_F(LambdaClientTest, InvokeMatchesBotocore) {
  harness_.http.Enqueue(200, "{}");
  harness_.http.Enqueue(200, "{}");
  const std::string arn = "arn:aws:lambda:us-east-1:123456789012:function:warm-cache:live";
  ASSERT_TRUE(lambda_.Invoke("warm-cache", R"({"a": 1})").ok());
  ASSERT_TRUE(lambda_.Invoke(arn, "{}").ok());
  ExpectAllSameAsBotocore(
      harness_.http.requests(),
      {OracleCase("lambda", "Invoke",
                  {{"FunctionName", "warm-cache"},
                   {"InvocationType", "RequestResponse"},
                   {"Payload", R"({"a": 1})"}}),
       OracleCase(
           "lambda", "Invoke",
           {{"FunctionName", arn}, {"InvocationType", "RequestResponse"}, {"Payload", "{}"}})});
}

}  // namespace
}  // namespace drf
