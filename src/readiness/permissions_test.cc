#include "readiness/permissions.h"

#include <gtest/gtest.h>

#include "steps/step_test_util.h"

namespace drf {
namespace {

TEST(PolicyPrincipalTest, UsersAndRolesAsIsAssumedRolesAsTheirRole) {
  EXPECT_EQ(PolicyPrincipal("arn:aws:iam::123456789012:user/ops/alice"),
            "arn:aws:iam::123456789012:user/ops/alice");
  EXPECT_EQ(PolicyPrincipal("arn:aws:iam::123456789012:role/dr"),
            "arn:aws:iam::123456789012:role/dr");
  EXPECT_EQ(PolicyPrincipal("arn:aws-cn:sts::123456789012:assumed-role/dr-failover/i-1"),
            "arn:aws-cn:iam::123456789012:role/dr-failover");
  EXPECT_EQ(PolicyPrincipal("arn:aws:iam::123456789012:root"), "");
  EXPECT_EQ(PolicyPrincipal("arn:aws:sts::123456789012:federated-user/bob"), "");
  EXPECT_EQ(PolicyPrincipal("not an arn"), "");
}

std::string Member(const std::string& action, const std::string& resource,
                   const std::string& decision) {
  return "<member><EvalActionName>" + action + "</EvalActionName><EvalResourceName>" + resource +
         "</EvalResourceName><EvalDecision>" + decision + "</EvalDecision></member>";
}

class PermissionsTest : public ::testing::Test {
 protected:
  void Caller(const std::string& arn) {
    h_.aws.Reply(services::kSts, "GetCallerIdentity",
                 FakeAws::QueryOk("GetCallerIdentity",
                                  "<Arn>" + arn + "</Arn><Account>123456789012</Account>"));
  }

  std::vector<StepReadiness> Steps() {
    StepReadiness db{"promote-db:db", "promote_db", {}, {}};
    db.needs = {{"rds:PromoteReadReplica", "arn:db", false},
                {"cloudwatch:GetMetricData", "*", true}};
    StepReadiness ecs{"scale-ecs:dr/web", "scale_ecs", {}, {}};
    ecs.needs = {{"ecs:DescribeServices", "*", false}, {"ecs:UpdateService", "arn:svc", false}};
    return {db, ecs};
  }

  steps_testing::StepHarness h_;
  StsClient sts_{h_.client};
  IamClient iam_{h_.client};
};

TEST_F(PermissionsTest, EachStepNamesWhatIsDeniedOneSimulationPerResource) {
  Caller("arn:aws:sts::123456789012:assumed-role/dr-failover/session");
  h_.aws.On(services::kIam, "SimulatePrincipalPolicy", [](const AwsCall& call) {
    const std::string resource = call.Param("ResourceArns.member.1");
    std::string members;
    for (int i = 1; !call.Param("ActionNames.member." + std::to_string(i)).empty(); ++i) {
      const std::string action = call.Param("ActionNames.member." + std::to_string(i));
      const bool denied = action == "ecs:UpdateService" || action == "cloudwatch:GetMetricData";
      members += Member(action, resource, denied ? "implicitDeny" : "allowed");
    }
    return FakeAws::QueryOk("SimulatePrincipalPolicy",
                            "<EvaluationResults>" + members + "</EvaluationResults>");
  });
  std::vector<StepReadiness> steps = Steps();
  PermissionsSummary summary = CheckPermissions(steps, sts_, iam_);
  EXPECT_TRUE(summary.verified);
  EXPECT_EQ(summary.principal, "arn:aws:iam::123456789012:role/dr-failover");
  EXPECT_EQ(summary.actions_checked, 4);
  EXPECT_EQ(h_.aws.Count(services::kIam, "SimulatePrincipalPolicy"), 3);  // arn:db, arn:svc, *
  // The lag read is optional: its denial is a warning.
  EXPECT_EQ(steps[0].findings.back().verdict, Verdict::kWarning);
  EXPECT_EQ(steps[1].findings.back().verdict, Verdict::kNotReady);
  EXPECT_EQ(steps[1].findings.back().message,
            "arn:aws:iam::123456789012:role/dr-failover is denied ecs:UpdateService on arn:svc "
            "(implicitDeny)");
}

TEST_F(PermissionsTest, ResourcesNeedingTheSameActionsShareACall) {
  Caller("arn:aws:iam::123456789012:role/dr");
  h_.aws.On(services::kIam, "SimulatePrincipalPolicy", [](const AwsCall& call) {
    std::string members;
    for (int i = 1; !call.Param("ResourceArns.member." + std::to_string(i)).empty(); ++i) {
      const std::string resource = call.Param("ResourceArns.member." + std::to_string(i));
      members += "<member><EvalResourceName>" + resource + "</EvalResourceName>" +
                 "<EvalResourceDecision>" + (resource == "arn:svc/b" ? "explicitDeny" : "allowed") +
                 "</EvalResourceDecision></member>";
    }
    return FakeAws::QueryOk("SimulatePrincipalPolicy",
                            "<EvaluationResults><member><EvalActionName>ecs:UpdateService"
                            "</EvalActionName><EvalDecision>explicitDeny</EvalDecision>"
                            "<ResourceSpecificResults>" +
                                members +
                                "</ResourceSpecificResults></member></EvaluationResults>");
  });
  std::vector<StepReadiness> steps;
  for (const char* name : {"a", "b", "c"}) {
    StepReadiness step{std::string("scale-ecs:dr/") + name, "scale_ecs", {}, {}};
    step.needs = {{"ecs:UpdateService", std::string("arn:svc/") + name, false}};
    steps.push_back(step);
  }
  PermissionsSummary summary = CheckPermissions(steps, sts_, iam_);
  EXPECT_EQ(h_.aws.Count(services::kIam, "SimulatePrincipalPolicy"), 1);
  EXPECT_EQ(summary.actions_checked, 3);
  EXPECT_EQ(steps[0].findings.back().verdict, Verdict::kReady);
  EXPECT_EQ(steps[1].findings.back().verdict, Verdict::kNotReady);
  EXPECT_EQ(steps[2].findings.back().verdict, Verdict::kReady);
}

TEST_F(PermissionsTest, ASimulatorItMayNotUseLeavesThemUnverifiedNeverPassed) {
  Caller("arn:aws:iam::123456789012:user/ops");
  h_.aws.Reply(services::kIam, "SimulatePrincipalPolicy",
               FakeAws::QueryError(403, "AccessDenied",
                                   "User: arn:aws:iam::123456789012:user/ops is not authorized to "
                                   "perform: iam:SimulatePrincipalPolicy"));
  std::vector<StepReadiness> steps = Steps();
  PermissionsSummary summary = CheckPermissions(steps, sts_, iam_);
  EXPECT_FALSE(summary.verified);
  EXPECT_NE(summary.unverified_why.find("iam:SimulatePrincipalPolicy"), std::string::npos);
  EXPECT_TRUE(steps[0].findings.empty());
  Finding finding = UnverifiedFinding(summary);
  EXPECT_EQ(finding.verdict, Verdict::kWarning);
  EXPECT_NE(finding.message.find("permissions not verifiable"), std::string::npos);
}

}  // namespace
}  // namespace drf
