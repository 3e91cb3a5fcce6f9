#include "app/run_lease.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "aws/credential_providers.h"
#include "posix/system_clock.h"
#include "testing/aws_harness.h"
#include "testing/fake_aws.h"
#include "testing/log_capture.h"

namespace drf {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr char kTable[] = "dr-locks";
constexpr char kToken[] = "tok-ours";
constexpr char kConditionFailed[] =
    "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException";
const ServiceInfo& kDdb = services::kDynamoDb;

WallTime At(const char* text) { return *ParseIso8601(text); }
int64_t Epoch(const char* text) {
  return std::chrono::duration_cast<seconds>(At(text).time_since_epoch()).count();
}

HttpResponse ConditionFailed() {
  return FakeAws::JsonError(400, kConditionFailed, "The conditional request failed");
}
HttpResponse Ok() { return FakeAws::JsonOk(nlohmann::json::object()); }

// A GetItem reply holding the lease item.
HttpResponse LeaseItem(const std::string& holder, const std::string& token,
                       const std::string& started, const char* expires) {
  return FakeAws::JsonOk({{"Item",
                           {{"lock_id", {{"S", "lease"}}},
                            {"holder", {{"S", holder}}},
                            {"token", {{"S", token}}},
                            {"started_at", {{"S", started}}},
                            {"expires_at", {{"N", std::to_string(Epoch(expires))}}}}}});
}

HttpResponse NoItem() { return FakeAws::JsonOk(nlohmann::json::object()); }

const nlohmann::json kLeaseKey = {{"lock_id", {{"S", "lease"}}}};

class RunLeaseTest : public ::testing::Test {
 protected:
  RunLeaseTest() { harness_.clock.Advance(At("2026-12-06T18:00:00Z") - harness_.clock.Now()); }

  Status AcquireOk() {
    aws_.Reply(kDdb, "PutItem", Ok());
    return lease_.Acquire("host:42", minutes(5));
  }

  AwsHarness harness_;
  FakeAws aws_{harness_.http};
  DynamoDbClient dynamodb_{harness_.aws};
  RunLease lease_{dynamodb_, harness_.clock, kTable, kToken};
};

TEST_F(RunLeaseTest, AcquireOnEmptyTablePutsTheLeaseConditionally) {
  ASSERT_TRUE(AcquireOk().ok());
  EXPECT_TRUE(lease_.held());
  EXPECT_EQ(lease_.expires_at(), At("2026-12-06T18:05:00Z"));
  std::vector<AwsCall> puts = aws_.Calls(kDdb, "PutItem");
  ASSERT_EQ(puts.size(), 1u);
  EXPECT_EQ(
      puts[0].json,
      nlohmann::json({{"TableName", kTable},
                      {"Item",
                       {{"lock_id", {{"S", "lease"}}},
                        {"holder", {{"S", "host:42"}}},
                        {"token", {{"S", kToken}}},
                        {"started_at", {{"S", "2026-12-06T18:00:00Z"}}},
                        {"expires_at", {{"N", std::to_string(Epoch("2026-12-06T18:05:00Z"))}}}}},
                      {"ConditionExpression", "attribute_not_exists(lock_id) OR expires_at < :now"},
                      {"ExpressionAttributeValues",
                       {{":now", {{"N", std::to_string(Epoch("2026-12-06T18:00:00Z"))}}}}}}));
  EXPECT_EQ(aws_.Count(kDdb, "GetItem"), 0);
}

TEST_F(RunLeaseTest, AcquireHeldByAnotherNamesHolderStartAndExpiry) {
  aws_.Reply(kDdb, "PutItem", ConditionFailed());
  aws_.Reply(
      kDdb, "GetItem",
      LeaseItem("lambda:abc-123", "tok-theirs", "2026-12-06T17:58:00Z", "2026-12-06T18:03:00Z"));
  Status status = lease_.Acquire("host:42", minutes(5));
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "another failover holds the lease: lambda:abc-123, started 2026-12-06T17:58:00Z, "
            "expires 2026-12-06T18:03:00Z (table dr-locks)");
  EXPECT_FALSE(lease_.held());
  EXPECT_EQ(aws_.Count(kDdb, "PutItem"), 1);
  std::vector<AwsCall> reads = aws_.Calls(kDdb, "GetItem");
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0].json,
            nlohmann::json({{"TableName", kTable}, {"Key", kLeaseKey}, {"ConsistentRead", true}}));
}

