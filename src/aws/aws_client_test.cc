#include "aws/aws_client.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "aws/query_params.h"
#include "testing/aws_test_options.h"
#include "testing/fake_clock.h"
#include "testing/fake_http.h"
#include "testing/faulty_http.h"

namespace drf {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Hands out the test credentials; the session token changes on every call so tests can
// see that each attempt gets credentials afresh.
class StubCredentials final : public CredentialsProvider {
 public:
  Result<Credentials> GetCredentials() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    Credentials creds = TestCredentials();
    if (!token_.empty()) creds.session_token = token_ + std::to_string(calls_);
    return creds;
  }
  void set_token(std::string token) { token_ = std::move(token); }

 private:
  std::mutex mu_;
  int calls_ = 0;      // guarded by mu_
  std::string token_;  // set before use
};

// https://<prefix>.<region>.amazonaws.com; Route 53's global endpoint signs for us-east-1.
class RegionalEndpoints final : public EndpointResolver {
 public:
  Result<Endpoint> Resolve(const ServiceInfo& service, const std::string& region) const override {
    if (fail) return Status::InvalidArgument("no region configured");
    if (service.global) return Endpoint{"https://route53.amazonaws.com", "us-east-1", "test"};
    return Endpoint{
        "https://" + std::string(service.endpoint_prefix) + "." + region + ".amazonaws.com", region,
        "test"};
  }
  bool fail = false;
};

struct RecordedAttempt {
  std::string operation;
  int attempt;
  int http_status;
  std::string error_code;
  std::string request_id;
  bool will_retry;
};

class RecordingObserver final : public ApiCallObserver {
 public:
  void OnAttempt(const ApiAttempt& a) override {
    std::lock_guard<std::mutex> lock(mu_);
    attempts.push_back({std::string(a.operation), a.attempt, a.http_status, a.error_code,
                        a.request_id, a.will_retry});
  }
  std::mutex mu_;
  std::vector<RecordedAttempt> attempts;
};

HttpResponse Reply(int status, std::string body, HttpHeaders headers = {}) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

const char* kDescribeOk =
    "<DescribeDBInstancesResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
    "<DescribeDBInstancesResult><DBInstances><DBInstance>"
    "<DBInstanceIdentifier>db1</DBInstanceIdentifier></DBInstance></DBInstances>"
    "</DescribeDBInstancesResult><ResponseMetadata><RequestId>req-body</RequestId>"
    "</ResponseMetadata></DescribeDBInstancesResponse>";

class AwsClientTest : public ::testing::Test {
 protected:
  AwsClientTest() : faulty_(&http_) {
    // Every reply takes one second of (fake) network time, so each attempt's X-Amz-Date
    // differs even when the backoff is short.
    http_.SetHandler([this](const HttpRequest&) -> Result<HttpResponse> {
      clock_.Advance(seconds(1));
      std::lock_guard<std::mutex> lock(mu_);
      if (script_.empty()) return Reply(200, kDescribeOk);
      Result<HttpResponse> next = script_.front();
      script_.erase(script_.begin());
      return next;
    });
  }

  // Replies for the next requests, then kDescribeOk.
  void Script(std::vector<Result<HttpResponse>> replies) {
    std::lock_guard<std::mutex> lock(mu_);
    script_ = std::move(replies);
  }

  AwsClient& client() {
    if (!client_) {
      AwsClientOptions options = TestAwsOptions(faulty_, clock_, credentials_, endpoints_);
      options.retry = retry_;
      options.observer = &observer_;
      options.cancel = &cancel_;
      options.calls_end = calls_end_;
      options.random = [this] { return random_; };
      client_ = std::make_unique<AwsClient>(std::move(options));
    }
    return *client_;
  }

  Result<XmlResponse> Describe() {
    return client().CallQuery(services::kRds, "DescribeDBInstances", {});
  }

  std::mutex mu_;
  std::vector<Result<HttpResponse>> script_;  // guarded by mu_
  FakeHttp http_;
  FaultyHttp faulty_;
  FakeClock clock_;
  StubCredentials credentials_;
  RegionalEndpoints endpoints_;
  RecordingObserver observer_;
  CancelToken cancel_;
  RetryOptions retry_;
  std::optional<MonoTime> calls_end_;
  double random_ = 0.5;
  std::unique_ptr<AwsClient> client_;
};

// --- Retries -------------------------------------------------------------------------------

