// The two digests SigV4 needs, on OpenSSL's one-shot (non-deprecated) APIs.
#pragma once

#include <string>
#include <string_view>

namespace drf {

// Lowercase hex of SHA-256(data).
std::string Sha256Hex(std::string_view data);

// Raw 32-byte HMAC-SHA256(key, data).
std::string HmacSha256(std::string_view key, std::string_view data);

// Lowercase hex of arbitrary bytes.
std::string HexEncode(std::string_view bytes);

}  // namespace drf
