#include "services/route53_client.h"

#include <cctype>
#include <sstream>

#include "aws/uri.h"
#include "services/xml_reader.h"

namespace drf {
namespace {

constexpr char kXmlns[] = "https://route53.amazonaws.com/doc/2013-04-01/";

// "/hostedzone/Z1" -> "Z1", "/change/C1" -> "C1": AWS returns prefixed ids but wants bare
// ones in paths (botocore's fix_route53_ids keeps the last component the same way). The
// result is still URI-encoded into the path, so a malformed id cannot change the path.
std::string BareId(const std::string& id) {
  size_t slash = id.rfind('/');
  return slash == std::string::npos ? id : id.substr(slash + 1);
}

// Element order is significant to Route 53: it follows the model's member order.
void AppendRecordSet(pugi::xml_node parent, const ResourceRecordSet& r) {
  pugi::xml_node set = parent.append_child("ResourceRecordSet");
  set.append_child("Name").text().set(r.name.c_str());
  set.append_child("Type").text().set(r.type.c_str());
  if (!r.set_identifier.empty()) {
    set.append_child("SetIdentifier").text().set(r.set_identifier.c_str());
  }
  if (r.weight) set.append_child("Weight").text().set(*r.weight);
  if (!r.region.empty()) set.append_child("Region").text().set(r.region.c_str());
  if (!r.failover.empty()) set.append_child("Failover").text().set(r.failover.c_str());
  if (r.ttl) set.append_child("TTL").text().set(*r.ttl);
  if (!r.values.empty()) {
    pugi::xml_node records = set.append_child("ResourceRecords");
    for (const std::string& value : r.values) {
      records.append_child("ResourceRecord").append_child("Value").text().set(value.c_str());
    }
  }
  if (r.alias) {
    pugi::xml_node alias = set.append_child("AliasTarget");
    alias.append_child("HostedZoneId").text().set(r.alias->hosted_zone_id.c_str());
    alias.append_child("DNSName").text().set(r.alias->dns_name.c_str());
    alias.append_child("EvaluateTargetHealth")
        .text()
        .set(r.alias->evaluate_target_health ? "true" : "false");
  }
  if (!r.health_check_id.empty()) {
    set.append_child("HealthCheckId").text().set(r.health_check_id.c_str());
  }
}

void AppendChange(pugi::xml_node changes, const ResourceRecordChange& change) {
  pugi::xml_node node = changes.append_child("Change");
  node.append_child("Action").text().set(change.action.c_str());
  AppendRecordSet(node, change.set);
}

ResourceRecordSet ParseRecordSet(XmlReader& xml, pugi::xml_node node) {
  ResourceRecordSet r;
  r.name = xml.Text(node, "Name");
  r.type = xml.Text(node, "Type");
  r.set_identifier = xml.Text(node, "SetIdentifier");
  if (node.child("Weight")) r.weight = xml.Int(node, "Weight");
  r.region = xml.Text(node, "Region");
  r.failover = xml.Text(node, "Failover");
  // An alias has no TTL of its own (moto sends <TTL>0</TTL> for one; AWS sends none).
  if (node.child("TTL") && !node.child("AliasTarget")) r.ttl = xml.Int(node, "TTL");
  for (pugi::xml_node record : node.child("ResourceRecords").children("ResourceRecord")) {
    r.values.push_back(xml.Text(record, "Value"));
  }
  if (pugi::xml_node alias = node.child("AliasTarget")) {
    r.alias = AliasTarget{xml.Text(alias, "HostedZoneId"), xml.Text(alias, "DNSName"),
                          xml.Bool(alias, "EvaluateTargetHealth")};
  }
  r.health_check_id = xml.Text(node, "HealthCheckId");
  return r;
}

// The ChangeResourceRecordSetsRequest document. Element order is significant to Route 53,
// so it follows the model's member order.
std::string ChangeBatchXml(const std::string& comment,
                           const std::vector<ResourceRecordChange>& changes) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("ChangeResourceRecordSetsRequest");
  root.append_attribute("xmlns").set_value(kXmlns);
  pugi::xml_node batch = root.append_child("ChangeBatch");
  if (!comment.empty()) batch.append_child("Comment").text().set(comment.c_str());
  pugi::xml_node list = batch.append_child("Changes");
  for (const ResourceRecordChange& change : changes) AppendChange(list, change);
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

// The ChangeInfo under the reply's root element.
Result<ChangeInfo> ParseChangeInfo(std::string_view operation, const XmlResponse& reply) {
  pugi::xml_node info = reply.result.child("ChangeInfo");
  if (!info) return Status::Internal(std::string(operation) + " reply has no ChangeInfo");
  XmlReader xml{std::string(operation)};
  return ChangeInfo{BareId(xml.Text(info, "Id")), xml.Text(info, "Status"),
                    xml.Text(info, "SubmittedAt"), xml.Text(info, "Comment")};
}

}  // namespace

Result<Mutated<ChangeInfo>> Route53Client::ChangeResourceRecordSets(
    const std::string& hosted_zone_id, const std::string& comment,
    const std::vector<ResourceRecordChange>& changes) {
  if (changes.empty()) {
    return Status::InvalidArgument("ChangeResourceRecordSets needs at least one change");
  }
  std::string path = "/2013-04-01/hostedzone/" + UriEncode(BareId(hosted_zone_id)) + "/rrset/";
  DRF_ASSIGN_OR_RETURN(XmlResponse reply,
                       aws_.CallRestXml(services::kRoute53, "ChangeResourceRecordSets", "POST",
                                        std::move(path), ChangeBatchXml(comment, changes)));
  DRF_ASSIGN_OR_RETURN(ChangeInfo info, ParseChangeInfo("ChangeResourceRecordSets", reply));
  return Mutated<ChangeInfo>{std::move(info), reply.request_id};
}

Result<ChangeInfo> Route53Client::GetChange(const std::string& change_id) {
  std::string path = "/2013-04-01/change/" + UriEncode(BareId(change_id));
  DRF_ASSIGN_OR_RETURN(XmlResponse reply, aws_.CallRestXml(services::kRoute53, "GetChange", "GET",
                                                           std::move(path), ""));
  return ParseChangeInfo("GetChange", reply);
}

Result<std::vector<ResourceRecordSet>> Route53Client::ListRecordSets(
    const std::string& hosted_zone_id, const std::string& name, const std::string& type) {
  const std::string wanted = NormalizeDnsName(name);
  const std::string base = "/2013-04-01/hostedzone/" + UriEncode(BareId(hosted_zone_id)) + "/rrset";
  std::vector<ResourceRecordSet> out;
  std::string start_name = name, start_type = type, start_identifier;
  for (;;) {
    // In botocore's order (SigV4 sorts them for the signature).
    std::string path = base + "?name=" + UriEncode(start_name) + "&type=" + UriEncode(start_type);
    if (!start_identifier.empty()) path += "&identifier=" + UriEncode(start_identifier);
    DRF_ASSIGN_OR_RETURN(
        XmlResponse reply,
        aws_.CallRestXml(services::kRoute53, "ListResourceRecordSets", "GET", std::move(path), ""));
    XmlReader xml{"ListResourceRecordSets"};
    bool past = false;  // Route 53 lists in order: once past the name and type, stop
    for (pugi::xml_node node : reply.result.child("ResourceRecordSets").children()) {
      ResourceRecordSet set = ParseRecordSet(xml, node);
      if (NormalizeDnsName(set.name) != wanted || set.type != type) {
        past = past || !out.empty();
        continue;
      }
      out.push_back(std::move(set));
    }
    DRF_RETURN_IF_ERROR(xml.status());
    if (past || xml.Text(reply.result, "IsTruncated") != "true") return out;
    std::string next_name = xml.Text(reply.result, "NextRecordName");
    std::string next_type = xml.Text(reply.result, "NextRecordType");
    std::string next_identifier = xml.Text(reply.result, "NextRecordIdentifier");
    if (NormalizeDnsName(next_name) != wanted || next_type != type) return out;
    // A page that names itself as the next one (moto, in a weighted set) would loop.
    if (next_name == start_name && next_type == start_type && next_identifier == start_identifier) {
      return Status::Internal("ListResourceRecordSets for " + name + " " + type +
                              " names the same page as the next one");
    }
    start_name = std::move(next_name);
    start_type = std::move(next_type);
    start_identifier = std::move(next_identifier);
  }
}

Result<std::vector<HostedZone>> Route53Client::ZonesNamed(const std::string& dns_name) {
  const std::string wanted = NormalizeDnsName(dns_name);
  std::vector<HostedZone> out;
  std::string zone_id;  // the next page's start, after the first
  for (;;) {
    std::string path = "/2013-04-01/hostedzonesbyname?dnsname=" + UriEncode(wanted);
    if (!zone_id.empty()) path += "&hostedzoneid=" + UriEncode(zone_id);
    DRF_ASSIGN_OR_RETURN(
        XmlResponse reply,
        aws_.CallRestXml(services::kRoute53, "ListHostedZonesByName", "GET", std::move(path), ""));
    XmlReader xml{"ListHostedZonesByName"};
    bool past = false;  // zones come in name order, so the first other name ends the list
    for (pugi::xml_node node : reply.result.child("HostedZones").children("HostedZone")) {
      HostedZone zone{BareId(xml.Text(node, "Id")), xml.Text(node, "Name"),
                      xml.Bool(node, "Config/PrivateZone")};
      if (NormalizeDnsName(zone.name) == wanted) {
        out.push_back(std::move(zone));
      } else {
        past = true;
      }
    }
    DRF_RETURN_IF_ERROR(xml.status());
    if (past || xml.Text(reply.result, "IsTruncated") != "true") return out;
    if (NormalizeDnsName(xml.Text(reply.result, "NextDNSName")) != wanted) return out;
    zone_id = BareId(xml.Text(reply.result, "NextHostedZoneId"));
  }
}

Result<ResourceTags> Route53Client::ZoneTags(const std::string& hosted_zone_id) {
  std::string path = "/2013-04-01/tags/hostedzone/" + UriEncode(BareId(hosted_zone_id));
  DRF_ASSIGN_OR_RETURN(
      XmlResponse reply,
      aws_.CallRestXml(services::kRoute53, "ListTagsForResource", "GET", std::move(path), ""));
  XmlReader xml{"ListTagsForResource"};
  ResourceTags tags;
  for (pugi::xml_node tag :
       reply.result.first_element_by_path("ResourceTagSet/Tags").children("Tag")) {
    tags[xml.Text(tag, "Key")] = xml.Text(tag, "Value");
  }
  DRF_RETURN_IF_ERROR(xml.status());
  return tags;
}

Result<Ack> Route53Client::ChangeZoneTags(const std::string& hosted_zone_id,
                                          const ResourceTags& add,
                                          const std::vector<std::string>& remove) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("ChangeTagsForResourceRequest");
  root.append_attribute("xmlns").set_value(kXmlns);
  if (!add.empty()) {
    pugi::xml_node list = root.append_child("AddTags");
    for (const auto& [key, value] : add) {
      pugi::xml_node tag = list.append_child("Tag");
      tag.append_child("Key").text().set(key.c_str());
      tag.append_child("Value").text().set(value.c_str());
    }
  }
  if (!remove.empty()) {
    pugi::xml_node list = root.append_child("RemoveTagKeys");
    for (const std::string& key : remove) list.append_child("Key").text().set(key.c_str());
  }
  std::ostringstream body;
  doc.save(body, "", pugi::format_raw);
  std::string path = "/2013-04-01/tags/hostedzone/" + UriEncode(BareId(hosted_zone_id));
  DRF_ASSIGN_OR_RETURN(XmlResponse reply,
                       aws_.CallRestXml(services::kRoute53, "ChangeTagsForResource", "POST",
                                        std::move(path), body.str()));
  return Ack{reply.request_id};
}

std::string NormalizeDnsName(const std::string& name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

}  // namespace drf