TEST_F(AwsClientTest, ThrottledTwiceThenSucceeds) {
  credentials_.set_token("token");
  random_ = 0.75;
  Script({FaultyHttp::QueryThrottlingReply(), FaultyHttp::QueryThrottlingReply()});
  auto result = Describe();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->attempts, 3);
  EXPECT_STREQ(
      result->result.child("DBInstances").child("DBInstance").child_value("DBInstanceIdentifier"),
      "db1");

  // Full jitter: random × min(2^(n-1) s, 20 s).
  ASSERT_EQ(clock_.sleeps().size(), 2u);
  EXPECT_EQ(clock_.sleeps()[0], milliseconds(750));
  EXPECT_EQ(clock_.sleeps()[1], milliseconds(1500));

  // Each attempt was signed afresh: new date, new token, new signature.
  auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 3u);
  std::set<std::string> dates, tokens, signatures;
  for (const auto& r : requests) {
    dates.insert(FindHeader(r.headers, "X-Amz-Date").value_or(""));
    tokens.insert(FindHeader(r.headers, "X-Amz-Security-Token").value_or(""));
    signatures.insert(FindHeader(r.headers, "Authorization").value_or(""));
    EXPECT_EQ(r.body, requests[0].body);
  }
  EXPECT_EQ(dates.size(), 3u);
  EXPECT_EQ(tokens.size(), 3u);
  EXPECT_EQ(signatures.size(), 3u);

  ASSERT_EQ(observer_.attempts.size(), 3u);
  EXPECT_EQ(observer_.attempts[0].error_code, "Throttling");
  EXPECT_EQ(observer_.attempts[0].http_status, 400);
  EXPECT_EQ(observer_.attempts[0].request_id, "throttled-request");
  EXPECT_TRUE(observer_.attempts[0].will_retry);
  EXPECT_TRUE(observer_.attempts[1].will_retry);
  EXPECT_EQ(observer_.attempts[2].http_status, 200);
  EXPECT_EQ(observer_.attempts[2].request_id, "req-body");
  EXPECT_FALSE(observer_.attempts[2].will_retry);
  // Two retries took 5 each; success refunded the last one.
  EXPECT_EQ(client().RetryQuotaAvailable(), 495);
}

TEST_F(AwsClientTest, BackoffStaysWithinJitterBoundsAndCap) {
  retry_.max_attempts = 8;
  retry_.max_backoff = milliseconds(5000);
  random_ = 0.999;
  faulty_.Script(
      std::vector<FaultyHttp::Fault>(7, FaultyHttp::Fault::Reply(Reply(503, "<ErrorResponse/>"))));
  ASSERT_TRUE(Describe().ok());
  const std::vector<double> caps = {1, 2, 4, 5, 5, 5, 5};
  ASSERT_EQ(clock_.sleeps().size(), caps.size());
  for (size_t i = 0; i < caps.size(); ++i) {
    const double slept = std::chrono::duration<double>(clock_.sleeps()[i]).count();
    EXPECT_GE(slept, 0.0) << i;
    EXPECT_LT(slept, caps[i]) << i;
    EXPECT_GT(slept, caps[i] * 0.99) << i;
  }
}

TEST_F(AwsClientTest, GivesUpAfterMaxAttempts) {
  Script({Reply(503, ""), Reply(503, ""), Reply(503, ""), Reply(200, kDescribeOk)});
  auto result = Describe();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(http_.request_count(), 3u);
  EXPECT_EQ(result.status().code(), StatusCode::kRetryable);
  ASSERT_NE(result.status().aws(), nullptr);
  EXPECT_TRUE(result.status().aws()->retryable);
  EXPECT_EQ(result.status().aws()->http_status, 503);
  EXPECT_EQ(result.status().aws()->operation, "DescribeDBInstances");
  EXPECT_NE(result.status().message().find("gave up after 3 attempts"), std::string::npos)
      << result.status().message();
  EXPECT_EQ(clock_.sleeps().size(), 2u);
  ASSERT_EQ(observer_.attempts.size(), 3u);
  EXPECT_FALSE(observer_.attempts[2].will_retry);
}

TEST_F(AwsClientTest, StopsRetryingWhenTheQuotaIsExhausted) {
  retry_.quota_capacity = 12;  // two retries of 5
  faulty_.Script(std::vector<FaultyHttp::Fault>(
      10, FaultyHttp::Fault::Reply(FaultyHttp::QueryThrottlingReply())));
  auto first = Describe();  // 3 attempts, 2 retries: 2 tokens left
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(faulty_.calls(), 3);
  EXPECT_EQ(client().RetryQuotaAvailable(), 2);

  auto second = Describe();  // no retry possible
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(faulty_.calls(), 4);
  EXPECT_EQ(second.status().code(), StatusCode::kRetryable);
  EXPECT_NE(second.status().message().find("retry quota is exhausted"), std::string::npos)
      << second.status().message();
  EXPECT_FALSE(observer_.attempts.back().will_retry);
}

