// Which AWS region drfailover talks to, and where that choice came from.
// Precedence: --region, AWS_REGION, AWS_DEFAULT_REGION, the selected profile's `region`.
// There is no fallback: a missing region is an error, never a guess.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "aws/shared_config.h"
#include "core/environment.h"
#include "core/result.h"

namespace drf {

struct RegionChoice {
  std::string region;  // e.g. "eu-west-1"
  std::string source;  // "--region", "AWS_REGION", "AWS_DEFAULT_REGION", "profile dev"
};

// The region from the first source that sets one (empty values count as unset), for
// `config.profile()`. InvalidArgument naming AWS_REGION and --region when none does, or
// naming the source when its value is not a plausible region name (it becomes part of a
// hostname).
Result<RegionChoice> ResolveRegion(const Environment& env, const SharedConfig& config,
                                   std::optional<std::string> cli_region);

// True for names made of lower-case letters, digits and inner hyphens, at most 63 long.
bool IsValidRegionName(std::string_view region);

}  // namespace drf
