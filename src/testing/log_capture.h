// LogCapture: a Logger writing to memory (open_memstream), so tests assert the exact text
// lines a run prints ("INFO: Promoting RDS read replica ..."), format included.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/log.h"

namespace drf {

class LogCapture {
 public:
  explicit LogCapture(Clock& clock, LogLevel min_level = LogLevel::kInfo,
                      LogFormat format = LogFormat::kText);
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  Logger& logger() { return *logger_; }
  // Everything written so far.
  std::string Text() const;
  // One entry per line, without the newline.
  std::vector<std::string> Lines() const;

 private:
  char* buffer_ = nullptr;  // owned by the stream until fclose, then by us
  size_t size_ = 0;
  std::FILE* file_ = nullptr;
  std::unique_ptr<Logger> logger_;
};

}  // namespace drf
