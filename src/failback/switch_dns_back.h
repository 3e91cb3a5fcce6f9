// SwitchDnsBackStep: failback of a switch_dns step. Puts each record set the failover
// changed back to the values kept in the hosted zone's tag (steps/standby_record.h) in one
// UPSERT batch, waits until Route 53 reports it INSYNC, then removes the tag. A set the
// failover created is left in place (drfailover never deletes a record) and said so. A
// record without a tag is left alone and reported.
//
// Only the target (alias or values and TTL) and the weight go back: a set keeps its
// routing role and health check as they are now.
#pragma once

#include <string>
#include <vector>

#include "services/route53_client.h"
#include "steps/inspect_apply_step.h"

namespace drf {

struct DnsRestore {
  std::string zone_id;
  std::string tag_key;  // empty: no record
  std::vector<ResourceRecordSet> current;
  std::vector<ResourceRecordSet> upserts;  // what goes back; may be empty
  std::vector<std::string> created;        // sets the failover created: left in place
};

class SwitchDnsBackStep final : public InspectApplyStep<DnsRestore> {
 public:
  // `spec.detail` must hold a SwitchDnsSpec. `route53` must outlive the step.
  SwitchDnsBackStep(StepSpec spec, Route53Client& route53);

  std::string resource() const override;  // "dns <record> <type>"

 private:
  const SwitchDnsSpec& dns() const { return std::get<SwitchDnsSpec>(spec().detail); }
  Result<DnsRestore> Inspect(StepRun& run) override;
  void Explain(StepRun& run, const DnsRestore& restore) override;
  void Apply(StepRun& run, const DnsRestore& restore) override;

  Route53Client& route53_;
};

}  // namespace drf