TEST_F(AwsClientTest, QuotaRefillsOnFirstTrySuccessUpToCapacity) {
  retry_.quota_capacity = 12;
  faulty_.Script({FaultyHttp::Fault::ConnectFailure()});  // a retry after transport costs 10
  ASSERT_TRUE(Describe().ok());
  EXPECT_EQ(client().RetryQuotaAvailable(), 12);  // refunded
  faulty_.Script({FaultyHttp::Fault::ConnectFailure(), FaultyHttp::Fault::ConnectFailure()});
  EXPECT_FALSE(Describe().ok());  // 10 taken, then too few for the second retry
  EXPECT_EQ(client().RetryQuotaAvailable(), 2);
  ASSERT_TRUE(Describe().ok());
  EXPECT_EQ(client().RetryQuotaAvailable(), 3);
}

TEST_F(AwsClientTest, NonRetryableErrorReturnsAtOnce) {
  Script({Reply(400,
                "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidDBInstanceState</Code>"
                "<Message>not a read replica</Message></Error><RequestId>r1</RequestId>"
                "</ErrorResponse>")});
  auto result =
      client().CallQuery(services::kRds, "PromoteReadReplica", {{"DBInstanceIdentifier", "db1"}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(http_.request_count(), 1u);
  EXPECT_TRUE(clock_.sleeps().empty());
  EXPECT_EQ(result.status().code(), StatusCode::kRejected);
  EXPECT_EQ(result.status().message(), "not a read replica");
  const AwsErrorInfo* aws = result.status().aws();
  ASSERT_NE(aws, nullptr);
  EXPECT_EQ(aws->service, "RDS");
  EXPECT_EQ(aws->code, "InvalidDBInstanceState");
  EXPECT_EQ(aws->request_id, "r1");
  EXPECT_FALSE(aws->retryable);
  EXPECT_FALSE(aws->throttling);
  EXPECT_EQ(client().RetryQuotaAvailable(), 500);
}

TEST_F(AwsClientTest, NotFoundErrorIsNotFound) {
  Script({Reply(404,
                "<ErrorResponse><Error><Code>DBInstanceNotFound</Code><Message>DBInstance nope "
                "not found.</Message></Error></ErrorResponse>")});
  auto result = Describe();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(http_.request_count(), 1u);
}

TEST_F(AwsClientTest, TransportErrorsAreRetried) {
  faulty_.Script({FaultyHttp::Fault::ConnectFailure(), FaultyHttp::Fault::DropResponse()});
  auto result = Describe();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->attempts, 3);
  // The dropped response reached the server: harmless for an idempotent call.
  EXPECT_EQ(faulty_.forwarded(), 2);
  ASSERT_EQ(observer_.attempts.size(), 3u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(observer_.attempts[static_cast<size_t>(i)].http_status, 0);
    EXPECT_TRUE(observer_.attempts[static_cast<size_t>(i)].will_retry);
  }
  EXPECT_EQ(client().RetryQuotaAvailable(), 490);  // 10 + 10 taken, the last refunded
}

// --- Non-idempotent operations ---------------------------------------------------------------

Result<XmlResponse> Promote(AwsClient& client) {
  return client.CallQuery(services::kRds, "PromoteReadReplica", {{"DBInstanceIdentifier", "db1"}});
}

const char* kPromoteOk =
    "<PromoteReadReplicaResponse><PromoteReadReplicaResult><DBInstance>"
    "<DBInstanceIdentifier>db1</DBInstanceIdentifier></DBInstance></PromoteReadReplicaResult>"
    "<ResponseMetadata><RequestId>req-promote</RequestId></ResponseMetadata>"
    "</PromoteReadReplicaResponse>";

// A connection lost after the request left may hide an applied promotion: the client must
// not send it again (the promote step asks the instance instead).
TEST_F(AwsClientTest, NonIdempotentCallIsNotResentAfterTheConnectionDropsAfterSending) {
  faulty_.Script({FaultyHttp::Fault::DropResponse("connection closed with no reply")});
  auto result = Promote(client());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(faulty_.calls(), 1);
  EXPECT_EQ(faulty_.forwarded(), 1);
  EXPECT_TRUE(clock_.sleeps().empty());
  EXPECT_EQ(result.status().code(), StatusCode::kTransport);
  EXPECT_TRUE(MayHaveTakenEffect(result.status()));
  EXPECT_EQ(result.status().message(),
            "not retried: PromoteReadReplica is not idempotent and AWS may have applied it (the "
            "connection failed after the request was sent): connection closed with no reply");
  ASSERT_EQ(observer_.attempts.size(), 1u);
  EXPECT_FALSE(observer_.attempts[0].will_retry);
  EXPECT_EQ(client().RetryQuotaAvailable(), 500);
}

TEST_F(AwsClientTest, NonIdempotentCallIsNotResentAfterA5xx) {
  for (int status : {500, 503}) {
    Script({Reply(status,
                  "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>"
                  "<Message>boom</Message></Error><RequestId>r5</RequestId></ErrorResponse>")});
    const int before = faulty_.calls();
    auto result = Promote(client());
    ASSERT_FALSE(result.ok()) << status;
    EXPECT_EQ(faulty_.calls() - before, 1) << status;
    EXPECT_EQ(result.status().code(), StatusCode::kRetryable) << status;
    EXPECT_TRUE(MayHaveTakenEffect(result.status())) << status;
    EXPECT_EQ(result.status().aws()->request_id, "r5");
    EXPECT_NE(result.status().message().find("not idempotent and AWS may have applied it (HTTP " +
                                             std::to_string(status) + ")"),
              std::string::npos)
        << result.status().message();
  }
  EXPECT_TRUE(clock_.sleeps().empty());
}

// Throttling is a refusal before acting, and a connect failure never reached AWS: both are
// safe to retry even for PromoteReadReplica.
TEST_F(AwsClientTest, NonIdempotentCallIsRetriedAfterThrottlingOrAConnectFailure) {
  faulty_.Script({FaultyHttp::Fault::Reply(FaultyHttp::QueryThrottlingReply()),
                  FaultyHttp::Fault::ConnectFailure()});
  Script({Reply(200, kPromoteOk)});
  auto result = Promote(client());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->attempts, 3);
  EXPECT_EQ(result->request_id, "req-promote");
  EXPECT_EQ(faulty_.calls(), 3);
  EXPECT_EQ(faulty_.forwarded(), 1);  // only the last one reached AWS
  ASSERT_EQ(observer_.attempts.size(), 3u);
  EXPECT_EQ(observer_.attempts[0].error_code, "Throttling");
  EXPECT_TRUE(observer_.attempts[0].will_retry);
  EXPECT_EQ(observer_.attempts[1].http_status, 0);
  EXPECT_TRUE(observer_.attempts[1].will_retry);
}

