#include "services/shared_reads.h"

namespace drf {
namespace {

// AWS's limits per call: DescribeAutoScalingGroups names (without MaxRecords), DescribeServices
// services, DescribeTags resources. DescribeTargetGroups documents none below its page size
// (400); 20 keeps a batch as small as DescribeTags'.
constexpr size_t kAsgsPerCall = 50;
constexpr size_t kServicesPerCall = 10;
constexpr size_t kTargetGroupsPerCall = 20;

}  // namespace

SharedReads::SharedReads(AutoScalingClient& autoscaling, EcsClient& ecs, Elbv2Client& elbv2,
                         Clock& clock, Duration gathering, Duration fresh_for)
    : clock_(clock),
      fresh_for_(fresh_for),
      asgs_(kAsgsPerCall, gathering, fresh_for, clock,
            [&autoscaling](const std::string&, const std::vector<std::string>& names)
                -> Result<ReadCoalescer<AutoScalingGroup>::Found> {
              DRF_ASSIGN_OR_RETURN(std::vector<AutoScalingGroup> groups,
                                   autoscaling.DescribeAutoScalingGroups(names));
              ReadCoalescer<AutoScalingGroup>::Found found;
              for (AutoScalingGroup& g : groups) found[g.name] = std::move(g);
              return found;
            }),
      services_(kServicesPerCall, gathering, fresh_for, clock,
                [&ecs](const std::string& cluster, const std::vector<std::string>& names)
                    -> Result<ReadCoalescer<EcsServices>::Found> {
                  DRF_ASSIGN_OR_RETURN(EcsServices all,
                                       ecs.DescribeServices(cluster, names, /*with_tags=*/true));
                  ReadCoalescer<EcsServices>::Found found;
                  for (const std::string& name : names) {
                    EcsServices& one = found[name];
                    for (const EcsService& s : all.services) {
                      if (IsServiceNamed(s, name)) one.services.push_back(s);
                    }
                    for (const EcsFailure& f : all.failures) {
                      if (f.arn == name || f.arn.ends_with("/" + name)) one.failures.push_back(f);
                    }
                  }
                  return found;
                }),
      target_groups_(kTargetGroupsPerCall, gathering, fresh_for, clock,
                     [&elbv2](const std::string&, const std::vector<std::string>& arns)
                         -> Result<ReadCoalescer<drf::TargetGroup>::Found> {
                       DRF_ASSIGN_OR_RETURN(std::vector<drf::TargetGroup> groups,
                                            elbv2.DescribeTargetGroups(arns));
                       ReadCoalescer<drf::TargetGroup>::Found found;
                       for (drf::TargetGroup& tg : groups) found[tg.arn] = std::move(tg);
                       return found;
                     }),
      target_group_tags_(kTargetGroupsPerCall, gathering, fresh_for, clock,
                         [&elbv2](const std::string&, const std::vector<std::string>& arns)
                             -> Result<ReadCoalescer<ResourceTags>::Found> {
                           DRF_ASSIGN_OR_RETURN(auto tags, elbv2.DescribeTags(arns));
                           // A group without tags is known all the same.
                           for (const std::string& arn : arns) tags[arn];
                           return tags;
                         }),
      running_tasks_(ecs, clock, gathering * kTaskGatheringFactor) {}

void SharedReads::ExpectAsg(const std::string& name) { asgs_.Expect("", name); }

void SharedReads::ExpectService(const std::string& cluster, const std::string& service) {
  services_.Expect(cluster, service);
}

void SharedReads::ExpectTargetGroup(const std::string& arn) {
  target_groups_.Expect("", arn);
  target_group_tags_.Expect("", arn);
}

Result<std::optional<AutoScalingGroup>> SharedReads::Asg(const std::string& name) {
  return asgs_.Get("", name);
}

Result<EcsServices> SharedReads::Service(const std::string& cluster, const std::string& service) {
  DRF_ASSIGN_OR_RETURN(std::optional<EcsServices> found, services_.Get(cluster, service));
  return found.value_or(EcsServices{});
}

Result<std::optional<TargetGroup>> SharedReads::TargetGroupByArn(const std::string& arn) {
  return target_groups_.Get("", arn);
}

Result<ResourceTags> SharedReads::TargetGroupTags(const std::string& arn) {
  DRF_ASSIGN_OR_RETURN(std::optional<ResourceTags> tags, target_group_tags_.Get("", arn));
  if (!tags) return Status::NotFound("target group " + arn + " not found");
  return *tags;
}

Result<std::vector<EcsTask>> SharedReads::RunningTasks(const std::string& cluster,
                                                       const std::string& service) {
  return running_tasks_.Of(cluster, service);
}

void SharedReads::PassOn(const std::string& cluster, const std::string& service,
                         ServiceTasks reading) {
  const MonoTime now = clock_.Monotonic();
  std::lock_guard lock(passed_mu_);
  // Readings nobody took are dropped once stale, so the map holds only the last seconds'.
  std::erase_if(passed_on_, [&](const auto& kept) { return now - kept.second.first > fresh_for_; });
  passed_on_.insert_or_assign({cluster, service}, std::make_pair(now, std::move(reading)));
}

std::optional<SharedReads::ServiceTasks> SharedReads::TakePassedOn(const std::string& cluster,
                                                                   const std::string& service) {
  const MonoTime now = clock_.Monotonic();
  std::lock_guard lock(passed_mu_);
  auto it = passed_on_.find({cluster, service});
  if (it == passed_on_.end()) return std::nullopt;
  auto [at, reading] = std::move(it->second);
  passed_on_.erase(it);
  if (now - at > fresh_for_) return std::nullopt;
  ++passed_on_used_;
  return std::move(reading);
}

int SharedReads::passed_on_used() const {
  std::lock_guard lock(passed_mu_);
  return passed_on_used_;
}

int SharedReads::asked() const {
  return asgs_.asked() + services_.asked() + target_groups_.asked() + target_group_tags_.asked() +
         running_tasks_.asked();
}

int SharedReads::calls() const {
  return asgs_.calls() + services_.calls() + target_groups_.calls() + target_group_tags_.calls() +
         running_tasks_.calls();
}

int SharedReads::read_ahead_used() const {
  return asgs_.read_ahead_used() + services_.read_ahead_used() + target_groups_.read_ahead_used() +
         target_group_tags_.read_ahead_used();
}

}  // namespace drf
