#include "app/whoami.h"

#include <fmt/format.h>

namespace drf {

std::string MaskAccessKeyId(const std::string& access_key_id) {
  if (access_key_id.size() <= 8) return std::string(access_key_id.size(), '*');
  return access_key_id.substr(0, 4) + "…" + access_key_id.substr(access_key_id.size() - 4);
}

Result<nlohmann::json> WhoAmI(AwsSession& session) {
  DRF_ASSIGN_OR_RETURN(Credentials creds, session.credentials().GetCredentials());
  DRF_ASSIGN_OR_RETURN(Endpoint endpoint,
                       session.endpoints().Resolve(services::kSts, session.region().region));
  DRF_ASSIGN_OR_RETURN(CallerIdentity identity, session.sts().GetCallerIdentity());
  return nlohmann::json{
      {"account", identity.account},
      {"arn", identity.arn},
      {"user_id", identity.user_id},
      {"region", session.region().region},
      {"region_source", session.region().source},
      {"profile", session.profile()},
      {"credentials_source", creds.source},
      {"access_key_id", MaskAccessKeyId(creds.access_key_id)},
      {"temporary_credentials", !creds.session_token.empty()},
      {"endpoint", endpoint.url},
      {"endpoint_source", endpoint.source},
  };
}

std::string RenderWhoAmI(const nlohmann::json& who) {
  auto line = [&](const char* label, const std::string& value) {
    return fmt::format("{:<13}{}\n", label, value);
  };
  std::string out;
  out += line("Account:", who.value("account", ""));
  out += line("ARN:", who.value("arn", ""));
  out += line("Region:",
              fmt::format("{} (from {})", who.value("region", ""), who.value("region_source", "")));
  out += line("Credentials:",
              fmt::format("{}, access key {}{}", who.value("credentials_source", ""),
                          who.value("access_key_id", ""),
                          who.value("temporary_credentials", false) ? " (temporary)" : ""));
  out += line("Endpoint:", fmt::format("{} (STS, from {})", who.value("endpoint", ""),
                                       who.value("endpoint_source", "")));
  return out;
}

}  // namespace drf
