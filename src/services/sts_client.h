// StsClient: who the credentials belong to (query, 2011-06-15). Thread-safe as far as
// AwsClient is.
#pragma once

#include <string>

#include "aws/aws_client.h"
#include "core/result.h"

namespace drf {

struct CallerIdentity {
  std::string account;
  std::string arn;
  std::string user_id;
};

class StsClient {
 public:
  explicit StsClient(AwsClient& aws) : aws_(aws) {}

  // Works with any valid credentials (no IAM permission needed), so it is the cheapest
  // check that credentials and endpoint are usable.
  Result<CallerIdentity> GetCallerIdentity();

 private:
  AwsClient& aws_;
};

}  // namespace drf
