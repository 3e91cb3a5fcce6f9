// PromoteDbStep under API faults, with the real AwsClient (standard mode, 3 attempts) over
// FaultyHttp: PromoteReadReplica must never be sent again after one took effect, whatever
// happened to its reply, and the step must still converge.
#include <gtest/gtest.h>

#include <optional>

#include "steps/poller.h"
#include "steps/promote_db.h"
#include "steps/step_test_util.h"
#include "testing/faulty_http.h"

namespace drf {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using steps_testing::DbXml;
using steps_testing::DescribeDb;

constexpr char kReplicaDb[] = "dr-app-db";
constexpr char kReplicaSource[] = "arn:aws:rds:eu-west-1:123456789012:db:prod-app-db";

StepSpec PromoteFaultsSpec() {
  StepSpec spec;
  spec.id = "promote-db:dr-app-db";
  spec.kind = StepKind::kPromoteDb;
  spec.detail = PromoteDbSpec{kReplicaDb, std::nullopt, std::nullopt, {}, {}, {}};
  return spec;
}

// The replica as AWS shows it: an applied promotion reads "available" with the source for
// `lag` (eventual consistency: the emulator's promotion trap), then "modifying", and from
// `lag + settle` "available" without a source. A second promote is InvalidDBInstanceState.
class FakeReplica {
 public:
  FakeReplica(Clock& clock, Duration lag) : clock_(clock), lag_(lag) {}

  HttpResponse Describe() {
    if (!promoted_at_) return DescribeDb(kReplicaDb, "available", kReplicaSource);
    const Duration since = clock_.Monotonic() - *promoted_at_;
    if (since < lag_) return DescribeDb(kReplicaDb, "available", kReplicaSource);
    if (since < lag_ + kSettle) return DescribeDb(kReplicaDb, "modifying", kReplicaSource);
    return DescribeDb(kReplicaDb, "available", "");
  }
  HttpResponse Promote() {
    if (promoted_at_) {
      return FakeAws::QueryError(400, "InvalidDBInstanceState",
                                 "DB instance dr-app-db is not a read replica.");
    }
    promoted_at_ = clock_.Monotonic();
    return FakeAws::QueryOk("PromoteReadReplica", DbXml(kReplicaDb, "modifying", kReplicaSource),
                            "req-promote");
  }

 private:
  static constexpr Duration kSettle = seconds(3);
  Clock& clock_;
  const Duration lag_;
  std::optional<MonoTime> promoted_at_;
};

AwsClientOptions ClientOptions(HttpClient& http, Clock& clock, CredentialsProvider& creds,
                               const EndpointResolver& endpoints) {
  AwsClientOptions options = TestAwsOptions(http, clock, creds, endpoints);
  options.retry.max_attempts = 3;  // the real policy: faults meet the client's retries first
  return options;
}

class PromoteUnderFaultsTest : public ::testing::Test {
 protected:
  PromoteUnderFaultsTest() {
    aws_.On(services::kRds, "DescribeDBInstances",
            [this](const AwsCall&) { return replica_.Describe(); });
    aws_.On(services::kRds, "PromoteReadReplica", [this](const AwsCall&) {
      promote_times_.push_back(clock_.Monotonic());
      return fail_next_promotes_-- > 0 ? failure_ : replica_.Promote();
    });
  }

  // The next `n` promotes reaching AWS are answered `reply` and NOT applied.
  void FailPromotes(int n, HttpResponse reply) {
    fail_next_promotes_ = n;
    failure_ = std::move(reply);
  }
  // Promote requests that reached AWS (applied or not).
  int Promotes() const { return aws_.Count(services::kRds, "PromoteReadReplica"); }
  bool Logged(const std::string& text) const { return log_.Text().find(text) != std::string::npos; }