TEST_F(RunLeaseTest, LeaseItemWithoutExpiryBlocks) {
  aws_.Reply(kDdb, "PutItem", ConditionFailed());
  aws_.Reply(
      kDdb, "GetItem",
      FakeAws::JsonOk({{"Item", {{"lock_id", {{"S", "lease"}}}, {"holder", {{"S", "ops"}}}}}}));
  Status status = lease_.Acquire("host:42", minutes(5));
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "another failover holds the lease: ops, started (unknown), expires (unknown) (table "
            "dr-locks)");
  EXPECT_EQ(aws_.Count(kDdb, "PutItem"), 1);
}

TEST_F(RunLeaseTest, AcquireAfterExpirySendsTheCurrentTime) {
  harness_.clock.Advance(minutes(10));
  ASSERT_TRUE(AcquireOk().ok());
  EXPECT_EQ(aws_.Calls(kDdb, "PutItem")[0].json["ExpressionAttributeValues"][":now"]["N"],
            std::to_string(Epoch("2026-12-06T18:10:00Z")));
}

// DynamoDB refused while the other lease was live; by the time it was read, it had expired.
TEST_F(RunLeaseTest, LeaseThatExpiredWhileReadingIsTriedOnceMore) {
  aws_.Replies(kDdb, "PutItem", {ConditionFailed(), Ok()});
  aws_.Reply(kDdb, "GetItem",
             LeaseItem("lambda:old", "tok-theirs", "2026-12-06T17:50:00Z", "2026-12-06T17:59:59Z"));
  ASSERT_TRUE(lease_.Acquire("host:42", minutes(5)).ok());
  EXPECT_TRUE(lease_.held());
  EXPECT_EQ(aws_.Count(kDdb, "PutItem"), 2);
}

TEST_F(RunLeaseTest, LeaseThatKeepsChangingHandsIsRetryable) {
  aws_.Reply(kDdb, "PutItem", ConditionFailed());
  aws_.Reply(kDdb, "GetItem", NoItem());
  Status status = lease_.Acquire("host:42", minutes(5));
  EXPECT_EQ(status.code(), StatusCode::kRetryable) << status.ToString();
  EXPECT_EQ(aws_.Count(kDdb, "PutItem"), 2);
}

// The first PutItem took effect but its reply was lost (a 500); the client's retry then
// fails the condition against our own item, and the read shows our token.
TEST_F(RunLeaseTest, OwnEarlierAttemptThatTookEffectHoldsTheLease) {
  AwsClientOptions options = harness_.Options(&harness_.http);
  options.retry.max_attempts = 3;
  AwsClient retrying(options);
  DynamoDbClient dynamodb(retrying);
  RunLease lease(dynamodb, harness_.clock, kTable, kToken);
  aws_.Replies(kDdb, "PutItem",
               {FakeAws::JsonError(500, "InternalServerError", "oops"), ConditionFailed()});
  aws_.Reply(kDdb, "GetItem",
             LeaseItem("host:42", kToken, "2026-12-06T18:00:00Z", "2026-12-06T18:05:00Z"));
  ASSERT_TRUE(lease.Acquire("host:42", minutes(5)).ok());
  EXPECT_TRUE(lease.held());
  EXPECT_EQ(lease.expires_at(), At("2026-12-06T18:05:00Z"));
  EXPECT_EQ(aws_.Count(kDdb, "PutItem"), 2);
}

TEST_F(RunLeaseTest, MissingTableIsNotFoundNamingIt) {
  aws_.Reply(kDdb, "PutItem",
             FakeAws::JsonError(400, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
                                "Requested resource not found"));
  Status status = lease_.Acquire("host:42", minutes(5));
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_NE(status.UserMessage().find("acquiring the run lease (table dr-locks)"),
            std::string::npos)
      << status.UserMessage();
}

