#include "lambda/runtime_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "testing/fake_http.h"

namespace drf {
namespace {

constexpr char kApi[] = "127.0.0.1:9001";
constexpr char kBase[] = "http://127.0.0.1:9001/2018-06-01";

HttpHeaders InvocationHeaders(std::string id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd") {
  return {{"Lambda-Runtime-Aws-Request-Id", std::move(id)},
          {"Lambda-Runtime-Deadline-Ms", "1542409706888"},
          {"Lambda-Runtime-Invoked-Function-Arn",
           "arn:aws:lambda:us-east-1:123456789012:function:dr-dr-failover"},
          {"Lambda-Runtime-Trace-Id",
           "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"}};
}

class RuntimeClientTest : public ::testing::Test {
 protected:
  FakeHttp http_;
  RuntimeClient client_{RuntimeClientOptions{kApi}, http_};
};

TEST_F(RuntimeClientTest, NextLongPollsWithoutTimeoutAndReadsHeaders) {
  http_.Enqueue(200, R"({"dry_run":true})", InvocationHeaders());
  Result<Invocation> next = client_.Next();
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->request_id, "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
  EXPECT_EQ(next->deadline_ms, 1542409706888);
  EXPECT_EQ(next->deadline().time_since_epoch(), std::chrono::milliseconds(1542409706888));
  EXPECT_EQ(next->function_arn, "arn:aws:lambda:us-east-1:123456789012:function:dr-dr-failover");
  EXPECT_EQ(next->trace_id.rfind("Root=1-5bef4de7", 0), 0u);
  EXPECT_EQ(next->body, R"({"dry_run":true})");

  ASSERT_EQ(http_.request_count(), 1u);
  HttpRequest sent = http_.requests()[0];
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.url, std::string(kBase) + "/runtime/invocation/next");
  EXPECT_LT(sent.total_timeout.count(), 0) << "next must never time out";
}

TEST_F(RuntimeClientTest, NextWithoutRequestIdIsFatal) {
  HttpHeaders headers = InvocationHeaders();
  headers.erase(headers.begin());
  http_.Enqueue(200, "{}", headers);
  Result<Invocation> next = client_.Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::kInternal);
  EXPECT_NE(next.status().message().find("Request-Id"), std::string::npos);
}

TEST_F(RuntimeClientTest, NextWithBadDeadlineIsFatal) {
  HttpHeaders headers = InvocationHeaders();
  headers[1].second = "12x";
  http_.Enqueue(200, "{}", headers);
  Result<Invocation> next = client_.Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::kInternal);
  EXPECT_NE(next.status().message().find("12x"), std::string::npos);
}

TEST_F(RuntimeClientTest, NextServerErrorAndTransportFailureAreFatal) {
  http_.Enqueue(500, "container broken");
  Result<Invocation> next = client_.Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::kInternal);
  EXPECT_NE(next.status().message().find("500"), std::string::npos);

  http_.Enqueue(Result<HttpResponse>(Status::Transport("connection refused")));
  next = client_.Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::kTransport);
}

TEST_F(RuntimeClientTest, PostResponseShape) {
  http_.Enqueue(202, R"({"status":"OK"})");
  Status posted = client_.PostResponse("abc-123", R"({"statusCode":200})");
  ASSERT_TRUE(posted.ok()) << posted.ToString();
  HttpRequest sent = http_.requests()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, std::string(kBase) + "/runtime/invocation/abc-123/response");
  EXPECT_EQ(sent.body, R"({"statusCode":200})");
  EXPECT_EQ(FindHeader(sent.headers, "content-type"), "application/json");
  EXPECT_GT(sent.total_timeout.count(), 0) << "posts are bounded";
}

TEST_F(RuntimeClientTest, RequestIdIsEncodedInThePath) {
  http_.Enqueue(202, "");
  ASSERT_TRUE(client_.PostResponse("a/../b c", "{}").ok());
  EXPECT_EQ(http_.requests()[0].url,
            std::string(kBase) + "/runtime/invocation/a%2F..%2Fb%20c/response");
}

