#include "aws/credential_chain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <future>
#include <thread>

#include "testing/fake_clock.h"
#include "testing/fake_environment.h"
#include "testing/fake_http.h"

namespace drf {
namespace {

using std::chrono::minutes;
using ::testing::AllOf;
using ::testing::HasSubstr;

Credentials Creds(std::string key, std::optional<WallTime> expiration = std::nullopt) {
  return Credentials{std::move(key), "secret", "", expiration, "stub"};
}

// Returns scripted results in order (the last one repeats) and counts calls.
class StubProvider final : public CredentialsProvider {
 public:
  explicit StubProvider(std::deque<Result<Credentials>> results) : results_(std::move(results)) {}
  Result<Credentials> GetCredentials() override {
    ++calls;
    std::lock_guard<std::mutex> lock(mu_);
    Result<Credentials> result = results_.front();
    if (results_.size() > 1) results_.pop_front();
    return result;
  }
  std::atomic<int> calls{0};

 private:
  std::mutex mu_;
  std::deque<Result<Credentials>> results_;  // guarded by mu_
};

// --- CredentialChain ---------------------------------------------------------------------

TEST(CredentialChainTest, NotFoundMeansNextAndTheFirstSuccessWins) {
  auto first = std::make_unique<StubProvider>(
      std::deque<Result<Credentials>>{Status::NotFound("first: nothing")});
  auto second = std::make_unique<StubProvider>(std::deque<Result<Credentials>>{Creds("B")});
  auto third = std::make_unique<StubProvider>(std::deque<Result<Credentials>>{Creds("C")});
  StubProvider* third_ptr = third.get();
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::move(first));
  providers.push_back(std::move(second));
  providers.push_back(std::move(third));
  CredentialChain chain(std::move(providers));
  auto creds = chain.GetCredentials();
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->access_key_id, "B");
  EXPECT_EQ(third_ptr->calls, 0);
}

TEST(CredentialChainTest, OtherErrorsStopTheChain) {
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::make_unique<StubProvider>(
      std::deque<Result<Credentials>>{Status::InvalidArgument("broken web identity")}));
  providers.push_back(std::make_unique<StubProvider>(std::deque<Result<Credentials>>{Creds("B")}));
  auto creds = CredentialChain(std::move(providers)).GetCredentials();
  EXPECT_EQ(creds.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(creds.status().message(), "broken web identity");
}

TEST(CredentialChainTest, AllNotFoundListsEveryReason) {
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(
      std::make_unique<StubProvider>(std::deque<Result<Credentials>>{Status::NotFound("one")}));
  providers.push_back(
      std::make_unique<StubProvider>(std::deque<Result<Credentials>>{Status::NotFound("two")}));
  auto creds = CredentialChain(std::move(providers)).GetCredentials();
  EXPECT_EQ(creds.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(creds.status().message(), "no AWS credentials found (one; two)");
}

// --- CachingCredentials ------------------------------------------------------------------

class CachingTest : public ::testing::Test {
 protected:
  CachingCredentials& Make(std::deque<Result<Credentials>> results) {
    auto stub = std::make_unique<StubProvider>(std::move(results));
    stub_ = stub.get();
    caching_ = std::make_unique<CachingCredentials>(std::move(stub), clock_);
    return *caching_;
  }
  WallTime In(minutes m) { return clock_.Now() + m; }

  FakeClock clock_;
  StubProvider* stub_ = nullptr;
  std::unique_ptr<CachingCredentials> caching_;
};

TEST_F(CachingTest, CredentialsWithoutExpirationAreFetchedOnce) {
  CachingCredentials& caching = Make({Creds("A")});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(caching.GetCredentials().ok());
  clock_.Advance(std::chrono::hours(24 * 365));
  ASSERT_TRUE(caching.GetCredentials().ok());
  EXPECT_EQ(stub_->calls, 1);
}

TEST_F(CachingTest, RefreshesInTheAdvisoryWindowAndKeepsOldOnesIfThatFails) {
  CachingCredentials& caching = Make(
      {Creds("A", In(minutes(60))), Status::Transport("sts down"), Creds("C", In(minutes(120)))});
  EXPECT_EQ(caching.GetCredentials()->access_key_id, "A");
  clock_.Advance(minutes(44));  // 16 minutes left: still fresh
  EXPECT_EQ(caching.GetCredentials()->access_key_id, "A");
  EXPECT_EQ(stub_->calls, 1);
  clock_.Advance(minutes(2));  // 14 minutes left: advisory refresh fails, old ones still good
  EXPECT_EQ(caching.GetCredentials()->access_key_id, "A");
  EXPECT_EQ(stub_->calls, 2);
  EXPECT_EQ(caching.GetCredentials()->access_key_id, "C");  // the next advisory try works
  EXPECT_EQ(stub_->calls, 3);
}

TEST_F(CachingTest, MandatoryWindowRefreshFailureIsAnError) {
  CachingCredentials& caching = Make(
      {Creds("A", In(minutes(60))), Status::Transport("sts down"), Creds("C", In(minutes(120)))});
  ASSERT_TRUE(caching.GetCredentials().ok());
  clock_.Advance(minutes(51));  // 9 minutes left
  auto failed = caching.GetCredentials();
  EXPECT_EQ(failed.status().code(), StatusCode::kTransport);
  EXPECT_EQ(caching.GetCredentials()->access_key_id, "C");
}

TEST_F(CachingTest, AlreadyExpiredCredentialsAreRejected) {
  CachingCredentials& caching = Make({Creds("A", In(minutes(-1)))});
  auto creds = caching.GetCredentials();
  EXPECT_EQ(creds.status().code(), StatusCode::kRejected);
  EXPECT_THAT(creds.status().message(), HasSubstr("expired"));
}

TEST_F(CachingTest, ConcurrentCallersShareOneFetch) {
  CachingCredentials& caching = Make({Creds("A")});
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) ok += caching.GetCredentials().ok() ? 1 : 0;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok, 8 * 200);
  EXPECT_EQ(stub_->calls, 1);
}

