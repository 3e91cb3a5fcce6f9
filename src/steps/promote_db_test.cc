#include "steps/promote_db.h"

#include <gtest/gtest.h>

#include "steps/step_test_util.h"

namespace drf {
namespace {

using steps_testing::DbXml;
using steps_testing::DescribeDb;
using steps_testing::StepHarness;

constexpr char kDb[] = "dr-app-db";
constexpr char kSource[] = "arn:aws:rds:eu-west-1:123456789012:db:prod-app-db";

StepSpec PromoteSpec(std::optional<int> retention = std::nullopt) {
  StepSpec spec;
  spec.id = "promote-db:dr-app-db";
  spec.kind = StepKind::kPromoteDb;
  spec.detail = PromoteDbSpec{kDb, retention, std::nullopt, {}, {}, {}};
  return spec;
}

class PromoteDbTest : public ::testing::Test {
 protected:
  void PromoteAnswers(HttpResponse reply) {
    h_.aws.Reply(services::kRds, "PromoteReadReplica", std::move(reply));
  }
  void Describes(std::vector<HttpResponse> replies) {
    h_.aws.Replies(services::kRds, "DescribeDBInstances", std::move(replies));
  }
  int Promotes() const { return h_.aws.Count(services::kRds, "PromoteReadReplica"); }

  StepHarness h_;
  PromoteDbStep step_{PromoteSpec(), h_.rds};
};

TEST_F(PromoteDbTest, WaitsPastTheAvailableRightAfterThePromoteCall) {
  PromoteAnswers(
      FakeAws::QueryOk("PromoteReadReplica", DbXml(kDb, "available", kSource), "req-promote"));
  Describes({DescribeDb(kDb, "available", kSource),  // before: a replica
             DescribeDb(kDb, "available", kSource),  // right after the call: NOT done
             DescribeDb(kDb, "modifying", kSource),
             DescribeDb(kDb, "modifying", ""),    // source gone, still settling
             DescribeDb(kDb, "available", "")});  // done

  StepResult result = step_.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Promotes(), 1);
  EXPECT_EQ(h_.aws.Count(services::kRds, "DescribeDBInstances"), 5);
  EXPECT_EQ(h_.log.Lines(),
            (std::vector<std::string>{
                "INFO: Promoting RDS read replica dr-app-db to standalone instance",
                "INFO: Successfully initiated promotion of dr-app-db",
                "INFO: Waiting for dr-app-db to complete promotion...",
                "INFO: RDS instance dr-app-db successfully promoted to standalone instance"}));
  ASSERT_EQ(result.calls.size(), 1u);
  EXPECT_EQ(result.calls[0].operation, "RDS.PromoteReadReplica");
  EXPECT_EQ(result.calls[0].resource, kDb);
  EXPECT_EQ(result.calls[0].request_id, "req-promote");
  EXPECT_EQ(result.before, (nlohmann::json{{"status", "available"}, {"replica_source", kSource}}));
  EXPECT_EQ(result.after, (nlohmann::json{{"status", "available"}, {"replica_source", ""}}));
  EXPECT_EQ(result.changes.size(), 1u);
  EXPECT_EQ(result.summary, std::string("promoted dr-app-db (was replica of ") + kSource + ")");
  // Three sleeps between four polls, on the promotion's close schedule: 100, 103 and
  // 106.09 ms.
  EXPECT_EQ(h_.clock.sleeps().size(), 3u);
  EXPECT_EQ(result.waiting, std::chrono::microseconds(309090));
  EXPECT_TRUE(h_.aws.Unscripted().empty());
}

// The replica-lag guard (steps/replica_lag.h), with CloudWatch answering `lag` seconds.
class PromoteDbLagTest : public PromoteDbTest {
 protected:
  void LagIs(const std::string& lag) {
    std::string series =
        "<MetricDataResults><member><Id>m1</Id><Timestamps><member>2026-12-06T16:04:00Z"
        "</member></Timestamps><Values><member>" +
        lag +
        "</member></Values><StatusCode>Complete</StatusCode></member>"
        "</MetricDataResults>";
    h_.aws.Reply(services::kCloudWatch, "GetMetricData", FakeAws::QueryOk("GetMetricData", series));
  }
  StepSpec Guarded(bool forced) {
    StepSpec spec = PromoteSpec();
    std::get<PromoteDbSpec>(spec.detail).replica_lag.forced = forced;
    return spec;
  }

