// RuntimeClient: the Lambda Runtime API (docs/lambda.md) as just another HttpClient
// user. It long-polls `next` with no timeout (the sandbox is frozen between invocations),
// posts the response or the error of each invocation, and reports init failures. It reads
// no clock and no environment: the caller passes AWS_LAMBDA_RUNTIME_API.
//
// Status contract of every call: OK on success (202 for posts); kRejected for a 4xx answer
// (a bad request or a request in the wrong state: the loop may go on with the next
// invocation); any other code (transport failure, a 5xx, a malformed `next` answer) means
// the runtime is unusable and the process should exit (Lambda starts a new sandbox).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/http.h"
#include "core/result.h"

namespace drf {

// The environment variable holding the Runtime API's host:port.
inline constexpr std::string_view kRuntimeApiVar = "AWS_LAMBDA_RUNTIME_API";

// One invocation, from `next`.
struct Invocation {
  std::string request_id;    // Lambda-Runtime-Aws-Request-Id
  int64_t deadline_ms = 0;   // Lambda-Runtime-Deadline-Ms: epoch milliseconds
  std::string function_arn;  // Lambda-Runtime-Invoked-Function-Arn; may be empty
  std::string trace_id;      // Lambda-Runtime-Trace-Id; may be empty (no X-Ray)
  std::string body;          // the event, as sent

  WallTime deadline() const;  // deadline_ms as wall time
};

// An error reported for an invocation or the init phase.
struct FunctionError {
  // Lambda-Runtime-Function-Error-Type and the body's errorType, e.g. "Function.InvalidEvent".
  std::string type;
  std::string message;  // the body's errorMessage; shown to the invoker, so never secrets
};

// True when `type` matches (Runtime|Function)\.[A-Z][a-zA-Z]+, the only types Lambda records
// as given (others are recorded as Runtime.Unknown).
bool IsValidErrorType(std::string_view type);

struct RuntimeClientOptions {
  std::string api;  // host:port, from AWS_LAMBDA_RUNTIME_API; required
  // Bound on each post (the Runtime API is local, so a stuck post means a broken runtime).
  std::chrono::milliseconds post_timeout{10000};
  // Longer error messages are cut (the Runtime API caps the error body at 1 MiB).
  size_t max_error_message_bytes = 256 * 1024;
};

class RuntimeClient {
 public:
  // `http` must outlive the client.
  RuntimeClient(RuntimeClientOptions options, HttpClient& http);

  // Blocks (no timeout) until the next invocation. Internal when the answer lacks a
  // request id or has no parsable deadline.
  Result<Invocation> Next();
  // Posts `payload` (JSON text) as the invocation's result.
  Status PostResponse(const std::string& request_id, const std::string& payload);
  // Posts an invocation error. An invalid `error.type` is sent as "Runtime.Unknown" in the
  // header (what Lambda would record anyway) and kept as given in the body.
  Status PostError(const std::string& request_id, const FunctionError& error);
  // Reports a failed init; the caller then exits non-zero.
  Status PostInitError(const FunctionError& error);

 private:
  Status Post(const std::string& path, std::string body, HttpHeaders headers);
  std::string ErrorBody(const FunctionError& error) const;

  RuntimeClientOptions options_;
  HttpClient& http_;
};

}  // namespace drf