  FakeClock clock_;
  FakeReplica replica_{clock_, milliseconds(300)};
  FakeHttp http_;
  FakeAws aws_{http_};
  FaultyHttp faulty_{&http_};
  FixedCredentials credentials_;
  FixedEndpoint endpoints_;
  AwsClient client_{ClientOptions(faulty_, clock_, credentials_, endpoints_)};
  RdsClient rds_{client_};
  LogCapture log_{clock_};
  CancelToken cancel_;
  StepContext ctx_{clock_, log_.logger(), cancel_, clock_.Monotonic() + std::chrono::minutes(10)};
  PromoteDbStep step_{PromoteFaultsSpec(), rds_};
  std::vector<MonoTime> promote_times_;
  int fail_next_promotes_ = 0;
  HttpResponse failure_;
};

// The step's first backoff as its log line writes it (the poll schedule's first interval).
std::string FirstBackoffText() {
  return std::to_string(std::chrono::duration_cast<milliseconds>(PollSchedule{}.first).count()) +
         " ms";
}

HttpResponse ServerError(int status) {
  HttpResponse reply = FakeAws::QueryError(status, "InternalFailure", "internal failure");
  return reply;
}

// The dangerous case: AWS applied the promote, the connection dropped before the reply.
// The replica still reads "available" with its source for a moment; the step must wait for
// the evidence, not send again.
TEST_F(PromoteUnderFaultsTest, AppliedPromoteWhoseReplyWasLostIsNeverSentAgain) {
  faulty_.FailCall(2, FaultyHttp::Fault::DropResponse("connection closed with no reply"));

  StepResult result = step_.Run(ctx_);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Promotes(), 1);
  EXPECT_EQ(faulty_.forwarded(), faulty_.calls());  // every request reached AWS
  ASSERT_EQ(result.calls.size(), 1u);               // it changed the instance: reported
  EXPECT_EQ(result.calls[0].operation, "RDS.PromoteReadReplica");
  EXPECT_EQ(result.calls[0].request_id, "");  // the reply, and its id, never came
  EXPECT_NE(result.summary.find("PromoteReadReplica's reply was lost"), std::string::npos)
      << result.summary;
  EXPECT_TRUE(Logged("WARN: PromoteReadReplica on dr-app-db may or may not have taken effect"));
  EXPECT_TRUE(Logged("INFO: dr-app-db shows the promotion (status modifying"));
  EXPECT_EQ(result.after, (nlohmann::json{{"status", "available"}, {"replica_source", ""}}));
}

// A 503 that AWS did not act on: the replica shows nothing for the whole window, and only
// then is the call sent again, exactly once more.
TEST_F(PromoteUnderFaultsTest, UnappliedServerErrorIsSentAgainOnlyAfterTheEvidenceWindow) {
  FailPromotes(1, ServerError(503));

  StepResult result = step_.Run(ctx_);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  ASSERT_EQ(Promotes(), 2);
  EXPECT_EQ(promote_times_[1] - promote_times_[0], kPromoteEvidenceWindow);
  ASSERT_EQ(result.calls.size(), 1u);
  EXPECT_EQ(result.calls[0].request_id, "req-promote");
  EXPECT_TRUE(
      Logged("WARN: No sign of the promotion of dr-app-db after 15 s (status available, "
             "replica source \"" +
             std::string(kReplicaSource) + "\"): the call was not applied; sending it again"));
  EXPECT_EQ(result.summary,
            std::string("promoted dr-app-db (was replica of ") + kReplicaSource + ")");
}

// AWS slower to show the promotion than the window: the second call is answered
// InvalidDBInstanceState, and that is waited out, not a failure.
TEST_F(PromoteUnderFaultsTest, LagLongerThanTheWindowEndsInAlreadyUnderWay) {
  FakeReplica slow(clock_, kPromoteEvidenceWindow + seconds(5));
  aws_.On(services::kRds, "DescribeDBInstances", [&](const AwsCall&) { return slow.Describe(); });
  aws_.On(services::kRds, "PromoteReadReplica", [&](const AwsCall&) { return slow.Promote(); });
  faulty_.FailCall(2, FaultyHttp::Fault::DropResponse());

  StepResult result = step_.Run(ctx_);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Promotes(), 2);
  EXPECT_TRUE(Logged("WARN: Promotion of dr-app-db is already under way"));
  EXPECT_NE(result.summary.find("already under way"), std::string::npos) << result.summary;
}

