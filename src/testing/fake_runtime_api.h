// FakeRuntimeApi: the Lambda Runtime API for tests, on a FakeHttp. `next` hands out the
// queued invocations in order and, once they run out, answers 500 (which makes the
// runtime loop exit, so a test drives a finite number of invocations without threads).
// Posts are answered 202 (or a scripted status) and recorded. Thread-safe.
#pragma once

#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "testing/fake_http.h"

namespace drf {

// One post the runtime made.
struct RuntimePost {
  std::string kind;        // "response", "error" or "init-error"
  std::string request_id;  // empty for "init-error"
  std::string error_type;  // Lambda-Runtime-Function-Error-Type; empty for "response"
  std::string body;
  WallTime received{};  // by the clock given to FakeRuntimeApi; epoch without one

  nlohmann::json Json() const { return nlohmann::json::parse(body); }
};

class FakeRuntimeApi {
 public:
  static constexpr const char* kHost = "127.0.0.1:9001";

  // Installs itself as `http`'s handler; `http` must outlive this object. `clock`
  // (optional, not owned) stamps each post's arrival.
  explicit FakeRuntimeApi(FakeHttp& http, Clock* clock = nullptr);

  // Queues an invocation; `deadline` becomes Lambda-Runtime-Deadline-Ms.
  void AddInvocation(std::string request_id, std::string body, WallTime deadline,
                     std::string trace_id = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700");
  // The status answered to the next post (once), instead of 202.
  void FailNextPost(int status);

  std::vector<RuntimePost> posts() const;
  int next_calls() const;

 private:
  HttpResponse Handle(const HttpRequest& request);

  struct Queued {
    std::string request_id, body, trace_id;
    WallTime deadline;
  };
  Clock* clock_;  // may be null
  mutable std::mutex mu_;
  std::deque<Queued> invocations_;       // guarded by mu_
  std::vector<RuntimePost> posts_;       // guarded by mu_
  std::optional<int> next_post_status_;  // guarded by mu_
  int next_calls_ = 0;                   // guarded by mu_
};

}  // namespace drf
