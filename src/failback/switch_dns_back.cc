#include "failback/switch_dns_back.h"

#include "failback/left_alone.h"
#include "steps/standby_record.h"
#include "steps/switch_dns.h"

namespace drf {
namespace {

std::string CreatedNote(const std::vector<std::string>& created) {
  if (created.empty()) return "";
  std::string ids;
  for (const std::string& id : created)
    ids += (ids.empty() ? "" : ", ") + (id.empty() ? "(simple)" : id);
  return "; left in place the sets the failover created (" + ids + ")";
}

}  // namespace

SwitchDnsBackStep::SwitchDnsBackStep(StepSpec spec, Route53Client& route53)
    : InspectApplyStep(std::move(spec)), route53_(route53) {}

std::string SwitchDnsBackStep::resource() const { return "dns " + dns().record + " " + dns().type; }

Result<DnsRestore> SwitchDnsBackStep::Inspect(StepRun& run) {
  DnsRestore restore;
  DRF_ASSIGN_OR_RETURN(restore.zone_id, ResolveZoneId(run, route53_, dns()));
  Result<ResourceTags> tags = run.poller().Act([&] { return route53_.ZoneTags(restore.zone_id); });
  if (!tags.ok()) return tags.status().WithContext("zone " + restore.zone_id);
  const std::string key = DnsStandbyKey(dns().record, dns().type);
  auto tag = tags->find(key);
  if (tag == tags->end()) return restore;
  std::optional<std::vector<DnsSetBefore>> before = ParseDnsStandby(tag->second);
  if (!before) {
    return Status::Rejected("zone " + restore.zone_id + " tag " + key + " \"" + tag->second +
                            "\" is not a record of former values; nothing changed");
  }
  restore.tag_key = key;
  Result<std::vector<ResourceRecordSet>> sets = run.poller().Act(
      [&] { return route53_.ListRecordSets(restore.zone_id, dns().record, dns().type); });
  if (!sets.ok()) return sets.status().WithContext("zone " + restore.zone_id);
  restore.current = std::move(*sets);
  run.result().before = {{"zone_id", restore.zone_id},
                         {"records", RecordsJson(restore.current)},
                         {"standby", tag->second}};
  for (const DnsSetBefore& was : *before) {
    if (!was.set) {
      restore.created.push_back(was.set_identifier);
      continue;
    }
    const ResourceRecordSet* now = FindSet(restore.current, was.set_identifier);
    ResourceRecordSet back = now != nullptr ? *now : *was.set;
    if (now == nullptr) {
      back.name = dns().record;
      back.type = dns().type;
      back.set_identifier = was.set_identifier;
    }
    back.alias = was.set->alias;
    back.values = was.set->values;
    back.ttl = was.set->ttl;
    if (was.set->weight) back.weight = was.set->weight;
    if (now == nullptr || !SameRecord(*now, back)) restore.upserts.push_back(std::move(back));
  }
  return restore;
}

void SwitchDnsBackStep::Explain(StepRun& run, const DnsRestore& restore) {
  StepResult& result = run.result();
  if (restore.tag_key.empty()) return LeaveAlone(result, resource());
  result.state = StepState::kSucceeded;
  result.after = {{"zone_id", restore.zone_id}, {"records", RecordsJson(restore.upserts)}};
  for (const ResourceRecordSet& set : restore.upserts) {
    result.changes.push_back("would point " + resource() + " back: " + DescribeRecord(set));
  }
  result.summary = (restore.upserts.empty() ? "already back; would remove the record of its "
                                              "former values"
                                            : "would point " + resource() + " back") +
                   CreatedNote(restore.created);
}

void SwitchDnsBackStep::Apply(StepRun& run, const DnsRestore& restore) {
  StepResult& result = run.result();
  if (restore.tag_key.empty()) return LeaveAlone(result, resource());
  result.after = {{"zone_id", restore.zone_id}, {"records", RecordsJson(restore.upserts)}};
  const std::string name = dns().record + " " + dns().type;
  if (!restore.upserts.empty()) {
    if (run.StopIfCancelled()) return;
    run.log().Info("Pointing DNS record " + name + " back at its former values");
    Status sent = SendRecordChange(run, route53_, restore.zone_id, name, restore.upserts);
    if (!result.after.contains("change_id")) return run.Fail(sent);
    for (const ResourceRecordSet& set : restore.upserts) {
      result.changes.push_back("pointed " + name + " back: " + DescribeRecord(set));
    }
    if (!sent.ok()) return run.EndUnfinished(sent, "pointed " + name + " back");
  }
  if (run.StopIfCancelled()) return;
  Result<Ack> removed = run.poller().Act(
      [&] { return route53_.ChangeZoneTags(restore.zone_id, {}, {restore.tag_key}); });
  Status made = run.RecordMutation("Route53.ChangeTagsForResource", restore.zone_id, removed);
  if (!made.ok()) return run.Fail(made);
  result.changes.push_back("removed the record of the former values of " + name);
  result.state = StepState::kSucceeded;
  result.summary = "pointed " + name + " back at its former values" + CreatedNote(restore.created);
}

}  // namespace drf
