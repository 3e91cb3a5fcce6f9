#include "app/other_regions.h"

namespace drf {

OtherRegions::OtherRegions(const Effects& effects, AwsSessionOptions options,
                           ApiCallCounter* counter, const CancelToken* cancel)
    : effects_(effects), options_(std::move(options)), counter_(counter), cancel_(cancel) {}

Result<RdsClient*> OtherRegions::Rds(const std::string& region) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(region);
  if (it == sessions_.end()) {
    AwsSessionOptions options = options_;
    options.region = region;
    Result<std::unique_ptr<AwsSession>> session =
        AwsSession::Create(effects_.env, effects_.http, effects_.clock, options, counter_, cancel_);
    if (!session.ok()) return session.status().WithContext("region " + region);
    it = sessions_.emplace(region, std::move(*session)).first;
  }
  return &it->second->rds();
}

}  // namespace drf
