// register_targets' readiness: the target group exists, its type fits the source and the
// plan, targets have a port, and the source (ASG or ECS service) exists.
#include "readiness/step_checks.h"
#include "steps/register_targets.h"

namespace drf {
namespace {

Finding TargetGroupFinding(const RegisterTargetsSpec& spec, const TargetGroup& tg) {
  Finding finding{"target_group", tg.arn, Verdict::kReady, "", {}};
  finding.evidence = {{"name", tg.name},
                      {"target_type", tg.target_type},
                      {"port", tg.port},
                      {"protocol", tg.protocol}};
  if (Status type = CheckTargetType(tg, spec); !type.ok()) {
    finding.verdict = Verdict::kNotReady;
    finding.message = type.message();
  } else if (!spec.port && tg.port == 0) {
    finding.verdict = Verdict::kNotReady;
    finding.message = "target group " + tg.name + " has no port and the plan gives none";
  } else {
    finding.message = "target group " + tg.name + " (" + tg.target_type + ", port " +
                      std::to_string(spec.port.value_or(tg.port)) + ") fits its source";
  }
  return finding;
}

Finding SourceFinding(const RegisterTargetsSpec& spec, ReadinessServices& aws) {
  if (spec.source == RegisterTargetsSpec::Source::kAsg) {
    Result<std::vector<AutoScalingGroup>> groups =
        aws.autoscaling.DescribeAutoScalingGroups({spec.source_asg});
    if (!groups.ok()) return ReadFailed("source", spec.source_asg, groups.status());
    if (groups->empty()) {
      return {"source", spec.source_asg, Verdict::kNotReady,
              "source Auto Scaling group " + spec.source_asg + " does not exist",
              nlohmann::json::object()};
    }
    return {"source", spec.source_asg, Verdict::kReady,
            "source Auto Scaling group " + spec.source_asg + " exists", nlohmann::json::object()};
  }
  const std::string name = spec.source_cluster + "/" + spec.source_service;
  Result<EcsServices> services =
      aws.ecs.DescribeServices(spec.source_cluster, {spec.source_service});
  if (!services.ok()) return ReadFailed("source", name, services.status());
  if (services->services.empty()) {
    return {"source", name, Verdict::kNotReady, "source ECS service " + name + " does not exist",
            nlohmann::json::object()};
  }
  return {"source", name, Verdict::kReady, "source ECS service " + name + " exists",
          nlohmann::json::object()};
}

}  // namespace

void CheckRegisterTargets(const RegisterTargetsSpec& spec, ReadinessServices& aws,
                          StepReadiness& out) {
  out.needs.push_back({"elasticloadbalancing:DescribeTargetGroups", "*", false});
  out.needs.push_back({"elasticloadbalancing:DescribeTargetHealth", "*", false});
  out.needs.push_back({"elasticloadbalancing:RegisterTargets", spec.target_group_arn, false});
  if (spec.source == RegisterTargetsSpec::Source::kAsg) {
    out.needs.push_back({"autoscaling:DescribeAutoScalingGroups", "*", false});
  } else {
    for (const char* action : {"ecs:DescribeServices", "ecs:ListTasks", "ecs:DescribeTasks"}) {
      out.needs.push_back({action, "*", false});
    }
  }
  Result<std::vector<TargetGroup>> groups = aws.elbv2.DescribeTargetGroups({spec.target_group_arn});
  if (!groups.ok()) {
    out.findings.push_back(ReadFailed("target_group", spec.target_group_arn, groups.status()));
  } else if (groups->empty()) {
    out.findings.push_back(ReadFailed("target_group", spec.target_group_arn,
                                      Status::NotFound("ELBv2 returned nothing")));
  } else {
    out.findings.push_back(TargetGroupFinding(spec, groups->front()));
  }
  out.findings.push_back(SourceFinding(spec, aws));
}

}  // namespace drf
