#include "lambda/runtime_client.h"

#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

namespace drf {
namespace {

constexpr std::string_view kApiVersionPath = "/2018-06-01";
constexpr std::string_view kErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

// Request ids are UUIDs in practice; encoding anything else keeps a surprising id from
// turning into another path.
std::string EncodePathSegment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

// The status a Runtime API answer means (see the header's contract).
Status StatusOf(const HttpResponse& response, std::string_view what) {
  if (response.status >= 200 && response.status < 300) return Status::Ok();
  std::string message = std::string(what) + ": Runtime API answered HTTP " +
                        std::to_string(response.status) + ": " + response.body.substr(0, 512);
  if (response.status >= 400 && response.status < 500) return Status::Rejected(message);
  return Status::Internal(message);
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlpha(char c) { return IsUpper(c) || (c >= 'a' && c <= 'z'); }

}  // namespace

WallTime Invocation::deadline() const { return WallTime(std::chrono::milliseconds(deadline_ms)); }

bool IsValidErrorType(std::string_view type) {
  std::string_view rest;
  if (type.rfind("Runtime.", 0) == 0) {
    rest = type.substr(8);
  } else if (type.rfind("Function.", 0) == 0) {
    rest = type.substr(9);
  } else {
    return false;
  }
  if (rest.size() < 2 || !IsUpper(rest[0])) return false;
  for (char c : rest) {
    if (!IsAlpha(c)) return false;
  }
  return true;
}

RuntimeClient::RuntimeClient(RuntimeClientOptions options, HttpClient& http)
    : options_(std::move(options)), http_(http) {}

Result<Invocation> RuntimeClient::Next() {
  HttpRequest request;
  request.url =
      "http://" + options_.api + std::string(kApiVersionPath) + "/runtime/invocation/next";
  // Negative: no limit. The sandbox is frozen while we wait, possibly for hours.
  request.total_timeout = std::chrono::milliseconds(-1);
  DRF_ASSIGN_OR_RETURN(HttpResponse response, http_.Send(request));
  // Any non-2xx here is fatal: without an invocation there is nothing to answer.
  Status status = StatusOf(response, "next");
  if (!status.ok()) return Status::Internal(status.message());

  Invocation invocation;
  invocation.request_id = response.Header("Lambda-Runtime-Aws-Request-Id").value_or("");
  if (invocation.request_id.empty()) {
    return Status::Internal("next: no Lambda-Runtime-Aws-Request-Id header");
  }
  std::string deadline = response.Header("Lambda-Runtime-Deadline-Ms").value_or("");
  auto [end, ec] =
      std::from_chars(deadline.data(), deadline.data() + deadline.size(), invocation.deadline_ms);
  if (ec != std::errc() || end != deadline.data() + deadline.size() || deadline.empty()) {
    return Status::Internal("next: bad Lambda-Runtime-Deadline-Ms header \"" + deadline + "\"");
  }
  invocation.function_arn = response.Header("Lambda-Runtime-Invoked-Function-Arn").value_or("");
  invocation.trace_id = response.Header("Lambda-Runtime-Trace-Id").value_or("");
  invocation.body = std::move(response.body);
  return invocation;
}

Status RuntimeClient::PostResponse(const std::string& request_id, const std::string& payload) {
  return Post("/runtime/invocation/" + EncodePathSegment(request_id) + "/response", payload,
              {{"Content-Type", "application/json"}});
}

Status RuntimeClient::PostError(const std::string& request_id, const FunctionError& error) {
  std::string type = IsValidErrorType(error.type) ? error.type : "Runtime.Unknown";
  return Post("/runtime/invocation/" + EncodePathSegment(request_id) + "/error", ErrorBody(error),
              {{"Content-Type", "application/json"}, {std::string(kErrorTypeHeader), type}});
}

Status RuntimeClient::PostInitError(const FunctionError& error) {
  std::string type = IsValidErrorType(error.type) ? error.type : "Runtime.Unknown";
  return Post("/runtime/init/error", ErrorBody(error),
              {{"Content-Type", "application/json"}, {std::string(kErrorTypeHeader), type}});
}

Status RuntimeClient::Post(const std::string& path, std::string body, HttpHeaders headers) {
  HttpRequest request;
  request.method = "POST";
  request.url = "http://" + options_.api + std::string(kApiVersionPath) + path;
  request.headers = std::move(headers);
  request.body = std::move(body);
  request.total_timeout = options_.post_timeout;
  DRF_ASSIGN_OR_RETURN(HttpResponse response, http_.Send(request));
  return StatusOf(response, "POST " + path);
}

std::string RuntimeClient::ErrorBody(const FunctionError& error) const {
  std::string message = error.message.substr(0, options_.max_error_message_bytes);
  nlohmann::json body = {{"errorMessage", message},
                         {"errorType", error.type},
                         {"stackTrace", nlohmann::json::array()}};
  // Cutting may split a UTF-8 sequence; replace rather than throw.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace drf
