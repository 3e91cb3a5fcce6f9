// scale_asg's readiness: the group exists and is not being deleted, what it launches from
// exists, the size it will have allows the plan's target, and its subnets exist in
// Availability Zones that are available; a group still carrying a failover's standby record
// (not failed back) is a warning.
#include <algorithm>
#include <cctype>
#include <set>

#include "readiness/step_checks.h"
#include "steps/standby_record.h"

namespace drf {
namespace {

Finding SizeFinding(const ScaleAsgSpec& spec, const AutoScalingGroup& group) {
  // The run only raises (never lowers): these are the sizes it leaves.
  const int max_after = std::max(group.max_size, spec.max_size);
  const int desired_after = std::max(group.desired_capacity, spec.desired_capacity);
  Finding finding{"capacity", spec.asg_name, Verdict::kReady, "", {}};
  finding.evidence = {{"min", group.min_size},
                      {"max", group.max_size},
                      {"desired", group.desired_capacity},
                      {"max_after", max_after},
                      {"desired_after", desired_after}};
  if (desired_after > max_after) {
    finding.verdict = Verdict::kNotReady;
    finding.message = spec.asg_name + ": desired " + std::to_string(desired_after) +
                      " would exceed max " + std::to_string(max_after);
  } else if (group.max_size < spec.desired_capacity) {
    finding.message = spec.asg_name + " max " + std::to_string(group.max_size) +
                      " is below the target " + std::to_string(spec.desired_capacity) +
                      ": the run raises max to " + std::to_string(max_after);
  } else {
    finding.message = spec.asg_name + " max " + std::to_string(group.max_size) +
                      " allows the target " + std::to_string(spec.desired_capacity);
  }
  return finding;
}

bool IsNumber(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
}

Finding LaunchTemplateFinding(const AutoScalingGroup& group, Ec2Client& ec2) {
  const std::string& name =
      group.launch_template_name.empty() ? group.launch_template_id : group.launch_template_name;
  Result<LaunchTemplate> found =
      ec2.DescribeLaunchTemplate(group.launch_template_id, group.launch_template_name);
  if (!found.ok()) {
    Finding failed = ReadFailed("launch_template", "launch template " + name, found.status());
    failed.message = group.name + ": " + failed.message;
    return failed;
  }
  Finding finding{"launch_template", name, Verdict::kReady, "", {}};
  finding.evidence = {{"id", found->id},
                      {"version", group.launch_template_version},
                      {"latest_version", found->latest_version}};
  const std::string& version = group.launch_template_version;
  if (IsNumber(version) && std::stoll(version) > found->latest_version) {
    finding.verdict = Verdict::kNotReady;
    finding.message = group.name + " launches version " + version + " of launch template " + name +
                      ", which has only " + std::to_string(found->latest_version);
  } else {
    finding.message = group.name + " launches from launch template " + name +
                      (version.empty() ? "" : " version " + version);
  }
  return finding;
}

Finding LaunchConfigurationFinding(const AutoScalingGroup& group, AutoScalingClient& autoscaling) {
  const std::string& name = group.launch_configuration_name;
  Result<std::vector<std::string>> found = autoscaling.ExistingLaunchConfigurations({name});
  if (!found.ok()) return ReadFailed("launch_configuration", name, found.status());
  Finding finding{"launch_configuration", name, Verdict::kReady, "", {}};
  if (found->empty()) {
    finding.verdict = Verdict::kNotReady;
    finding.message =
        group.name + " launches from launch configuration " + name + ", which does not exist";
  } else {
    finding.message = group.name + " launches from launch configuration " + name;
  }
  return finding;
}

Finding LaunchFinding(const AutoScalingGroup& group, ReadinessServices& aws) {
  if (!group.launch_template_id.empty() || !group.launch_template_name.empty()) {
    return LaunchTemplateFinding(group, aws.ec2);
  }
  if (!group.launch_configuration_name.empty()) {
    return LaunchConfigurationFinding(group, aws.autoscaling);
  }
  return {"launch_template", group.name, Verdict::kNotReady,
          group.name + " has neither a launch template nor a launch configuration",
          nlohmann::json::object()};
}

// The zones the group can launch in: its subnets' (a VPC group), else its own list.
Finding ZonesFinding(const AutoScalingGroup& group, Ec2Client& ec2) {
  std::set<std::string> wanted(group.availability_zones.begin(), group.availability_zones.end());
  nlohmann::json subnets = nlohmann::json::array();
  if (!group.subnet_ids.empty()) {
    Result<std::vector<Subnet>> found = ec2.DescribeSubnets(group.subnet_ids);
    if (!found.ok()) {
      Finding failed = ReadFailed("subnets", "subnets of " + group.name, found.status());
      return failed;
    }
    wanted.clear();
    for (const Subnet& subnet : *found) {
      wanted.insert(subnet.availability_zone);
      subnets.push_back({{"id", subnet.id}, {"zone", subnet.availability_zone}});
    }
  }
  Result<std::vector<AvailabilityZone>> zones = ec2.DescribeAvailabilityZones();
  if (!zones.ok()) return ReadFailed("zones", "Availability Zones", zones.status());
  std::vector<std::string> usable, unusable;
  for (const std::string& zone : wanted) {
    auto it = std::find_if(zones->begin(), zones->end(),
                           [&](const AvailabilityZone& z) { return z.name == zone; });
    (it != zones->end() && it->state == "available" ? usable : unusable).push_back(zone);
  }
  Finding finding{"zones", group.name, Verdict::kReady, "", {}};
  finding.evidence = {{"subnets", subnets}, {"usable", usable}, {"unusable", unusable}};
  auto list = [](const std::vector<std::string>& items) {
    std::string text;
    for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
    return text;
  };
  if (usable.empty()) {
    finding.verdict = Verdict::kNotReady;
    finding.message = group.name + " has no usable Availability Zone" +
                      (unusable.empty() ? "" : " (not available: " + list(unusable) + ")");
  } else if (!unusable.empty()) {
    finding.verdict = Verdict::kWarning;
    finding.message =
        group.name + " can launch only in " + list(usable) + "; not available: " + list(unusable);
  } else {
    finding.message = group.name + " launches in " + list(usable);
  }
  return finding;
}

}  // namespace

void CheckScaleAsg(const ScaleAsgSpec& spec, ReadinessServices& aws, StepReadiness& out) {
  std::string arn = "*";
  Result<std::vector<AutoScalingGroup>> groups =
      aws.autoscaling.DescribeAutoScalingGroups({spec.asg_name});
  if (!groups.ok()) {
    out.findings.push_back(ReadFailed("asg", spec.asg_name, groups.status()));
  } else if (groups->empty()) {
    out.findings.push_back({"asg", spec.asg_name, Verdict::kNotReady,
                            "Auto Scaling group " + spec.asg_name + " does not exist",
                            nlohmann::json::object()});
  } else {
    const AutoScalingGroup& group = groups->front();
    arn = group.arn.empty() ? "*" : group.arn;
    if (!group.status.empty()) {
      out.findings.push_back({"asg",
                              spec.asg_name,
                              Verdict::kNotReady,
                              spec.asg_name + " is " + group.status,
                              {{"status", group.status}}});
    }
    out.findings.push_back(SizeFinding(spec, group));
    out.findings.push_back(LaunchFinding(group, aws));
    out.findings.push_back(ZonesFinding(group, aws.ec2));
    if (auto record = group.tags.find(kStandbyTag); record != group.tags.end()) {
      out.findings.push_back(
          {"standby",
           spec.asg_name,
           Verdict::kWarning,
           spec.asg_name + " carries the standby record of an earlier failover (" + record->second +
               "): it has not been failed back (drfailover failback)",
           {{"standby", record->second}}});
    }
  }
  out.needs.push_back({"autoscaling:DescribeAutoScalingGroups", "*", false});
  // Authorized on the group's ARN: unknown for a group that does not exist (already not
  // ready), and "*" would not match a policy scoped to the group.
  if (arn != "*") out.needs.push_back({"autoscaling:UpdateAutoScalingGroup", arn, false});
}

}  // namespace drf
