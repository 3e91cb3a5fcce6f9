#include "testing/fake_runtime_api.h"

namespace drf {
namespace {

constexpr std::string_view kPrefix = "/2018-06-01/runtime/";

HttpResponse Reply(int status, std::string body = "", HttpHeaders headers = {}) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

// "invocation/<id>/response" -> {"response", "<id>"}; "init/error" -> {"init-error", ""}.
std::pair<std::string, std::string> ParsePostPath(const std::string& path) {
  if (path == "init/error") return {"init-error", ""};
  const std::string invocation = "invocation/";
  if (path.rfind(invocation, 0) != 0) return {"", ""};
  size_t slash = path.rfind('/');
  return {path.substr(slash + 1), path.substr(invocation.size(), slash - invocation.size())};
}

}  // namespace

FakeRuntimeApi::FakeRuntimeApi(FakeHttp& http, Clock* clock) : clock_(clock) {
  http.SetHandler(
      [this](const HttpRequest& request) -> Result<HttpResponse> { return Handle(request); });
}

void FakeRuntimeApi::AddInvocation(std::string request_id, std::string body, WallTime deadline,
                                   std::string trace_id) {
  std::lock_guard<std::mutex> lock(mu_);
  invocations_.push_back({std::move(request_id), std::move(body), std::move(trace_id), deadline});
}

void FakeRuntimeApi::FailNextPost(int status) {
  std::lock_guard<std::mutex> lock(mu_);
  next_post_status_ = status;
}

std::vector<RuntimePost> FakeRuntimeApi::posts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return posts_;
}

int FakeRuntimeApi::next_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_calls_;
}

HttpResponse FakeRuntimeApi::Handle(const HttpRequest& request) {
  std::string base = std::string("http://") + kHost + std::string(kPrefix);
  if (request.url.rfind(base, 0) != 0) return Reply(404, "unknown URL " + request.url);
  std::string path = request.url.substr(base.size());
  std::lock_guard<std::mutex> lock(mu_);
  if (request.method == "GET" && path == "invocation/next") {
    ++next_calls_;
    if (invocations_.empty()) return Reply(500, R"({"errorMessage":"no more invocations"})");
    Queued next = std::move(invocations_.front());
    invocations_.pop_front();
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(next.deadline.time_since_epoch());
    return Reply(200, next.body,
                 {{"Lambda-Runtime-Aws-Request-Id", next.request_id},
                  {"Lambda-Runtime-Deadline-Ms", std::to_string(ms.count())},
                  {"Lambda-Runtime-Invoked-Function-Arn",
                   "arn:aws:lambda:us-east-1:123456789012:function:dr-dr-failover"},
                  {"Lambda-Runtime-Trace-Id", next.trace_id}});
  }
  auto [kind, id] = ParsePostPath(path);
  if (request.method != "POST" || kind.empty()) return Reply(404, "unknown path " + path);
  posts_.push_back({kind, id,
                    FindHeader(request.headers, "Lambda-Runtime-Function-Error-Type").value_or(""),
                    request.body, clock_ != nullptr ? clock_->Now() : WallTime{}});
  int status = next_post_status_.value_or(202);
  next_post_status_.reset();
  return Reply(status, status == 202 ? R"({"status":"OK"})" : R"({"errorMessage":"rejected"})");
}

}  // namespace drf