  CloudWatchClient cloudwatch_{h_.client};
};

TEST_F(PromoteDbLagTest, AReplicaLaggingOverTheLimitIsNotPromoted) {
  LagIs("900");
  Describes({DescribeDb(kDb, "available", kSource)});
  PromoteDbStep step(Guarded(false), h_.rds, &cloudwatch_);

  StepResult result = step.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(Promotes(), 0);
  EXPECT_NE(result.error.message().find("replica lag 900 s"), std::string::npos)
      << result.error.ToString();
  EXPECT_EQ(result.checks["replica_lag"]["verdict"], "over");
  std::vector<AwsCall> reads = h_.aws.Calls(services::kCloudWatch, "GetMetricData");
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0].Param("MetricDataQueries.member.1.MetricStat.Metric.MetricName"),
            "ReplicaLag");
  EXPECT_EQ(
      reads[0].Param("MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value"),
      kDb);
  // The plan shows the same refusal.
  EXPECT_EQ(PromoteDbStep(Guarded(false), h_.rds, &cloudwatch_).Preview(h_.ctx).state,
            StepState::kFailed);
}

TEST_F(PromoteDbLagTest, ForcedItIsPromotedAndTheWarningLogged) {
  LagIs("900");
  PromoteAnswers(FakeAws::QueryOk("PromoteReadReplica", DbXml(kDb, "modifying", kSource)));
  Describes({DescribeDb(kDb, "available", kSource), DescribeDb(kDb, "available", kSource),
             DescribeDb(kDb, "available", "")});
  PromoteDbStep step(Guarded(true), h_.rds, &cloudwatch_);

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Promotes(), 1);
  EXPECT_EQ(result.checks["replica_lag"]["forced"], true);
  EXPECT_NE(h_.log.Lines().front().find("anyway (forced)"), std::string::npos)
      << h_.log.Lines().front();
}

// Another run (or a killed one's last call) started the promotion while the lag was read:
// the step waits for it instead of sending PromoteReadReplica again.
TEST_F(PromoteDbLagTest, APromotionStartedDuringTheLagReadIsWaitedFor) {
  LagIs("10");
  Describes({DescribeDb(kDb, "available", kSource), DescribeDb(kDb, "modifying", kSource),
             DescribeDb(kDb, "available", "")});
  PromoteDbStep step(Guarded(false), h_.rds, &cloudwatch_);
  StepResult result = step.Run(h_.ctx);
  EXPECT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Promotes(), 0);
}

TEST_F(PromoteDbLagTest, NoLagReadForAnInstanceThatIsNotAReplica) {
  Describes({DescribeDb(kDb, "available", "")});
  PromoteDbStep step(Guarded(false), h_.rds, &cloudwatch_);
  EXPECT_EQ(step.Run(h_.ctx).state, StepState::kUnchanged);
  EXPECT_EQ(h_.aws.Count(services::kCloudWatch, "GetMetricData"), 0);
}

// A resumed run finds its own promotion under way: it waits for it, whatever the lag.
TEST_F(PromoteDbLagTest, APromotionAlreadyUnderWayIsWaitedForNotJudged) {
  LagIs("900");
  Describes({DescribeDb(kDb, "modifying", kSource), DescribeDb(kDb, "available", "")});
  PromoteDbStep step(Guarded(false), h_.rds, &cloudwatch_);
  StepResult result = step.Run(h_.ctx);
  EXPECT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Promotes(), 0);
  EXPECT_EQ(h_.aws.Count(services::kCloudWatch, "GetMetricData"), 0);
}

TEST_F(PromoteDbTest, SendsBackupSettings) {
  PromoteDbStep step(PromoteSpec(7), h_.rds);
  PromoteAnswers(FakeAws::QueryOk("PromoteReadReplica", DbXml(kDb, "modifying", kSource)));
  Describes({DescribeDb(kDb, "available", kSource), DescribeDb(kDb, "available", "")});

  StepResult result = step.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  std::vector<AwsCall> calls = h_.aws.Calls(services::kRds, "PromoteReadReplica");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].Param("DBInstanceIdentifier"), kDb);
  EXPECT_EQ(calls[0].Param("BackupRetentionPeriod"), "7");
  EXPECT_EQ(calls[0].params.count("PreferredBackupWindow"), 0u);
}

TEST_F(PromoteDbTest, AlreadyPromotingIsWaitedForNotFailed) {
  PromoteAnswers(
      FakeAws::QueryError(400, "InvalidDBInstanceState", "DB Instance is not in available state."));
  Describes({DescribeDb(kDb, "available", kSource), DescribeDb(kDb, "modifying", kSource),
             DescribeDb(kDb, "rebooting", kSource), DescribeDb(kDb, "available", "")});

  StepResult result = step_.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Promotes(), 1);           // never sent again
  EXPECT_TRUE(result.calls.empty());  // the rejected call changed nothing
  EXPECT_NE(result.summary.find("already under way"), std::string::npos) << result.summary;
  std::vector<std::string> lines = h_.log.Lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[1],
            "WARN: Promotion of dr-app-db is already under way (DB Instance is not in available "
            "state.); waiting for it instead");
  EXPECT_EQ(lines[3], "INFO: RDS instance dr-app-db successfully promoted to standalone instance");
}

