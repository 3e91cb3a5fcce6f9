#include "services/mutated.h"

namespace drf {

bool AcceptedButUnreadable(const Status& status) {
  const AwsErrorInfo* aws = status.aws();
  return !status.ok() && aws != nullptr && aws->http_status >= 200 && aws->http_status < 300;
}

Status UnusableMutationReply(const ServiceInfo& service, std::string_view operation,
                             const std::string& request_id, const Status& why) {
  AwsErrorInfo info;
  info.service = service.id;
  info.operation = operation;
  // The JSON and query protocols answer every success with 200; the exact code is not
  // kept past the client.
  info.http_status = 200;
  info.message = why.message();
  info.request_id = request_id;
  return ExplainUnreadableMutation(Status::FromAws(StatusCode::kInternal, std::move(info)));
}

Status ExplainUnreadableMutation(const Status& status) {
  if (!AcceptedButUnreadable(status)) return status;
  const AwsErrorInfo& aws = *status.aws();
  std::string context = aws.operation + " may have been applied";
  if (status.message().find("reply could not be read") == std::string::npos) {  // not said yet
    context += ": AWS accepted it (HTTP " + std::to_string(aws.http_status);
    if (!aws.request_id.empty()) context += ", request id " + aws.request_id;
    context += ") but its reply could not be read";
  }
  return status.WithContext(context);
}

}  // namespace drf
