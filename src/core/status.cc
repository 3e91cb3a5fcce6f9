#include "core/status.h"

namespace drf {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kInvalidArgument:
      return "InvalidArgument";
    case StatusCode::kNotFound:
      return "NotFound";
    case StatusCode::kRejected:
      return "Rejected";
    case StatusCode::kRetryable:
      return "Retryable";
    case StatusCode::kTransport:
      return "Transport";
    case StatusCode::kTimedOut:
      return "TimedOut";
    case StatusCode::kCancelled:
      return "Cancelled";
    case StatusCode::kInternal:
      return "Internal";
  }
  return "Unknown";
}

Status Status::FromAws(StatusCode code, AwsErrorInfo info) {
  std::string message = info.message.empty() ? info.code : info.message;
  Status status(code, std::move(message));
  status.aws_ = std::make_shared<const AwsErrorInfo>(std::move(info));
  return status;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(code_));
  out += ": ";
  out += message_;
  if (aws_) {
    out += " (";
    out += aws_->service + "." + aws_->operation;
    if (!aws_->code.empty()) out += ", code " + aws_->code;
    if (aws_->http_status != 0) out += ", HTTP " + std::to_string(aws_->http_status);
    if (!aws_->request_id.empty()) out += ", request id " + aws_->request_id;
    out += ")";
  }
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  Status copy = *this;
  copy.message_ = std::string(context) + ": " + message_;
  return copy;
}

}  // namespace drf