TEST_F(PromoteDbTest, AlreadyPromotedByAnotherRunIsDone) {
  PromoteAnswers(FakeAws::QueryError(400, "InvalidDBInstanceState", "not a read replica"));
  Describes({DescribeDb(kDb, "available", kSource), DescribeDb(kDb, "available", "")});

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Promotes(), 1);
  EXPECT_TRUE(h_.clock.sleeps().empty());
}

// A resumed run (the previous one was killed after its PromoteReadReplica took effect)
// finds the replica "modifying": it waits for that promotion and never calls again.
TEST_F(PromoteDbTest, BusyReplicaIsWaitedForNotPromotedAgain) {
  Describes({DescribeDb(kDb, "modifying", kSource), DescribeDb(kDb, "modifying", kSource),
             DescribeDb(kDb, "modifying", ""), DescribeDb(kDb, "available", "")});

  StepResult result = step_.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Promotes(), 0);
  EXPECT_TRUE(result.calls.empty());
  EXPECT_NE(result.summary.find("already under way"), std::string::npos) << result.summary;
  EXPECT_EQ(result.before, (nlohmann::json{{"status", "modifying"}, {"replica_source", kSource}}));
  EXPECT_EQ(result.after, (nlohmann::json{{"status", "available"}, {"replica_source", ""}}));
  EXPECT_EQ(h_.log.Lines(),
            (std::vector<std::string>{
                "INFO: RDS read replica dr-app-db has status modifying: its promotion may "
                "already be under way; waiting for it to settle",
                "INFO: RDS instance dr-app-db successfully promoted to standalone instance"}));
  EXPECT_TRUE(h_.aws.Unscripted().empty());
}

// A replica busy with something else settles "available" and still a replica: promoted.
TEST_F(PromoteDbTest, BusyReplicaThatSettlesAsAReplicaIsPromoted) {
  PromoteAnswers(FakeAws::QueryOk("PromoteReadReplica", DbXml(kDb, "modifying", kSource)));
  Describes({DescribeDb(kDb, "backing-up", kSource), DescribeDb(kDb, "available", kSource),
             DescribeDb(kDb, "available", "")});

  StepResult result = step_.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Promotes(), 1);
  ASSERT_EQ(result.calls.size(), 1u);
  EXPECT_EQ(result.summary, std::string("promoted dr-app-db (was replica of ") + kSource + ")");
}

// A busy replica that fails instead of settling fails the step, without a call.
TEST_F(PromoteDbTest, BusyReplicaThatEntersATerminalStatusFails) {
  Describes({DescribeDb(kDb, "modifying", kSource), DescribeDb(kDb, "failed", kSource)});

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(Promotes(), 0);
  EXPECT_NE(result.error.message().find("failed"), std::string::npos) << result.error.ToString();
}

TEST_F(PromoteDbTest, TerminalStatusWhileWaitingFails) {
  PromoteAnswers(FakeAws::QueryOk("PromoteReadReplica", DbXml(kDb, "available", kSource)));
  Describes({DescribeDb(kDb, "available", kSource), DescribeDb(kDb, "modifying", kSource),
             DescribeDb(kDb, "incompatible-parameters", kSource)});

  StepResult result = step_.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(result.error.code(), StatusCode::kRejected);
  EXPECT_EQ(result.error.message(), "db dr-app-db: entered status incompatible-parameters");
  EXPECT_EQ(result.calls.size(), 1u);
  EXPECT_EQ(Promotes(), 1);
  EXPECT_EQ(h_.log.Lines().back(),
            "ERROR: db dr-app-db failed: Rejected: entered status incompatible-parameters");
}

TEST_F(PromoteDbTest, TerminalStatusBeforePromotingFailsWithoutCalling) {
  Describes({DescribeDb(kDb, "storage-full", kSource)});

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_NE(result.error.message().find("storage-full"), std::string::npos);
  EXPECT_EQ(Promotes(), 0);
}

TEST_F(PromoteDbTest, NotAReplicaIsUnchangedWithAWarning) {
  Describes({DescribeDb(kDb, "available", "")});

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kUnchanged);
  EXPECT_EQ(result.summary, "not a read replica, nothing to do");
  EXPECT_EQ(Promotes(), 0);
  EXPECT_TRUE(result.calls.empty());
  EXPECT_EQ(h_.log.Lines(), (std::vector<std::string>{
                                "WARN: RDS instance dr-app-db is not a read replica, nothing to "
                                "promote"}));
}

TEST_F(PromoteDbTest, NotAReplicaStillSettlingIsWaitedOut) {
  // A resumed run after an interrupted promotion: the source is gone, the reboot is not.
  Describes({DescribeDb(kDb, "rebooting", ""), DescribeDb(kDb, "available", "")});

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kUnchanged);
  EXPECT_EQ(Promotes(), 0);
  EXPECT_EQ(result.after["status"], "available");
}

