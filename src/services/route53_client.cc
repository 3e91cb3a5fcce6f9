#include "services/route53_client.h"

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

void AppendChange(pugi::xml_node changes, const ResourceRecordChange& change) {
  pugi::xml_node node = changes.append_child("Change");
  node.append_child("Action").text().set(change.action.c_str());
  pugi::xml_node set = node.append_child("ResourceRecordSet");
  set.append_child("Name").text().set(change.name.c_str());
  set.append_child("Type").text().set(change.type.c_str());
  set.append_child("TTL").text().set(change.ttl);
  pugi::xml_node records = set.append_child("ResourceRecords");
  for (const std::string& value : change.values) {
    records.append_child("ResourceRecord").append_child("Value").text().set(value.c_str());
  }
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

}  // namespace drf
