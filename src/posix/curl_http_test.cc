#include "posix/curl_http.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "testing/fake_environment.h"
#include "testing/script_server.h"

namespace drf {
namespace {

class CurlHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = ScriptServer::Start(
        "exec python3 " + ScriptServer::SourcePath("tools/testing/http_test_server.py"));
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value().release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static std::string Url(const std::string& path) { return server_->base_url() + path; }

  static HttpRequest Request(std::string method, const std::string& path, std::string body = "") {
    HttpRequest request;
    request.method = std::move(method);
    request.url = Url(path);
    request.body = std::move(body);
    return request;
  }

  // Sends and parses /echo's JSON description of what the server received.
  nlohmann::json Echo(const HttpRequest& request) {
    auto response = client_.Send(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    if (!response.ok()) return {};
    EXPECT_EQ(response->status, 200);
    return nlohmann::json::parse(response->body);
  }

  static ScriptServer* server_;
  CurlHttpClient client_;
};

ScriptServer* CurlHttpTest::server_ = nullptr;

// A loopback port with nothing listening: bind, read the port, close.
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST_F(CurlHttpTest, GetSendsOurHeadersAndNoExpect) {
  HttpRequest request = Request("GET", "/echo?a=1");
  request.headers = {{"X-Amz-Date", "20150830T123600Z"}, {"X-Empty", ""}};
  nlohmann::json echo = Echo(request);
  EXPECT_EQ(echo["method"], "GET");
  EXPECT_EQ(echo["path"], "/echo?a=1");
  EXPECT_EQ(echo["headers"]["x-amz-date"], "20150830T123600Z");
  EXPECT_EQ(echo["headers"]["x-empty"], "");
  EXPECT_FALSE(echo["headers"].contains("expect"));
  EXPECT_FALSE(echo["headers"].contains("content-type"));
}

TEST_F(CurlHttpTest, PostSendsExactBodyWithoutInventedContentTypeOrExpect) {
  // Large enough that curl would ask for 100-continue by default (> 1 MiB).
  const std::string body(1100000, 'b');
  nlohmann::json echo = Echo(Request("POST", "/echo", body));
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["body"].get<std::string>().size(), body.size());
  EXPECT_EQ(echo["body"], body);
  EXPECT_FALSE(echo["headers"].contains("expect"));
  EXPECT_FALSE(echo["headers"].contains("content-type"));
}

TEST_F(CurlHttpTest, PostKeepsCallersContentType) {
  HttpRequest request = Request("POST", "/echo", "Action=X&Version=1");
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  nlohmann::json echo = Echo(request);
  EXPECT_EQ(echo["headers"]["content-type"], "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(echo["body"], "Action=X&Version=1");
}

TEST_F(CurlHttpTest, OtherMethods) {
  EXPECT_EQ(Echo(Request("PUT", "/echo", "{}"))["method"], "PUT");
  nlohmann::json del = Echo(Request("DELETE", "/echo"));
  EXPECT_EQ(del["method"], "DELETE");
  EXPECT_EQ(del["body"], "");
  auto head = client_.Send(Request("HEAD", "/echo"));
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
}

TEST_F(CurlHttpTest, ErrorStatusIsAResponseWithHeaders) {
  auto response = client_.Send(Request("GET", "/status/503"));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "status 503");
  EXPECT_EQ(response->Header("x-test-status"), "503");
  EXPECT_EQ(response->Header("Content-Length"), "10");
}

TEST_F(CurlHttpTest, ReusesTheConnection) {
  const int first = Echo(Request("GET", "/echo"))["connection"];
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Echo(Request("GET", "/echo"))["connection"], first);
}

TEST_F(CurlHttpTest, ConcurrentSendsFromManyThreads) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::set<int>> connections(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string body = "thread " + std::to_string(t) + " call " + std::to_string(i);
        auto response = client_.Send(Request("POST", "/echo", body));
        if (!response.ok() || response->status != 200) {
          ++failures[static_cast<size_t>(t)];
          continue;
        }
        auto echo = nlohmann::json::parse(response->body);
        if (echo["body"] != body) ++failures[static_cast<size_t>(t)];
        connections[static_cast<size_t>(t)].insert(echo["connection"].get<int>());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<int> all;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[static_cast<size_t>(t)], 0) << "thread " << t;
    all.insert(connections[static_cast<size_t>(t)].begin(),
               connections[static_cast<size_t>(t)].end());
  }
  // Pooled handles keep their connections: far fewer than one per request.
  EXPECT_LE(all.size(), static_cast<size_t>(2 * kThreads));
}

TEST_F(CurlHttpTest, ConnectFailureIsTransportError) {
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(ClosedPort()) + "/x";
  auto response = client_.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTransport);
  EXPECT_TRUE(IsNotSentError(response.status())) << response.status().message();
  EXPECT_NE(response.status().message().find("127.0.0.1"), std::string::npos)
      << response.status().message();
}

// Requests that reached /drop (the server closes without answering).
int Drops(CurlHttpClient& client, const std::string& url) {
  HttpRequest request;
  request.url = url;
  auto response = client.Send(request);
  if (!response.ok()) return -1;
  return nlohmann::json::parse(response->body)["drops"].get<int>();
}

