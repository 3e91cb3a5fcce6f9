// Where a plan's text comes from: a local file (in the Lambda package, or on disk for the
// CLI), or an S3 object named by an s3://bucket/key URI, for plans larger than Lambda's
// 4 KB of environment variables allow (docs/plan-file.md, "Plans from S3"). The path is
// --plan, else DRF_PLAN_FILE.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "aws/aws_client.h"
#include "core/environment.h"
#include "core/result.h"

namespace drf {

// Plans from S3 are at most this large (1 MiB).
inline constexpr size_t kMaxS3PlanBytes = size_t{1} << 20;

// Reads the object at an s3:// URI and returns its bytes.
using PlanFetcher = std::function<Result<std::string>(const std::string& s3_uri)>;

// Whether `path` names an S3 object (starts with "s3://").
bool IsS3PlanPath(std::string_view path);

// The plan path: `plan_file` (--plan) when set, else DRF_PLAN_FILE when set and non-empty.
std::optional<std::string> PlanPath(const Environment& env,
                                    const std::optional<std::string>& plan_file);

// The plan text at `path`: fetched with `fetch` for an s3:// path, read through `env`
// otherwise. `source` ("--plan" or "DRF_PLAN_FILE") prefixes every error message, with the
// URI for S3. Errors: InvalidArgument for an unreadable file, a malformed URI, no `fetch`
// for an S3 path, and for S3 answers that are configuration mistakes (no such bucket or
// key, access denied, a bucket in another region, a plan over kMaxS3PlanBytes; the AWS
// details are kept); the fetch's own code otherwise (throttling, transport failures).
Result<std::string> ReadPlanText(const Environment& env, const std::string& path,
                                 std::string_view source, const PlanFetcher& fetch);

// A fetcher calling S3 GetObject through `aws` (which must outlive it), capped at
// kMaxS3PlanBytes. The IAM identity needs s3:GetObject on the object.
PlanFetcher S3PlanFetcher(AwsClient& aws);

}  // namespace drf
