// LambdaClient: invoking a function synchronously (rest-json, 2015-03-31), for the plan's
// invoke_lambda hooks. Thread-safe as far as AwsClient is.
#pragma once

#include <string>

#include "aws/aws_client.h"
#include "core/result.h"

namespace drf {

struct InvokeResult {
  int status_code = 0;         // 200 for a synchronous call
  std::string function_error;  // X-Amz-Function-Error ("Unhandled", "Handled"); empty: none
  std::string payload;         // what the function returned, or its error document
  std::string executed_version;
  std::string request_id;
};

class LambdaClient {
 public:
  explicit LambdaClient(AwsClient& aws) : aws_(aws) {}

  // Invoke with RequestResponse: waits for the function's result. `function` is a name, a
  // full or partial ARN, optionally with ":<version or alias>". A function that fails is a
  // successful call with `function_error` set. NotFound (ResourceNotFoundException);
  // throttling (TooManyRequestsException) is retried; never sent again after a failure
  // that may have reached the function (aws/retry.h).
  Result<InvokeResult> Invoke(const std::string& function, const std::string& payload);

 private:
  AwsClient& aws_;
};

}  // namespace drf
