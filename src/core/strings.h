// Small string helpers shared by the parsers (configuration files, variables, AWS replies).
#pragma once

#include <string_view>

namespace drf {

// `text` without leading and trailing ASCII white space (space, \t, \r, \n, \f, \v).
inline std::string_view TrimWhitespace(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

}  // namespace drf
