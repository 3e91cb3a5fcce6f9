#include "steps/switch_dns.h"

#include <algorithm>
#include <optional>

#include "steps/standby_record.h"

namespace drf {
namespace {

constexpr long long kDefaultTtl = 60;
constexpr long long kDefaultDrWeight = 100;
constexpr long long kDefaultPrimaryWeight = 0;

// Alias DNS names: Route 53 and the console may add "dualstack." to a load balancer's name.
std::string AliasName(const std::string& dns_name) {
  std::string name = NormalizeDnsName(dns_name);
  return name.starts_with("dualstack.") ? name.substr(10) : name;
}

bool SameTarget(const ResourceRecordSet& a, const ResourceRecordSet& b) {
  if (a.alias.has_value() != b.alias.has_value()) return false;
  if (a.alias) {
    return AliasName(a.alias->dns_name) == AliasName(b.alias->dns_name) &&
           a.alias->hosted_zone_id == b.alias->hosted_zone_id &&
           a.alias->evaluate_target_health == b.alias->evaluate_target_health;
  }
  std::vector<std::string> x = a.values, y = b.values;
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  return x == y && a.ttl == b.ttl;
}

std::string Identifiers(const std::vector<ResourceRecordSet>& sets) {
  std::string out;
  for (const ResourceRecordSet& set : sets) {
    out += (out.empty() ? "" : ", ") + (set.set_identifier.empty() ? "(none)" : set.set_identifier);
  }
  return out;
}

// `existing` (when there is one) pointed at `target`: its name as Route 53 spells it, its
// routing fields and health check kept.
ResourceRecordSet Retargeted(const ResourceRecordSet* existing, const ResourceRecordSet& target,
                             const SwitchDnsSpec& spec) {
  ResourceRecordSet out = existing != nullptr ? *existing : target;
  out.alias = target.alias;
  out.values = target.values;
  out.ttl = std::nullopt;
  if (!target.alias) {
    out.ttl = spec.ttl                               ? spec.ttl
              : existing != nullptr && existing->ttl ? existing->ttl
                                                     : std::optional<long long>(kDefaultTtl);
  }
  return out;
}

// The record sets as they are after `upserts` replace their namesakes.
std::vector<ResourceRecordSet> Applied(std::vector<ResourceRecordSet> current,
                                       const std::vector<ResourceRecordSet>& upserts) {
  for (const ResourceRecordSet& upsert : upserts) {
    auto same = std::find_if(current.begin(), current.end(), [&](const ResourceRecordSet& s) {
      return s.set_identifier == upsert.set_identifier;
    });
    if (same == current.end()) {
      current.push_back(upsert);
    } else {
      *same = upsert;
    }
  }
  return current;
}

// One line per record that changes: "api.example.com A: [dr] ... -> [dr] ...".
std::vector<std::string> ChangeLines(const std::string& record, const DnsSwitch& change) {
  std::vector<std::string> lines;
  for (const ResourceRecordSet& upsert : change.upserts) {
    const ResourceRecordSet* before = FindSet(change.current, upsert.set_identifier);
    lines.push_back(record + ": " + (before != nullptr ? DescribeRecord(*before) : "(none)") +
                    " -> " + DescribeRecord(upsert));
  }
  return lines;
}

}  // namespace

nlohmann::json RecordsJson(const std::vector<ResourceRecordSet>& sets) {
  nlohmann::json out = nlohmann::json::array();
  for (const ResourceRecordSet& set : sets) out.push_back(DescribeRecord(set));
  return out;
}

bool SameRecord(const ResourceRecordSet& a, const ResourceRecordSet& b) {
  return NormalizeDnsName(a.name) == NormalizeDnsName(b.name) && a.type == b.type &&
         a.set_identifier == b.set_identifier && a.weight == b.weight && a.failover == b.failover &&
         a.region == b.region && a.health_check_id == b.health_check_id && SameTarget(a, b);
}

const ResourceRecordSet* FindSet(const std::vector<ResourceRecordSet>& sets,
                                 const std::string& set_identifier) {
  for (const ResourceRecordSet& set : sets) {
    if (set.set_identifier == set_identifier) return &set;
  }
  return nullptr;
}

Result<std::string> ResolveZoneId(StepRun& run, Route53Client& route53, const SwitchDnsSpec& spec) {
  if (!spec.zone_id.empty()) return spec.zone_id;
  const std::string& name = spec.zone_name;
  Result<std::vector<HostedZone>> zones =
      run.poller().Act([&] { return route53.ZonesNamed(name); });
  if (!zones.ok()) return zones.status();
  if (zones->empty()) return Status::NotFound("hosted zone " + name + " not found");
  if (zones->size() > 1) {
    std::string ids;
    for (const HostedZone& zone : *zones) {
      ids += (ids.empty() ? "" : ", ") + zone.id + (zone.private_zone ? " (private)" : " (public)");
    }
    return Status::InvalidArgument("zone " + name + " names " + std::to_string(zones->size()) +
                                   " hosted zones (" + ids + "): give zone_id instead");
  }
  return zones->front().id;
}

Status SendRecordChange(StepRun& run, Route53Client& route53, const std::string& zone_id,
                        const std::string& record, const std::vector<ResourceRecordSet>& upserts) {
  StepResult& result = run.result();
  std::vector<ResourceRecordChange> batch;
  for (const ResourceRecordSet& set : upserts) batch.push_back({"UPSERT", set});
  Result<Mutated<ChangeInfo>> sent = run.poller().Act([&] {
    return route53.ChangeResourceRecordSets(zone_id, "drfailover: " + run.ctx().step_id, batch);
  });
  DRF_RETURN_IF_ERROR(run.RecordMutation("Route53.ChangeResourceRecordSets",
                                         zone_id + "/" + upserts.front().name, sent));
  result.after["change_id"] = sent->value.id;
  std::string status = sent->value.status;
  WaitSpec wait;
  wait.what = "Route 53 change " + sent->value.id + " (" + record + ") to reach all servers";
  wait.stall_after = run.stall_after();
  wait.check = [&]() -> Result<WaitProgress> {
    if (status != "INSYNC") {
      Result<ChangeInfo> info = route53.GetChange(sent->value.id);
      if (!info.ok()) return info.status();
      status = info->status;
    }
    return WaitProgress{status == "INSYNC", status, status == "INSYNC" ? 1 : 0};
  };
  Status waited = run.poller().Wait(wait);
  result.after["change_status"] = status;
  return waited;
}

std::string DescribeRecord(const ResourceRecordSet& set) {
  std::string out = set.set_identifier.empty() ? "" : "[" + set.set_identifier + "] ";
  if (set.alias) {
    out += "alias " + set.alias->dns_name;
  } else {
    for (size_t i = 0; i < set.values.size(); ++i) out += (i > 0 ? ", " : "") + set.values[i];
    if (set.ttl) out += " (ttl " + std::to_string(*set.ttl) + ")";
  }
  if (set.weight) out += " weight " + std::to_string(*set.weight);
  if (!set.failover.empty()) out += " failover " + set.failover;
  return out;
}

SwitchDnsStep::SwitchDnsStep(StepSpec spec, Route53Client& route53, Elbv2Client& elbv2)
    : InspectApplyStep(std::move(spec)), route53_(route53), elbv2_(elbv2) {}

std::string SwitchDnsStep::record() const { return dns().record + " " + dns().type; }

std::string SwitchDnsStep::resource() const { return "dns " + record(); }

// The wanted record's target: the load balancer's alias, or the plan's values.
Result<ResourceRecordSet> SwitchDnsStep::Target(StepRun& run, DnsSwitch& change) {
  ResourceRecordSet target;
  target.name = dns().record;
  target.type = dns().type;
  if (dns().alias_load_balancer.empty()) {
    target.values = dns().values;
  } else {
    const std::string& lb = dns().alias_load_balancer;
    Result<std::vector<LoadBalancer>> found =
        run.poller().Act([&] { return elbv2_.DescribeLoadBalancers({lb}); });
    if (!found.ok()) return found.status().WithContext("load balancer " + lb);
    if (found->empty()) return Status::NotFound("load balancer " + lb + " not found");
    const LoadBalancer& balancer = found->front();
    target.alias = AliasTarget{balancer.canonical_hosted_zone_id, balancer.dns_name,
                               dns().evaluate_target_health};
  }
  change.target = DescribeRecord(target);
  return target;
}

Result<DnsSwitch> SwitchDnsStep::Inspect(StepRun& run) {
  const SwitchDnsSpec& spec = dns();
  DnsSwitch change;
  DRF_ASSIGN_OR_RETURN(change.zone_id, ResolveZoneId(run, route53_, spec));
  DRF_ASSIGN_OR_RETURN(ResourceRecordSet target, Target(run, change));
  Result<std::vector<ResourceRecordSet>> sets = run.poller().Act(
      [&] { return route53_.ListRecordSets(change.zone_id, spec.record, spec.type); });
  if (!sets.ok()) return sets.status().WithContext("zone " + change.zone_id);
  change.current = std::move(*sets);
  run.result().before = {{"zone_id", change.zone_id}, {"records", RecordsJson(change.current)}};

  std::vector<ResourceRecordSet> wanted;
  if (spec.set_identifier.empty()) {
    bool routed = std::any_of(change.current.begin(), change.current.end(),
                              [](const ResourceRecordSet& s) { return !s.set_identifier.empty(); });
    if (routed) {
      return Status::Rejected("uses a routing policy (set identifiers " +
                              Identifiers(change.current) +
                              "): the plan's set_identifier must name the DR record");
    }
    const ResourceRecordSet* existing = change.current.empty() ? nullptr : &change.current[0];
    wanted.push_back(Retargeted(existing, target, spec));
  } else {
    const ResourceRecordSet* dr = FindSet(change.current, spec.set_identifier);
    const bool weighted =
        dr == nullptr ? std::all_of(change.current.begin(), change.current.end(),
                                    [](const ResourceRecordSet& s) { return s.weight.has_value(); })
                      : dr->weight.has_value();
    if (dr == nullptr && !weighted) {
      return Status::NotFound("no record with set identifier " + spec.set_identifier +
                              " (found: " + Identifiers(change.current) + ")");
    }
    ResourceRecordSet next = Retargeted(dr, target, spec);
    next.set_identifier = spec.set_identifier;
    if (weighted) next.weight = spec.weight.value_or(kDefaultDrWeight);
    if (!weighted && (spec.weight || !spec.primary_set_identifier.empty())) {
      return Status::InvalidArgument("record " + spec.set_identifier + " is not weighted (" +
                                     DescribeRecord(*dr) +
                                     "): weight and primary_set_identifier do not apply");
    }
    if (dr != nullptr && dr->failover == "SECONDARY") {
      change.note =
          "failover routing: Route 53 answers with this secondary record only while "
          "the primary's health check fails";
    }
    wanted.push_back(std::move(next));
    if (!spec.primary_set_identifier.empty()) {
      const ResourceRecordSet* primary = FindSet(change.current, spec.primary_set_identifier);
      if (primary == nullptr) {
        return Status::NotFound("no primary record with set identifier " +
                                spec.primary_set_identifier +
                                " (found: " + Identifiers(change.current) + ")");
      }
      ResourceRecordSet lowered = *primary;
      lowered.weight = spec.primary_weight.value_or(kDefaultPrimaryWeight);
      wanted.push_back(std::move(lowered));
    }
  }
  for (ResourceRecordSet& set : wanted) {
    const ResourceRecordSet* now = FindSet(change.current, set.set_identifier);
    if (now == nullptr || !SameRecord(*now, set)) change.upserts.push_back(std::move(set));
  }
  return change;
}

void SwitchDnsStep::Explain(StepRun& run, const DnsSwitch& change) {
  StepResult& result = run.result();
  result.after = {{"zone_id", change.zone_id},
                  {"records", RecordsJson(Applied(change.current, change.upserts))}};
  if (change.upserts.empty()) {
    result.state = StepState::kUnchanged;
    result.summary = "already points at " + change.target;
    return;
  }
  result.state = StepState::kSucceeded;
  result.changes = ChangeLines(record(), change);
  result.summary = "would point " + record() + " at " + change.target +
                   (change.note.empty() ? "" : " (" + change.note + ")");
}

void SwitchDnsStep::Apply(StepRun& run, const DnsSwitch& change) {
  StepResult& result = run.result();
  const std::string name = record();
  result.after = {{"zone_id", change.zone_id},
                  {"records", RecordsJson(Applied(change.current, change.upserts))}};
  if (change.upserts.empty()) {
    run.log().Info("DNS record " + name + " already points at " + change.target);
    result.state = StepState::kUnchanged;
    result.summary = "already points at " + change.target;
    return;
  }
  if (!change.note.empty()) run.log().Warn("DNS record " + name + ": " + change.note);
  if (run.StopIfCancelled()) return;
  RecordStandby(run, change);
  run.log().Info("Pointing DNS record " + name + " at " + change.target);
  Status sent = SendRecordChange(run, route53_, change.zone_id, name, change.upserts);
  if (!result.after.contains("change_id")) return run.Fail(sent);
  result.changes = ChangeLines(name, change);
  result.summary = "pointed " + name + " at " + change.target;
  if (!sent.ok()) {
    return run.EndUnfinished(
        sent, result.summary + "; change " + result.after.value("change_status", std::string()));
  }
  run.log().Info("DNS record " + name + " now points at " + change.target + " (change " +
                 result.after.value("change_id", std::string()) + " INSYNC)");
  result.state = StepState::kSucceeded;
}

void SwitchDnsStep::RecordStandby(StepRun& run, const DnsSwitch& change) {
  const std::string key = DnsStandbyKey(dns().record, dns().type);
  std::vector<DnsSetBefore> before;
  for (const ResourceRecordSet& upsert : change.upserts) {
    const ResourceRecordSet* was = FindSet(change.current, upsert.set_identifier);
    before.push_back({upsert.set_identifier,
                      was != nullptr ? std::optional<ResourceRecordSet>(*was) : std::nullopt});
  }
  std::optional<std::string> value = DnsStandbyValue(before);
  Status recorded = Status::Ok();
  if (!value || key.size() > kMaxTagKey) {
    recorded = Status::InvalidArgument("the record's former values do not fit in a zone tag");
  } else {
    Result<ResourceTags> tags = run.poller().Act([&] { return route53_.ZoneTags(change.zone_id); });
    recorded = tags.status();
    if (tags.ok() && tags->count(key)) {
      run.result().before["standby"] = tags->at(key);
      return;
    }
    if (tags.ok()) {
      Result<Ack> ack = run.poller().Act([&] {
        return route53_.ChangeZoneTags(change.zone_id, {{key, *value}}, {});
      });
      recorded = run.RecordMutation("Route53.ChangeTagsForResource", change.zone_id, ack);
    }
  }
  if (recorded.ok()) {
    run.result().before["standby"] = *value;
    return;
  }
  run.log().Warn("DNS record " + record() +
                 ": its former values were not recorded (failback "
                 "will leave it alone): " +
                 recorded.UserMessage());
}

}  // namespace drf
