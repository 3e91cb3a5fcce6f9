// PutS3Objects: test setup for S3 reads against the emulator's moto (header-only): creates
// a bucket and puts text objects in it with boto3 (tools/testing/s3_put_objects.py).
#pragma once

#include <unistd.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"

namespace drf {

// `endpoint`: the emulator's moto_endpoint() (or endpoint()). `temp_dir` holds the
// script's input for the duration of the call. Needs python3 with boto3.
inline Status PutS3Objects(const std::string& endpoint, const std::string& region,
                           const std::string& bucket,
                           const std::map<std::string, std::string>& objects,
                           const std::string& temp_dir) {
  const nlohmann::json spec = {
      {"endpoint", endpoint}, {"region", region}, {"bucket", bucket}, {"objects", objects}};
  std::string input = temp_dir + "/s3_put_objects_XXXXXX";
  const int fd = mkstemp(input.data());
  if (fd < 0) return Status::Internal("cannot create " + input);
  const std::string text = spec.dump();
  const bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  if (!written) return Status::Internal("cannot write " + input);
  const std::string command = std::string("python3 ") + DRF_SOURCE_DIR +
                              "/tools/testing/s3_put_objects.py < " + input + " 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return Status::Internal("cannot run " + command);
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  const int rc = pclose(pipe);
  std::remove(input.c_str());
  if (rc != 0 || output.find("ok") == std::string::npos) {
    return Status::Internal("s3_put_objects.py failed (status " + std::to_string(rc) +
                            "): " + output);
  }
  return Status::Ok();
}

}  // namespace drf
