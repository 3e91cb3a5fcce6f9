#include "testing/fake_http.h"

namespace drf {

void FakeHttp::Enqueue(Result<HttpResponse> reply) {
  std::lock_guard<std::mutex> lock(mu_);
  replies_.push_back(std::move(reply));
}

void FakeHttp::Enqueue(int status, std::string body, HttpHeaders headers) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  Enqueue(Result<HttpResponse>(std::move(response)));
}

void FakeHttp::SetHandler(Handler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  handler_ = std::move(handler);
}

Result<HttpResponse> FakeHttp::Send(const HttpRequest& request) {
  Handler handler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    if (!replies_.empty()) {
      Result<HttpResponse> reply = std::move(replies_.front());
      replies_.pop_front();
      return reply;
    }
    handler = handler_;
  }
  // The handler runs unlocked so it may block or call back into the fake.
  if (handler) return handler(request);
  return Status::Transport("FakeHttp: no reply scripted for " + request.method + " " + request.url);
}

std::vector<HttpRequest> FakeHttp::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

size_t FakeHttp::request_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_.size();
}

}  // namespace drf
