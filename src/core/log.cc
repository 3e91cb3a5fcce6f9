#include "core/log.h"

#include <strings.h>

#include <cctype>
#include <ctime>
#include <nlohmann/json.hpp>

namespace drf {

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return "TRACE";
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarn:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
    case LogLevel::kFatal:
      return "FATAL";
  }
  return "INFO";
}

std::optional<LogLevel> ParseLogLevel(std::string_view text) {
  std::string upper;
  for (char c : text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "TRACE") return LogLevel::kTrace;
  if (upper == "DEBUG") return LogLevel::kDebug;
  if (upper == "INFO") return LogLevel::kInfo;
  if (upper == "WARN" || upper == "WARNING") return LogLevel::kWarn;
  if (upper == "ERROR") return LogLevel::kError;
  if (upper == "FATAL") return LogLevel::kFatal;
  return std::nullopt;
}

std::optional<LogFormat> ParseLogFormat(std::string_view text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "text") return LogFormat::kText;
  if (lower == "json") return LogFormat::kJson;
  return std::nullopt;
}

namespace {

// RFC 3339 UTC, with ".mmm" before the Z when `with_millis`.
std::string FormatUtc(WallTime time, bool with_millis) {
  auto since_epoch = time.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[96];  // roomy enough for any int values, so GCC sees no truncation
  int n = std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string text(buffer, static_cast<size_t>(n));
  if (with_millis) {
    std::snprintf(buffer, sizeof(buffer), ".%03d", static_cast<int>(millis.count()));
    text += buffer;
  }
  return text + "Z";
}

}  // namespace

std::string FormatTimestamp(WallTime time) { return FormatUtc(time, /*with_millis=*/true); }

std::string FormatTimestampSeconds(WallTime time) { return FormatUtc(time, /*with_millis=*/false); }

Logger::Logger(LoggerOptions options, Clock& clock) : options_(std::move(options)), clock_(clock) {}

void Logger::SetRequestId(std::string request_id) {
  std::lock_guard<std::mutex> lock(mu_);
  options_.request_id = std::move(request_id);
}

std::string Logger::Format(LogLevel level, std::string_view message, const LogFields& fields) {
  if (options_.format == LogFormat::kJson) {
    nlohmann::json record = {{"timestamp", FormatTimestamp(clock_.Now())},
                             {"level", LogLevelName(level)},
                             {"message", message}};
    if (!options_.request_id.empty()) record["requestId"] = options_.request_id;
    for (const auto& [key, value] : fields) record[key] = value;
    // Replace invalid UTF-8 instead of throwing: a log line must never abort a run.
    return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  std::string line;
  if (options_.text_timestamps) line = FormatTimestamp(clock_.Now()) + " ";
  line += LogLevelName(level);
  line += ": ";
  line += message;
  line += "\n";
  return line;
}

void Logger::Log(LogLevel level, std::string_view message, const LogFields& fields) {
  if (!Enabled(level)) return;
  std::lock_guard<std::mutex> lock(mu_);
  std::string line = Format(level, message, fields);
  std::fwrite(line.data(), 1, line.size(), options_.out);
  std::fflush(options_.out);
}

}  // namespace drf
