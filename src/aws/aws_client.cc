#include "aws/aws_client.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>

#include "aws/adaptive_rate_limiter.h"
#include "aws/aws_error_parser.h"
#include "aws/endpoints.h"
#include "aws/sigv4.h"
#include "aws/wire_protocol.h"

namespace drf {
namespace {

// Reads a 2xx reply into the caller's response type (wire_protocol.h's Read*Reply).
template <typename Response>
using ReplyReader = std::function<Status(const HttpResponse& reply, Response& out)>;

bool IsSuccess(int http_status) { return http_status >= 200 && http_status < 300; }

// What the observer counts a 2xx with an unreadable body under (it has no wire code).
constexpr char kUnreadableReplyCode[] = "UnreadableResponse";

// A 2xx whose body cannot be parsed (truncated, garbled): AWS accepted the request, but
// what it answered is lost. Retryable only for idempotent operations.
AwsErrorInfo UnreadableSuccess(const ServiceInfo& service, std::string_view operation,
                               const HttpResponse& response, const Status& parsed,
                               const std::string& request_id, bool idempotent) {
  AwsErrorInfo info;
  info.service = service.id;
  info.operation = operation;
  info.http_status = response.status;
  info.message = parsed.message();
  info.request_id = request_id;
  info.retryable = idempotent;
  return info;
}

// The final error of a call; `why_not` (why it was not retried) is empty for errors that
// are never retried. An unreadable 2xx is kInternal, also after retries: a reply that stays
// unreadable is not a transient fault to wait out (services/mutated.h explains it, for a
// mutating call, as "may have been applied").
Status FailedCall(AwsErrorInfo error, const std::string& why_not) {
  const bool unreadable = error.http_status >= 200 && error.http_status < 300;
  const StatusCode code = unreadable ? StatusCode::kInternal : StatusCodeForAwsError(error);
  Status status = Status::FromAws(code, std::move(error));
  return why_not.empty() ? status : status.WithContext(why_not);
}

}  // namespace

struct AwsClient::Impl {
  explicit Impl(AwsClientOptions opts)
      : options(std::move(opts)),
        adaptive(options.retry.mode == "adaptive"),
        quota(options.retry.quota_capacity),
        rng(std::random_device{}()) {}

  template <typename Response>
  Result<Response> Call(const ServiceInfo& service, std::string_view operation,
                        const RequestSpec& spec, const ReplyReader<Response>& read);
  Result<HttpRequest> BuildSignedRequest(const ServiceInfo& service, const RequestSpec& spec);
  std::optional<std::string> WhyNotRetry(const AwsErrorInfo& error, bool idempotent, int attempt,
                                         int& cost);
  Result<HttpResponse> SendTimed(const HttpRequest& request, ApiAttempt& record);
  AdaptiveRateLimiter* LimiterFor(const ServiceInfo& service, std::string_view operation);
  void Report(ApiAttempt& record, AdaptiveRateLimiter* limiter, MonoTime sent_at);
  double Random();

