// Route53Client: record changes and their propagation (rest-xml, 2013-04-01, global).
// Thread-safe as far as AwsClient is.
#pragma once

#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "core/result.h"
#include "services/mutated.h"

namespace drf {

// One Change of a ChangeBatch, for simple (non-alias, non-routing-policy) records.
struct ResourceRecordChange {
  std::string action;  // CREATE, DELETE or UPSERT
  std::string name;    // fully qualified, e.g. "api.example.com."
  std::string type;    // A, AAAA, CNAME, TXT, ...
  int ttl = 300;
  std::vector<std::string> values;  // ResourceRecord values, sent as given
};

struct ChangeInfo {
  std::string id;            // bare id, e.g. "C123" (AWS's "/change/" prefix removed)
  std::string status;        // PENDING or INSYNC
  std::string submitted_at;  // ISO 8601, as AWS sent it
  std::string comment;
};

class Route53Client {
 public:
  explicit Route53Client(AwsClient& aws) : aws_(aws) {}

  // Applies `changes` atomically. `hosted_zone_id` may be bare ("Z1") or prefixed
  // ("/hostedzone/Z1"). NotFound (NoSuchHostedZone); Rejected (InvalidChangeBatch, with
  // AWS's messages joined in the status message). Empty `changes`: InvalidArgument, no call.
  Result<Mutated<ChangeInfo>> ChangeResourceRecordSets(
      const std::string& hosted_zone_id, const std::string& comment,
      const std::vector<ResourceRecordChange>& changes);
  // `change_id` may be bare ("C123") or prefixed ("/change/C123"). NotFound (NoSuchChange).
  Result<ChangeInfo> GetChange(const std::string& change_id);

 private:
  AwsClient& aws_;
};

}  // namespace drf
