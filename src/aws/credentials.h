// Credentials and the provider interface. The providers (environment, web identity,
// profiles, container, IMDS) and the caching chain live in credential_*.h files.
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"

namespace drf {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;       // never logged
  std::string session_token;           // empty when none; never logged
  std::optional<WallTime> expiration;  // nullopt: does not expire
  std::string source;  // where they came from, for `whoami`: "environment", "profile dev", ...
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Current credentials; NotFound when this provider has none to offer (the chain then
  // tries the next), another error when it has some but failed to get them. Thread-safe.
  virtual Result<Credentials> GetCredentials() = 0;
};

}  // namespace drf
