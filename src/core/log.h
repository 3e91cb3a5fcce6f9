// Logger: the run's log lines. Text ("LEVEL: message", the original function's format,
// optionally prefixed with a timestamp) or JSON lines (Lambda's advanced logging shape:
// timestamp, level, message, requestId, plus structured fields). Thread-safe; each
// record is written with one call so concurrent steps never interleave within a line.
// Never pass secrets to it: it does not redact.
#pragma once

#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"

namespace drf {

enum class LogLevel { kTrace = 0, kDebug, kInfo, kWarn, kError, kFatal };

std::string_view LogLevelName(LogLevel level);  // "INFO", "WARN", ... (Lambda's names)
// Accepts TRACE, DEBUG, INFO, WARN, WARNING, ERROR, FATAL in any case.
std::optional<LogLevel> ParseLogLevel(std::string_view text);

enum class LogFormat { kText, kJson };
std::optional<LogFormat> ParseLogFormat(std::string_view text);  // "text" / "json", any case

// Extra fields of a record; values are strings (JSON mode writes them as strings).
using LogFields = std::vector<std::pair<std::string, std::string>>;

struct LoggerOptions {
  LogLevel min_level = LogLevel::kInfo;
  LogFormat format = LogFormat::kText;
  bool text_timestamps = false;  // text mode: prefix "2026-11-25T21:40:00.123Z "
  std::FILE* out = stdout;       // not owned
  std::string request_id;        // JSON mode: "requestId" (Lambda); empty: omitted
};

class Logger {
 public:
  Logger(LoggerOptions options, Clock& clock);

  void Log(LogLevel level, std::string_view message, const LogFields& fields = {});
  void Debug(std::string_view m, const LogFields& f = {}) { Log(LogLevel::kDebug, m, f); }
  void Info(std::string_view m, const LogFields& f = {}) { Log(LogLevel::kInfo, m, f); }
  void Warn(std::string_view m, const LogFields& f = {}) { Log(LogLevel::kWarn, m, f); }
  void Error(std::string_view m, const LogFields& f = {}) { Log(LogLevel::kError, m, f); }

  bool Enabled(LogLevel level) const { return level >= options_.min_level; }
  // Lambda sets a new request id per invocation.
  void SetRequestId(std::string request_id);

 private:
  std::string Format(LogLevel level, std::string_view message, const LogFields& fields);

  LoggerOptions options_;  // request_id guarded by mu_
  Clock& clock_;
  std::mutex mu_;  // serializes writes
};

// RFC 3339 UTC with milliseconds: 2026-11-25T21:40:00.123Z
std::string FormatTimestamp(WallTime time);
// The same in whole seconds (truncated): 2026-11-25T21:40:00Z, as the AWS query protocol
// sends timestamps.
std::string FormatTimestampSeconds(WallTime time);

}  // namespace drf