TEST_F(RunLeaseTest, TooShortTtlIsInvalid) {
  EXPECT_EQ(lease_.Acquire("host:42", seconds(2)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(aws_.Count(kDdb, "PutItem"), 0);
}

TEST_F(RunLeaseTest, RenewExtendsOnlyOurLease) {
  ASSERT_TRUE(AcquireOk().ok());
  harness_.clock.Advance(seconds(100));
  aws_.Reply(kDdb, "UpdateItem", Ok());
  ASSERT_TRUE(lease_.Renew().ok());
  EXPECT_EQ(lease_.expires_at(), At("2026-12-06T18:06:40Z"));
  std::vector<AwsCall> updates = aws_.Calls(kDdb, "UpdateItem");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(
      updates[0].json,
      nlohmann::json({{"TableName", kTable},
                      {"Key", kLeaseKey},
                      {"UpdateExpression", "SET expires_at = :expires"},
                      {"ConditionExpression", "#token = :token"},
                      {"ExpressionAttributeNames", {{"#token", "token"}}},
                      {"ExpressionAttributeValues",
                       {{":token", {{"S", kToken}}},
                        {":expires", {{"N", std::to_string(Epoch("2026-12-06T18:06:40Z"))}}}}}}));
}

TEST_F(RunLeaseTest, RenewAfterLossSaysWhoHoldsItNow) {
  ASSERT_TRUE(AcquireOk().ok());
  aws_.Reply(kDdb, "UpdateItem", ConditionFailed());
  aws_.Reply(kDdb, "GetItem",
             LeaseItem("lambda:xyz", "tok-theirs", "2026-12-06T18:07:00Z", "2026-12-06T18:12:00Z"));
  Status status = lease_.Renew();
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "the run lease was lost (now held by lambda:xyz, started 2026-12-06T18:07:00Z, "
            "expires 2026-12-06T18:12:00Z) (table dr-locks)");
  EXPECT_FALSE(lease_.held());

  Result<LeaseRelease> release = lease_.Release();  // nothing left to release
  ASSERT_TRUE(release.ok());
  EXPECT_FALSE(release->released);
  EXPECT_EQ(aws_.Count(kDdb, "DeleteItem"), 0);
}

TEST_F(RunLeaseTest, RenewOfAGoneItemIsLost) {
  ASSERT_TRUE(AcquireOk().ok());
  aws_.Reply(kDdb, "UpdateItem", ConditionFailed());
  aws_.Reply(kDdb, "GetItem", NoItem());
  Status status = lease_.Renew();
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "the run lease was lost (the lease item is gone) (table dr-locks)");
}

TEST_F(RunLeaseTest, RenewThatFailsOtherwiseKeepsTheLease) {
  ASSERT_TRUE(AcquireOk().ok());
  aws_.Reply(kDdb, "UpdateItem",
             FakeAws::JsonError(400, "ProvisionedThroughputExceededException", "slow down"));
  Status status = lease_.Renew();
  EXPECT_EQ(status.code(), StatusCode::kRetryable) << status.ToString();
  EXPECT_TRUE(lease_.held());
}

TEST_F(RunLeaseTest, ReleaseDeletesOnlyOurLease) {
  ASSERT_TRUE(AcquireOk().ok());
  aws_.Reply(kDdb, "DeleteItem", Ok());
  Result<LeaseRelease> release = lease_.Release();
  ASSERT_TRUE(release.ok()) << release.status().ToString();
  EXPECT_TRUE(release->released);
  EXPECT_FALSE(lease_.held());
  std::vector<AwsCall> deletes = aws_.Calls(kDdb, "DeleteItem");
  ASSERT_EQ(deletes.size(), 1u);
  EXPECT_EQ(deletes[0].json,
            nlohmann::json({{"TableName", kTable},
                            {"Key", kLeaseKey},
                            {"ConditionExpression", "#token = :token"},
                            {"ExpressionAttributeNames", {{"#token", "token"}}},
                            {"ExpressionAttributeValues", {{":token", {{"S", kToken}}}}}}));
}

