#include "lambda/logging.h"

namespace drf {

LoggerOptions LambdaLoggerOptions(const Environment& env) {
  LoggerOptions options;
  options.format =
      ParseLogFormat(env.Get(kLambdaLogFormatVar).value_or("")).value_or(LogFormat::kText);
  options.min_level =
      ParseLogLevel(env.Get(kLambdaLogLevelVar).value_or("")).value_or(LogLevel::kInfo);
  options.text_timestamps = false;
  options.out = stdout;
  return options;
}

}  // namespace drf
