// Small string helpers shared by the parsers (configuration files, variables, AWS replies).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace drf {

// `text` without leading and trailing ASCII white space (space, \t, \r, \n, \f, \v).
inline std::string_view TrimWhitespace(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

// The non-empty, trimmed pieces of `text` between `separator`s ("a, b,,c" -> a, b, c).
inline std::vector<std::string> SplitList(std::string_view text, char separator) {
  std::vector<std::string> pieces;
  while (!text.empty()) {
    const size_t end = text.find(separator);
    std::string_view piece = TrimWhitespace(text.substr(0, end));
    if (!piece.empty()) pieces.emplace_back(piece);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return pieces;
}

}  // namespace drf