TEST_F(RuntimeClientTest, PostResponseRejectedAndServerError) {
  http_.Enqueue(413, R"({"errorMessage":"too large"})");
  Status rejected = client_.PostResponse("id1", "{}");
  EXPECT_EQ(rejected.code(), StatusCode::kRejected);
  EXPECT_NE(rejected.message().find("413"), std::string::npos);

  http_.Enqueue(500, "");
  EXPECT_EQ(client_.PostResponse("id2", "{}").code(), StatusCode::kInternal);
}

TEST_F(RuntimeClientTest, PostErrorShape) {
  http_.Enqueue(202, "");
  Status posted =
      client_.PostError("id-9", {"Function.InvalidEvent", "dry_run: expected true or false"});
  ASSERT_TRUE(posted.ok()) << posted.ToString();
  HttpRequest sent = http_.requests()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, std::string(kBase) + "/runtime/invocation/id-9/error");
  EXPECT_EQ(FindHeader(sent.headers, "Lambda-Runtime-Function-Error-Type"),
            "Function.InvalidEvent");
  auto body = nlohmann::json::parse(sent.body);
  EXPECT_EQ(body, nlohmann::json({{"errorMessage", "dry_run: expected true or false"},
                                  {"errorType", "Function.InvalidEvent"},
                                  {"stackTrace", nlohmann::json::array()}}));
}

TEST_F(RuntimeClientTest, InvalidErrorTypeIsSentAsRuntimeUnknown) {
  http_.Enqueue(202, "");
  ASSERT_TRUE(client_.PostError("id", {"InvalidEvent", "m"}).ok());
  HttpRequest sent = http_.requests()[0];
  EXPECT_EQ(FindHeader(sent.headers, "Lambda-Runtime-Function-Error-Type"), "Runtime.Unknown");
  EXPECT_EQ(nlohmann::json::parse(sent.body).at("errorType"), "InvalidEvent");
}

TEST_F(RuntimeClientTest, PostInitErrorShape) {
  http_.Enqueue(202, "");
  Status posted = client_.PostInitError({"Function.InvalidConfig", "TARGET_GROUPS: not JSON"});
  ASSERT_TRUE(posted.ok());
  HttpRequest sent = http_.requests()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, std::string(kBase) + "/runtime/init/error");
  EXPECT_EQ(FindHeader(sent.headers, "Lambda-Runtime-Function-Error-Type"),
            "Function.InvalidConfig");
  auto body = nlohmann::json::parse(sent.body);
  EXPECT_EQ(body.at("errorMessage"), "TARGET_GROUPS: not JSON");
  EXPECT_EQ(body.at("errorType"), "Function.InvalidConfig");
  EXPECT_TRUE(body.at("stackTrace").is_array());
}

TEST_F(RuntimeClientTest, LongErrorMessagesAreCutToValidJson) {
  RuntimeClient client(RuntimeClientOptions{kApi, std::chrono::milliseconds(1000), 5}, http_);
  http_.Enqueue(202, "");
  // "é" is two bytes; a cut after 5 bytes splits the third one.
  ASSERT_TRUE(client.PostError("id", {"Function.Failed", "ééé"}).ok());
  auto body = nlohmann::json::parse(http_.requests()[0].body);
  std::string message = body.at("errorMessage");
  EXPECT_EQ(message.rfind("éé", 0), 0u);
  EXPECT_LE(message.size(), 7u);
}

TEST(ErrorTypeTest, Validation) {
  for (const char* good :
       {"Function.InvalidEvent", "Runtime.Unknown", "Function.Ab", "Runtime.ExitError"}) {
    EXPECT_TRUE(IsValidErrorType(good)) << good;
  }
  for (const char* bad :
       {"", "InvalidEvent", "Function.", "Function.A", "Function.invalidEvent",
        "Function.Invalid_Event", "Function.Invalid.Event", "Handler.InvalidEvent",
        "function.InvalidEvent", "Function.Invalid1", "Runtime Unknown"}) {
    EXPECT_FALSE(IsValidErrorType(bad)) << bad;
  }
}

}  // namespace
}  // namespace drf
