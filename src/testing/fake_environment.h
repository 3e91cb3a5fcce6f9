// FakeEnvironment: variables and files from maps. Not thread-safe for writes; set it up
// before use.
#pragma once

#include <map>
#include <string>

#include "core/environment.h"

namespace drf {

class FakeEnvironment final : public Environment {
 public:
  FakeEnvironment() = default;
  explicit FakeEnvironment(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {}

  void Set(const std::string& name, const std::string& value) { vars_[name] = value; }
  void Unset(const std::string& name) { vars_.erase(name); }
  void AddFile(const std::string& path, const std::string& content) { files_[path] = content; }
  void RemoveFile(const std::string& path) { files_.erase(path); }

  std::optional<std::string> Get(std::string_view name) const override {
    auto it = vars_.find(std::string(name));
    if (it == vars_.end()) return std::nullopt;
    return it->second;
  }
  Result<std::string> ReadFile(const std::string& path) const override {
    auto it = files_.find(path);
    if (it == files_.end()) return Status::NotFound("cannot read " + path + ": no such file");
    return it->second;
  }

 private:
  std::map<std::string, std::string> vars_;
  std::map<std::string, std::string> files_;
};

}  // namespace drf
