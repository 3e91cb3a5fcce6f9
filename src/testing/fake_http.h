// FakeHttp: answers requests with a handler the test supplies (or a queue of canned
// replies) and records every request it received. Thread-safe.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "core/http.h"

namespace drf {

class FakeHttp final : public HttpClient {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;

  FakeHttp() = default;
  explicit FakeHttp(Handler handler) : handler_(std::move(handler)) {}

  // Replies queued here are used first, in order; then the handler; with neither, the
  // request fails with a transport error naming the URL.
  void Enqueue(Result<HttpResponse> reply);
  void Enqueue(int status, std::string body, HttpHeaders headers = {});
  void SetHandler(Handler handler);

  Result<HttpResponse> Send(const HttpRequest& request) override;

  std::vector<HttpRequest> requests() const;
  size_t request_count() const;

 private:
  mutable std::mutex mu_;
  Handler handler_;                           // guarded by mu_
  std::deque<Result<HttpResponse>> replies_;  // guarded by mu_
  std::vector<HttpRequest> requests_;         // guarded by mu_
};

}  // namespace drf
