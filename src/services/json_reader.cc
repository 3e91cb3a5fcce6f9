#include "services/json_reader.h"

#include <chrono>
#include <cmath>
#include <limits>

#include "core/log.h"

namespace drf {
namespace {

// Stands in for absent objects, so readers always refer to a real object.
const nlohmann::json& EmptyObject() {
  static const nlohmann::json* empty = new nlohmann::json(nlohmann::json::object());
  return *empty;
}

}  // namespace

JsonReader::JsonReader(std::string what, const nlohmann::json& object)
    : object_(object), path_(what + " reply"), status_(std::make_shared<Status>()) {
  if (!object.is_object()) *status_ = Status::Internal(path_ + " is not a JSON object");
}

JsonReader::JsonReader(const nlohmann::json& object, std::string path,
                       std::shared_ptr<Status> status)
    : object_(object), path_(std::move(path)), status_(std::move(status)) {}

std::string JsonReader::String(const char* key) {
  const nlohmann::json* value = Find(key);
  if (value == nullptr || !Expect(value->is_string(), PathOf(key), "a string")) return "";
  return value->get_ref<const std::string&>();
}

int JsonReader::Int(const char* key) { return OptionalInt(key).value_or(0); }

int JsonReader::RequiredInt(const char* key) {
  if (Find(key) == nullptr) {
    if (status_->ok())
      *status_ = Status::Internal(PathOf(key) + " is missing, expected an integer");
    return 0;
  }
  return Int(key);
}

std::optional<int> JsonReader::OptionalInt(const char* key) {
  const nlohmann::json* value = Find(key);
  if (value == nullptr) return std::nullopt;
  bool fits = value->is_number_integer() &&
              value->get<int64_t>() >= std::numeric_limits<int>::min() &&
              value->get<int64_t>() <= std::numeric_limits<int>::max();
  if (!Expect(fits, PathOf(key), "an integer")) return std::nullopt;
  return static_cast<int>(value->get<int64_t>());
}

std::string JsonReader::Timestamp(const char* key) {
  // The last millisecond WallTime holds (nanoseconds in an int64: 2262-04-11): a later
  // one would overflow converting to it.
  const double max_millis = static_cast<double>(
      std::chrono::duration_cast<std::chrono::milliseconds>(WallTime::max().time_since_epoch())
          .count());
  const nlohmann::json* value = Find(key);
  if (value == nullptr) return "";
  // AWS sends milliseconds at most (1732570800.123): round to the nearest one, so that
  // binary floating point does not turn .123 into .122.
  const double millis = value->is_number() ? std::round(value->get<double>() * 1000.0) : -1.0;
  const bool fits = std::isfinite(millis) && millis >= 0.0 && millis < max_millis;
  if (!Expect(fits, PathOf(key), "a timestamp (epoch seconds)")) return "";
  const std::chrono::milliseconds since_epoch(static_cast<int64_t>(millis));
  return FormatTimestamp(WallTime(std::chrono::duration_cast<WallTime::duration>(since_epoch)));
}

std::vector<std::string> JsonReader::Strings(const char* key) {
  std::vector<std::string> out;
  const nlohmann::json* value = Find(key);
  if (value == nullptr || !Expect(value->is_array(), PathOf(key), "an array")) return out;
  for (size_t i = 0; i < value->size(); ++i) {
    const nlohmann::json& item = (*value)[i];
    std::string path = PathOf(key) + "[" + std::to_string(i) + "]";
    if (Expect(item.is_string(), path, "a string")) out.push_back(item.get<std::string>());
  }
  return out;
}

JsonReader JsonReader::Object(const char* key) {
  const nlohmann::json* value = Find(key);
  if (value == nullptr || !Expect(value->is_object(), PathOf(key), "an object")) {
    return JsonReader(EmptyObject(), PathOf(key), status_);
  }
  return JsonReader(*value, PathOf(key), status_);
}

std::vector<JsonReader> JsonReader::Objects(const char* key) {
  std::vector<JsonReader> out;
  const nlohmann::json* value = Find(key);
  if (value == nullptr || !Expect(value->is_array(), PathOf(key), "an array")) return out;
  for (size_t i = 0; i < value->size(); ++i) {
    const nlohmann::json& item = (*value)[i];
    std::string path = PathOf(key) + "[" + std::to_string(i) + "]";
    if (Expect(item.is_object(), path, "an object")) out.push_back(JsonReader(item, path, status_));
  }
  return out;
}

const nlohmann::json* JsonReader::Find(const char* key) const {
  if (!object_.is_object()) return nullptr;
  auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

bool JsonReader::Expect(bool ok, const std::string& path, const char* expected) {
  if (!ok && status_->ok()) *status_ = Status::Internal(path + " is not " + expected);
  return ok;
}

std::string JsonReader::PathOf(const char* key) const { return path_ + "." + key; }

}  // namespace drf
