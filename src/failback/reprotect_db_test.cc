#include "failback/reprotect_db.h"

#include <gtest/gtest.h>

#include "steps/step_test_util.h"

namespace drf {
namespace {

using steps_testing::StepHarness;

constexpr char kPromotedArn[] = "arn:aws:rds:us-east-1:123456789012:db:dr-app-db";
constexpr char kFormerPrimary[] = "arn:aws:rds:eu-west-1:123456789012:db:app-primary";

StepSpec ReprotectSpec() {
  StepSpec spec;
  spec.id = "promote-db:dr-app-db";
  spec.kind = StepKind::kPromoteDb;
  spec.detail = PromoteDbSpec{"dr-app-db", std::nullopt, std::nullopt, {}, {}, {}};
  return spec;
}

HttpResponse ReprotectDb(const std::string& id, const std::string& arn, const std::string& status,
                         const std::string& source) {
  std::string xml = "<DBInstanceIdentifier>" + id + "</DBInstanceIdentifier><DBInstanceArn>" + arn +
                    "</DBInstanceArn><DBInstanceStatus>" + status + "</DBInstanceStatus>";
  if (!source.empty()) {
    xml += "<ReadReplicaSourceDBInstanceIdentifier>" + source +
           "</ReadReplicaSourceDBInstanceIdentifier>";
  }
  return FakeAws::QueryOk("DescribeDBInstances",
                          "<DBInstances><DBInstance>" + xml + "</DBInstance></DBInstances>");
}

TEST(RegionOfArnTest, IsTheFourthField) {
  EXPECT_EQ(RegionOfArn(kFormerPrimary), "eu-west-1");
  EXPECT_EQ(RegionOfArn("app-primary"), "");
}

class ReprotectDbTest : public ::testing::Test {
 protected:
  StepHarness h_;
  std::vector<std::string> regions_;
  ReprotectDbStep step_{ReprotectSpec(), h_.rds, [this](const std::string& region) {
                          regions_.push_back(region);
                          return Result<RdsClient*>(&h_.rds);
                        }};
};

TEST_F(ReprotectDbTest, CreatesAReplicaInTheFormerPrimarysRegionAndWaitsForIt) {
  // One FakeAws answers both regions: the calls are told apart by identifier.
  const std::string replica_arn = "arn:aws:rds:eu-west-1:123456789012:db:dr-app-db";
  h_.aws.Replies(services::kRds, "DescribeDBInstances",
                 {ReprotectDb("dr-app-db", kPromotedArn, "available", ""),
                  FakeAws::QueryError(404, "DBInstanceNotFound", "DBInstance dr-app-db not found"),
                  ReprotectDb("dr-app-db", replica_arn, "creating", kPromotedArn),
                  ReprotectDb("dr-app-db", replica_arn, "available", kPromotedArn)});
  h_.aws.Reply(services::kRds, "ListTagsForResource",
               FakeAws::QueryOk("ListTagsForResource",
                                "<TagList><Tag><Key>drfailover:standby</Key><Value>source=" +
                                    std::string(kFormerPrimary) + "</Value></Tag></TagList>"));
  h_.aws.Reply(services::kRds, "CreateDBInstanceReadReplica",
               FakeAws::QueryOk("CreateDBInstanceReadReplica",
                                "<DBInstance><DBInstanceIdentifier>dr-app-db</DBInstanceIdentifier>"
                                "<DBInstanceStatus>creating</DBInstanceStatus></DBInstance>",
                                "req-create"));

  StepResult result = step_.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(regions_, (std::vector<std::string>{"eu-west-1"}));
  std::vector<AwsCall> creates = h_.aws.Calls(services::kRds, "CreateDBInstanceReadReplica");
  ASSERT_EQ(creates.size(), 1u);
  EXPECT_EQ(creates[0].Param("DBInstanceIdentifier"), "dr-app-db");
  EXPECT_EQ(creates[0].Param("SourceDBInstanceIdentifier"), kPromotedArn);
  EXPECT_EQ(result.summary,
            "created read replica dr-app-db in eu-west-1 of " + std::string(kPromotedArn));
  EXPECT_EQ(result.after["replica_status"], "available");
}

TEST_F(ReprotectDbTest, WithoutARecordOfItsFormerPrimaryItStaysThePrimary) {
  h_.aws.Reply(services::kRds, "DescribeDBInstances",
               ReprotectDb("dr-app-db", kPromotedArn, "available", ""));
  h_.aws.Reply(services::kRds, "ListTagsForResource",
               FakeAws::QueryOk("ListTagsForResource", "<TagList/>"));

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kUnchanged);
  EXPECT_TRUE(result.calls.empty());
  EXPECT_NE(result.summary.find("no record of its former primary"), std::string::npos);
}

TEST_F(ReprotectDbTest, AnInstanceOfThatNameReplicatingFromElsewhereIsRefused) {
  h_.aws.Replies(services::kRds, "DescribeDBInstances",
                 {ReprotectDb("dr-app-db", kPromotedArn, "available", ""),
                  ReprotectDb("dr-app-db", "arn:aws:rds:eu-west-1:123456789012:db:dr-app-db",
                              "available", "arn:aws:rds:us-west-2:123456789012:db:other")});
  h_.aws.Reply(services::kRds, "ListTagsForResource",
               FakeAws::QueryOk("ListTagsForResource",
                                "<TagList><Tag><Key>drfailover:standby</Key><Value>source=" +
                                    std::string(kFormerPrimary) + "</Value></Tag></TagList>"));

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(h_.aws.Count(services::kRds, "CreateDBInstanceReadReplica"), 0);
  EXPECT_NE(result.error.message().find("give the plan another reprotect_identifier"),
            std::string::npos)
      << result.error.message();
}

}  // namespace
}  // namespace drf
