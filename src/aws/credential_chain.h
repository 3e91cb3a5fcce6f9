// The default credential chain, in botocore's order: environment -> web identity -> shared
// files -> container -> IMDS, with caching and refresh before expiry.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/shared_config.h"
#include "core/clock.h"
#include "core/environment.h"
#include "core/http.h"

namespace drf {

// Asks each provider in order. NotFound means "not configured here, try the next"; any
// other error stops the chain and is returned (a configured but broken source must not be
// skipped silently in favour of, say, the instance role). When every provider says
// NotFound, the NotFound lists each one's reason. No caching. Thread-safe if the providers
// are.
class CredentialChain final : public CredentialsProvider {
 public:
  explicit CredentialChain(std::vector<std::unique_ptr<CredentialsProvider>> providers)
      : providers_(std::move(providers)) {}
  Result<Credentials> GetCredentials() override;

 private:
  std::vector<std::unique_ptr<CredentialsProvider>> providers_;
};

struct RefreshOptions {
  // With this little time left, refresh but keep using the old credentials if that fails.
  std::chrono::minutes advisory{15};
  // With this little time left, refresh and fail if that fails.
  std::chrono::minutes mandatory{10};
};

// Caches the inner provider's credentials until they come within the refresh windows.
// Credentials without an expiration are kept forever. Thread-safe: one refresh runs at a
// time; during an advisory refresh other callers get the cached credentials at once, during
// a mandatory one they wait for its result.
class CachingCredentials final : public CredentialsProvider {
 public:
  CachingCredentials(std::unique_ptr<CredentialsProvider> inner, Clock& clock,
                     RefreshOptions options = {})
      : inner_(std::move(inner)), clock_(clock), options_(options) {}
  Result<Credentials> GetCredentials() override;

 private:
  // The cached credentials when they have more than `window` left.
  std::optional<Credentials> CachedWithMoreThan(Duration window);
  // Calls the inner provider and caches what it returns. Requires refresh_mu_.
  Result<Credentials> Refresh();

  std::unique_ptr<CredentialsProvider> inner_;
  Clock& clock_;
  const RefreshOptions options_;
  std::mutex refresh_mu_;  // held while calling inner_
  std::mutex mu_;
  std::optional<Credentials> cached_;  // guarded by mu_
};

// The default chain for `profile`, cached. Web identity calls STS in `region` (regional
// endpoint, honouring AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL and the config file's
// overrides). What it needs from `config` is copied; `env`, `http` and `clock` must
// outlive the result.
std::unique_ptr<CredentialsProvider> MakeDefaultCredentialChain(const Environment& env,
                                                                HttpClient& http, Clock& clock,
                                                                const SharedConfig& config,
                                                                std::string profile,
                                                                std::string region);

}  // namespace drf
