#include "services/elbv2_client.h"

#include <algorithm>

#include "services/query_call.h"

namespace drf {
namespace {

TargetGroup ParseTargetGroup(XmlReader& xml, pugi::xml_node node) {
  TargetGroup out;
  out.arn = xml.Text(node, "TargetGroupArn");
  out.name = xml.Text(node, "TargetGroupName");
  out.protocol = xml.Text(node, "Protocol");
  out.target_type = xml.Text(node, "TargetType");
  out.vpc_id = xml.Text(node, "VpcId");
  out.port = xml.Int(node, "Port");
  out.load_balancer_arns = xml.Strings(node, "LoadBalancerArns");
  return out;
}

LoadBalancer ParseLoadBalancer(XmlReader& xml, pugi::xml_node node) {
  LoadBalancer out;
  out.arn = xml.Text(node, "LoadBalancerArn");
  out.name = xml.Text(node, "LoadBalancerName");
  out.dns_name = xml.Text(node, "DNSName");
  out.canonical_hosted_zone_id = xml.Text(node, "CanonicalHostedZoneId");
  out.type = xml.Text(node, "Type");
  out.state = xml.Text(node, "State/Code");
  return out;
}

TargetHealthDescription ParseHealth(XmlReader& xml, pugi::xml_node node) {
  TargetHealthDescription out;
  out.target.id = xml.Text(node, "Target/Id");
  if (node.first_element_by_path("Target/Port")) out.target.port = xml.Int(node, "Target/Port");
  out.target.availability_zone = xml.Text(node, "Target/AvailabilityZone");
  out.state = xml.Text(node, "TargetHealth/State");
  out.reason = xml.Text(node, "TargetHealth/Reason");
  out.description = xml.Text(node, "TargetHealth/Description");
  return out;
}

QueryParams TargetParams(const std::string& target_group_arn, const std::vector<Target>& targets) {
  QueryParams params;
  AddParam(params, "TargetGroupArn", target_group_arn);
  std::vector<QueryStruct> items;
  for (const Target& target : targets) {
    QueryStruct item{{"Id", target.id}};
    if (target.port) item.emplace_back("Port", std::to_string(*target.port));
    if (!target.availability_zone.empty()) {
      item.emplace_back("AvailabilityZone", target.availability_zone);
    }
    items.push_back(std::move(item));
  }
  AddStructList(params, "Targets.member", items);
  return params;
}

}  // namespace

Result<std::vector<LoadBalancer>> Elbv2Client::DescribeLoadBalancers(
    const std::vector<std::string>& names_or_arns) {
  const bool arns = !names_or_arns.empty() &&
                    std::all_of(names_or_arns.begin(), names_or_arns.end(),
                                [](const std::string& s) { return s.starts_with("arn:"); });
  QueryParams params;
  AddList(params, arns ? "LoadBalancerArns.member" : "Names.member", names_or_arns);
  return QueryAllPages<LoadBalancer>(
      aws_, services::kElbv2, "DescribeLoadBalancers", params, {"Marker", "NextMarker"},
      [](XmlReader& xml, pugi::xml_node result, std::vector<LoadBalancer>& out) {
        AppendItems(xml, result, "LoadBalancers", "member", ParseLoadBalancer, out);
      });
}

Result<std::vector<TargetGroup>> Elbv2Client::DescribeTargetGroups(
    const std::vector<std::string>& arns) {
  QueryParams params;
  if (!arns.empty()) AddList(params, "TargetGroupArns.member", arns);
  return QueryAllPages<TargetGroup>(
      aws_, services::kElbv2, "DescribeTargetGroups", params, {"Marker", "NextMarker"},
      [](XmlReader& xml, pugi::xml_node result, std::vector<TargetGroup>& out) {
        AppendItems(xml, result, "TargetGroups", "member", ParseTargetGroup, out);
      });
}

Result<std::vector<TargetHealthDescription>> Elbv2Client::DescribeTargetHealth(
    const std::string& target_group_arn) {
  QueryParams params;
  AddParam(params, "TargetGroupArn", target_group_arn);
  return QueryOnePage<TargetHealthDescription>(
      aws_, services::kElbv2, "DescribeTargetHealth", params,
      [](XmlReader& xml, pugi::xml_node result, std::vector<TargetHealthDescription>& out) {
        AppendItems(xml, result, "TargetHealthDescriptions", "member", ParseHealth, out);
      });
}

Result<Ack> Elbv2Client::RegisterTargets(const std::string& target_group_arn,
                                         const std::vector<Target>& targets) {
  return QueryAck(aws_, services::kElbv2, "RegisterTargets",
                  TargetParams(target_group_arn, targets));
}

Result<Ack> Elbv2Client::DeregisterTargets(const std::string& target_group_arn,
                                           const std::vector<Target>& targets) {
  return QueryAck(aws_, services::kElbv2, "DeregisterTargets",
                  TargetParams(target_group_arn, targets));
}

Result<ResourceTags> Elbv2Client::DescribeTags(const std::string& arn) {
  DRF_ASSIGN_OR_RETURN(auto tags, DescribeTags(std::vector<std::string>{arn}));
  return tags[arn];
}

Result<std::map<std::string, ResourceTags>> Elbv2Client::DescribeTags(
    const std::vector<std::string>& arns) {
  QueryParams params;
  AddList(params, "ResourceArns.member", arns);
  DRF_ASSIGN_OR_RETURN(XmlResponse reply, aws_.CallQuery(services::kElbv2, "DescribeTags", params));
  XmlReader xml{"DescribeTags"};
  std::map<std::string, ResourceTags> tags;
  for (pugi::xml_node description : XmlItems(reply.result, "TagDescriptions", "member")) {
    ResourceTags& of = tags[xml.Text(description, "ResourceArn")];
    for (pugi::xml_node tag : XmlItems(description, "Tags", "member")) {
      of[xml.Text(tag, "Key")] = xml.Text(tag, "Value");
    }
  }
  DRF_RETURN_IF_ERROR(xml.status());
  return tags;
}

Result<Ack> Elbv2Client::AddTags(const std::string& arn, const ResourceTags& tags) {
  QueryParams params;
  AddList(params, "ResourceArns.member", {arn});
  std::vector<QueryStruct> items;
  for (const auto& [key, value] : tags) items.push_back({{"Key", key}, {"Value", value}});
  AddStructList(params, "Tags.member", items);
  return QueryAck(aws_, services::kElbv2, "AddTags", params);
}

Result<Ack> Elbv2Client::RemoveTags(const std::string& arn, const std::vector<std::string>& keys) {
  QueryParams params;
  AddList(params, "ResourceArns.member", {arn});
  AddList(params, "TagKeys.member", keys);
  return QueryAck(aws_, services::kElbv2, "RemoveTags", params);
}

}  // namespace drf
