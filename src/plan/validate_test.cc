#include "plan/validate.h"

#include <gtest/gtest.h>

#include "testing/test_specs.h"

namespace drf {
namespace {

using std::chrono::seconds;

template <typename Check>
bool Valid(Check check, std::string_view value) {
  ConfigErrors errors;
  bool ok = check("field", value, errors);
  EXPECT_EQ(ok, errors.empty());
  return ok;
}

TEST(ValidateTest, DbInstanceIdentifiers) {
  for (const char* good : {"dr-app-db", "a", "Db1"}) {
    EXPECT_TRUE(Valid(CheckDbInstanceIdentifier, good)) << good;
  }
  for (std::string bad :
       std::vector<std::string>{"", "1db", "db--x", "db-", "db_x", std::string(64, 'a')}) {
    EXPECT_FALSE(Valid(CheckDbInstanceIdentifier, bad)) << bad;
  }
  EXPECT_TRUE(Valid(CheckDbInstanceIdentifier, std::string(63, 'a')));
}

TEST(ValidateTest, AsgAndEcsNames) {
  EXPECT_TRUE(Valid(CheckAsgName, "dr jenkins (v2)"));
  EXPECT_TRUE(Valid(CheckAsgName, std::string(255, 'a')));
  for (std::string bad : std::vector<std::string>{"", "tab\there", std::string(256, 'a')}) {
    EXPECT_FALSE(Valid(CheckAsgName, bad)) << bad;
  }
  EXPECT_TRUE(Valid(CheckEcsName, "user_service-2"));
  for (const char* bad : {"", "user service", "dr/frontend", "a.b"}) {
    EXPECT_FALSE(Valid(CheckEcsName, bad)) << bad;
  }
}

TEST(ValidateTest, TargetGroupArns) {
  for (const char* good :
       {"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/dr-jenkins/"
        "73e2d6bc24d8a067",
        "arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:targetgroup/a/0f",
        "arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:123456789012:targetgroup/x-1/abc"}) {
    EXPECT_TRUE(Valid(CheckTargetGroupArn, good)) << good;
  }
  for (const char* bad :
       {"arn:aws:elasticloadbalancing:us-east-1:12345:targetgroup/tg/73e2",  // short account
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/lb/73e2",
        "arn:aws:ec2:us-east-1:123456789012:targetgroup/tg/73e2",
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/xyz",
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/-tg/73e2", "dr-jenkins"}) {
    EXPECT_FALSE(Valid(CheckTargetGroupArn, bad)) << bad;
  }
}

TEST(ValidateTest, BackupWindowAndStepIds) {
  EXPECT_TRUE(Valid(CheckBackupWindow, "03:00-04:30"));
  for (const char* bad : {"3:00-4:00", "24:00-01:00", "03:00", "03:60-04:00"}) {
    EXPECT_FALSE(Valid(CheckBackupWindow, bad)) << bad;
  }
  EXPECT_TRUE(Valid(CheckStepId, "scale-ecs:dr/frontend"));
  EXPECT_FALSE(Valid(CheckStepId, "has space"));
  EXPECT_FALSE(Valid(CheckStepId, ""));
}

TEST(ValidateTest, Durations) {
  EXPECT_EQ(ParseDuration("90"), seconds(90));
  EXPECT_EQ(ParseDuration("90s"), seconds(90));
  EXPECT_EQ(ParseDuration("15m"), seconds(900));
  EXPECT_EQ(ParseDuration("1h30m"), seconds(5400));
  EXPECT_EQ(ParseDuration("-5"), seconds(-5));
  for (const char* bad : {"", "m", "15x", "1h30", "1.5h", "9999999999"}) {
    EXPECT_FALSE(ParseDuration(bad)) << bad;
  }
}

TEST(ValidateTest, ErrorsAreCollectedAndJoined) {
  ConfigErrors errors;
  EXPECT_TRUE(errors.ToStatus("x").ok());
  errors.Add("steps[0].min", "-1", "an integer from 0 to 10");
  errors.AddMessage("dependency cycle: a -> b -> a");
  Status status = errors.ToStatus("invalid plan file p.yaml");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "invalid plan file p.yaml: 2 problems:\n"
            "steps[0].min: found -1, expected an integer from 0 to 10\n"
            "dependency cycle: a -> b -> a");
}

TEST(ValidateTest, QuoteEscapesAndCuts) {
  EXPECT_EQ(Quote("a\tb\"c"), "\"a\\x09b\\\"c\"");
  EXPECT_EQ(Quote(std::string(150, 'x')).size(), 100u + 5u);
}

TEST(ValidateTest, StepSpecReportsEveryBadField) {
  StepSpec step = test::Asg("dr-jenkins");
  auto& asg = std::get<ScaleAsgSpec>(step.detail);
  asg.min_size = 4;
  asg.max_size = 3;
  step.timeout = seconds(0);
  ConfigErrors errors;
  ValidateStepSpec(
      step, [](std::string_view f) { return "s." + std::string(f); }, errors);
  ASSERT_EQ(errors.messages().size(), 2u);
  EXPECT_EQ(errors.messages()[0], "s.min: found 4, expected at most max (3)");
  EXPECT_EQ(errors.messages()[1], "s.timeout: found 0s, expected a duration greater than 0");

  asg.min_size = 1;
  asg.desired_capacity = 5;
  step.timeout.reset();
  ConfigErrors more;
  ValidateStepSpec(
      step, [](std::string_view f) { return "s." + std::string(f); }, more);
  ASSERT_EQ(more.messages().size(), 1u);
  EXPECT_EQ(more.messages()[0], "s.desired: found 5, expected an integer from 1 to 3");
}

TEST(ValidateTest, RegistrationTypeMustMatchSource) {
  StepSpec step = test::RegisterFromEcs("tg", "dr", "frontend");
  std::get<RegisterTargetsSpec>(step.detail).target_type = "instance";
  ConfigErrors errors;
  ValidateStepSpec(
      step, [](std::string_view f) { return std::string(f); }, errors);
  ASSERT_EQ(errors.messages().size(), 1u);
  EXPECT_EQ(errors.messages()[0].rfind("type: found \"instance\" with an ECS service source", 0),
            0u);
}

TEST(ValidateTest, FindsAndNamesCycles) {
  using test::Asg;
  using test::WithId;
  EXPECT_TRUE(FindCycle({WithId(Asg("x"), "a"), WithId(Asg("x"), "b", {"a"})}).empty());
  auto cycle = FindCycle(
      {WithId(Asg("x"), "a", {"c"}), WithId(Asg("x"), "b", {"a"}), WithId(Asg("x"), "c", {"b"})});
  EXPECT_EQ(FormatCycle(cycle), "a -> c -> b -> a");
  EXPECT_EQ(FormatCycle(FindCycle({WithId(Asg("x"), "self", {"self"})})), "self -> self");
}

TEST(ValidateTest, TargetGroupNameFromArn) {
  EXPECT_EQ(TargetGroupNameFromArn(test::TgArn("dr-jenkins")), "dr-jenkins");
  EXPECT_EQ(TargetGroupNameFromArn("weird"), "weird");
}

}  // namespace
}  // namespace drf
