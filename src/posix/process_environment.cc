#include "posix/process_environment.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace drf {

std::optional<std::string> ProcessEnvironment::Get(std::string_view name) const {
  // getenv is safe to call concurrently as long as nobody calls setenv, which we never do
  // after start-up.
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Result<std::string> ProcessEnvironment::ReadFile(const std::string& path) const {
  // A directory opens fine and reads as empty, which would pass for an empty file.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidArgument("cannot read " + path + ": is a directory, not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound("cannot read " + path + ": no such file");
    return Status::InvalidArgument("cannot read " + path + ": " + std::strerror(err));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return Status::InvalidArgument("error while reading " + path);
  return content.str();
}

}  // namespace drf
