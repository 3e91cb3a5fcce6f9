// SwitchDnsStep: points a Route 53 record at the DR region, as an alias to the DR load
// balancer (its DNS name and canonical hosted zone, looked up) or as the given values.
//
// Done means: the record set reads as wanted and Route 53 reports the change INSYNC (on
// all its authoritative servers). Routing policies (docs/plan-file.md, "switch_dns"):
//  - simple (no set_identifier): the one record of that name and type is replaced by an
//    UPSERT; created if missing. A record with a routing policy is refused, naming its set
//    identifiers: the plan must say which one is DR's.
//  - weighted: the DR record (set_identifier) gets the target and `weight` (default 100);
//    the primary record (primary_set_identifier) keeps its target and gets
//    `primary_weight` (default 0). Both in one batch, so traffic moves at once.
//  - failover and latency records: the DR record keeps its role, region and health check
//    and gets the target. Failover roles are not swapped: Route 53 answers with the
//    secondary only while the primary's health check fails, which the step says.
// A values record keeps its TTL unless the plan gives one. Nothing is ever deleted.
//
// Before changing a record the first time, it keeps the former values of the sets it
// changes in a tag of the hosted zone, for failback (docs/failback.md).
//
// Idempotent: Inspect compares the live records with the wanted ones (names without case
// or trailing dot, alias DNS names also without "dualstack."); when they match the step is
// kUnchanged and makes no call. UPSERT is safe to repeat, so retries are plain retries.
//
// Outcomes: kSucceeded (changed, INSYNC), kUnchanged, kFailed (zone, record or load
// balancer missing, a routing policy the plan does not name, AWS errors), kTimedOut (not
// INSYNC in time).
#pragma once

#include <string>
#include <vector>

#include "services/elbv2_client.h"
#include "services/route53_client.h"
#include "steps/inspect_apply_step.h"

namespace drf {

// What Inspect found and decided.
struct DnsSwitch {
  std::string zone_id;                     // resolved from the plan's zone or zone_id
  std::vector<ResourceRecordSet> current;  // the record sets of the name and type, as read
  std::vector<ResourceRecordSet> upserts;  // what must change; empty: nothing
  std::string target;                      // the DR target, as the log says it
  std::string note;                        // said when the routing policy limits the effect
};

// "alias dr-alb-1.us-west-2.elb.amazonaws.com" or "192.0.2.1, 192.0.2.2 (ttl 60)", with
// the set identifier and weight when the record has them.
std::string DescribeRecord(const ResourceRecordSet& set);
// The sets as the report's `records`: DescribeRecord of each.
nlohmann::json RecordsJson(const std::vector<ResourceRecordSet>& sets);

// The same record set: name (without case or trailing dot), type, routing fields, health
// check and target (alias DNS names also without "dualstack.", values in any order).
bool SameRecord(const ResourceRecordSet& a, const ResourceRecordSet& b);
// The set of `sets` with `set_identifier` ("" for a simple record); null when none.
const ResourceRecordSet* FindSet(const std::vector<ResourceRecordSet>& sets,
                                 const std::string& set_identifier);
// The plan's zone as an id: zone_id, or the one hosted zone named zone_name (NotFound for
// none, InvalidArgument when public and private zones share the name).
Result<std::string> ResolveZoneId(StepRun& run, Route53Client& route53, const SwitchDnsSpec& spec);
// UPSERTs `upserts` in one batch, then waits until Route 53 reports the change INSYNC
// (bounded like every wait), recording the call and `change_id`/`change_status` in the
// result's `after`. The error of the call, or of the wait.
Status SendRecordChange(StepRun& run, Route53Client& route53, const std::string& zone_id,
                        const std::string& record, const std::vector<ResourceRecordSet>& upserts);

class SwitchDnsStep final : public InspectApplyStep<DnsSwitch> {
 public:
  // `spec.detail` must hold a SwitchDnsSpec. The clients must outlive the step.
  SwitchDnsStep(StepSpec spec, Route53Client& route53, Elbv2Client& elbv2);

  std::string resource() const override;  // "dns api.example.com A"

 private:
  const SwitchDnsSpec& dns() const { return std::get<SwitchDnsSpec>(spec().detail); }
  std::string record() const;  // "api.example.com A"
  Result<DnsSwitch> Inspect(StepRun& run) override;
  void Explain(StepRun& run, const DnsSwitch& change) override;
  // One UPSERT batch, then GetChange until INSYNC: the wait needs the change id from the
  // reply, so it happens here.
  void Apply(StepRun& run, const DnsSwitch& change) override;

  // Keeps the upserted sets' former values in the zone's tags (steps/standby_record.h),
  // unless a record is there already; a failure is a warning.
  void RecordStandby(StepRun& run, const DnsSwitch& change);
  Result<ResourceRecordSet> Target(StepRun& run, DnsSwitch& change);

  Route53Client& route53_;
  Elbv2Client& elbv2_;
};

}  // namespace drf
