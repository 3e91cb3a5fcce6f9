// The credential providers of the default chain (botocore/credentials.py), each usable alone:
//   EnvironmentCredentials  AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
//   WebIdentityCredentials  STS AssumeRoleWithWebIdentity with a token file (EKS, CI)
//   ProfileCredentials      static keys in the shared credentials/config files
//   ContainerCredentials    the ECS / EKS Pod Identity credentials endpoint
//   ImdsCredentials         the EC2 instance metadata service (IMDSv2, v1 fallback)
//
// Every provider returns NotFound when it is not configured here (the chain then tries the
// next) and another error when it is configured but failed. No message ever contains a
// secret key, session token, web identity token or authorization token. Providers fetch
// on every call; CachingCredentials (credential_chain.h) adds the caching. All are
// thread-safe; the references they take must outlive them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "aws/endpoint.h"
#include "aws/shared_config.h"
#include "core/clock.h"
#include "core/environment.h"
#include "core/http.h"
#include "core/result.h"

namespace drf {

// ISO 8601 UTC timestamps as AWS writes them: 2026-11-25T22:00:00Z, with optional
// fractional seconds and a Z or +hh:mm / -hh:mm offset; years 1678 to 2261 (what WallTime
// holds). InvalidArgument otherwise.
Result<WallTime> ParseIso8601(std::string_view text);

// Source: "environment". AWS_SESSION_TOKEN (or the legacy AWS_SECURITY_TOKEN) and
// AWS_CREDENTIAL_EXPIRATION are optional. Only one of the two keys set is InvalidArgument.
class EnvironmentCredentials final : public CredentialsProvider {
 public:
  explicit EnvironmentCredentials(const Environment& env) : env_(env) {}
  Result<Credentials> GetCredentials() override;

 private:
  const Environment& env_;
};

// Settings come from AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME,
// each falling back to the profile's web_identity_token_file, role_arn and
// role_session_name. NotFound without a token file; InvalidArgument with a token file but
// no role ARN, or an unreadable token file. The token file is re-read on every call (it is
// rotated). The request is unsigned and goes to the STS endpoint `endpoints` resolves for
// `region`, so AWS_ENDPOINT_URL_STS applies. Source: "web identity <role arn>".
class WebIdentityCredentials final : public CredentialsProvider {
 public:
  WebIdentityCredentials(const Environment& env, const SharedConfig& config,
                         const std::string& profile, std::string region, HttpClient& http,
                         Clock& clock, std::shared_ptr<const EndpointResolver> endpoints);
  Result<Credentials> GetCredentials() override;

 private:
  std::optional<std::string> Setting(std::string_view env_var, std::string_view key) const;
  Result<std::string> ReadToken(const std::string& path) const;

  const Environment& env_;
  std::string profile_;
  ConfigSection profile_settings_;  // copied from the config file's profile
  std::string region_;
  HttpClient& http_;
  Clock& clock_;
  std::shared_ptr<const EndpointResolver> endpoints_;
};

// aws_access_key_id / aws_secret_access_key / aws_session_token of the profile, from the
// credentials file, else the config file. Source: "profile <name> (credentials file)" or
// "(config file)". NotFound when "default" is absent or has no keys; InvalidArgument for a
// named profile that exists in neither file, half a key pair, or a profile that needs a
// mechanism drfailover does not implement (source_profile, credential_process, SSO).
class ProfileCredentials final : public CredentialsProvider {
 public:
  ProfileCredentials(const SharedConfig& config, std::string profile);
  Result<Credentials> GetCredentials() override;

 private:
  std::string profile_;
  std::optional<ConfigSection> credentials_file_;  // [profile_] in the credentials file
  std::optional<ConfigSection> config_file_;       // [profile profile_] in the config file
  std::string credentials_path_;
  std::string config_path_;
};

// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (against http://169.254.170.2), else
// AWS_CONTAINER_CREDENTIALS_FULL_URI: https to any host, http only to a loopback address,
// localhost, 169.254.170.2, 169.254.170.23 or fd00:ec2::23 (InvalidArgument otherwise).
// Authorization comes from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (re-read every call) or
// AWS_CONTAINER_AUTHORIZATION_TOKEN; a token with CR or LF is InvalidArgument. Each try has
// a 2 s timeout; up to 3 tries, 1 s apart (Clock::SleepFor), for transport errors and 5xx.
// Source: "container".
class ContainerCredentials final : public CredentialsProvider {
 public:
  ContainerCredentials(const Environment& env, HttpClient& http, Clock& clock)
      : env_(env), http_(http), clock_(clock) {}
  Result<Credentials> GetCredentials() override;

 private:
  Result<std::string> Url() const;
  Result<std::optional<std::string>> AuthorizationToken() const;
  Result<HttpResponse> Fetch(const HttpRequest& request);

  const Environment& env_;
  HttpClient& http_;
  Clock& clock_;
};

// IMDSv2: PUT /latest/api/token, then the role name and its credentials with the token.
// Falls back to IMDSv1 (no token) when the PUT is refused (403/404/405) or gets no answer,
// unless AWS_EC2_METADATA_V1_DISABLED. AWS_EC2_METADATA_DISABLED=true turns it off
// (NotFound). Endpoint: AWS_EC2_METADATA_SERVICE_ENDPOINT, else by
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE (IPv4: 169.254.169.254, IPv6: [fd00:ec2::254]).
// 1 s timeout, 1 attempt. An unreachable or role-less metadata service is NotFound.
// Credentials expiring within 15 minutes are kept 20 more minutes (static stability: EC2
// keeps serving them while its credential service is impaired). Source:
// "instance metadata (IMDSv2)" or "instance metadata (IMDSv1)".
class ImdsCredentials final : public CredentialsProvider {
 public:
  ImdsCredentials(const Environment& env, HttpClient& http, Clock& clock)
      : env_(env), http_(http), clock_(clock) {}
  Result<Credentials> GetCredentials() override;

 private:
  Result<std::string> BaseUrl() const;
  // The session token, or nullopt to go on with IMDSv1.
  Result<std::optional<std::string>> FetchToken(const std::string& base);
  Result<std::string> Get(const std::string& url, const std::optional<std::string>& token);

  const Environment& env_;
  HttpClient& http_;
  Clock& clock_;
};

}  // namespace drf
