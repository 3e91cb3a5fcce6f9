// switch_dns' readiness: the hosted zone exists (exactly one of that name), the DR load
// balancer exists and is active, and the record's routing policy is the one the plan names.
#include <algorithm>

#include "readiness/step_checks.h"

namespace drf {
namespace {

Finding Missing(const std::string& check, const std::string& resource, std::string message) {
  return {check, resource, Verdict::kNotReady, std::move(message), nlohmann::json::object()};
}

// The zone's id, with a finding; empty when it cannot be known.
std::string CheckZone(const SwitchDnsSpec& spec, ReadinessServices& aws, StepReadiness& out) {
  if (!spec.zone_id.empty()) return spec.zone_id;  // ListRecordSets below proves it exists
  Result<std::vector<HostedZone>> zones = aws.route53.ZonesNamed(spec.zone_name);
  if (!zones.ok()) {
    out.findings.push_back(ReadFailed("hosted_zone", spec.zone_name, zones.status()));
  } else if (zones->empty()) {
    out.findings.push_back(Missing("hosted_zone", spec.zone_name,
                                   "hosted zone " + spec.zone_name + " does not exist"));
  } else if (zones->size() > 1) {
    out.findings.push_back(Missing("hosted_zone", spec.zone_name,
                                   "zone " + spec.zone_name + " names " +
                                       std::to_string(zones->size()) +
                                       " hosted zones (public and private): give zone_id"));
  } else {
    out.findings.push_back({"hosted_zone",
                            spec.zone_name,
                            Verdict::kReady,
                            "hosted zone " + spec.zone_name + " is " + zones->front().id,
                            {{"zone_id", zones->front().id}}});
    return zones->front().id;
  }
  return "";
}

Finding LoadBalancerFinding(const SwitchDnsSpec& spec, ReadinessServices& aws) {
  const std::string& name = spec.alias_load_balancer;
  Result<std::vector<LoadBalancer>> found = aws.elbv2.DescribeLoadBalancers({name});
  if (!found.ok()) return ReadFailed("load_balancer", name, found.status());
  if (found->empty()) return Missing("load_balancer", name, "load balancer " + name + " not found");
  const LoadBalancer& lb = found->front();
  Finding finding{"load_balancer",
                  name,
                  Verdict::kReady,
                  "load balancer " + name + " (" + lb.dns_name + ") is " + lb.state,
                  {{"dns_name", lb.dns_name},
                   {"canonical_hosted_zone_id", lb.canonical_hosted_zone_id},
                   {"state", lb.state}}};
  if (lb.state != "active") finding.verdict = Verdict::kWarning;
  return finding;
}

bool HasIdentifier(const std::vector<ResourceRecordSet>& sets, const std::string& id) {
  return std::any_of(sets.begin(), sets.end(),
                     [&](const ResourceRecordSet& s) { return s.set_identifier == id; });
}

Finding RecordFinding(const SwitchDnsSpec& spec, const std::vector<ResourceRecordSet>& sets) {
  const std::string name = spec.record + " " + spec.type;
  nlohmann::json records = nlohmann::json::array();
  for (const ResourceRecordSet& set : sets) {
    records.push_back({{"set_identifier", set.set_identifier},
                       {"weight", set.weight ? nlohmann::json(*set.weight) : nullptr},
                       {"failover", set.failover},
                       {"alias", set.alias ? set.alias->dns_name : ""}});
  }
  Finding finding{"record", name, Verdict::kReady, "", {{"records", records}}};
  const bool routed = std::any_of(sets.begin(), sets.end(), [](const ResourceRecordSet& s) {
    return !s.set_identifier.empty();
  });
  if (spec.set_identifier.empty() && routed) {
    finding.verdict = Verdict::kNotReady;
    finding.message = name + " uses a routing policy: the plan must give set_identifier";
  } else if (!spec.primary_set_identifier.empty() &&
             !HasIdentifier(sets, spec.primary_set_identifier)) {
    finding.verdict = Verdict::kNotReady;
    finding.message = name + " has no primary record " + spec.primary_set_identifier;
  } else if (sets.empty()) {
    finding.verdict = Verdict::kWarning;
    finding.message = name + " does not exist yet: the run creates it";
  } else {
    finding.message = name + " exists (" + std::to_string(sets.size()) + " record set" +
                      (sets.size() == 1 ? "" : "s") + ")";
  }
  return finding;
}

}  // namespace

void CheckSwitchDns(const SwitchDnsSpec& spec, ReadinessServices& aws, StepReadiness& out) {
  const std::string zone_id = CheckZone(spec, aws, out);
  const std::string zone_arn = "arn:aws:route53:::hostedzone/" + (zone_id.empty() ? "*" : zone_id);
  if (!spec.zone_name.empty()) out.needs.push_back({"route53:ListHostedZonesByName", "*", false});
  out.needs.push_back({"route53:ListResourceRecordSets", zone_arn, false});
  out.needs.push_back({"route53:ChangeResourceRecordSets", zone_arn, false});
  out.needs.push_back({"route53:GetChange", "arn:aws:route53:::change/*", false});
  if (!spec.alias_load_balancer.empty()) {
    out.needs.push_back({"elasticloadbalancing:DescribeLoadBalancers", "*", false});
    out.findings.push_back(LoadBalancerFinding(spec, aws));
  }
  if (zone_id.empty()) return;
  Result<std::vector<ResourceRecordSet>> sets =
      aws.route53.ListRecordSets(zone_id, spec.record, spec.type);
  if (!sets.ok()) {
    out.findings.push_back(ReadFailed("hosted_zone", zone_id, sets.status()));
    return;
  }
  out.findings.push_back(RecordFinding(spec, *sets));
}

}  // namespace drf