  const AwsClientOptions options;
  const bool adaptive;  // AWS_RETRY_MODE=adaptive: sends are rate-limited per operation
  RetryQuota quota;     // shared by every call of this client, across threads
  std::mutex limiters_mu;
  // Adaptive mode's limiters by operation ("ECS.UpdateService"), made at its first call.
  // The SDKs keep one per client, that is per service; AWS throttles per API or per group of
  // APIs (ECS by category of action, EC2 and ELB per API), so one limit per service let a
  // throttled TagResource hold UpdateService back while UpdateService's own bucket had room
  // (bench/README.md, "adaptive mode per operation"). Where AWS shares one bucket between
  // operations (Auto Scaling), each operation's limiter backs off on its own throttles, as
  // TCP flows sharing a link do. Never erased, so the pointers stay valid.
  std::map<std::string, std::unique_ptr<AdaptiveRateLimiter>, std::less<>>
      limiters;  // guarded by limiters_mu
  std::mutex random_mu;
  std::mt19937_64 rng;  // guarded by random_mu
};

double AwsClient::Impl::Random() {
  if (options.random) return options.random();
  std::lock_guard<std::mutex> lock(random_mu);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// Endpoint and credentials are looked up again for every attempt: a retry after the
// credentials were refreshed must sign with the new ones, and the signature's date must be
// fresh (AWS rejects more than ~15 minutes of skew).
Result<HttpRequest> AwsClient::Impl::BuildSignedRequest(const ServiceInfo& service,
                                                        const RequestSpec& spec) {
  Result<Endpoint> endpoint = options.endpoints->Resolve(service, options.region);
  if (!endpoint.ok()) return endpoint.status().WithContext("resolving the endpoint");
  Result<Credentials> creds = options.credentials->GetCredentials();
  if (!creds.ok()) return creds.status().WithContext("getting credentials");
  HttpRequest request;
  request.method = spec.method;
  request.url =
      (spec.bucket.empty() ? endpoint->url : S3BucketUrl(*endpoint, spec.bucket)) + spec.path;
  request.headers = spec.headers;
  request.headers.emplace_back("User-Agent", options.user_agent);
  request.body = spec.body;
  SignRequest(request, *creds,
              SigningParams{endpoint->signing_region, std::string(service.signing_name),
                            options.clock->Now(), service.protocol == Protocol::kRestS3});
  return request;
}

// Standard mode: nullopt when the failed attempt is retried (`cost` then holds the quota
// tokens taken), else why not, for the error message. A non-idempotent call is retried
// only after a failure that proves AWS did not act on it.
std::optional<std::string> AwsClient::Impl::WhyNotRetry(const AwsErrorInfo& error, bool idempotent,
                                                        int attempt, int& cost) {
  if (!error.retryable) return std::string();
  if (!idempotent && MayHaveTakenEffect(error)) {
    return "not retried: " + error.operation + " is not idempotent and AWS may have applied it (" +
           (error.transport ? std::string("the connection failed after the request was sent")
                            : "HTTP " + std::to_string(error.http_status)) +
           ")";
  }
  if (attempt >= options.retry.max_attempts) {
    return "gave up after " + std::to_string(attempt) + " attempts";
  }
  std::optional<int> taken = quota.Acquire(error.transport);
  if (!taken) {
    return "not retried: the client's retry quota is exhausted (" +
           std::to_string(quota.available()) + " of " + std::to_string(quota.capacity()) +
           " tokens left; too many recent failures)";
  }
  cost = *taken;
  return std::nullopt;
}

// The one path of every call, whatever its protocol: sign, send, read a 2xx with `read`
// (the protocol's part, with `spec`) or classify the error, then retry or give up.
// Unlike the SDKs, non-idempotent operations (IsIdempotentOperation) are never sent again
// after a failure that leaves unknown whether AWS acted on it (MayHaveTakenEffect: a 5xx,
// a connection lost after sending, an unreadable 2xx): the caller gets the error and finds
// out from AWS's state (the promote step describes the instance). Throttling and failures
// before sending are retried as usual. Every attempt goes to the observer, with its cause,
// so the report shows retries and why.
template <typename Response>
Result<Response> AwsClient::Impl::Call(const ServiceInfo& service, std::string_view operation,
                                       const RequestSpec& spec, const ReplyReader<Response>& read) {
  const bool idempotent = IsIdempotentOperation(service.id, operation);
  AdaptiveRateLimiter* const limiter = LimiterFor(service, operation);
  int last_retry_cost = 0;
  for (int attempt = 1;; ++attempt) {
    // Adaptive mode: wait for the send rate limit before signing, so the signature's date
    // is that of the send.
    if (limiter != nullptr) {
      Status admitted = limiter->AcquireToSend(options.cancel, options.calls_end);
      if (!admitted.ok()) {
        return admitted.WithContext(std::string(service.id) + " " + std::string(operation));
      }
    }
    Result<HttpRequest> request = BuildSignedRequest(service, spec);
    if (!request.ok()) {
      return request.status().WithContext(std::string(service.id) + " " + std::string(operation));
    }
    request->resend_safe = idempotent;
    if (options.calls_end) {
      const Duration left = *options.calls_end - options.clock->Monotonic();
      if (left <= Duration(0)) {
        return Status::Cancelled(std::string(service.id) + " " + std::string(operation) +
                                 ": not sent: the run's hard stop has passed");
      }
      request->total_timeout = std::max(std::chrono::milliseconds(1),
                                        std::chrono::ceil<std::chrono::milliseconds>(left));
    }
    ApiAttempt record;
    record.service = service.id;
    record.operation = operation;
    record.attempt = attempt;
    const MonoTime sent_at = options.clock->Monotonic();
    Result<HttpResponse> reply = SendTimed(*request, record);
    AwsErrorInfo error;
    if (reply.ok() && IsSuccess(reply->status)) {
      Response out;
      Status parsed = read(*reply, out);
      record.request_id = out.request_id;
      if (parsed.ok()) {
        Report(record, limiter, sent_at);
        quota.OnSuccess(last_retry_cost);
        out.attempts = attempt;
        return out;
      }
      error = UnreadableSuccess(service, operation, *reply, parsed, record.request_id, idempotent);
      record.error_code = kUnreadableReplyCode;
    } else {
      error = reply.ok() ? AwsErrorFromResponse(service, operation, *reply)
                         : AwsErrorFromTransport(service, operation, reply.status());
      record.error_code = error.code;
      record.request_id = error.request_id;
      record.throttled = error.throttling;
    }
    std::optional<std::string> why_not = WhyNotRetry(error, idempotent, attempt, last_retry_cost);
    record.will_retry = !why_not.has_value();
    Report(record, limiter, sent_at);
    if (why_not) return FailedCall(std::move(error), *why_not);
    const Duration delay = BackoffDelay(attempt, Random(), options.retry.max_backoff);
    if (!options.clock->SleepFor(delay, options.cancel)) {
      return Status::FromAws(StatusCode::kCancelled, std::move(error))
          .WithContext("cancelled while waiting to retry");
    }
  }
}

Result<HttpResponse> AwsClient::Impl::SendTimed(const HttpRequest& request, ApiAttempt& record) {
  const MonoTime start = options.clock->Monotonic();
  Result<HttpResponse> reply = options.http->Send(request);
  record.latency = options.clock->Monotonic() - start;
  record.http_status = reply.ok() ? reply->status : 0;
  return reply;
}

AdaptiveRateLimiter* AwsClient::Impl::LimiterFor(const ServiceInfo& service,
                                                 std::string_view operation) {
  if (!adaptive) return nullptr;
  std::lock_guard<std::mutex> lock(limiters_mu);
  auto [it, inserted] =
      limiters.try_emplace(std::string(service.id) + "." + std::string(operation));
  if (inserted) it->second = std::make_unique<AdaptiveRateLimiter>(*options.clock);
  return it->second.get();
}

// Every attempt that was sent, answered or not, moves the adaptive limit (the SDK counts
// them all); the observer then sees the limit it left.
void AwsClient::Impl::Report(ApiAttempt& record, AdaptiveRateLimiter* limiter, MonoTime sent_at) {
  record.retry_mode = adaptive ? "adaptive" : "standard";
  if (limiter != nullptr) {
    record.send_rate_limit = limiter->OnResponse(record.throttled, sent_at).limit;
  }
  if (options.observer != nullptr) options.observer->OnAttempt(record);
}

AwsClient::AwsClient(AwsClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

AwsClient::~AwsClient() = default;

const std::string& AwsClient::region() const { return impl_->options.region; }

int AwsClient::RetryQuotaAvailable() const { return impl_->quota.available(); }

Result<XmlResponse> AwsClient::CallQuery(const ServiceInfo& service, std::string_view action,
                                         const QueryParams& params) {
  auto read = [&](const HttpResponse& reply, XmlResponse& out) {
    return ReadQueryReply(service.protocol, action, reply, out);
  };
  return impl_->Call<XmlResponse>(service, action, QueryRequestSpec(service, action, params), read);
}

Result<JsonResponse> AwsClient::CallJson(const ServiceInfo& service, std::string_view operation,
                                         const nlohmann::json& body) {
  DRF_ASSIGN_OR_RETURN(RequestSpec spec, JsonRequestSpec(service, operation, body));
  return impl_->Call<JsonResponse>(service, operation, spec, ReadJsonReply);
}

Result<XmlResponse> AwsClient::CallRestXml(const ServiceInfo& service, std::string_view operation,
                                           std::string_view method, std::string path,
                                           std::string body) {
  return impl_->Call<XmlResponse>(service, operation,
                                  RestXmlRequestSpec(method, std::move(path), std::move(body)),
                                  ReadRestXmlReply);
}

Result<RestResponse> AwsClient::CallRestRaw(const ServiceInfo& service, std::string_view operation,
                                            RestRequest request) {
  return impl_->Call<RestResponse>(service, operation, RawRequestSpec(std::move(request)),
                                   ReadRawReply);
}

}  // namespace drf
