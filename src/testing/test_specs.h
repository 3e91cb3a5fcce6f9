// Short constructors of StepSpecs for tests. Header-only; used by tests only.
#pragma once

#include <string>
#include <vector>

#include "plan/plan_spec.h"

namespace drf::test {

inline std::string TgArn(const std::string& name) {
  return "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/" + name +
         "/73e2d6bc24d8a067";
}

inline StepSpec Promote(std::string db) {
  PromoteDbSpec s;
  s.db_instance_identifier = std::move(db);
  return StepSpec{"", StepKind::kPromoteDb, s, {}, {}, "", {}};
}

inline StepSpec Asg(std::string name) {
  ScaleAsgSpec s;
  s.asg_name = std::move(name);
  return StepSpec{"", StepKind::kScaleAsg, s, {}, {}, "", {}};
}

// No services: every service of the cluster.
inline StepSpec Ecs(std::string cluster, std::vector<std::string> services) {
  ScaleEcsSpec s;
  s.cluster = std::move(cluster);
  s.all_services = services.empty();
  s.services = std::move(services);
  return StepSpec{"", StepKind::kScaleEcs, s, {}, {}, "", {}};
}

inline StepSpec RegisterFromAsg(std::string tg, std::string asg) {
  RegisterTargetsSpec s;
  s.target_group_arn = TgArn(tg);
  s.source_asg = std::move(asg);
  return StepSpec{"", StepKind::kRegisterTargets, s, {}, {}, "", {}};
}

inline StepSpec RegisterFromEcs(std::string tg, std::string cluster, std::string service) {
  RegisterTargetsSpec s;
  s.target_group_arn = TgArn(tg);
  s.source = RegisterTargetsSpec::Source::kEcsService;
  s.source_cluster = std::move(cluster);
  s.source_service = std::move(service);
  return StepSpec{"", StepKind::kRegisterTargets, s, {}, {}, "", {}};
}

inline StepSpec WithId(StepSpec spec, std::string id, std::vector<std::string> after = {}) {
  spec.id = std::move(id);
  spec.after = std::move(after);
  return spec;
}

}  // namespace drf::test
