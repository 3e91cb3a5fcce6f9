// scale_ecs's readiness: the cluster is ACTIVE; each service exists and is ACTIVE, its task
// definition can start tasks, and what it launches on (launch type or capacity providers)
// is there.
#include <algorithm>
#include <map>

#include "readiness/step_checks.h"

namespace drf {
namespace {

// AWS: services that reference an INACTIVE (deregistered) task definition can still scale
// (ECS developer guide, "Deregistering a task definition revision"); one being deleted
// cannot start tasks at all.
Finding TaskDefinitionFinding(const EcsService& service, const Result<EcsTaskDefinition>& td) {
  if (!td.ok()) {
    Finding failed = ReadFailed("task_definition", service.task_definition, td.status());
    failed.message = service.name + ": " + failed.message;
    return failed;
  }
  Finding finding{"task_definition", td->arn, Verdict::kReady, "", {}};
  finding.evidence = {{"status", td->status},
                      {"network_mode", td->network_mode},
                      {"requires_compatibilities", td->requires_compatibilities}};
  if (td->status == "ACTIVE") {
    finding.message = service.name + " runs " + td->arn + " (ACTIVE)";
  } else if (td->status == "INACTIVE") {
    finding.verdict = Verdict::kWarning;
    finding.message = service.name + " runs " + td->arn +
                      ", which is INACTIVE (deregistered): the service can still scale, but "
                      "no new deployment can use it";
  } else {
    finding.verdict = Verdict::kNotReady;
    finding.message =
        service.name + " runs " + td->arn + ", which is " + td->status + ": no task can start";
  }
  return finding;
}

Finding CapacityFinding(const EcsService& service, const EcsCluster& cluster) {
  Finding finding{"launch", service.name, Verdict::kReady, "", {}};
  finding.evidence = {{"launch_type", service.launch_type},
                      {"capacity_providers", service.capacity_providers},
                      {"cluster_capacity_providers", cluster.capacity_providers},
                      {"registered_container_instances", cluster.registered_container_instances}};
  for (const std::string& provider : service.capacity_providers) {
    if (std::find(cluster.capacity_providers.begin(), cluster.capacity_providers.end(), provider) ==
        cluster.capacity_providers.end()) {
      finding.verdict = Verdict::kNotReady;
      finding.message = service.name + " uses capacity provider " + provider + ", which cluster " +
                        cluster.name + " does not have";
      return finding;
    }
  }
  if (service.launch_type == "EC2" && cluster.registered_container_instances == 0) {
    finding.verdict = Verdict::kWarning;
    finding.message = service.name + " launches on EC2, but cluster " + cluster.name +
                      " has no container instances registered: its tasks cannot be placed "
                      "until instances join (is the ASG that provides them in the plan?)";
    return finding;
  }
  finding.message =
      service.name + " launches on " +
      (service.capacity_providers.empty() ? service.launch_type : "its capacity providers");
  return finding;
}

}  // namespace

void CheckScaleEcs(const ScaleEcsSpec& spec, ReadinessServices& aws, StepReadiness& out) {
  out.needs.push_back({"ecs:DescribeServices", "*", false});
  if (spec.all_services) out.needs.push_back({"ecs:ListServices", "*", false});
  if (spec.capacity_wait != CapacityWait::kNo) {
    out.needs.push_back({"ecs:ListTasks", "*", false});
    out.needs.push_back({"ecs:DescribeTasks", "*", false});
  }
  Result<EcsClusters> clusters = aws.ecs.DescribeClusters({spec.cluster});
  if (!clusters.ok()) {
    out.findings.push_back(ReadFailed("cluster", spec.cluster, clusters.status()));
    return;
  }
  if (clusters->clusters.empty() || clusters->clusters[0].status != "ACTIVE") {
    const std::string status =
        clusters->clusters.empty() ? "missing" : clusters->clusters[0].status;
    out.findings.push_back({"cluster",
                            spec.cluster,
                            Verdict::kNotReady,
                            "ECS cluster " + spec.cluster + " is " + status,
                            {{"status", status}}});
    return;
  }
  const EcsCluster& cluster = clusters->clusters[0];
  out.findings.push_back({"cluster",
                          spec.cluster,
                          Verdict::kReady,
                          "ECS cluster " + spec.cluster + " is ACTIVE",
                          {{"capacity_providers", cluster.capacity_providers}}});
  Result<EcsServices> services = aws.ecs.DescribeServices(spec.cluster, spec.services);
  if (!services.ok()) {
    out.findings.push_back(ReadFailed("service", spec.cluster, services.status()));
    return;
  }
  for (const EcsFailure& failure : services->failures) {
    const std::string name = ServiceNameFromArn(failure.arn);
    out.findings.push_back({"service",
                            name,
                            Verdict::kNotReady,
                            "ECS service " + name + " in cluster " + spec.cluster + " is " +
                                failure.reason +
                                (failure.detail.empty() ? "" : ": " + failure.detail),
                            {{"reason", failure.reason}}});
  }
  std::map<std::string, Result<EcsTaskDefinition>> definitions;  // read once each
  for (const EcsService& service : services->services) {
    out.needs.push_back({"ecs:UpdateService", service.arn.empty() ? "*" : service.arn, false});
    if (service.status != "ACTIVE") {
      out.findings.push_back({"service",
                              service.name,
                              Verdict::kNotReady,
                              "ECS service " + service.name + " is " + service.status,
                              {{"status", service.status}}});
      continue;
    }
    out.findings.push_back(
        {"service",
         service.name,
         Verdict::kReady,
         "ECS service " + service.name + " is ACTIVE",
         {{"desired", service.desired_count}, {"running", service.running_count}}});
    auto td = definitions.find(service.task_definition);
    if (td == definitions.end()) {
      td = definitions
               .emplace(service.task_definition,
                        aws.ecs.DescribeTaskDefinition(service.task_definition))
               .first;
    }
    out.findings.push_back(TaskDefinitionFinding(service, td->second));
    out.findings.push_back(CapacityFinding(service, cluster));
  }
}

}  // namespace drf
