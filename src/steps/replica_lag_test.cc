#include "steps/replica_lag.h"

#include <gtest/gtest.h>

#include "aws/credential_providers.h"
#include "steps/step_test_util.h"

namespace drf {
namespace {

ReplicaLagReading Measured(double latest, double max) {
  ReplicaLagReading reading;
  reading.latest_seconds = latest;
  reading.max_seconds = max;
  return reading;
}

ReplicaLagReading Unknown() {
  ReplicaLagReading reading;
  reading.unknown_why = "CloudWatch has no ReplicaLag for the last 5 minutes";
  return reading;
}

TEST(ReplicaLagTest, ReadsTheLastFiveMinutesUpToTheCurrentSecondNewestFirst) {
  steps_testing::StepHarness h;
  h.aws.Reply(services::kCloudWatch, "GetMetricData",
              FakeAws::QueryOk("GetMetricData",
                               "<MetricDataResults><member><Id>m1</Id><Timestamps>"
                               "<member>2026-12-06T16:05:00Z</member>"
                               "<member>2026-12-06T16:04:00Z</member></Timestamps><Values>"
                               "<member>12</member><member>40</member></Values>"
                               "</member></MetricDataResults>"));
  CloudWatchClient cloudwatch(h.client);
  ReplicaLagReading reading =
      ReadReplicaLag(cloudwatch, "dr-app-db", *ParseIso8601("2026-12-06T16:05:07.300Z"));
  EXPECT_EQ(reading.latest_seconds, 12);
  EXPECT_EQ(reading.max_seconds, 40);
  std::vector<AwsCall> calls = h.aws.Calls(services::kCloudWatch, "GetMetricData");
  ASSERT_EQ(calls.size(), 1u);
  // A point from 16:05:07.1 is inside the window.
  EXPECT_EQ(calls[0].Param("EndTime"), "2026-12-06T16:05:08Z");
  EXPECT_EQ(calls[0].Param("StartTime"), "2026-12-06T16:00:08Z");
}

TEST(ReplicaLagTest, WithinTheLimitPromotesQuietly) {
  LagVerdict verdict = JudgeReplicaLag("dr-app-db", Measured(300, 900), ReplicaLagGuard{});
  EXPECT_TRUE(verdict.refusal.ok());
  EXPECT_TRUE(verdict.warning.empty());
  EXPECT_EQ(verdict.evidence, nlohmann::json::parse(R"({"latest_seconds": 300.0,
      "max_seconds": 900.0, "limit_seconds": 300, "forced": false, "verdict": "within"})"));
}

TEST(ReplicaLagTest, OverTheLimitRefusesNamingTheLagAndTheOverride) {
  LagVerdict verdict = JudgeReplicaLag("dr-app-db", Measured(301, 420), ReplicaLagGuard{});
  ASSERT_FALSE(verdict.refusal.ok());
  EXPECT_EQ(verdict.refusal.code(), StatusCode::kRejected);
  EXPECT_EQ(verdict.refusal.message(),
            "replica lag 301 s (CloudWatch ReplicaLag, last 5 minutes: latest 301 s, max 420 s) "
            "is over max_replica_lag 300 s: not promoting dr-app-db, which would lose the "
            "writes it has not received yet; wait for it to catch up, or --force (CLI) or "
            "\"force\": true (Lambda event) promotes it anyway");
  EXPECT_EQ(verdict.evidence["verdict"], "over");
}

TEST(ReplicaLagTest, ForcedPromotesOverTheLimitWithAWarning) {
  ReplicaLagGuard guard;
  guard.forced = true;
  LagVerdict verdict = JudgeReplicaLag("dr-app-db", Measured(900, 900), guard);
  EXPECT_TRUE(verdict.refusal.ok());
  EXPECT_NE(verdict.warning.find("promoting dr-app-db anyway (forced)"), std::string::npos)
      << verdict.warning;
  EXPECT_EQ(verdict.evidence["forced"], true);
}

TEST(ReplicaLagTest, UnknownLagProceedsWithAWarningOrRefusesAsConfigured) {
  LagVerdict proceed = JudgeReplicaLag("dr-app-db", Unknown(), ReplicaLagGuard{});
  EXPECT_TRUE(proceed.refusal.ok());
  EXPECT_EQ(proceed.warning,
            "replica lag of dr-app-db unknown (CloudWatch has no ReplicaLag for the last 5 "
            "minutes): promoting without the lag check (on_unknown_lag: proceed)");
  EXPECT_EQ(proceed.evidence["verdict"], "unknown");
  EXPECT_EQ(proceed.evidence["latest_seconds"], nullptr);

  ReplicaLagGuard refuse;
  refuse.refuse_unknown = true;
  LagVerdict refused = JudgeReplicaLag("dr-app-db", Unknown(), refuse);
  ASSERT_FALSE(refused.refusal.ok());
  EXPECT_NE(refused.refusal.message().find("on_unknown_lag is refuse"), std::string::npos);

  refuse.forced = true;
  EXPECT_TRUE(JudgeReplicaLag("dr-app-db", Unknown(), refuse).refusal.ok());
}

}  // namespace
}  // namespace drf
