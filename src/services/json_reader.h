// JsonReader: reads fields of JSON 1.1 replies (ECS) without letting nlohmann throw.
// Missing or null fields give defaults, because AWS omits empty fields; a field of the
// wrong type records an Internal error naming its path ("services[1].desiredCount"). All
// readers made from one root share the first error, so parsers stay straight-line code and
// check status() once.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace drf {

class JsonReader {
 public:
  // `what` names the reply in error messages, e.g. "DescribeServices". `object` must
  // outlive the reader and every reader made from it.
  JsonReader(std::string what, const nlohmann::json& object);

  std::string String(const char* key);
  int Int(const char* key);
  // Like Int, for a field AWS always sends: absent or null records an error too.
  int RequiredInt(const char* key);
  // Like Int, but nullopt when absent or null (a field whose absence means "not yet", such
  // as a container's exitCode, unlike 0).
  std::optional<int> OptionalInt(const char* key);
  // A JSON 1.1 timestamp (epoch seconds, integer or fractional) rendered as RFC 3339 UTC
  // with milliseconds ("2026-11-25T21:40:00.123Z", core/log.h FormatTimestamp); "" when
  // absent. Not a number, or outside what WallTime holds (1970 to 2262-04-11): records an
  // error.
  std::string Timestamp(const char* key);
  // The string elements of the array `key`.
  std::vector<std::string> Strings(const char* key);
  // The object `key` (an empty object if absent).
  JsonReader Object(const char* key);
  // Readers for the object elements of the array `key`.
  std::vector<JsonReader> Objects(const char* key);

  const Status& status() const { return *status_; }

 private:
  JsonReader(const nlohmann::json& object, std::string path, std::shared_ptr<Status> status);
  // The value at `key`, or nullptr when absent or null.
  const nlohmann::json* Find(const char* key) const;
  // Checks `value` against `ok`; records an error and returns false when it fails.
  bool Expect(bool ok, const std::string& path, const char* expected);
  std::string PathOf(const char* key) const;

  const nlohmann::json& object_;
  std::string path_;                // of object_, "" for the root
  std::shared_ptr<Status> status_;  // first error, shared with readers made from this one
};

}  // namespace drf
