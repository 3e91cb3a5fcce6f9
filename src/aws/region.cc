#include "aws/region.h"

namespace drf {
namespace {

Result<RegionChoice> Checked(std::string region, std::string source) {
  if (!IsValidRegionName(region)) {
    return Status::InvalidArgument("invalid AWS region '" + region + "' from " + source +
                                   ": expected a name like eu-west-1");
  }
  return RegionChoice{std::move(region), std::move(source)};
}

}  // namespace

bool IsValidRegionName(std::string_view region) {
  if (region.empty() || region.size() > 63) return false;
  if (region.front() == '-' || region.back() == '-') return false;
  for (char c : region) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<RegionChoice> ResolveRegion(const Environment& env, const SharedConfig& config,
                                   std::optional<std::string> cli_region) {
  if (cli_region && !cli_region->empty()) return Checked(*cli_region, "--region");
  for (const char* var : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (auto region = env.GetNonEmpty(var)) return Checked(*region, var);
  }
  const std::string& profile = config.profile();
  if (auto region = config.Get(profile, "region"); region && !region->value.empty()) {
    return Checked(region->value, "profile " + profile);
  }
  return Status::InvalidArgument(
      "no AWS region configured: set AWS_REGION or pass --region (or set `region` in "
      "profile " +
      profile + " of " + (config.config_path().empty() ? "~/.aws/config" : config.config_path()) +
      ")");
}

}  // namespace drf
