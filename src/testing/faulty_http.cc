#include "testing/faulty_http.h"

namespace drf {

FaultyHttp::Fault FaultyHttp::Fault::ConnectFailure(std::string message) {
  Fault fault;
  fault.kind = Kind::kConnectFailure;
  fault.message = std::move(message);
  return fault;
}

FaultyHttp::Fault FaultyHttp::Fault::DropResponse(std::string message) {
  Fault fault;
  fault.kind = Kind::kDropResponse;
  fault.message = std::move(message);
  return fault;
}

FaultyHttp::Fault FaultyHttp::Fault::Reply(HttpResponse reply) {
  Fault fault;
  fault.kind = Kind::kReply;
  fault.reply = std::move(reply);
  return fault;
}

void FaultyHttp::Script(std::vector<Fault> faults) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& fault : faults) script_.push_back(std::move(fault));
}

void FaultyHttp::FailCall(int n, Fault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  by_call_[n] = std::move(fault);
}

void FaultyHttp::Throttle(int k, const HttpResponse& reply) {
  std::vector<Fault> faults(static_cast<size_t>(k), Fault::Reply(reply));
  Script(std::move(faults));
}

FaultyHttp::Fault FaultyHttp::NextFault() {
  std::lock_guard<std::mutex> lock(mu_);
  ++calls_;
  if (auto it = by_call_.find(calls_); it != by_call_.end()) {
    Fault fault = std::move(it->second);
    by_call_.erase(it);
    return fault;
  }
  if (script_.empty()) return Fault::Pass();
  Fault fault = std::move(script_.front());
  script_.pop_front();
  return fault;
}

Result<HttpResponse> FaultyHttp::Send(const HttpRequest& request) {
  Fault fault = NextFault();
  switch (fault.kind) {
    case Fault::Kind::kConnectFailure:
      return NotSentError(fault.message);
    case Fault::Kind::kReply:
      return fault.reply;
    case Fault::Kind::kPass:
    case Fault::Kind::kDropResponse:
      break;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++forwarded_;
  }
  Result<HttpResponse> reply = base_->Send(request);
  if (fault.kind == Fault::Kind::kDropResponse) return Status::Transport(fault.message);
  return reply;
}

int FaultyHttp::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

int FaultyHttp::forwarded() const {
  std::lock_guard<std::mutex> lock(mu_);
  return forwarded_;
}

HttpResponse FaultyHttp::QueryThrottlingReply() {
  HttpResponse reply;
  reply.status = 400;
  reply.headers = {{"Content-Type", "text/xml"}, {"x-amzn-RequestId", "throttled-request"}};
  reply.body =
      "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
      "<Message>Rate exceeded</Message></Error><RequestId>throttled-request</RequestId>"
      "</ErrorResponse>";
  return reply;
}

HttpResponse FaultyHttp::JsonThrottlingReply() {
  HttpResponse reply;
  reply.status = 400;
  reply.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                   {"x-amzn-RequestId", "throttled-request"}};
  reply.body = R"({"__type":"ThrottlingException","message":"Rate exceeded"})";
  return reply;
}

}  // namespace drf
