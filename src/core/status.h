// Status: the outcome of an operation that can fail, carried as a value (no exceptions
// cross our interfaces). Only codes a caller acts on exist.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace drf {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad configuration, plan, event or argument: fix the input
  kNotFound,         // the named resource does not exist
  kRejected,         // AWS (or a peer) refused: invalid state, access denied, validation
  kRetryable,        // transient: throttling, 5xx; the same call may succeed later
  kTransport,        // no usable HTTP response (connect, TLS, timeout, dropped connection)
  kTimedOut,         // a wait or deadline ran out
  kStalled,          // a wait saw no progress for its stall limit: waiting longer will not help
  kCancelled,        // stopped by a signal or the caller
  // drfailover's own precondition for a run does not hold: another run holds the failover
  // lease, or the last failover is within its cooldown (app/run_lease.h). Nothing was done.
  kFailedPrecondition,
  kInternal,  // a bug or an unexpected response shape
};

std::string_view StatusCodeName(StatusCode code);

// What AWS said about a failed call. Attached to a Status made from an AWS error response
// (or a transport failure of an AWS call) so reports and retries see the wire facts.
struct AwsErrorInfo {
  std::string service;      // service id, e.g. "RDS"
  std::string operation;    // e.g. "PromoteReadReplica"
  int http_status = 0;      // 0 for transport failures
  std::string code;         // wire code, e.g. "InvalidDBInstanceState"; empty if none
  std::string message;      // AWS's message
  std::string request_id;   // x-amzn-RequestId or the body's RequestId; may be empty
  bool retryable = false;   // standard retry mode would retry it
  bool throttling = false;  // one of the throttling codes
  bool transport = false;   // no HTTP response was received
  bool not_sent = false;    // transport failure before the request left (NotSentError)
};

// The aws CLI's sentence for an AWS error, `message` being what AWS said:
//   "An error occurred (<code>) when calling the <Operation> operation: <message>"
// then " (HTTP <status>, request id <id>)", each fact left out when the sentence already
// states it. Status::UserMessage() puts its context prefixes before it.
std::string AwsErrorSentence(const AwsErrorInfo& info, std::string_view message);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status Rejected(std::string msg) { return {StatusCode::kRejected, std::move(msg)}; }
  static Status Retryable(std::string msg) { return {StatusCode::kRetryable, std::move(msg)}; }
  static Status Transport(std::string msg) { return {StatusCode::kTransport, std::move(msg)}; }
  static Status TimedOut(std::string msg) { return {StatusCode::kTimedOut, std::move(msg)}; }
  static Status Stalled(std::string msg) { return {StatusCode::kStalled, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {StatusCode::kCancelled, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }
  // An AWS error; the code is derived from the wire facts (not found, retryable, ...).
  static Status FromAws(StatusCode code, AwsErrorInfo info);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Present only for statuses made by FromAws.
  const AwsErrorInfo* aws() const { return aws_.get(); }
  // What a user reads (CLI stderr, the report's `message`, Lambda responses, log lines).
  // For a status made by FromAws, the aws CLI's sentence after the context prefixes,
  // then the facts AWS gave that the text does not already state (docs/report.md):
  //   "db dr-app-db: An error occurred (InvalidDBInstanceState) when calling the
  //    PromoteReadReplica operation: DB Instance is not a read replica. (HTTP 400,
  //    request id req-1)"
  // Without a wire code the parentheses say what came back instead: "no response"
  // (transport failure), "unreadable reply" (a 2xx whose body could not be read), or
  // "HTTP 502". Any other status: message().
  std::string UserMessage() const;
  // "Rejected: " + UserMessage(): the log lines' form, with drfailover's code first.
  std::string ToString() const;

  // Prefixes the message with context, keeping code and AWS details.
  Status WithContext(std::string_view context) const;

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::shared_ptr<const AwsErrorInfo> aws_;
};

}  // namespace drf
