#include "aws/credential_chain.h"

#include "aws/credential_providers.h"
#include "aws/endpoints.h"

namespace drf {

Result<Credentials> CredentialChain::GetCredentials() {
  std::string reasons;
  for (const auto& provider : providers_) {
    Result<Credentials> creds = provider->GetCredentials();
    if (creds.ok() || creds.status().code() != StatusCode::kNotFound) return creds;
    if (!reasons.empty()) reasons += "; ";
    reasons += creds.status().message();
  }
  return Status::NotFound("no AWS credentials found (" + reasons + ")");
}

std::optional<Credentials> CachingCredentials::CachedWithMoreThan(Duration window) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!cached_) return std::nullopt;
  if (cached_->expiration && *cached_->expiration - clock_.Now() <= window) return std::nullopt;
  return cached_;
}

Result<Credentials> CachingCredentials::Refresh() {
  Result<Credentials> fresh = inner_->GetCredentials();
  if (!fresh.ok()) return fresh;
  if (fresh->expiration && *fresh->expiration <= clock_.Now()) {
    return Status::Rejected("credentials from " + fresh->source + " have already expired");
  }
  std::lock_guard<std::mutex> lock(mu_);
  cached_ = *fresh;
  return fresh;
}

Result<Credentials> CachingCredentials::GetCredentials() {
  if (auto creds = CachedWithMoreThan(options_.advisory)) return std::move(*creds);
  if (auto usable = CachedWithMoreThan(options_.mandatory)) {
    // Advisory window: refresh if nobody else is, and fall back to what still works.
    std::unique_lock<std::mutex> refresh(refresh_mu_, std::try_to_lock);
    if (!refresh.owns_lock()) return std::move(*usable);
    Result<Credentials> fresh = Refresh();
    if (fresh.ok()) return fresh;
    return std::move(*usable);
  }
  std::lock_guard<std::mutex> refresh(refresh_mu_);
  // Another caller may have refreshed while this one waited for the lock.
  if (auto creds = CachedWithMoreThan(options_.advisory)) return std::move(*creds);
  return Refresh();
}

std::unique_ptr<CredentialsProvider> MakeDefaultCredentialChain(const Environment& env,
                                                                HttpClient& http, Clock& clock,
                                                                const SharedConfig& config,
                                                                std::string profile,
                                                                std::string region) {
  auto endpoints = std::make_shared<ConfiguredEndpointResolver>(env, config, profile);
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::make_unique<EnvironmentCredentials>(env));
  providers.push_back(std::make_unique<WebIdentityCredentials>(
      env, config, profile, std::move(region), http, clock, std::move(endpoints)));
  providers.push_back(std::make_unique<ProfileCredentials>(config, std::move(profile)));
  providers.push_back(std::make_unique<ContainerCredentials>(env, http, clock));
  providers.push_back(std::make_unique<ImdsCredentials>(env, http, clock));
  return std::make_unique<CachingCredentials>(
      std::make_unique<CredentialChain>(std::move(providers)), clock);
}

}  // namespace drf
