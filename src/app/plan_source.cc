#include "app/plan_source.h"

#include <utility>

#include "app/failover.h"
#include "services/s3_client.h"

namespace drf {
namespace {

// What the operator must fix (missing object, permissions, region) is a configuration
// error like an unreadable local file; anything else (throttling, no connection) keeps its
// code so a retry of the whole run can succeed.
Status AsConfigurationError(const Status& status) {
  if (status.code() != StatusCode::kNotFound && status.code() != StatusCode::kRejected) {
    return status;
  }
  if (status.aws() == nullptr) return Status::InvalidArgument(status.message());
  return Status::FromAws(StatusCode::kInvalidArgument, *status.aws());
}

}  // namespace

bool IsS3PlanPath(std::string_view path) { return path.substr(0, 5) == "s3://"; }

std::optional<std::string> PlanPath(const Environment& env,
                                    const std::optional<std::string>& plan_file) {
  if (plan_file) return plan_file;
  return env.GetNonEmpty(kPlanFileVar);
}

Result<std::string> ReadPlanText(const Environment& env, const std::string& path,
                                 std::string_view source, const PlanFetcher& fetch) {
  if (!IsS3PlanPath(path)) {
    Result<std::string> text = env.ReadFile(path);
    if (!text.ok()) {
      return Status::InvalidArgument(std::string(source) + ": " + text.status().message());
    }
    return text;
  }
  const std::string context = std::string(source) + " " + path;
  if (Result<S3Location> location = ParseS3Uri(path); !location.ok()) {
    return Status::InvalidArgument(std::string(source) + ": " + location.status().message());
  }
  if (!fetch) {
    return Status::InvalidArgument(context + ": a plan in S3 cannot be read here (no AWS session)");
  }
  Result<std::string> text = fetch(path);
  if (!text.ok()) return AsConfigurationError(text.status()).WithContext(context);
  return text;
}

PlanFetcher S3PlanFetcher(AwsClient& aws) {
  return [&aws](const std::string& s3_uri) -> Result<std::string> {
    DRF_ASSIGN_OR_RETURN(S3Location location, ParseS3Uri(s3_uri));
    Result<std::string> text =
        S3Client(aws).GetObject(location.bucket, location.key, kMaxS3PlanBytes);
    if (!text.ok() && text.status().code() == StatusCode::kInvalidArgument) {  // too large
      return text.status().WithContext("a plan in S3 may be at most 1 MiB");
    }
    return text;
  };
}

}  // namespace drf
