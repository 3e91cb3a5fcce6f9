#include "services/autoscaling_client.h"

#include <algorithm>
#include <iterator>
#include <string>

#include "core/strings.h"
#include "services/batches.h"
#include "services/query_call.h"

namespace drf {
namespace {

// AWS accepts at most 50 names per DescribeAutoScalingGroups call.
constexpr size_t kNamesPerCall = 50;
// DescribeScalingActivities' MaxRecords: 1 to 100.
constexpr int kMaxActivitiesPerPage = 100;

AsgInstance ParseAsgInstance(XmlReader& xml, pugi::xml_node node) {
  return {xml.Text(node, "InstanceId"), xml.Text(node, "LifecycleState"),
          xml.Text(node, "HealthStatus"), xml.Text(node, "AvailabilityZone")};
}

AutoScalingGroup ParseGroup(XmlReader& xml, pugi::xml_node node) {
  AutoScalingGroup out;
  out.name = xml.Text(node, "AutoScalingGroupName");
  out.arn = xml.Text(node, "AutoScalingGroupARN");
  out.status = xml.Text(node, "Status");
  // Always sent by AWS; read as 0 when missing, a size would be "raised" to the plan's and
  // could end up lowered.
  out.min_size = xml.RequiredInt(node, "MinSize");
  out.max_size = xml.RequiredInt(node, "MaxSize");
  out.desired_capacity = xml.RequiredInt(node, "DesiredCapacity");
  AppendItems(xml, node, "Instances", "member", ParseAsgInstance, out.instances);
  out.target_group_arns = xml.Strings(node, "TargetGroupARNs");
  const bool mixed = !node.child("LaunchTemplate");
  const char* spec =
      mixed ? "MixedInstancesPolicy/LaunchTemplate/LaunchTemplateSpecification" : "LaunchTemplate";
  pugi::xml_node launch_template = node.first_element_by_path(spec);
  out.launch_template_id = xml.Text(launch_template, "LaunchTemplateId");
  out.launch_template_name = xml.Text(launch_template, "LaunchTemplateName");
  out.launch_template_version = xml.Text(launch_template, "Version");
  out.launch_configuration_name = xml.Text(node, "LaunchConfigurationName");
  out.subnet_ids = SplitList(xml.Text(node, "VPCZoneIdentifier"), ',');
  out.availability_zones = xml.Strings(node, "AvailabilityZones");
  for (pugi::xml_node tag : XmlItems(node, "Tags", "member")) {
    out.tags[xml.Text(tag, "Key")] = xml.Text(tag, "Value");
  }
  return out;
}

ScalingActivity ParseActivity(XmlReader& xml, pugi::xml_node node) {
  ScalingActivity out;
  out.activity_id = xml.Text(node, "ActivityId");
  out.status_code = xml.Text(node, "StatusCode");
  out.status_message = xml.Text(node, "StatusMessage");
  out.description = xml.Text(node, "Description");
  out.cause = xml.Text(node, "Cause");
  out.start_time = xml.Text(node, "StartTime");
  out.end_time = xml.Text(node, "EndTime");
  out.progress = xml.Int(node, "Progress");
  return out;
}

Result<std::vector<AutoScalingGroup>> DescribeChunk(AwsClient& aws,
                                                    const std::vector<std::string>& names) {
  QueryParams params;
  if (!names.empty()) AddList(params, "AutoScalingGroupNames.member", names);
  // The largest page AWS allows (default 50), to make fewer calls.
  AddInt(params, "MaxRecords", 100);
  return QueryAllPages<AutoScalingGroup>(
      aws, services::kAutoScaling, "DescribeAutoScalingGroups", params, {"NextToken", "NextToken"},
      [](XmlReader& xml, pugi::xml_node result, std::vector<AutoScalingGroup>& out) {
        AppendItems(xml, result, "AutoScalingGroups", "member", ParseGroup, out);
      });
}

}  // namespace

Result<std::vector<AutoScalingGroup>> AutoScalingClient::DescribeAutoScalingGroups(
    const std::vector<std::string>& names) {
  if (names.empty()) return DescribeChunk(aws_, names);
  std::vector<AutoScalingGroup> all;
  for (const std::vector<std::string>& batch : SplitIntoBatches(names, kNamesPerCall)) {
    DRF_ASSIGN_OR_RETURN(std::vector<AutoScalingGroup> groups, DescribeChunk(aws_, batch));
    std::move(groups.begin(), groups.end(), std::back_inserter(all));
  }
  return all;
}

Result<Ack> AutoScalingClient::UpdateAutoScalingGroup(const UpdateAsgRequest& request) {
  QueryParams params;
  AddParam(params, "AutoScalingGroupName", request.name);
  if (request.min_size) AddInt(params, "MinSize", *request.min_size);
  if (request.max_size) AddInt(params, "MaxSize", *request.max_size);
  if (request.desired_capacity) AddInt(params, "DesiredCapacity", *request.desired_capacity);
  return QueryAck(aws_, services::kAutoScaling, "UpdateAutoScalingGroup", params);
}

namespace {

// The one-tag list CreateOrUpdateTags and DeleteTags take.
QueryParams AsgTagParams(const std::string& asg_name, const std::string& key,
                         const std::string* value) {
  QueryStruct tag{{"ResourceId", asg_name}, {"ResourceType", "auto-scaling-group"}, {"Key", key}};
  if (value != nullptr) {
    tag.emplace_back("Value", *value);
    tag.emplace_back("PropagateAtLaunch", "false");
  }
  QueryParams params;
  AddStructList(params, "Tags.member", {tag});
  return params;
}

}  // namespace

Result<Ack> AutoScalingClient::PutTag(const std::string& asg_name, const std::string& key,
                                      const std::string& value) {
  return QueryAck(aws_, services::kAutoScaling, "CreateOrUpdateTags",
                  AsgTagParams(asg_name, key, &value));
}

Result<Ack> AutoScalingClient::DeleteTag(const std::string& asg_name, const std::string& key) {
  return QueryAck(aws_, services::kAutoScaling, "DeleteTags", AsgTagParams(asg_name, key, nullptr));
}

Result<std::vector<ScalingActivity>> AutoScalingClient::DescribeScalingActivities(
    const std::string& asg_name, int max_records) {
  QueryParams params;
  if (!asg_name.empty()) AddParam(params, "AutoScalingGroupName", asg_name);
  AddInt(params, "MaxRecords", std::clamp(max_records, 1, kMaxActivitiesPerPage));
  return QueryOnePage<ScalingActivity>(
      aws_, services::kAutoScaling, "DescribeScalingActivities", params,
      [](XmlReader& xml, pugi::xml_node result, std::vector<ScalingActivity>& out) {
        AppendItems(xml, result, "Activities", "member", ParseActivity, out);
      });
}

Result<std::vector<std::string>> AutoScalingClient::ExistingLaunchConfigurations(
    const std::vector<std::string>& names) {
  QueryParams params;
  AddList(params, "LaunchConfigurationNames.member", names);
  return QueryAllPages<std::string>(
      aws_, services::kAutoScaling, "DescribeLaunchConfigurations", params,
      {"NextToken", "NextToken"},
      [](XmlReader& xml, pugi::xml_node result, std::vector<std::string>& out) {
        for (pugi::xml_node node : XmlItems(result, "LaunchConfigurations", "member")) {
          out.push_back(xml.Text(node, "LaunchConfigurationName"));
        }
      });
}

}  // namespace drf
