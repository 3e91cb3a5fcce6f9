// Turns AWS error responses of every protocol (read as botocore's parsers.py reads them) into
// AwsErrorInfo and the StatusCode a caller acts on. Bodies are untrusted: HTML from a proxy, an XML
// error where JSON was expected (moto's ECS access denials), an empty or truncated body all still
// give an error carrying the HTTP status and a readable message, never a crash.
#pragma once

#include <string>
#include <string_view>

#include "aws/service.h"
#include "core/http.h"
#include "core/status.h"

namespace drf {

// What an error body (and its headers) say.
struct ParsedAwsError {
  std::string code;        // wire code, e.g. "DBInstanceNotFound"; empty when none found
  std::string message;     // never empty: falls back to a description of the response
  std::string request_id;  // x-amzn-RequestId, or the body's RequestId/RequestID; may be empty
};

// Recognises, whatever `protocol` says (servers do not always answer in their protocol):
//   query    <ErrorResponse><Error><Code/><Message/></Error><RequestId/></ErrorResponse>
//            (also with <Errors><Error>, as moto writes it)
//   EC2      <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>
//   S3-ish   <Error><Code/><Message/><RequestId/></Error>
//   JSON     {"__type": "prefix#Code:suffix", "message"|"Message": ...}, X-Amzn-ErrorType
//   rest-xml root element as the code (Route 53 <InvalidChangeBatch><Messages><Message/>...)
ParsedAwsError ParseAwsError(Protocol protocol, const HttpResponse& response);

// "com.amazonaws.ecs#ClusterNotFoundException:http://..." -> "ClusterNotFoundException".
std::string NormalizeErrorCode(std::string_view raw);

// Codes meaning "the named resource does not exist". Deliberately conservative: codes such
// as ValidationError, which AWS also uses for missing Auto Scaling groups, are not included.
bool IsNotFoundCode(std::string_view code);

// The full facts of a non-2xx response; `retryable` and `throttling` per standard mode.
AwsErrorInfo AwsErrorFromResponse(const ServiceInfo& service, std::string_view operation,
                                  const HttpResponse& response);
// The facts of an attempt that got no response; `transport_status` is HttpClient's error.
AwsErrorInfo AwsErrorFromTransport(const ServiceInfo& service, std::string_view operation,
                                   const Status& transport_status);

// kTransport for transport failures, kNotFound for IsNotFoundCode, kRetryable for errors
// standard mode retries (the caller gave up), kRejected for everything else.
StatusCode StatusCodeForAwsError(const AwsErrorInfo& info);

}  // namespace drf
