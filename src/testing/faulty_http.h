// FaultyHttp: wraps another HttpClient and breaks chosen calls, like leveldb's ErrorEnv.
// A call can fail before it is sent (connect failure: NotSentError), after it was sent (the base
// sees it, the reply is dropped: the dangerous case for non-idempotent operations), or be answered
// with a scripted reply (throttling, 5xx) without reaching the base. Thread-safe.
// Depends only on core: every unit test binary links src/testing.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/http.h"

namespace drf {

class FaultyHttp final : public HttpClient {
 public:
  // What happens to one call.
  struct Fault {
    enum class Kind { kPass, kConnectFailure, kDropResponse, kReply };
    Kind kind = Kind::kPass;
    std::string message;  // the transport error text (kConnectFailure, kDropResponse)
    HttpResponse reply;   // kReply

    static Fault Pass() { return {}; }
    static Fault ConnectFailure(std::string message = "injected: connection refused");
    static Fault DropResponse(std::string message = "injected: connection reset after send");
    static Fault Reply(HttpResponse reply);
  };

  explicit FaultyHttp(HttpClient* base) : base_(base) {}  // `base` not owned

  // The next calls take these faults, in order; later calls pass.
  void Script(std::vector<Fault> faults);
  // Call number `n` (1-based, counting every call since construction) gets `fault`; takes
  // precedence over the script.
  void FailCall(int n, Fault fault);
  // The next `k` calls are answered with `reply` (e.g. ThrottlingReply()), then calls pass.
  void Throttle(int k, const HttpResponse& reply);

  Result<HttpResponse> Send(const HttpRequest& request) override;

  int calls() const;      // every Send
  int forwarded() const;  // Sends that reached the base

  // Canned throttling replies: query-protocol XML (HTTP 400, code Throttling) and JSON 1.1
  // (HTTP 400, ThrottlingException).
  static HttpResponse QueryThrottlingReply();
  static HttpResponse JsonThrottlingReply();

 private:
  Fault NextFault();

  HttpClient* const base_;
  mutable std::mutex mu_;
  std::deque<Fault> script_;      // guarded by mu_
  std::map<int, Fault> by_call_;  // guarded by mu_
  int calls_ = 0;                 // guarded by mu_
  int forwarded_ = 0;             // guarded by mu_
};

}  // namespace drf
