#include "aws/aws_client.h"

#include <functional>
#include <mutex>
#include <optional>
#include <random>

#include "aws/aws_error_parser.h"
#include "aws/endpoints.h"
#include "aws/sigv4.h"
#include "aws/uri.h"

namespace drf {
namespace {

// What a call sends, the same on every attempt; endpoint and signature are per attempt.
struct RequestSpec {
  std::string method = "POST";
  std::string bucket;      // S3: the path is under this bucket (S3BucketUrl)
  std::string path = "/";  // already URI-encoded
  HttpHeaders headers;
  std::string body;
};

// Parses a 2xx response into the caller's result and names its request id. A malformed
// body is kInternal: AWS said yes but we cannot tell what it returned.
using SuccessParser = std::function<Status(const HttpResponse&, std::string& request_id)>;

bool IsSuccess(int http_status) { return http_status >= 200 && http_status < 300; }

std::string RequestIdHeader(const HttpResponse& response) {
  for (const char* name : {"x-amzn-RequestId", "x-amz-request-id"}) {
    if (auto value = response.Header(name); value && !value->empty()) return *value;
  }
  return "";
}

// Loads `body` into a new document; an empty body is an empty document when allowed.
Status LoadXml(const std::string& body, bool allow_empty, XmlResponse& out) {
  out.doc = std::make_shared<pugi::xml_document>();
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return allow_empty ? Status::Ok() : Status::Internal("empty response body, expected XML");
  }
  const pugi::xml_parse_result parsed = out.doc->load_buffer(body.data(), body.size());
  if (!parsed || !out.doc->document_element()) {
    return Status::Internal(std::string("malformed XML response: ") + parsed.description() +
                            " at offset " + std::to_string(parsed.offset));
  }
  return Status::Ok();
}

Status ParseQueryResponse(Protocol protocol, std::string_view action, const HttpResponse& response,
                          XmlResponse& out) {
  DRF_RETURN_IF_ERROR(LoadXml(response.body, /*allow_empty=*/false, out));
  const pugi::xml_node root = out.doc->document_element();
  out.result = root;
  if (protocol == Protocol::kQuery) {
    // Operations without output (UpdateAutoScalingGroup) have no <OpResult>.
    const std::string result_name = std::string(action) + "Result";
    if (auto result = root.child(result_name.c_str())) out.result = result;
  }
  out.request_id = RequestIdHeader(response);
  if (out.request_id.empty()) {
    out.request_id = root.child("ResponseMetadata").child_value("RequestId");
  }
  if (out.request_id.empty()) out.request_id = root.child_value("requestId");  // EC2
  return Status::Ok();
}

Status ParseRestXmlResponse(const HttpResponse& response, XmlResponse& out) {
  DRF_RETURN_IF_ERROR(LoadXml(response.body, /*allow_empty=*/true, out));
  out.result = out.doc->document_element();
  out.request_id = RequestIdHeader(response);
  return Status::Ok();
}

Status ParseJsonResponse(const HttpResponse& response, JsonResponse& out) {
  out.request_id = RequestIdHeader(response);
  if (response.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    out.body = nlohmann::json::object();
    return Status::Ok();
  }
  out.body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (out.body.is_discarded()) return Status::Internal("malformed JSON response");
  return Status::Ok();
}

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

RequestSpec QuerySpec(const ServiceInfo& service, std::string_view action,
                      const QueryParams& params) {
  QueryParams all;
  all.reserve(params.size() + 2);
  all.emplace_back("Action", std::string(action));
  all.emplace_back("Version", std::string(service.api_version));
  all.insert(all.end(), params.begin(), params.end());
  RequestSpec spec;
  spec.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  spec.body = FormEncode(all);
  return spec;
}

Result<RequestSpec> JsonSpec(const ServiceInfo& service, std::string_view operation,
                             const nlohmann::json& body) {
  RequestSpec spec;
  spec.headers = {
      {"Content-Type", "application/x-amz-json-1.1"},
      {"X-Amz-Target", std::string(service.json_target_prefix) + "." + std::string(operation)}};
  try {
    spec.body = body.is_null() ? "{}" : body.dump();
  } catch (const nlohmann::json::exception& e) {  // a string that is not UTF-8
    return Status::InvalidArgument(std::string(service.id) + " " + std::string(operation) +
                                   ": request body is not valid JSON: " + e.what());
  }
  return spec;
}

}  // namespace

struct AwsClient::Impl {
  explicit Impl(AwsClientOptions opts)
      : options(std::move(opts)),
        quota(options.retry.quota_capacity),
        rng(std::random_device{}()) {}

  Result<int> Execute(const ServiceInfo& service, std::string_view operation,
                      const RequestSpec& spec, const SuccessParser& parse);
  Result<HttpRequest> BuildSignedRequest(const ServiceInfo& service, const RequestSpec& spec);
  std::optional<std::string> WhyNotRetry(const AwsErrorInfo& error, bool idempotent, int attempt,
                                         int& cost);
  Result<HttpResponse> SendTimed(const HttpRequest& request, ApiAttempt& record);
  void Report(const ApiAttempt& record);
  double Random();