TEST_F(RunLeaseTest, ReleaseOfALostLeaseIsReportedNotAnError) {
  ASSERT_TRUE(AcquireOk().ok());
  aws_.Reply(kDdb, "DeleteItem", ConditionFailed());
  aws_.Reply(kDdb, "GetItem",
             LeaseItem("lambda:xyz", "tok-theirs", "2026-12-06T18:07:00Z", "2026-12-06T18:12:00Z"));
  Result<LeaseRelease> release = lease_.Release();
  ASSERT_TRUE(release.ok()) << release.status().ToString();
  EXPECT_FALSE(release->released);
  EXPECT_EQ(release->note,
            "the run lease had been lost; now held by lambda:xyz, started 2026-12-06T18:07:00Z, "
            "expires 2026-12-06T18:12:00Z (table dr-locks)");

  aws_.Reply(kDdb, "GetItem", NoItem());  // e.g. our own delete, retried after a lost reply
  ASSERT_TRUE(AcquireOk().ok());
  Result<LeaseRelease> gone = lease_.Release();
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->released);
  EXPECT_EQ(gone->note, "the run lease item was already gone (table dr-locks)");
}

TEST_F(RunLeaseTest, ReleaseWithoutAcquireMakesNoCall) {
  Result<LeaseRelease> release = lease_.Release();
  ASSERT_TRUE(release.ok());
  EXPECT_FALSE(release->released);
  EXPECT_EQ(harness_.http.request_count(), 0u);
}

TEST_F(RunLeaseTest, RecordCompletedFailoverWritesTheLastFailoverItem) {
  ASSERT_TRUE(AcquireOk().ok());
  ASSERT_TRUE(lease_.RecordCompletedFailover(At("2026-12-06T18:20:30.700Z")).ok());
  std::vector<AwsCall> puts = aws_.Calls(kDdb, "PutItem");
  ASSERT_EQ(puts.size(), 2u);
  EXPECT_EQ(
      puts[1].json,
      nlohmann::json({{"TableName", kTable},
                      {"Item",
                       {{"lock_id", {{"S", "last-failover"}}},
                        {"finished_at", {{"N", std::to_string(Epoch("2026-12-06T18:20:30Z"))}}},
                        {"finished_at_utc", {{"S", "2026-12-06T18:20:30Z"}}},
                        {"holder", {{"S", "host:42"}}}}}}));
}

HttpResponse LastFailover(const char* finished) {
  return FakeAws::JsonOk({{"Item",
                           {{"lock_id", {{"S", "last-failover"}}},
                            {"finished_at", {{"N", std::to_string(Epoch(finished))}}},
                            {"finished_at_utc", {{"S", finished}}},
                            {"holder", {{"S", "lambda:abc-123"}}}}}});
}

TEST_F(RunLeaseTest, CooldownInsideTheWindowNamesWhenItEnds) {
  aws_.Reply(kDdb, "GetItem", LastFailover("2026-12-06T17:50:00Z"));
  Status status = lease_.CheckCooldown(minutes(30), At("2026-12-06T18:00:00Z"));
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "the last failover finished 2026-12-06T17:50:00Z (run lambda:abc-123); the cooldown "
            "of 30m00s ends 2026-12-06T18:20:00Z (table dr-locks)");
  std::vector<AwsCall> reads = aws_.Calls(kDdb, "GetItem");
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0].json, nlohmann::json({{"TableName", kTable},
                                           {"Key", {{"lock_id", {{"S", "last-failover"}}}}},
                                           {"ConsistentRead", true}}));
}

TEST_F(RunLeaseTest, CooldownOutsideTheWindowOrWithoutRecordIsOk) {
  aws_.Reply(kDdb, "GetItem", LastFailover("2026-12-06T17:30:00Z"));
  EXPECT_TRUE(lease_.CheckCooldown(minutes(30), At("2026-12-06T18:00:00Z")).ok());
  aws_.Reply(kDdb, "GetItem", NoItem());
  EXPECT_TRUE(lease_.CheckCooldown(minutes(30), At("2026-12-06T18:00:00Z")).ok());
  EXPECT_TRUE(lease_.CheckCooldown(Duration::zero(), At("2026-12-06T18:00:00Z")).ok());
  EXPECT_EQ(aws_.Count(kDdb, "GetItem"), 2);
}

