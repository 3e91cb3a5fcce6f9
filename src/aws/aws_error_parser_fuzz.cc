// Fuzz target: AWS error responses (aws_error_parser.h) as an untrusted server could send
// them, for every protocol. Beyond not crashing, it holds the parser to its contract: the
// message is never empty and the HTTP status is kept. Seeds: fuzz/corpus/aws_error_parser.
//
// Input: byte 0 picks the protocol (low 3 bits) and the headers (bits 3-4: none,
// Content-Type text/xml, JSON Content-Type with x-amzn-RequestId, or X-Amzn-ErrorType
// holding the body's first line); byte 1 picks the HTTP status; the rest is the body.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>

#include "aws/aws_error_parser.h"

namespace {

constexpr drf::ServiceInfo kServices[] = {drf::services::kRds, drf::services::kEc2,
                                          drf::services::kEcs, drf::services::kRoute53,
                                          drf::services::kS3};
constexpr int kStatuses[] = {400, 403, 404, 409, 429, 500, 502, 503, 200, 301};

[[noreturn]] void Violated(const char* promise) {
  std::fprintf(stderr, "promise broken: %s\n", promise);
  std::abort();
}

drf::HttpHeaders Headers(unsigned variant, std::string_view body) {
  switch (variant) {
    case 1:
      return {{"Content-Type", "text/xml"}};
    case 2:
      return {{"Content-Type", "application/x-amz-json-1.1"}, {"x-amzn-RequestId", "req-1"}};
    case 3:
      return {{"X-Amzn-ErrorType", std::string(body.substr(0, body.find('\n')))}};
    default:
      return {};
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const drf::ServiceInfo& service = kServices[(data[0] & 7u) % std::size(kServices)];
  drf::HttpResponse response;
  response.status = kStatuses[data[1] % std::size(kStatuses)];
  response.body.assign(reinterpret_cast<const char*>(data) + 2, size - 2);
  response.headers = Headers((data[0] >> 3) & 3u, response.body);

  drf::ParsedAwsError parsed = drf::ParseAwsError(service.protocol, response);
  if (parsed.message.empty()) Violated("ParsedAwsError::message is never empty");
  drf::AwsErrorInfo info = drf::AwsErrorFromResponse(service, "Operation", response);
  if (info.http_status != response.status) Violated("AwsErrorInfo keeps the HTTP status");
  // The message may gain the denied IAM action (NameDeniedAction), never lose a character.
  if (info.code != parsed.code || info.message.rfind(parsed.message, 0) != 0) {
    Violated("AwsErrorFromResponse agrees with ParseAwsError");
  }
  drf::StatusCode code = drf::StatusCodeForAwsError(info);
  if (code == drf::StatusCode::kOk || code == drf::StatusCode::kTransport) {
    Violated("an error response is not OK and not a transport failure");
  }
  std::string normalized = drf::NormalizeErrorCode(response.body);
  if (normalized.size() > response.body.size()) Violated("NormalizeErrorCode only shortens");
  return 0;
}
