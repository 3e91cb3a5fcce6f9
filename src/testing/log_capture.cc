#include "testing/log_capture.h"

#include <cstdlib>

namespace drf {

LogCapture::LogCapture(Clock& clock, LogLevel min_level, LogFormat format) {
  file_ = open_memstream(&buffer_, &size_);
  LoggerOptions options;
  options.min_level = min_level;
  options.format = format;
  options.out = file_;
  logger_ = std::make_unique<Logger>(options, clock);
}

LogCapture::~LogCapture() {
  logger_.reset();
  if (file_ != nullptr) std::fclose(file_);
  std::free(buffer_);
}

std::string LogCapture::Text() const {
  // The Logger flushes after every record, so buffer_ and size_ are current.
  return buffer_ == nullptr ? "" : std::string(buffer_, size_);
}

std::vector<std::string> LogCapture::Lines() const {
  std::vector<std::string> lines;
  std::string text = Text();
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(text.substr(start, nl - start));
  }
  return lines;
}

}  // namespace drf
