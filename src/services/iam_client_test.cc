#include "services/iam_client.h"

#include <gtest/gtest.h>

#include "services/services_test_util.h"

namespace drf {
namespace {

using services_testing::AwsHarness;
using services_testing::ExpectAllSameAsBotocore;
using services_testing::OracleCase;
using services_testing::QueryError;
using services_testing::QueryReply;

constexpr char kRole[] = "arn:aws:iam::123456789012:role/dr-failover";

std::string EvaluationResult(const std::string& action, const std::string& decision) {
  return "<member><EvalActionName>" + action +
         "</EvalActionName><EvalResourceName>*</EvalResourceName><EvalDecision>" + decision +
         "</EvalDecision><MatchedStatements/><MissingContextValues/></member>";
}

class IamClientTest : public ::testing::Test {
 protected:
  AwsHarness harness_;
  IamClient iam_{harness_.aws};
};

TEST_F(IamClientTest, SimulateReadsEveryDecisionAcrossMarkerPages) {
  harness_.http.Enqueue(
      200,
      QueryReply("SimulatePrincipalPolicy",
                 "<EvaluationResults>" + EvaluationResult("rds:PromoteReadReplica", "allowed") +
                     "</EvaluationResults><IsTruncated>true</IsTruncated><Marker>m1</Marker>")
          .body);
  harness_.http.Enqueue(200, QueryReply("SimulatePrincipalPolicy",
                                        "<EvaluationResults>" +
                                            EvaluationResult("ecs:UpdateService", "implicitDeny") +
                                            "</EvaluationResults><IsTruncated>false</IsTruncated>")
                                 .body);
  auto results =
      iam_.SimulatePrincipalPolicy(kRole, {"rds:PromoteReadReplica", "ecs:UpdateService"}, {"*"});
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  ASSERT_EQ(results->size(), 2u);
  EXPECT_EQ((*results)[0].action, "rds:PromoteReadReplica");
  EXPECT_EQ((*results)[0].decision, "allowed");
  EXPECT_EQ((*results)[1].decision, "implicitDeny");
  EXPECT_EQ((*results)[1].resource, "*");
  nlohmann::json first = {{"PolicySourceArn", kRole},
                          {"ActionNames", {"rds:PromoteReadReplica", "ecs:UpdateService"}},
                          {"ResourceArns", {"*"}}};
  nlohmann::json second = first;
  second["Marker"] = "m1";
  ExpectAllSameAsBotocore(harness_.http.requests(),
                          {OracleCase("iam", "SimulatePrincipalPolicy", first),
                           OracleCase("iam", "SimulatePrincipalPolicy", second)});
}

TEST_F(IamClientTest, SeveralResourcesGetADecisionEach) {
  harness_.http.Enqueue(
      200, QueryReply("SimulatePrincipalPolicy",
                      "<EvaluationResults><member><EvalActionName>ecs:UpdateService"
                      "</EvalActionName><EvalDecision>implicitDeny</EvalDecision>"
                      "<ResourceSpecificResults>"
                      "<member><EvalResourceName>arn:svc/a</EvalResourceName>"
                      "<EvalResourceDecision>allowed</EvalResourceDecision></member>"
                      "<member><EvalResourceName>arn:svc/b</EvalResourceName>"
                      "<EvalResourceDecision>implicitDeny</EvalResourceDecision></member>"
                      "</ResourceSpecificResults></member></EvaluationResults>"
                      "<IsTruncated>false</IsTruncated>")
               .body);
  auto results =
      iam_.SimulatePrincipalPolicy(kRole, {"ecs:UpdateService"}, {"arn:svc/a", "arn:svc/b"});
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  ASSERT_EQ(results->size(), 2u);
  EXPECT_EQ((*results)[0].resource, "arn:svc/a");
  EXPECT_EQ((*results)[0].decision, "allowed");
  EXPECT_EQ((*results)[1].resource, "arn:svc/b");
  EXPECT_EQ((*results)[1].decision, "implicitDeny");
  ExpectAllSameAsBotocore(harness_.http.requests(),
                          {OracleCase("iam", "SimulatePrincipalPolicy",
                                      {{"PolicySourceArn", kRole},
                                       {"ActionNames", {"ecs:UpdateService"}},
                                       {"ResourceArns", {"arn:svc/a", "arn:svc/b"}}})});
}

TEST_F(IamClientTest, UnknownPrincipalIsNotFound) {
  HttpResponse error = QueryError(404, "NoSuchEntity", "The role with name x cannot be found.");
  harness_.http.Enqueue(error.status, error.body, error.headers);
  auto results = iam_.SimulatePrincipalPolicy(kRole, {"rds:PromoteReadReplica"}, {"*"});
  ASSERT_FALSE(results.ok());
  EXPECT_EQ(results.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace drf
