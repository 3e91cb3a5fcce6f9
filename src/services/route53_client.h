// Route53Client: hosted zones, record sets and their propagation (rest-xml, 2013-04-01,
// global). Thread-safe as far as AwsClient is.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "core/result.h"
#include "services/mutated.h"
#include "services/resource_tags.h"

namespace drf {

// An alias record's target: for a load balancer, its DNS name and canonical hosted zone.
struct AliasTarget {
  std::string hosted_zone_id;
  std::string dns_name;
  bool evaluate_target_health = false;
};

// One record set as Route 53 reads and writes it. Routing policy fields are set only for
// records that have them (weighted: set_identifier + weight; failover: set_identifier +
// failover; latency: set_identifier + region). An alias has no TTL and no values.
struct ResourceRecordSet {
  std::string name;  // fully qualified, as Route 53 returns it ("api.example.com.")
  std::string type;  // A, AAAA, CNAME, TXT, ...
  std::string set_identifier;
  std::optional<long long> weight;
  std::string region;    // latency routing
  std::string failover;  // PRIMARY or SECONDARY
  std::optional<long long> ttl;
  std::vector<std::string> values;  // ResourceRecord values, as given
  std::optional<AliasTarget> alias;
  std::string health_check_id;
};

// One Change of a ChangeBatch.
struct ResourceRecordChange {
  std::string action;  // CREATE, DELETE or UPSERT
  ResourceRecordSet set;
};

struct ChangeInfo {
  std::string id;            // bare id, e.g. "C123" (AWS's "/change/" prefix removed)
  std::string status;        // PENDING or INSYNC
  std::string submitted_at;  // ISO 8601, as AWS sent it
  std::string comment;
};

struct HostedZone {
  std::string id;    // bare id ("Z1"), the "/hostedzone/" prefix removed
  std::string name;  // "example.com."
  bool private_zone = false;
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

  // The record sets named `name` of type `type` (every routing-policy member: weighted
  // pairs, failover primary and secondary), following pages while the names still match.
  // Names compare without case and trailing dot. NotFound (NoSuchHostedZone).
  Result<std::vector<ResourceRecordSet>> ListRecordSets(const std::string& hosted_zone_id,
                                                        const std::string& name,
                                                        const std::string& type);
  // The hosted zones whose name is exactly `dns_name` (public and private zones may share
  // one), from ListHostedZonesByName. Empty when there is none.
  Result<std::vector<HostedZone>> ZonesNamed(const std::string& dns_name);

  // The tags of a hosted zone (ListTagsForResource). NotFound (NoSuchHostedZone).
  Result<ResourceTags> ZoneTags(const std::string& hosted_zone_id);
  // Adds `add` and removes `remove` on a hosted zone, in one ChangeTagsForResource call.
  Result<Ack> ChangeZoneTags(const std::string& hosted_zone_id, const ResourceTags& add,
                             const std::vector<std::string>& remove);

 private:
  AwsClient& aws_;
};

// "api.Example.com." and "api.example.com" name the same record: lower case, no trailing
// dot. (Route 53 also escapes some characters as \ooo; names drfailover writes have none.)
std::string NormalizeDnsName(const std::string& name);

}  // namespace drf
