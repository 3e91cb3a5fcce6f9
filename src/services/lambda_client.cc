#include "services/lambda_client.h"

#include "aws/uri.h"

namespace drf {

Result<InvokeResult> LambdaClient::Invoke(const std::string& function, const std::string& payload) {
  RestRequest request;
  request.method = "POST";
  request.path_and_query = "/2015-03-31/functions/" + UriEncode(function) + "/invocations";
  request.headers = {{"X-Amz-Invocation-Type", "RequestResponse"}};
  request.body = payload;
  DRF_ASSIGN_OR_RETURN(RestResponse reply,
                       aws_.CallRestRaw(services::kLambda, "Invoke", std::move(request)));
  InvokeResult out;
  out.status_code = reply.http.status;
  out.function_error = reply.http.Header("X-Amz-Function-Error").value_or("");
  out.executed_version = reply.http.Header("X-Amz-Executed-Version").value_or("");
  out.payload = std::move(reply.http.body);
  out.request_id = reply.request_id;
  return out;
}

}  // namespace drf
