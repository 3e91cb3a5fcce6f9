#include "services/ec2_client.h"

#include "services/query_call.h"

namespace drf {
namespace {

Ec2Instance ParseEc2Instance(XmlReader& xml, pugi::xml_node node) {
  Ec2Instance out;
  out.id = xml.Text(node, "instanceId");
  out.state = xml.Text(node, "instanceState/name");
  out.private_ip = xml.Text(node, "privateIpAddress");
  out.availability_zone = xml.Text(node, "placement/availabilityZone");
  for (pugi::xml_node tag : XmlItems(node, "tagSet", "item")) {
    out.tags[xml.Text(tag, "key")] = xml.Text(tag, "value");
  }
  return out;
}

// Instances come grouped by reservation (one RunInstances call each); callers want a flat
// list.
void ParsePage(XmlReader& xml, pugi::xml_node result, std::vector<Ec2Instance>& out) {
  for (pugi::xml_node reservation : XmlItems(result, "reservationSet", "item")) {
    AppendItems(xml, reservation, "instancesSet", "item", ParseEc2Instance, out);
  }
}

}  // namespace

Result<std::vector<Ec2Instance>> Ec2Client::DescribeInstances(const std::vector<std::string>& ids) {
  QueryParams params;
  AddEc2List(params, "InstanceId", ids);
  // AWS refuses MaxResults together with instance ids; without ids, ask for its largest page.
  if (ids.empty()) AddInt(params, "MaxResults", 1000);
  return QueryAllPages<Ec2Instance>(aws_, services::kEc2, "DescribeInstances", params,
                                    {"NextToken", "nextToken"}, ParsePage);
}

}  // namespace drf