// libcurl re-sends a request on its own when a reused keep-alive connection closes before
// any reply byte. That is the hazard for PromoteReadReplica (the server may have acted on
// the first copy): pinned here so a libcurl change is noticed.
TEST_F(CurlHttpTest, LibcurlResendsOnADroppedReusedConnection) {
  const int before = Drops(client_, Url("/stats"));  // also opens the keep-alive connection
  auto response = client_.Send(Request("POST", "/drop", "Action=DescribeDBInstances"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(Drops(client_, Url("/stats")) - before, 2);
}

// A request that is not resend-safe gets a fresh connection: it reaches the server once,
// and the failure is not "not sent" (the server may have acted on it).
TEST_F(CurlHttpTest, RequestNotResendSafeReachesTheServerOnceWhenDropped) {
  const int before = Drops(client_, Url("/stats"));
  HttpRequest request = Request("POST", "/drop", "Action=PromoteReadReplica");
  request.resend_safe = false;
  auto response = client_.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTransport);
  EXPECT_FALSE(IsNotSentError(response.status())) << response.status().message();
  EXPECT_EQ(Drops(client_, Url("/stats")) - before, 1);
}

TEST_F(CurlHttpTest, ErrorsHideUserInfoAndQuery) {
  HttpRequest request;
  request.url = "http://user:hunter2@127.0.0.1:" + std::to_string(ClosedPort()) +
                "/p?X-Amz-Signature=deadbeef";
  auto response = client_.Send(request);
  ASSERT_FALSE(response.ok());
  const std::string& message = response.status().message();
  EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  EXPECT_EQ(message.find("deadbeef"), std::string::npos) << message;
  EXPECT_NE(message.find("/p"), std::string::npos) << message;
}

TEST_F(CurlHttpTest, TotalTimeoutPerRequest) {
  HttpRequest request = Request("GET", "/slow");
  request.total_timeout = std::chrono::milliseconds(200);
  auto response = client_.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kTransport);
  EXPECT_NE(response.status().message().find("imed out"), std::string::npos)
      << response.status().message();
}

TEST_F(CurlHttpTest, ARequestCannotLengthenTheClientsTimeout) {
  CurlHttpOptions options;
  options.total_timeout = std::chrono::milliseconds(200);
  CurlHttpClient strict(options);
  HttpRequest request = Request("GET", "/slow");  // answers after 5 s
  request.total_timeout = std::chrono::seconds(10);
  auto response = strict.Send(request);
  ASSERT_FALSE(response.ok()) << "the client's 200 ms bound the request, not its 10 s";
  EXPECT_NE(response.status().message().find("imed out"), std::string::npos)
      << response.status().message();
}

TEST_F(CurlHttpTest, OnlyHttpAndHttpsAreAllowed) {
  for (const char* url : {"file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"}) {
    HttpRequest request;
    request.url = url;
    auto response = client_.Send(request);
    ASSERT_FALSE(response.ok()) << url;
    EXPECT_EQ(response.status().code(), StatusCode::kTransport) << url;
  }
}

TEST_F(CurlHttpTest, HeaderInjectionIsRefused) {
  HttpRequest request = Request("GET", "/echo");
  request.headers = {{"X-Bad", "a\r\nInjected: yes"}};
  auto response = client_.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CurlHttpTest, ResponseSizeLimit) {
  CurlHttpOptions options;
  options.max_response_bytes = 1000;
  CurlHttpClient small(options);
  auto response = small.Send(Request("GET", "/big?bytes=5000"));
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find("larger than 1000"), std::string::npos)
      << response.status().message();
  auto fits = small.Send(Request("GET", "/big?bytes=1000"));
  ASSERT_TRUE(fits.ok()) << fits.status().ToString();
  EXPECT_EQ(fits->body.size(), 1000u);
}

TEST(CurlHttpOptionsTest, CaBundleFromEnvironment) {
  FakeEnvironment env;
  EXPECT_EQ(CurlHttpOptionsFromEnvironment(env).ca_bundle, "");
  env.Set("AWS_CA_BUNDLE", "");
  EXPECT_EQ(CurlHttpOptionsFromEnvironment(env).ca_bundle, "");
  env.Set("AWS_CA_BUNDLE", "/custom/ca.pem");
  EXPECT_EQ(CurlHttpOptionsFromEnvironment(env).ca_bundle, "/custom/ca.pem");
  CurlHttpClient client(CurlHttpOptionsFromEnvironment(env));
  EXPECT_EQ(client.ca_bundle(), "/custom/ca.pem");
}

TEST(CurlHttpOptionsTest, DefaultCaBundleIsLibcurlsOrAKnownFile) {
  CurlHttpClient client;
  const std::string& bundle = client.ca_bundle();
  EXPECT_TRUE(bundle.empty() || bundle == "/etc/ssl/certs/ca-certificates.crt" ||
              bundle == "/etc/pki/tls/certs/ca-bundle.crt")
      << bundle;
}

}  // namespace
}  // namespace drf
