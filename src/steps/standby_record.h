// The standby record: what a resource looked like before drfailover first failed it over,
// kept as tags on the resource itself, so it survives the run, the machine and the report
// (`failback` reads it back; docs/failback.md).
//
//  - Written before the change that it undoes (a run that dies between the two leaves a
//    record of a change that may not have happened, which failback handles: it restores
//    values the resource already has). Never overwritten: a second failover finds the
//    record and keeps it, so the standby state is never replaced by the failed-over one.
//  - Removed by failback after the resource is back at its standby values.
//
// Values are short `key=value` words separated by spaces ("min=0 max=0 desired=0"), not
// JSON: ECS, ELBv2, RDS and Route 53 allow only letters, digits, spaces and _ . : / = + - @
// in a tag value (at most 256 characters), and braces and quotes are neither.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "services/resource_tags.h"
#include "services/route53_client.h"
#include "steps/scale_asg.h"

namespace drf {

inline constexpr char kStandbyTag[] = "drfailover:standby";
// The targets a failover registered: "<id>:<port>" words over this tag and, when they do not
// fit in one value, "drfailover:registered:2" ... up to kMaxRegisteredTags of them.
inline constexpr char kRegisteredTag[] = "drfailover:registered";
inline constexpr size_t kMaxTagValue = 256;
inline constexpr size_t kMaxTagKey = 128;
inline constexpr size_t kMaxRegisteredTags = 20;

// "min=0 max=0 desired=0"; nullopt when `value` is not one (the record is then ignored
// and reported, never guessed at).
std::string AsgStandbyValue(const AsgSizes& sizes);
std::optional<AsgSizes> ParseAsgStandby(const std::string& value);

// "desired=0"
std::string EcsStandbyValue(int desired_count);
std::optional<int> ParseEcsStandby(const std::string& value);

// "source=<the replica's source, an ARN or identifier>": where a promoted DB replicated
// from, for `reprotect_db`.
std::string DbStandbyValue(const std::string& source);
std::optional<std::string> ParseDbStandby(const std::string& value);

// A DNS record's former values, kept in a tag of its hosted zone (records have no tags):
// key "drfailover:dns:<name>:<type>", value one group of words per record set the
// failover changed: "set=<id>" (empty for a simple record), then "absent" (the failover
// created it) or its target: "w=<weight>", "ttl=<ttl>", "v=<value>" per value, or
// "alias=<zone id>/<dns name>/<1|0 evaluate health>".
struct DnsSetBefore {
  std::string set_identifier;
  std::optional<ResourceRecordSet> set;  // none: it did not exist
};
std::string DnsStandbyKey(const std::string& record, const std::string& type);
// nullopt when a value has characters a tag may not hold (a TXT record's quotes) or the
// whole is longer than kMaxTagValue: the step then warns and failback leaves it alone.
std::optional<std::string> DnsStandbyValue(const std::vector<DnsSetBefore>& sets);
// The sets back (name and type left empty); nullopt when `value` is not such a record.
std::optional<std::vector<DnsSetBefore>> ParseDnsStandby(const std::string& value);

// The registered-target tags for `targets` ("<id>:<port>" each). `unrecorded` counts those
// that did not fit in kMaxRegisteredTags values (failback leaves them registered; the step
// says so).
struct RegisteredTags {
  ResourceTags tags;
  size_t unrecorded = 0;
};
RegisteredTags RegisteredTargetTags(const std::set<std::string>& targets);
// The targets recorded in `tags` (every drfailover:registered* tag).
std::set<std::string> RecordedTargets(const ResourceTags& tags);
// The keys of those tags, for removing them.
std::vector<std::string> RegisteredTagKeys(const ResourceTags& tags);

}  // namespace drf
