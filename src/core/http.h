// HttpClient: the one interface through which drfailover talks HTTP (AWS APIs, credential
// endpoints, the Lambda Runtime API). The real implementation is posix/curl_http; tests
// use testing/fake_http.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace drf {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup; the first match wins.
std::optional<std::string> FindHeader(const HttpHeaders& headers, std::string_view name);

struct HttpRequest {
  std::string method = "GET";
  std::string url;      // absolute: scheme://host[:port]/path[?query], already encoded
  HttpHeaders headers;  // sent as given; the client adds nothing that needs signing
  std::string body;
  // 0 means the client's default. A positive total timeout can only shorten the client's
  // default (an AWS call made just before a run's hard stop gets what is left of it). A
  // negative total timeout means "no limit" (Lambda's long-polling `next` call must never
  // time out).
  std::chrono::milliseconds connect_timeout{0};
  std::chrono::milliseconds total_timeout{0};
  // False for a request the server must see at most once per Send (a non-idempotent AWS
  // call): the client must not re-send it on its own. (libcurl silently re-sends a request
  // whose reused keep-alive connection closed before any reply byte; such a request gets
  // a fresh connection instead, so a drop after sending is reported, not retried.)
  bool resend_safe = true;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // names as received
  std::string body;

  std::optional<std::string> Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
};

// A kTransport failure that proves the request never reached the server: no connection
// could be made (name resolution, connection refused, connect timeout, TLS handshake).
// Sending it again is safe whatever it does. Every other transport failure may come after
// the server received, and acted on, the request.
Status NotSentError(std::string_view message);
bool IsNotSentError(const Status& status);

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Sends one request. Any HTTP status (including 4xx/5xx) is a successful Send; a
  // Status of code kTransport means no response was received (connect failure, TLS
  // failure, timeout, connection dropped); NotSentError when the request certainly never
  // left. Thread-safe: may be called concurrently.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

}  // namespace drf
