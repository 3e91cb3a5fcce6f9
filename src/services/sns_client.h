// SnsClient: failover notifications (query, 2010-03-31). Thread-safe as far as AwsClient is.
#pragma once

#include <map>
#include <string>

#include "aws/aws_client.h"
#include "core/result.h"
#include "services/mutated.h"

namespace drf {

class SnsClient {
 public:
  explicit SnsClient(AwsClient& aws) : aws_(aws) {}

  // Publishes to a topic; returns the MessageId. `subject` is omitted when empty.
  // `string_attributes` become MessageAttributes of DataType String. Not idempotent: a
  // retried call may deliver twice. NotFound (NotFound), Rejected (InvalidParameter,
  // AuthorizationError).
  Result<Mutated<std::string>> Publish(const std::string& topic_arn, const std::string& subject,
                                       const std::string& message,
                                       const std::map<std::string, std::string>& string_attributes);

 private:
  AwsClient& aws_;
};

}  // namespace drf
