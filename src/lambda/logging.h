// Log settings of the Lambda function, from Lambda's advanced logging controls
// (AWS_LAMBDA_LOG_FORMAT, AWS_LAMBDA_LOG_LEVEL; docs/lambda.md, "Logs").
#pragma once

#include <string_view>

#include "core/environment.h"
#include "core/log.h"

namespace drf {

inline constexpr std::string_view kLambdaLogFormatVar = "AWS_LAMBDA_LOG_FORMAT";
inline constexpr std::string_view kLambdaLogLevelVar = "AWS_LAMBDA_LOG_LEVEL";

// Text or JSON lines (format compared case-insensitively; anything else: text) on stdout,
// at the configured level (missing or invalid: INFO). Text lines are exactly
// "LEVEL: message": CloudWatch adds the timestamp.
LoggerOptions LambdaLoggerOptions(const Environment& env);

}  // namespace drf
