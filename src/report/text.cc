#include "report/text.h"

#include <chrono>
#include <cstdio>

namespace drf {
namespace {

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string StripControl(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = ' ';
  }
  return out;
}

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (char c : text) {
    if (!IsContinuationByte(c)) ++width;
  }
  return width;
}

std::string TruncateToWidth(std::string_view text, size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width == 0) return "";
  // Keep width - 1 code points and spend the last column on the ellipsis.
  size_t kept = 0;
  size_t end = 0;
  for (; end < text.size(); ++end) {
    if (IsContinuationByte(text[end])) continue;
    if (kept == width - 1) break;
    ++kept;
  }
  return std::string(text.substr(0, end)) + "…";
}

std::string Pad(std::string_view text, size_t width, bool align_right) {
  size_t current = DisplayWidth(text);
  if (current >= width) return std::string(text);
  std::string padding(width - current, ' ');
  return align_right ? padding + std::string(text) : std::string(text) + padding;
}

std::string FormatSeconds(Duration d) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f s", std::chrono::duration<double>(d).count());
  return buffer;
}

std::string Paint(std::string text, std::string_view code, bool color) {
  if (!color || code.empty()) return text;
  return std::string(code) + text + std::string(kAnsiReset);
}

}  // namespace drf