  const AwsClientOptions options;
  RetryQuota quota;  // shared by every call of this client, across threads
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

// Unlike the SDKs, non-idempotent operations (IsIdempotentOperation) are never sent again
// after a failure that leaves unknown whether AWS acted on it (MayHaveTakenEffect: a 5xx,
// a connection lost after sending, an unreadable 2xx): the caller gets the error and finds
// out from AWS's state (the promote step describes the instance). Throttling and failures
// before sending are retried as usual. Every attempt goes to the observer, with its cause,
// so the report shows retries and why.
Result<int> AwsClient::Impl::Execute(const ServiceInfo& service, std::string_view operation,
                                     const RequestSpec& spec, const SuccessParser& parse) {
  const bool idempotent = IsIdempotentOperation(service.id, operation);
  int last_retry_cost = 0;
  for (int attempt = 1;; ++attempt) {
    Result<HttpRequest> request = BuildSignedRequest(service, spec);
    if (!request.ok()) {
      return request.status().WithContext(std::string(service.id) + " " + std::string(operation));
    }
    request->resend_safe = idempotent;
    ApiAttempt record;
    record.service = service.id;
    record.operation = operation;
    record.attempt = attempt;
    Result<HttpResponse> reply = SendTimed(*request, record);
    AwsErrorInfo error;
    if (reply.ok() && IsSuccess(reply->status)) {
      Status parsed = parse(*reply, record.request_id);
      if (parsed.ok()) {
        Report(record);
        quota.OnSuccess(last_retry_cost);
        return attempt;
      }
      error = UnreadableSuccess(service, operation, *reply, parsed, record.request_id, idempotent);
      record.error_code = kUnreadableReplyCode;
    } else {
      error = reply.ok() ? AwsErrorFromResponse(service, operation, *reply)
                         : AwsErrorFromTransport(service, operation, reply.status());
      record.error_code = error.code;
      record.request_id = error.request_id;
    }
    std::optional<std::string> why_not = WhyNotRetry(error, idempotent, attempt, last_retry_cost);
    record.will_retry = !why_not.has_value();
    Report(record);
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

void AwsClient::Impl::Report(const ApiAttempt& record) {
  if (options.observer != nullptr) options.observer->OnAttempt(record);
}

AwsClient::AwsClient(AwsClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

AwsClient::~AwsClient() = default;

const std::string& AwsClient::region() const { return impl_->options.region; }

int AwsClient::RetryQuotaAvailable() const { return impl_->quota.available(); }

Result<XmlResponse> AwsClient::CallQuery(const ServiceInfo& service, std::string_view action,
                                         const QueryParams& params) {
  XmlResponse out;
  auto parse = [&](const HttpResponse& response, std::string& request_id) {
    Status status = ParseQueryResponse(service.protocol, action, response, out);
    request_id = out.request_id;
    return status;
  };
  Result<int> attempts = impl_->Execute(service, action, QuerySpec(service, action, params), parse);
  if (!attempts.ok()) return attempts.status();
  out.attempts = *attempts;
  return out;
}

Result<JsonResponse> AwsClient::CallJson(const ServiceInfo& service, std::string_view operation,
                                         const nlohmann::json& body) {
  DRF_ASSIGN_OR_RETURN(RequestSpec spec, JsonSpec(service, operation, body));
  JsonResponse out;
  auto parse = [&](const HttpResponse& response, std::string& request_id) {
    Status status = ParseJsonResponse(response, out);
    request_id = out.request_id;
    return status;
  };
  Result<int> attempts = impl_->Execute(service, operation, spec, parse);
  if (!attempts.ok()) return attempts.status();
  out.attempts = *attempts;
  return out;
}

// Route 53 gets no Content-Type, as botocore sends none for rest-xml.
Result<XmlResponse> AwsClient::CallRestXml(const ServiceInfo& service, std::string_view operation,
                                           std::string_view method, std::string path,
                                           std::string body) {
  RequestSpec spec{std::string(method), "", std::move(path), {}, std::move(body)};
  XmlResponse out;
  auto parse = [&](const HttpResponse& response, std::string& request_id) {
    Status status = ParseRestXmlResponse(response, out);
    request_id = out.request_id;
    return status;
  };
  Result<int> attempts = impl_->Execute(service, operation, spec, parse);
  if (!attempts.ok()) return attempts.status();
  out.attempts = *attempts;
  return out;
}

Result<RestResponse> AwsClient::CallRestRaw(const ServiceInfo& service, std::string_view operation,
                                            RestRequest request) {
  RequestSpec spec{std::move(request.method), std::move(request.bucket),
                   std::move(request.path_and_query), std::move(request.headers),
                   std::move(request.body)};
  RestResponse out;
  auto parse = [&](const HttpResponse& response, std::string& request_id) {
    out.http = response;
    out.request_id = RequestIdHeader(response);
    request_id = out.request_id;
    return Status::Ok();
  };
  Result<int> attempts = impl_->Execute(service, operation, spec, parse);
  if (!attempts.ok()) return attempts.status();
  out.attempts = *attempts;
  return out;
}

}  // namespace drf
