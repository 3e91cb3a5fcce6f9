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
    case StatusCode::kStalled:
      return "Stalled";
    case StatusCode::kCancelled:
      return "Cancelled";
    case StatusCode::kFailedPrecondition:
      return "FailedPrecondition";
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

namespace {

// What goes between the parentheses: the wire code, or what came back instead of one.
std::string CodeSlot(const AwsErrorInfo& info) {
  if (!info.code.empty()) return info.code;
  if (info.transport || info.http_status == 0) return "no response";
  if (info.http_status >= 200 && info.http_status < 300) return "unreadable reply";
  return "HTTP " + std::to_string(info.http_status);
}

// The sentence; a fact already in `said_before` (the context prefixes) or in the sentence
// itself is not repeated in the trailing parentheses.
std::string Sentence(const AwsErrorInfo& info, std::string_view message,
                     std::string_view said_before) {
  std::string out = "An error occurred (" + CodeSlot(info) + ")";
  if (!info.operation.empty()) out += " when calling the " + info.operation + " operation";
  if (!message.empty()) {
    out += ": ";
    out += message;
  }
  auto said = [&](const std::string& fact) {
    return out.find(fact) != std::string::npos || said_before.find(fact) != std::string_view::npos;
  };
  std::string facts;
  if (info.http_status != 0) {
    std::string http = "HTTP " + std::to_string(info.http_status);
    if (!said(http)) facts = std::move(http);
  }
  if (!info.request_id.empty() && !said(info.request_id)) {
    if (!facts.empty()) facts += ", ";
    facts += "request id " + info.request_id;
  }
  if (!facts.empty()) out += " (" + facts + ")";
  return out;
}

}  // namespace

std::string AwsErrorSentence(const AwsErrorInfo& info, std::string_view message) {
  return Sentence(info, message, "");
}

std::string Status::UserMessage() const {
  if (!aws_) return message_;
  // message_ is the context prefixes WithContext added, then what FromAws was given (AWS's
  // message, or the code when AWS gave none: then the sentence's parentheses say it).
  const std::string& given = aws_->message.empty() ? aws_->code : aws_->message;
  std::string_view context;
  std::string_view message = message_;
  if (message_.ends_with(given)) {
    context = std::string_view(message_).substr(0, message_.size() - given.size());
    message = aws_->message;
  }
  return std::string(context) + Sentence(*aws_, message, context);
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(StatusCodeName(code_)) + ": " + UserMessage();
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  Status copy = *this;
  copy.message_ = std::string(context) + ": " + message_;
  return copy;
}

}  // namespace drf