TEST_F(AwsClientTest, PublishIsNotResentEither) {
  faulty_.Script({FaultyHttp::Fault::DropResponse()});
  auto result = client().CallQuery(services::kSns, "Publish", {{"Message", "hi"}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(faulty_.forwarded(), 1);  // one message, not two
  EXPECT_EQ(faulty_.calls(), 1);
}

// The transport must not re-send a non-idempotent request on its own either (libcurl does
// on a reused keep-alive connection): it is marked for a fresh connection.
TEST_F(AwsClientTest, NonIdempotentRequestsAreMarkedNotResendSafe) {
  Script({Reply(200, kPromoteOk)});
  ASSERT_TRUE(Promote(client()).ok());
  ASSERT_TRUE(Describe().ok());
  auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_FALSE(requests[0].resend_safe);
  EXPECT_TRUE(requests[1].resend_safe);
}

TEST_F(AwsClientTest, TransportErrorAfterLastAttemptIsTransport) {
  faulty_.Script(std::vector<FaultyHttp::Fault>(3, FaultyHttp::Fault::ConnectFailure("refused")));
  auto result = Describe();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kTransport);
  ASSERT_NE(result.status().aws(), nullptr);
  EXPECT_TRUE(result.status().aws()->transport);
  EXPECT_TRUE(result.status().aws()->retryable);
  EXPECT_EQ(result.status().aws()->http_status, 0);
  EXPECT_NE(result.status().message().find("refused"), std::string::npos);
  EXPECT_EQ(faulty_.calls(), 3);
}

TEST_F(AwsClientTest, CancelledDuringBackoff) {
  http_.SetHandler([this](const HttpRequest&) -> Result<HttpResponse> {
    cancel_.Cancel();  // e.g. SIGTERM arrives while the first attempt is in flight
    return FaultyHttp::QueryThrottlingReply();
  });
  auto result = Describe();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(http_.request_count(), 1u);
  ASSERT_NE(result.status().aws(), nullptr);
  EXPECT_EQ(result.status().aws()->code, "Throttling");
  ASSERT_EQ(observer_.attempts.size(), 1u);
  EXPECT_TRUE(observer_.attempts[0].will_retry);
}

TEST_F(AwsClientTest, NoCallOutlivesTheHardStop) {
  // The Lambda's hard stop is 2.5 s away: the request may take what is left, no more.
  calls_end_ = clock_.Monotonic() + std::chrono::milliseconds(2500);
  ASSERT_TRUE(Describe().ok());
  ASSERT_EQ(http_.request_count(), 1u);
  EXPECT_EQ(http_.requests()[0].total_timeout, std::chrono::milliseconds(2500));
  // One (fake) second later, 1.5 s are left; two seconds later, nothing is sent at all.
  ASSERT_TRUE(Describe().ok());
  EXPECT_EQ(http_.requests()[1].total_timeout, std::chrono::milliseconds(1500));
  clock_.Advance(seconds(1));
  auto late = Describe();
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kCancelled);
  EXPECT_NE(late.status().message().find("hard stop"), std::string::npos);
  EXPECT_EQ(http_.request_count(), 2u);
}

