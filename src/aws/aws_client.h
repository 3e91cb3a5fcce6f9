// AwsClient: one signed, retried AWS API call at a time per caller, for every protocol we
// speak. It resolves the endpoint, gets credentials, serializes, signs (fresh on every
// attempt), sends through HttpClient, parses success and error bodies, retries in standard
// mode, and reports every attempt to an observer (API call counts in the report).
// Thread-safe: one AwsClient serves all steps of a run concurrently.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.h"
#include "aws/endpoint.h"
#include "aws/retry.h"
#include "aws/service.h"
#include "core/clock.h"
#include "core/http.h"
#include "core/result.h"

namespace drf {

// Query/EC2 parameters in the order they are sent ("Action" and "Version" are added by the
// client). Helpers for lists and structures are in aws/query_params.h.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct XmlResponse {
  std::shared_ptr<pugi::xml_document> doc;  // owns the tree `result` points into
  // Query: the <OpResult> element (or the root when the operation has no result).
  // EC2 and rest-xml: the root element.
  pugi::xml_node result;
  std::string request_id;
  int attempts = 1;
};

struct JsonResponse {
  nlohmann::json body;
  std::string request_id;
  int attempts = 1;
};

// A REST request sent as given (CallRestRaw).
struct RestRequest {
  std::string method = "GET";
  // S3 only: the bucket, addressed as endpoints.h's S3BucketUrl says (virtual-hosted or
  // path style, chosen per attempt from the resolved endpoint). Empty: the endpoint itself.
  std::string bucket;
  // Starts with '/' and is already URI-encoded (S3: once, keys keeping '/'); relative to the
  // bucket when `bucket` is set. May end in "?query".
  std::string path_and_query = "/";
  HttpHeaders headers;  // extra headers, signed with the rest
  std::string body;
};

// A 2xx reply to CallRestRaw, body and headers untouched.
struct RestResponse {
  HttpResponse http;
  std::string request_id;  // x-amzn-RequestId or x-amz-request-id (S3)
  int attempts = 1;
};

// One HTTP attempt of an API call, reported to the observer after it completes.
struct ApiAttempt {
  std::string_view service;    // ServiceInfo::id
  std::string_view operation;  // "DescribeDBInstances"
  int attempt = 1;             // 1-based
  int http_status = 0;         // 0: no response (transport failure)
  std::string error_code;      // wire code, empty on success
  std::string request_id;
  Duration latency{0};
  bool will_retry = false;      // another attempt follows
  bool throttled = false;       // AWS answered with a throttling code (IsThrottlingCode)
  std::string_view retry_mode;  // "standard" or "adaptive": how the client retries
  // Adaptive mode: the service's client-side send limit after this attempt (requests a
  // second); nullopt in standard mode and until the service's first throttle.
  std::optional<double> send_rate_limit;
};

// The string_views in ApiAttempt are valid only during OnAttempt: copy what you keep.
class ApiCallObserver {
 public:
  virtual ~ApiCallObserver() = default;
  virtual void OnAttempt(const ApiAttempt& attempt) = 0;  // called from any thread
};

struct AwsClientOptions {
  std::string region;                           // required
  HttpClient* http = nullptr;                   // required, not owned
  Clock* clock = nullptr;                       // required, not owned
  CredentialsProvider* credentials = nullptr;   // required, not owned
  const EndpointResolver* endpoints = nullptr;  // required, not owned
  RetryOptions retry;
  ApiCallObserver* observer = nullptr;  // optional, not owned
  const CancelToken* cancel = nullptr;  // optional: stops backoff sleeps
  // Optional (Clock::Monotonic time): no request is sent after it, and a request's total
  // timeout is at most the time left, so a call in flight cannot outlive a hard stop.
  std::optional<MonoTime> calls_end;
  std::function<double()> random;  // uniform [0,1) for jitter; default: seeded PRNG
  std::string user_agent = "drfailover/0.1";
};

// Retries: standard mode (in adaptive mode too, which adds a client-side send rate limit per
// operation: adaptive_rate_limiter.h; RetryOptions::mode), except that a non-idempotent operation
// (IsIdempotentOperation in retry.h: PromoteReadReplica...) is never sent again after a failure
// that may have taken effect (MayHaveTakenEffect: 5xx, connection lost after sending, unreadable
// 2xx); it is returned to the caller, who must find out from AWS's state. Such requests also get a
// fresh connection (HttpRequest::resend_safe), so the transport cannot re-send them either.
//
// Errors (Status::FromAws, with AwsErrorInfo attached): kNotFound for not-found wire codes
// (aws_error_parser.h), kRetryable when retries gave up or were not allowed (attempts or
// retry quota exhausted, or a non-idempotent call; the message says which), kTransport when
// the last attempt got no response, kRejected for other AWS errors, kInternal for a 2xx
// body that cannot be parsed (retried for idempotent operations; AWS accepted the call),
// kCancelled when `cancel` fired during a backoff or a wait for the send rate limit, or
// `calls_end` had passed (or the rate limit would hold the request past it). Endpoint and
// credential failures are returned as they come, without AWS details, and are not retried.
class AwsClient {
 public:
  explicit AwsClient(AwsClientOptions options);
  ~AwsClient();
  AwsClient(const AwsClient&) = delete;
  AwsClient& operator=(const AwsClient&) = delete;

  // Query protocol (RDS, Auto Scaling, ELBv2, SNS, STS) and its EC2 flavour.
  Result<XmlResponse> CallQuery(const ServiceInfo& service, std::string_view action,
                                const QueryParams& params);
  // JSON 1.1 (ECS) and JSON 1.0 (DynamoDB). `body` is the request object (at least {}).
  Result<JsonResponse> CallJson(const ServiceInfo& service, std::string_view operation,
                                const nlohmann::json& body);
  // rest-xml (Route 53): `path` starts with '/' and is already URI-encoded; `body` may be
  // empty.
  Result<XmlResponse> CallRestXml(const ServiceInfo& service, std::string_view operation,
                                  std::string_view method, std::string path, std::string body);
  // Any REST call whose 2xx body the caller reads itself (S3 GetObject: the object's
  // bytes). Same signing (S3 rules for Protocol::kRestS3), retries, observer reports and
  // errors as the other calls; error bodies are parsed as rest-xml/S3 XML
  // (<Error><Code>NoSuchKey</Code>...: NoSuchKey and NoSuchBucket are kNotFound,
  // AccessDenied kRejected).
  Result<RestResponse> CallRestRaw(const ServiceInfo& service, std::string_view operation,
                                   RestRequest request);

  const std::string& region() const;
  // Tokens left in the retry quota shared by all calls of this client (RetryQuota).
  int RetryQuotaAvailable() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace drf