TEST_F(PromoteDbTest, MissingInstanceFailsNamingIt) {
  Describes({FakeAws::QueryError(404, "DBInstanceNotFound", "DBInstance dr-app-db not found.")});

  StepResult result = step_.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(result.error.code(), StatusCode::kNotFound);
  EXPECT_NE(result.error.message().find(kDb), std::string::npos);
  ASSERT_NE(result.error.aws(), nullptr);
  EXPECT_EQ(result.error.aws()->code, "DBInstanceNotFound");
  EXPECT_EQ(Promotes(), 0);
}

TEST_F(PromoteDbTest, OtherPromoteErrorsFailWithTheAwsDetails) {
  PromoteAnswers(FakeAws::QueryError(403, "AccessDenied", "not authorized"));
  Describes({DescribeDb(kDb, "available", kSource)});

  StepResult result = step_.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kFailed);
  ASSERT_NE(result.error.aws(), nullptr);
  EXPECT_EQ(result.error.aws()->code, "AccessDenied");
  EXPECT_EQ(result.error.aws()->operation, "PromoteReadReplica");
  EXPECT_EQ(Promotes(), 1);
}

TEST_F(PromoteDbTest, DeadlineWhileWaitingIsATimeoutThatKeepsTheCall) {
  h_.SetTimeout(std::chrono::seconds(30));
  PromoteAnswers(FakeAws::QueryOk("PromoteReadReplica", DbXml(kDb, "available", kSource), "r-1"));
  Describes({DescribeDb(kDb, "available", kSource), DescribeDb(kDb, "modifying", kSource)});

  StepResult result = step_.Run(h_.ctx);

  ASSERT_EQ(result.state, StepState::kTimedOut);
  EXPECT_EQ(result.error.code(), StatusCode::kTimedOut);
  EXPECT_EQ(result.calls.size(), 1u);
  EXPECT_EQ(Promotes(), 1);
  EXPECT_EQ(result.summary.rfind("promotion of dr-app-db initiated; last seen status modifying, "
                                 "still a replica; ",
                                 0),
            0u)
      << result.summary;
  EXPECT_EQ(h_.clock.total_slept(), std::chrono::seconds(30));
}

TEST_F(PromoteDbTest, CancelledRunMakesNoCallAndIsNotRun) {
  h_.cancel.Cancel();

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kNotRun);
  EXPECT_EQ(result.error.code(), StatusCode::kCancelled);
  EXPECT_EQ(h_.http.request_count(), 0u);
}

TEST_F(PromoteDbTest, CancelAfterPromotingIsAFailureNotAClean) {
  PromoteAnswers(FakeAws::QueryOk("PromoteReadReplica", DbXml(kDb, "available", kSource)));
  int describes = 0;
  h_.aws.On(services::kRds, "DescribeDBInstances", [&](const AwsCall&) {
    if (++describes == 3) h_.cancel.Cancel();
    return DescribeDb(kDb, describes == 1 ? "available" : "modifying", kSource);
  });

  StepResult result = step_.Run(h_.ctx);

  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(result.error.code(), StatusCode::kCancelled);
  EXPECT_EQ(result.calls.size(), 1u);
}

TEST_F(PromoteDbTest, PreviewNamesTheSourceAndCallsNothingMutating) {
  Describes({DescribeDb(kDb, "available", kSource)});

  StepResult result = step_.Preview(h_.ctx);

  EXPECT_EQ(result.state, StepState::kSucceeded);
  EXPECT_EQ(result.summary, std::string("would promote dr-app-db (replica of ") + kSource + ")");
  EXPECT_EQ(result.changes, std::vector<std::string>{result.summary});
  EXPECT_EQ(Promotes(), 0);
}

TEST_F(PromoteDbTest, PreviewOfANonReplica) {
  Describes({DescribeDb(kDb, "available", "")});

  StepResult result = step_.Preview(h_.ctx);

  EXPECT_EQ(result.state, StepState::kUnchanged);
  EXPECT_EQ(result.summary, "not a replica: nothing to do");
  EXPECT_TRUE(result.changes.empty());
}

TEST(IsTerminalDbStatusTest, KnowsTheDeadEnds) {
  for (const char* s :
       {"failed", "incompatible-restore", "incompatible-parameters", "incompatible-network",
        "incompatible-option-group", "storage-full", "deleting", "deleted"}) {
    EXPECT_TRUE(IsTerminalDbStatus(s)) << s;
  }
  for (const char* s : {"available", "modifying", "rebooting", "backing-up", "creating"}) {
    EXPECT_FALSE(IsTerminalDbStatus(s)) << s;
  }
}

}  // namespace
}  // namespace drf
