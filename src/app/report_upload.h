// The reports of a run kept in S3 (DRF_REPORT_S3_URI, for the Lambda function, whose only
// other record is its response): the JSON report and the HTML drill report, under the
// URI's key prefix, named by the run's start, action and holder.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "aws/aws_client.h"
#include "core/environment.h"
#include "core/result.h"
#include "services/s3_client.h"

namespace drf {

inline constexpr std::string_view kReportS3UriVar = "DRF_REPORT_S3_URI";

// The variable's location ("s3://bucket/prefix"; the prefix may be empty with a trailing
// "/"), nullopt when unset; InvalidArgument naming the variable when it is not such a URI.
Result<std::optional<S3Location>> ReportS3Location(const Environment& env);

// Uploads `report` as <prefix><name>.json and its HTML as <prefix><name>.html, where name is
// "<started_at>-<action>[-drill]-<holder>" made safe for a key. Returns the report's
// `report_s3`: {"json": uri, "html": uri}, or {"error": message} when an upload failed
// (the run's outcome does not change).
nlohmann::json UploadReports(AwsClient& aws, const S3Location& where, const nlohmann::json& report,
                             const std::string& holder);

}  // namespace drf
