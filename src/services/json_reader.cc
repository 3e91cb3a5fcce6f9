#include "services/json_reader.h"

#include <limits>

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

int JsonReader::Int(const char* key) {
  const nlohmann::json* value = Find(key);
  if (value == nullptr) return 0;
  bool fits = value->is_number_integer() &&
              value->get<int64_t>() >= std::numeric_limits<int>::min() &&
              value->get<int64_t>() <= std::numeric_limits<int>::max();
  if (!Expect(fits, PathOf(key), "an integer")) return 0;
  return static_cast<int>(value->get<int64_t>());
}

int JsonReader::RequiredInt(const char* key) {
  if (Find(key) == nullptr) {
    if (status_->ok())
      *status_ = Status::Internal(PathOf(key) + " is missing, expected an integer");
    return 0;
  }
  return Int(key);
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
