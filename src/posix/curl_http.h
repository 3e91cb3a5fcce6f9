// CurlHttpClient: the real HttpClient, on libcurl. The only file that includes curl.
//
// Connections are kept alive and reused: each Send borrows an easy handle from a pool (a
// handle keeps its connection cache across curl_easy_reset), so concurrent Sends use
// different handles and never share one. TLS peer and host verification are always on.
// Only http and https URLs are accepted, redirects are not followed, and the URL path is
// sent as given (no "." / ".." squashing: it is what was signed).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/environment.h"
#include "core/http.h"

namespace drf {

struct CurlHttpOptions {
  // CA bundle file. Empty: libcurl's built-in default, or, when that file is missing, the
  // first of /etc/ssl/certs/ca-certificates.crt (Debian) and
  // /etc/pki/tls/certs/ca-bundle.crt (Amazon Linux 2023) that exists.
  std::string ca_bundle;
  std::chrono::milliseconds connect_timeout{3000};  // unless the request sets one
  std::chrono::milliseconds total_timeout{30000};   // a request may ask for less
  size_t max_idle_handles = 16;  // pooled handles (each with its live connections) kept
  size_t max_response_bytes = size_t{256} << 20;  // larger bodies fail the Send
};

// Options with AWS_CA_BUNDLE (when set and non-empty) as the CA bundle.
CurlHttpOptions CurlHttpOptionsFromEnvironment(const Environment& env);

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlHttpOptions options = {});
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  // Any HTTP status is a response. kTransport carries curl's error text and the URL without
  // its query string or user info. Thread-safe.
  Result<HttpResponse> Send(const HttpRequest& request) override;

  // The CA bundle actually used (after the fallbacks above); empty for libcurl's default.
  const std::string& ca_bundle() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace drf