// Waits (in real time, briefly) until `done` holds; the renewer's thread runs meanwhile.
template <typename Pred>
bool Eventually(Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST_F(RunLeaseTest, RenewerRenewsEveryThirdOfTheTtlUntilStopped) {
  ASSERT_TRUE(AcquireOk().ok());
  aws_.Reply(kDdb, "UpdateItem", Ok());
  {
    LeaseRenewer renewer(lease_, harness_.clock);
    ASSERT_TRUE(Eventually([&] { return renewer.renewals() >= 3; }));
  }
  const int renewals = aws_.Count(kDdb, "UpdateItem");
  std::vector<Duration> sleeps = harness_.clock.sleeps();
  ASSERT_GE(sleeps.size(), 3u);
  for (Duration sleep : sleeps) EXPECT_EQ(sleep, seconds(100));  // ttl / 3
  std::vector<AwsCall> updates = aws_.Calls(kDdb, "UpdateItem");
  EXPECT_EQ(updates[0].json["ExpressionAttributeValues"][":expires"]["N"],
            std::to_string(Epoch("2026-12-06T18:06:40Z")));  // 18:01:40 + 5 min
  EXPECT_TRUE(lease_.held());
  EXPECT_EQ(aws_.Count(kDdb, "UpdateItem"), renewals);  // none after destruction
}

TEST_F(RunLeaseTest, RenewerRecordsALostLeaseAndStops) {
  ASSERT_TRUE(AcquireOk().ok());
  aws_.Reply(kDdb, "UpdateItem", ConditionFailed());
  aws_.Reply(kDdb, "GetItem", NoItem());
  LogCapture log(harness_.clock);
  std::atomic<int> lost_calls{0};
  LeaseRenewer renewer(lease_, harness_.clock, &log.logger(),
                       [&](const Status&) { lost_calls.fetch_add(1); });
  ASSERT_TRUE(Eventually([&] { return renewer.lost(); }));
  renewer.Stop();
  EXPECT_EQ(lost_calls.load(), 1);
  EXPECT_EQ(renewer.renewals(), 0);
  EXPECT_EQ(renewer.last_error().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(aws_.Count(kDdb, "UpdateItem"), 1);
  EXPECT_EQ(log.Lines(), std::vector<std::string>{"ERROR: the run lease was lost (the lease item "
                                                  "is gone) (table dr-locks)"});
}

TEST_F(RunLeaseTest, RenewerKeepsTryingAfterATransientFailure) {
  ASSERT_TRUE(AcquireOk().ok());
  aws_.Replies(kDdb, "UpdateItem",
               {FakeAws::JsonError(503, "ServiceUnavailable", "try later"), Ok()});
  LogCapture log(harness_.clock, LogLevel::kWarn);
  LeaseRenewer renewer(lease_, harness_.clock, &log.logger());
  ASSERT_TRUE(Eventually([&] { return renewer.renewals() >= 1; }));
  renewer.Stop();
  EXPECT_FALSE(renewer.lost());
  EXPECT_EQ(renewer.last_error().code(), StatusCode::kRetryable);
  ASSERT_FALSE(log.Lines().empty());
  EXPECT_EQ(log.Lines()[0].rfind("WARN: Could not renew the run lease (trying again in 1m40s)", 0),
            0u)
      << log.Lines()[0];
}

// With a clock that really sleeps, destruction does not wait out the ttl/3 sleep.
TEST_F(RunLeaseTest, RenewerStopsPromptly) {
  aws_.Reply(kDdb, "PutItem", Ok());
  SystemClock real;
  RunLease lease(dynamodb_, real, kTable, kToken);
  ASSERT_TRUE(lease.Acquire("host:42", std::chrono::hours(1)).ok());
  const auto start = std::chrono::steady_clock::now();
  { LeaseRenewer renewer(lease, real); }
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(5));
  EXPECT_EQ(aws_.Count(kDdb, "UpdateItem"), 0);
}

TEST(NewLeaseTokenTest, RandomHex) {
  const std::string a = NewLeaseToken();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, NewLeaseToken());
}

}  // namespace
}  // namespace drf
