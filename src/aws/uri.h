// RFC 3986 percent-encoding, as SigV4 and the AWS query protocol need it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drf {

// Keeps A-Z a-z 0-9 - _ . ~ and turns every other byte into %XX (uppercase hex). With
// `encode_slash` false, '/' is kept too (for paths). Bytes are taken as they are, so UTF-8
// text becomes one %XX per byte.
std::string UriEncode(std::string_view s, bool encode_slash = true);

// Reverses UriEncode: each %XX (either hex case) becomes its byte. A '%' not followed by two
// hex digits is kept as it is. With `plus_as_space`, '+' becomes ' ' (form and query
// decoding); otherwise '+' is kept.
std::string UriDecode(std::string_view s, bool plus_as_space = false);

// application/x-www-form-urlencoded body for the query protocol: key=value pairs joined by
// '&' in the given order, both sides UriEncode'd except that a space is '+', byte for byte
// what botocore sends. AWS hashes the bytes sent, so %20 would sign as well; but a server
// that decodes the form and re-encodes it to check the signature (moto does) gets botocore's
// bytes, and only those.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace drf
