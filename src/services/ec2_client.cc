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

LaunchTemplate ParseLaunchTemplate(XmlReader& xml, pugi::xml_node node) {
  LaunchTemplate out;
  out.id = xml.Text(node, "launchTemplateId");
  out.name = xml.Text(node, "launchTemplateName");
  out.latest_version = xml.Int(node, "latestVersionNumber");
  out.default_version = xml.Int(node, "defaultVersionNumber");
  return out;
}

Subnet ParseSubnet(XmlReader& xml, pugi::xml_node node) {
  return {xml.Text(node, "subnetId"), xml.Text(node, "state"), xml.Text(node, "availabilityZone"),
          xml.Text(node, "vpcId")};
}

AvailabilityZone ParseZone(XmlReader& xml, pugi::xml_node node) {
  return {xml.Text(node, "zoneName"), xml.Text(node, "zoneState")};
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

Result<LaunchTemplate> Ec2Client::DescribeLaunchTemplate(const std::string& id,
                                                         const std::string& name) {
  QueryParams params;
  if (!id.empty()) {
    AddEc2List(params, "LaunchTemplateId", {id});
  } else {
    AddEc2List(params, "LaunchTemplateName", {name});
  }
  DRF_ASSIGN_OR_RETURN(
      std::vector<LaunchTemplate> found,
      QueryAllPages<LaunchTemplate>(
          aws_, services::kEc2, "DescribeLaunchTemplates", params, {"NextToken", "nextToken"},
          [](XmlReader& xml, pugi::xml_node result, std::vector<LaunchTemplate>& out) {
            AppendItems(xml, result, "launchTemplates", "item", ParseLaunchTemplate, out);
          }));
  if (found.empty()) {
    return Status::NotFound("launch template " + (id.empty() ? name : id) + " does not exist");
  }
  return found.front();
}

Result<std::vector<Subnet>> Ec2Client::DescribeSubnets(const std::vector<std::string>& ids) {
  QueryParams params;
  AddEc2List(params, "SubnetId", ids);
  return QueryAllPages<Subnet>(aws_, services::kEc2, "DescribeSubnets", params,
                               {"NextToken", "nextToken"},
                               [](XmlReader& xml, pugi::xml_node result, std::vector<Subnet>& out) {
                                 AppendItems(xml, result, "subnetSet", "item", ParseSubnet, out);
                               });
}

Result<std::vector<AvailabilityZone>> Ec2Client::DescribeAvailabilityZones() {
  return QueryOnePage<AvailabilityZone>(
      aws_, services::kEc2, "DescribeAvailabilityZones", {},
      [](XmlReader& xml, pugi::xml_node result, std::vector<AvailabilityZone>& out) {
        AppendItems(xml, result, "availabilityZoneInfo", "item", ParseZone, out);
      });
}

}  // namespace drf
