#include "steps/invoke_lambda.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "steps/step_test_util.h"

namespace drf {
namespace {

using steps_testing::StepHarness;
using ::testing::HasSubstr;

HttpResponse Returned(std::string body, std::string function_error = "") {
  HttpResponse response{200, {{"x-amzn-RequestId", "req-invoke"}}, std::move(body)};
  if (!function_error.empty())
    response.headers.emplace_back("X-Amz-Function-Error", function_error);
  return response;
}

StepSpec InvokeSpec(std::string payload_json) {
  StepSpec spec;
  spec.id = "invoke-lambda:warm-cache";
  spec.kind = StepKind::kInvokeLambda;
  spec.detail = InvokeLambdaSpec{"warm-cache", std::move(payload_json)};
  return spec;
}

class InvokeLambdaTest : public ::testing::Test {
 protected:
  InvokeLambdaTest() {
    facts_.SetRun("lambda:req-1@2026-12-06T12:00:00Z", "us-west-2");
    StepResult promoted;
    promoted.state = StepState::kSucceeded;
    promoted.after = {{"endpoint", "dr-db.abc.us-west-2.rds.amazonaws.com"}};
    facts_.StepFinished("promote-db:dr-db", promoted);
  }
  StepResult Run(const StepSpec& spec) {
    InvokeLambdaStep step(spec, lambda_, facts_);
    return step.Run(h_.ctx);
  }
  std::vector<AwsCall> Invokes() const { return h_.aws.Calls(services::kLambda, "Invoke"); }

  StepHarness h_;
  LambdaClient lambda_{h_.client};
  RunFacts facts_;
};

TEST_F(InvokeLambdaTest, SendsThePayloadWithTheFactsAndKeepsTheResult) {
  h_.aws.Reply(services::kLambda, "Invoke", Returned(R"({"warmed": 12})"));
  StepResult result =
      Run(InvokeSpec(R"({"db": "${promote-db:dr-db.endpoint}", "region": "${region}", "n": 3})"));
  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  ASSERT_EQ(Invokes().size(), 1u);
  EXPECT_EQ(Invokes()[0].Param("Id"), "warm-cache");
  EXPECT_EQ(
      nlohmann::json::parse(Invokes()[0].body),
      (nlohmann::json{
          {"db", "dr-db.abc.us-west-2.rds.amazonaws.com"}, {"region", "us-west-2"}, {"n", 3}}));
  EXPECT_EQ(result.after["payload"], R"({"warmed": 12})");
  ASSERT_EQ(result.calls.size(), 1u);
  EXPECT_EQ(result.calls[0].operation, "Lambda.Invoke");
  EXPECT_EQ(result.calls[0].request_id, "req-invoke");
}

TEST_F(InvokeLambdaTest, WithoutAPayloadTheFunctionGetsTheFacts) {
  h_.aws.Reply(services::kLambda, "Invoke", Returned("null"));
  ASSERT_EQ(Run(InvokeSpec("")).state, StepState::kSucceeded);
  nlohmann::json sent = nlohmann::json::parse(Invokes()[0].body);
  EXPECT_EQ(sent["drfailover"]["region"], "us-west-2");
  EXPECT_EQ(sent["drfailover"]["outputs"]["promote-db:dr-db.endpoint"],
            "dr-db.abc.us-west-2.rds.amazonaws.com");
}

TEST_F(InvokeLambdaTest, AFunctionErrorFailsTheStepWithItsMessage) {
  h_.aws.Reply(services::kLambda, "Invoke",
               Returned(R"({"errorType": "PrimaryUp", "errorMessage": "primary still answers"})",
                        "Unhandled"));
  StepResult result = Run(InvokeSpec("{}"));
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.ToString(),
              HasSubstr("function error (Unhandled): PrimaryUp: primary still answers"));
  EXPECT_EQ(result.calls.size(), 1u) << "it ran: the report says so";
}

TEST_F(InvokeLambdaTest, ALostReplyIsNotInvokedAgain) {
  h_.aws.Reply(services::kLambda, "Invoke",
               {502, {{"X-Amzn-ErrorType", "ServiceException"}}, R"({"Message": "bad gateway"})"});
  StepResult result = Run(InvokeSpec("{}"));
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(Invokes().size(), 1u);
  EXPECT_THAT(result.error.ToString(), HasSubstr("the function may have run"));
  EXPECT_EQ(result.calls.size(), 1u) << "listed: it may have run";
}

TEST_F(InvokeLambdaTest, AMissingFunctionFailsTheStep) {
  h_.aws.Reply(services::kLambda, "Invoke",
               {404,
                {{"X-Amzn-ErrorType", "ResourceNotFoundException"}},
                R"({"Message": "Function not found: warm-cache"})"});
  StepResult result = Run(InvokeSpec("{}"));
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.ToString(), HasSubstr("Function not found"));
  EXPECT_TRUE(result.calls.empty());
}

TEST_F(InvokeLambdaTest, AnUnknownFactFailsBeforeInvoking) {
  StepResult result = Run(InvokeSpec(R"({"x": ["${nope.endpoint}"]})"));
  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_THAT(result.error.ToString(), HasSubstr("${nope.endpoint} is not a fact"));
  EXPECT_TRUE(Invokes().empty());
}

TEST_F(InvokeLambdaTest, PlanInvokesNothing) {
  InvokeLambdaStep step(InvokeSpec("{}"), lambda_, facts_);
  StepResult result = step.Preview(h_.ctx);
  EXPECT_EQ(result.summary, "would invoke warm-cache");
  EXPECT_TRUE(Invokes().empty());
}

}  // namespace
}  // namespace drf