// Throttling beyond the client's three attempts: AWS refused before acting, so the step
// backs off and sends again, without the evidence window.
TEST_F(PromoteUnderFaultsTest, ThrottledBeyondTheClientsRetriesIsSentAgainAfterABackoff) {
  FailPromotes(3, FaultyHttp::QueryThrottlingReply());

  StepResult result = step_.Run(ctx_);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  ASSERT_EQ(Promotes(), 4);  // 3 attempts of the client, then one more from the step
  EXPECT_EQ(promote_times_[3] - promote_times_[2], PollSchedule{}.first);  // the step's backoff
  EXPECT_FALSE(Logged("may or may not have taken effect"));
  EXPECT_TRUE(Logged("WARN: Transient error, trying again in " + FirstBackoffText() +
                     ": Retryable: gave up after 3 attempts: An error occurred (Throttling) "
                     "when calling the PromoteReadReplica operation: Rate exceeded"));
  EXPECT_EQ(result.calls.size(), 1u);
}

// A 2xx whose body was cut: AWS accepted it. The instance shows it, nothing is re-sent.
TEST_F(PromoteUnderFaultsTest, UnreadableAcceptedReplyIsNotSentAgain) {
  aws_.On(services::kRds, "PromoteReadReplica", [this](const AwsCall&) {
    HttpResponse reply = replica_.Promote();
    reply.body.resize(reply.body.size() / 2);
    return reply;
  });

  StepResult result = step_.Run(ctx_);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(Promotes(), 1);
  EXPECT_EQ(result.calls.size(), 1u);
  EXPECT_TRUE(Logged("WARN: PromoteReadReplica on dr-app-db may or may not have taken effect"));
  EXPECT_TRUE(Logged("malformed XML response"));
}

TEST_F(PromoteUnderFaultsTest, DeadlineWhileLookingForEvidenceIsATimeoutSayingSo) {
  ctx_.deadline = clock_.Monotonic() + seconds(10);
  FailPromotes(1, ServerError(500));

  StepResult result = step_.Run(ctx_);

  ASSERT_EQ(result.state, StepState::kTimedOut) << result.error.ToString();
  EXPECT_EQ(Promotes(), 1);
  EXPECT_EQ(result.summary.rfind("PromoteReadReplica's outcome unknown (", 0), 0u)
      << result.summary;
  EXPECT_EQ(clock_.total_slept(), seconds(10));
}

// Cancelled while the outcome is unknown: the call may have changed the instance, so the
// step is failed, never "not run".
TEST_F(PromoteUnderFaultsTest, CancelWhileLookingForEvidenceIsAFailureNotNotRun) {
  FailPromotes(1, ServerError(500));
  int describes = 0;
  aws_.On(services::kRds, "DescribeDBInstances", [&](const AwsCall&) {
    if (++describes == 3) cancel_.Cancel();
    return replica_.Describe();
  });

  StepResult result = step_.Run(ctx_);

  EXPECT_EQ(result.state, StepState::kFailed);
  EXPECT_EQ(result.error.code(), StatusCode::kCancelled);
  EXPECT_NE(result.error.message().find("outcome unknown"), std::string::npos)
      << result.error.message();
  EXPECT_EQ(Promotes(), 1);
}

// The first DescribeDBInstances throttled beyond the client's retries: retried by the step.
TEST_F(PromoteUnderFaultsTest, InspectionThrottledBeyondTheClientsRetriesIsRetriedByTheStep) {
  faulty_.Throttle(3, FaultyHttp::QueryThrottlingReply());

  StepResult result = step_.Run(ctx_);

  ASSERT_EQ(result.state, StepState::kSucceeded) << result.error.ToString();
  EXPECT_EQ(faulty_.calls() - static_cast<int>(http_.request_count()), 3);
  EXPECT_EQ(Promotes(), 1);
  EXPECT_TRUE(Logged("WARN: Transient error, trying again in " + FirstBackoffText()));
}

}  // namespace
}  // namespace drf