// An inner provider that blocks until released, to observe callers during a refresh.
class BlockingProvider final : public CredentialsProvider {
 public:
  explicit BlockingProvider(Credentials first, Credentials second)
      : first_(std::move(first)), second_(std::move(second)) {}
  Result<Credentials> GetCredentials() override {
    if (calls++ == 0) return first_;
    entered.set_value();
    release_.get_future().wait();
    return second_;
  }
  void Release() { release_.set_value(); }
  std::atomic<int> calls{0};
  std::promise<void> entered;

 private:
  Credentials first_, second_;
  std::promise<void> release_;
};

TEST(CachingConcurrencyTest, AdvisoryRefreshDoesNotBlockOtherCallers) {
  FakeClock clock;
  auto inner = std::make_unique<BlockingProvider>(Creds("A", clock.Now() + minutes(60)),
                                                  Creds("B", clock.Now() + minutes(120)));
  BlockingProvider* blocking = inner.get();
  CachingCredentials caching(std::move(inner), clock);
  ASSERT_EQ(caching.GetCredentials()->access_key_id, "A");
  clock.Advance(minutes(47));  // advisory window
  auto refresher = std::async(std::launch::async, [&] { return caching.GetCredentials(); });
  blocking->entered.get_future().wait();
  // The refresh is in progress: this caller gets the still-valid credentials at once.
  EXPECT_EQ(caching.GetCredentials()->access_key_id, "A");
  blocking->Release();
  EXPECT_EQ(refresher.get()->access_key_id, "B");
  EXPECT_EQ(caching.GetCredentials()->access_key_id, "B");
  EXPECT_EQ(blocking->calls, 2);
}

// --- MakeDefaultCredentialChain ----------------------------------------------------------

class DefaultChainTest : public ::testing::Test {
 protected:
  Result<Credentials> Get(const std::string& profile = "default") {
    auto chain = MakeDefaultCredentialChain(env_, http_, clock_, config_, profile, "eu-west-1");
    return chain->GetCredentials();
  }

  FakeEnvironment env_;
  FakeHttp http_;  // unscripted: any request fails, so nothing leaves the process
  FakeClock clock_;
  SharedConfig config_ = *SharedConfig::FromText(
      "[profile dev]\nregion = eu-west-1\n",
      "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = secretfile\n");
};

TEST_F(DefaultChainTest, EnvironmentComesFirst) {
  env_.Set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env_.Set("AWS_SECRET_ACCESS_KEY", "secretenv");
  auto creds = Get();
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->source, "environment");
  EXPECT_EQ(http_.request_count(), 0u);
}

TEST_F(DefaultChainTest, WebIdentityBeatsTheCredentialsFile) {
  env_.Set("AWS_WEB_IDENTITY_TOKEN_FILE", "/t");
  env_.Set("AWS_ROLE_ARN", "arn:aws:iam::1:role/r");
  env_.AddFile("/t", "jwt");
  http_.Enqueue(200,
                "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
                "<AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>s</SecretAccessKey>"
                "<SessionToken>t</SessionToken><Expiration>2015-08-30T13:36:00Z</Expiration>"
                "</Credentials></AssumeRoleWithWebIdentityResult>"
                "</AssumeRoleWithWebIdentityResponse>");
  auto creds = Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->source, "web identity arn:aws:iam::1:role/r");
  EXPECT_EQ(http_.requests().at(0).url, "https://sts.eu-west-1.amazonaws.com/");
}

TEST_F(DefaultChainTest, ProfileBeforeContainerAndImds) {
  env_.Set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/c");
  auto creds = Get();
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->source, "profile default (credentials file)");
  EXPECT_EQ(http_.request_count(), 0u);
}

TEST_F(DefaultChainTest, ContainerBeforeImds) {
  env_.Set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/c");
  http_.Enqueue(200, R"({"AccessKeyId": "ASIAC", "SecretAccessKey": "s", "Token": "t",
                         "Expiration": "2015-08-30T18:00:00Z"})");
  auto creds = Get("dev");
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->source, "container");
}

TEST_F(DefaultChainTest, NothingConfiguredExplainsEveryStep) {
  auto creds = Get("dev");
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(creds.status().message(),
              AllOf(HasSubstr("AWS_ACCESS_KEY_ID"), HasSubstr("AWS_WEB_IDENTITY_TOKEN_FILE"),
                    HasSubstr("profile dev"), HasSubstr("AWS_CONTAINER_CREDENTIALS"),
                    HasSubstr("instance metadata")));
  for (const HttpRequest& request : http_.requests()) {
    EXPECT_THAT(request.url, HasSubstr("http://169.254.169.254/"));  // IMDS only
  }
}

}  // namespace
}  // namespace drf