TEST_F(AwsClientTest, EndpointFailureIsNotRetriedAndSendsNothing) {
  endpoints_.fail = true;
  auto result = Describe();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("RDS DescribeDBInstances"), std::string::npos);
  EXPECT_EQ(http_.request_count(), 0u);
}

TEST_F(AwsClientTest, ConcurrentCallsShareTheQuota) {
  retry_.quota_capacity = 50;  // ten retries
  http_.SetHandler([](const HttpRequest&) -> Result<HttpResponse> { return Reply(500, ""); });
  client();  // built before the threads could race to build it
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([this] {
      for (int i = 0; i < 4; ++i) EXPECT_FALSE(Describe().ok());
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(client().RetryQuotaAvailable(), 0);
  EXPECT_EQ(http_.request_count(), 32u + 10u);  // one attempt per call, plus ten retries
}

// --- Serialization: the signatures are botocore's (sigv4_test.cc's extra vectors) ------------

TEST_F(AwsClientTest, QueryRequestMatchesBotocore) {
  ASSERT_TRUE(Describe().ok());
  ASSERT_EQ(http_.request_count(), 1u);
  const HttpRequest r = http_.requests()[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://rds.us-east-1.amazonaws.com/");
  EXPECT_EQ(r.body, "Action=DescribeDBInstances&Version=2014-10-31");
  EXPECT_EQ(FindHeader(r.headers, "Content-Type"),
            "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(FindHeader(r.headers, "User-Agent"), "drfailover/0.1");
  EXPECT_EQ(FindHeader(r.headers, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(FindHeader(r.headers, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/rds/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=aae506226afb5271fe069f0663d5fc04b52e4e6a95a1ab9b6d3dc506a0092dcd");
}

TEST_F(AwsClientTest, QueryParamsAreFormEncodedInOrder) {
  QueryParams params;
  AddList(params, "AutoScalingGroupNames.member", {"web asg", "a&b"});
  ASSERT_TRUE(client().CallQuery(services::kAutoScaling, "DescribeAutoScalingGroups", params).ok());
  EXPECT_EQ(http_.requests()[0].url, "https://autoscaling.us-east-1.amazonaws.com/");
  EXPECT_EQ(http_.requests()[0].body,
            "Action=DescribeAutoScalingGroups&Version=2011-01-01"
            "&AutoScalingGroupNames.member.1=web+asg&AutoScalingGroupNames.member.2=a%26b");
}

TEST_F(AwsClientTest, Ec2RequestAndResponse) {
  Script({Reply(200,
                "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                "<requestId>ec2-req</requestId><reservationSet/></DescribeInstancesResponse>")});
  QueryParams params;
  AddEc2List(params, "InstanceId", {"i-1"});
  auto result = client().CallQuery(services::kEc2, "DescribeInstances", params);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(http_.requests()[0].body,
            "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1");
  EXPECT_STREQ(result->result.name(), "DescribeInstancesResponse");
  EXPECT_TRUE(result->result.child("reservationSet"));
  EXPECT_EQ(result->request_id, "ec2-req");
}

TEST_F(AwsClientTest, JsonRequestMatchesBotocore) {
  Script({Reply(200, R"({"serviceArns":["arn:1"]})", {{"x-amzn-RequestId", "ecs-req"}})});
  auto result = client().CallJson(services::kEcs, "ListServices", nlohmann::json::object());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->body["serviceArns"][0], "arn:1");
  EXPECT_EQ(result->request_id, "ecs-req");
  const HttpRequest r = http_.requests()[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://ecs.us-east-1.amazonaws.com/");
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(FindHeader(r.headers, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(FindHeader(r.headers, "X-Amz-Target"),
            "AmazonEC2ContainerServiceV20141113.ListServices");
  EXPECT_NE(FindHeader(r.headers, "Authorization")
                ->find("Signature=a66ca52cabc37069e27547fdafe92"
                       "922add3545d4302ee7d5585328634023ba9"),
            std::string::npos);
}

TEST_F(AwsClientTest, JsonNullBodyIsSentAsEmptyObject) {
  Script({Reply(200, "")});
  auto result = client().CallJson(services::kEcs, "ListClusters", nullptr);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(http_.requests()[0].body, "{}");
  EXPECT_EQ(result->body, nlohmann::json::object());  // empty reply body reads as {}
}

TEST_F(AwsClientTest, Json10RequestForDynamoDb) {
  Script({Reply(200, R"({"Item":{"lock_id":{"S":"lease"}}})", {{"x-amzn-RequestId", "ddb-req"}})});
  auto result =
      client().CallJson(services::kDynamoDb, "GetItem",
                        {{"TableName", "locks"}, {"Key", {{"lock_id", {{"S", "lease"}}}}}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->request_id, "ddb-req");
  const HttpRequest r = http_.requests()[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://dynamodb.us-east-1.amazonaws.com/");
  EXPECT_EQ(r.body, R"({"Key":{"lock_id":{"S":"lease"}},"TableName":"locks"})");
  EXPECT_EQ(FindHeader(r.headers, "Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(FindHeader(r.headers, "X-Amz-Target"), "DynamoDB_20120810.GetItem");
  EXPECT_NE(FindHeader(r.headers, "Authorization")->find("/us-east-1/dynamodb/aws4_request"),
            std::string::npos);
}

TEST_F(AwsClientTest, JsonBodyThatCannotBeSerializedIsInvalidArgument) {
  auto result =
      client().CallJson(services::kEcs, "ListServices", {{"cluster", std::string("\xff\xfe")}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(http_.request_count(), 0u);
}

TEST_F(AwsClientTest, RestXmlRequestMatchesBotocore) {
  Script({Reply(200,
                "<GetChangeResponse><ChangeInfo><Id>/change/C123</Id><Status>INSYNC</Status>"
                "</ChangeInfo></GetChangeResponse>",
                {{"x-amzn-RequestId", "r53-req"}})});
  auto result =
      client().CallRestXml(services::kRoute53, "GetChange", "GET", "/2013-04-01/change/C123", "");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_STREQ(result->result.child("ChangeInfo").child_value("Status"), "INSYNC");
  EXPECT_EQ(result->request_id, "r53-req");
  const HttpRequest r = http_.requests()[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "https://route53.amazonaws.com/2013-04-01/change/C123");
  EXPECT_EQ(r.body, "");
  EXPECT_FALSE(FindHeader(r.headers, "Content-Type"));
  EXPECT_NE(FindHeader(r.headers, "Authorization")
                ->find("Signature=f2c8b4bdcc9728ef328c86f4b5f207"
                       "42ad9673aa7c012f939362d01e8e599d61"),
            std::string::npos);
}

TEST_F(AwsClientTest, RestXmlPostSendsBodyWithoutContentType) {
  const std::string body = "<ChangeResourceRecordSetsRequest/>";
  Script({Reply(200, "<ChangeResourceRecordSetsResponse/>")});
  ASSERT_TRUE(client()
                  .CallRestXml(services::kRoute53, "ChangeResourceRecordSets", "POST",
                               "/2013-04-01/hostedzone/Z1/rrset/", body)
                  .ok());
  const HttpRequest r = http_.requests()[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://route53.amazonaws.com/2013-04-01/hostedzone/Z1/rrset/");
  EXPECT_EQ(r.body, body);
  EXPECT_FALSE(FindHeader(r.headers, "Content-Type"));
}

// --- Response parsing -------------------------------------------------------------------------

TEST_F(AwsClientTest, QueryResultAndRequestIds) {
  Script({Reply(200, kDescribeOk, {{"x-amzn-RequestId", "req-header"}})});
  auto with_header = Describe();
  ASSERT_TRUE(with_header.ok());
  EXPECT_EQ(with_header->request_id, "req-header");
  EXPECT_STREQ(with_header->result.name(), "DescribeDBInstancesResult");
  auto from_body = Describe();
  ASSERT_TRUE(from_body.ok());
  EXPECT_EQ(from_body->request_id, "req-body");
}

TEST_F(AwsClientTest, QueryOperationWithoutResultGivesRoot) {
  Script({Reply(200,
                "<UpdateAutoScalingGroupResponse><ResponseMetadata><RequestId>u1</RequestId>"
                "</ResponseMetadata></UpdateAutoScalingGroupResponse>")});
  auto result = client().CallQuery(services::kAutoScaling, "UpdateAutoScalingGroup", {});
  ASSERT_TRUE(result.ok());
  EXPECT_STREQ(result->result.name(), "UpdateAutoScalingGroupResponse");
  EXPECT_EQ(result->request_id, "u1");
}

// A truncated or garbled 2xx: an idempotent call is simply made again.
TEST_F(AwsClientTest, UnreadableSuccessOfAnIdempotentCallIsRetried) {
  Script({Reply(200, "<DescribeDBInstancesResponse><DescribeDBInstancesResult>"), Reply(200, "")});
  auto result = Describe();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->attempts, 3);
  ASSERT_EQ(observer_.attempts.size(), 3u);
  EXPECT_EQ(observer_.attempts[0].error_code, "UnreadableResponse");
  EXPECT_EQ(observer_.attempts[0].http_status, 200);
  EXPECT_TRUE(observer_.attempts[0].will_retry);
  EXPECT_EQ(observer_.attempts[1].error_code, "UnreadableResponse");
  EXPECT_TRUE(observer_.attempts[2].error_code.empty());
}

TEST_F(AwsClientTest, UnreadableSuccessThatPersistsIsInternal) {
  Script({Reply(200, "{\"truncated\": "), Reply(200, "{\"truncated\": "),
          Reply(200, "{\"truncated\": ")});
  auto json = client().CallJson(services::kEcs, "ListClusters", {});
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.status().code(), StatusCode::kInternal);  // not a fault to wait out
  EXPECT_EQ(json.status().message(), "gave up after 3 attempts: malformed JSON response");
  EXPECT_EQ(http_.request_count(), 3u);
}

// AWS said yes to PromoteReadReplica but the answer is unreadable: it took effect, and it
// must not be sent again.
TEST_F(AwsClientTest, UnreadableSuccessOfANonIdempotentCallIsInternalAndNotRetried) {
  Script({Reply(200, "<PromoteReadReplicaResponse><PromoteReadReplicaResult><DBInst")});
  auto result = Promote(client());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(http_.request_count(), 1u);
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_TRUE(MayHaveTakenEffect(result.status()));
  EXPECT_EQ(result.status().message().rfind("malformed XML response", 0), 0u)
      << result.status().message();
  EXPECT_EQ(result.status().aws()->http_status, 200);
  ASSERT_EQ(observer_.attempts.size(), 1u);
  EXPECT_EQ(observer_.attempts[0].error_code, "UnreadableResponse");
}

TEST_F(AwsClientTest, RestXmlEmptySuccessBodyIsFine) {
  Script({Reply(204, "")});
  auto result = client().CallRestXml(services::kRoute53, "DeleteThing", "DELETE", "/x", "");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_FALSE(result->result);
}

// --- Error bodies through the client (the parser's own tests cover the shapes) --------------

TEST_F(AwsClientTest, JsonErrorWithTypePrefix) {
  Script({Reply(
      400,
      R"({"__type":"com.amazonaws.ecs#ClusterNotFoundException","message":"Cluster not found."})",
      {{"x-amzn-RequestId", "e1"}})});
  auto result = client().CallJson(services::kEcs, "DescribeServices", {{"cluster", "nope"}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(result.status().aws()->code, "ClusterNotFoundException");
  EXPECT_EQ(result.status().aws()->service, "ECS");
  EXPECT_EQ(result.status().aws()->request_id, "e1");
}

TEST_F(AwsClientTest, HtmlForbiddenOnJsonServiceStillReportsStatusAndMessage) {
  Script({Reply(403, "<html><body><h1>403 Forbidden</h1>Request denied</body></html>")});
  auto result = client().CallJson(services::kEcs, "ListClusters", {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kRejected);
  EXPECT_EQ(result.status().aws()->http_status, 403);
  EXPECT_NE(result.status().message().find("403 Forbidden Request denied"), std::string::npos)
      << result.status().message();
}

TEST_F(AwsClientTest, Route53InvalidChangeBatch) {
  Script({Reply(400,
                "<InvalidChangeBatch xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
                "<Messages><Message>Tried to create resource record set but it already "
                "exists</Message></Messages></InvalidChangeBatch>")});
  auto result = client().CallRestXml(services::kRoute53, "ChangeResourceRecordSets", "POST",
                                     "/2013-04-01/hostedzone/Z1/rrset/", "<x/>");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kRejected);
  EXPECT_EQ(result.status().aws()->code, "InvalidChangeBatch");
  EXPECT_NE(result.status().message().find("already exists"), std::string::npos);
}

TEST_F(AwsClientTest, Ec2ThrottlingIsRetried) {
  Script({Reply(503,
                "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request "
                "limit exceeded.</Message></Error></Errors><RequestID>x</RequestID></Response>")});
  auto result = client().CallQuery(services::kEc2, "DescribeInstances", {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->attempts, 2);
  EXPECT_EQ(observer_.attempts[0].error_code, "RequestLimitExceeded");
}

// --- Raw REST (S3) ---------------------------------------------------------------------------

TEST_F(AwsClientTest, RestRawReturnsTheBodyAndHeadersUntouched) {
  const std::string bytes = std::string("not xml \0 \xff", 11);
  Script({Reply(200, bytes, {{"x-amz-request-id", "s3-req"}, {"ETag", "\"e1\""}})});
  RestRequest request;
  request.bucket = "my-bucket";
  request.path_and_query = "/dir/a%20b.yaml";
  auto result = client().CallRestRaw(services::kS3, "GetObject", request);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->http.body, bytes);
  EXPECT_EQ(result->http.Header("etag"), "\"e1\"");
  EXPECT_EQ(result->request_id, "s3-req");
  EXPECT_EQ(result->attempts, 1);
  ASSERT_EQ(observer_.attempts.size(), 1u);
  EXPECT_EQ(observer_.attempts[0].operation, "GetObject");
  EXPECT_EQ(observer_.attempts[0].request_id, "s3-req");

  // The test resolver's endpoint is not the default one: path style. S3 signing adds the
  // payload hash and signs it.
  const HttpRequest r = http_.requests()[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "https://s3.us-east-1.amazonaws.com/my-bucket/dir/a%20b.yaml");
  EXPECT_EQ(FindHeader(r.headers, "x-amz-content-sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_NE(FindHeader(r.headers, "Authorization")
                ->find("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"),
            std::string::npos);
}

TEST_F(AwsClientTest, RestRawWithoutBucketSendsPathHeadersAndBodyAsGiven) {
  Script({Reply(204, "")});
  RestRequest request;
  request.method = "PUT";
  request.path_and_query = "/v1/things/t%2F1?force=true";
  request.headers = {{"Content-Type", "text/plain"}, {"X-Extra", "1"}};
  request.body = "payload";
  auto result = client().CallRestRaw(services::kRoute53, "PutThing", request);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const HttpRequest r = http_.requests()[0];
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.url, "https://route53.amazonaws.com/v1/things/t%2F1?force=true");
  EXPECT_EQ(r.body, "payload");
  EXPECT_EQ(FindHeader(r.headers, "X-Extra"), "1");
  EXPECT_NE(FindHeader(r.headers, "Authorization")
                ->find("SignedHeaders=content-type;host;x-amz-date;x-extra,"),
            std::string::npos);
}

TEST_F(AwsClientTest, RestRawS3ErrorsAreParsedRetriedAndMapped) {
  const auto s3_error = [](int status, const std::string& code) {
    return Reply(status,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code +
                     "</Code><Message>m " + code +
                     "</Message><RequestId>body-id</RequestId>"
                     "</Error>",
                 {{"x-amz-request-id", "hdr-" + code}});
  };
  RestRequest request;
  request.bucket = "b";
  request.path_and_query = "/k";
  // SlowDown is S3's throttling: retried, then the object comes back.
  Script({s3_error(503, "SlowDown"), Reply(200, "ok")});
  auto retried = client().CallRestRaw(services::kS3, "GetObject", request);
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(retried->attempts, 2);
  EXPECT_EQ(observer_.attempts[0].error_code, "SlowDown");
  EXPECT_EQ(observer_.attempts[0].request_id, "hdr-SlowDown");

  Script({s3_error(404, "NoSuchKey")});
  auto missing = client().CallRestRaw(services::kS3, "GetObject", request);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().aws()->code, "NoSuchKey");
  EXPECT_EQ(missing.status().aws()->request_id, "hdr-NoSuchKey");
  EXPECT_EQ(missing.status().message(), "m NoSuchKey");

  Script({s3_error(403, "AccessDenied")});
  const size_t sent = http_.request_count();
  auto denied = client().CallRestRaw(services::kS3, "GetObject", request);
  EXPECT_EQ(denied.status().code(), StatusCode::kRejected);
  EXPECT_EQ(denied.status().aws()->code, "AccessDenied");
  EXPECT_EQ(http_.request_count(), sent + 1) << "AccessDenied is not retried";
}

}  // namespace
}  // namespace drf
