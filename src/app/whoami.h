// `drfailover whoami`: proves the credential chain and endpoint to a user before a drill:
// account, ARN, region, and where the credentials and the endpoint came from. Never
// prints a secret (only a masked access key id).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "app/aws_session.h"

namespace drf {

// Calls STS GetCallerIdentity through `session`. The JSON has account, arn, user_id,
// region, region_source, profile, credentials_source, access_key_id (masked), endpoint,
// endpoint_source.
Result<nlohmann::json> WhoAmI(AwsSession& session);

// "AKIA…MPLE": enough to tell keys apart, not enough to use one.
std::string MaskAccessKeyId(const std::string& access_key_id);

// Aligned "Key: value" lines for a terminal.
std::string RenderWhoAmI(const nlohmann::json& who);

}  // namespace drf
