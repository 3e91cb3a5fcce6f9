#include "aws/sigv4.h"

#include <algorithm>
#include <utility>

#include "aws/crypto.h"
#include "aws/uri.h"

namespace drf {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

// botocore's SIGNED_HEADERS_BLACKLIST (botocore/auth.py): hop-by-hop headers a proxy or the HTTP
// client may change or drop, plus User-Agent and the trace id that infrastructure rewrites.
// Signing any of them would make the signature depend on things we do not control.
constexpr std::string_view kUnsignedHeaders[] = {
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
};

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

void AppendPadded(std::string& out, long long value, size_t width) {
  const std::string digits = std::to_string(value);
  if (digits.size() < width) out.append(width - digits.size(), '0');
  out += digits;
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

// The pieces of an absolute URL we sign. Views into the URL string.
struct UrlParts {
  std::string_view scheme;
  std::string_view authority;  // [userinfo@]host[:port]
  std::string_view path;       // empty when the URL has none
  std::string_view query;      // without the '?'
};

UrlParts SplitUrl(std::string_view url) {
  UrlParts parts;
  if (size_t colon = url.find("://"); colon != std::string_view::npos) {
    parts.scheme = url.substr(0, colon);
    url.remove_prefix(colon + 3);
    size_t end = std::min(url.find_first_of("/?#"), url.size());
    parts.authority = url.substr(0, end);
    url.remove_prefix(end);
  }
  url = url.substr(0, url.find('#'));  // fragments are never sent
  size_t question = url.find('?');
  parts.path = url.substr(0, question);
  if (question != std::string_view::npos) parts.query = url.substr(question + 1);
  return parts;
}

// Host header value as botocore derives it (botocore/auth.py _host_from_url): lowercase host,
// no userinfo, and the port only when it is not the scheme's default, because that is what
// HTTP clients send and what AWS checks the signature against.
std::string HostFromUrl(std::string_view url) {
  const UrlParts parts = SplitUrl(url);
  std::string_view authority = parts.authority;
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  // An IPv6 literal ("[::1]:8080") has colons of its own; the port follows the ']'.
  size_t host_end = authority.starts_with('[') ? authority.find(']') : 0;
  size_t colon = authority.find(':', host_end == std::string_view::npos ? 0 : host_end);
  std::string host = ToLower(authority.substr(0, colon));
  if (colon == std::string_view::npos) return host;
  std::string_view port = authority.substr(colon + 1);
  const std::string scheme = ToLower(parts.scheme);
  const bool is_default =
      (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
  if (port.empty() || is_default) return host;
  return host + ":" + std::string(port);
}

// RFC 3986 section 5.2.4 plus the collapsing of empty segments AWS wants, exactly as
// botocore's remove_dot_segments (botocore/utils.py): a trailing slash survives only when some
// segment is left, and "/a/." ends without one.
std::string RemoveDotSegments(std::string_view path) {
  std::vector<std::string_view> kept;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = std::min(path.find('/', start), path.size());
    std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
    }
    start = end + 1;
  }
  std::string out = path.starts_with('/') ? "/" : "";
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += '/';
    out += kept[i];
  }
  if (path.ends_with('/') && !kept.empty()) out += '/';
  return out;
}

// The wire path is already encoded once; AWS (except S3) wants the normalized path encoded
// again, so "%20" on the wire becomes "%2520" here.
std::string CanonicalUri(std::string_view path, bool s3) {
  if (path.empty()) return "/";
  if (s3) return std::string(path);
  return UriEncode(RemoveDotSegments(path), /*encode_slash=*/false);
}

// Decoding first makes the result independent of how the URL was encoded (lowercase hex,
// '+' for space, unencoded reserved characters); AWS recomputes it the same way.
std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!query.empty()) {
    size_t amp = std::min(query.find('&'), query.size());
    std::string_view pair = query.substr(0, amp);
    query.remove_prefix(std::min(amp + 1, query.size()));
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    pairs.emplace_back(UriEncode(UriDecode(key, true)), UriEncode(UriDecode(value, true)));
  }
  std::sort(pairs.begin(), pairs.end());
  std::vector<std::string> joined;
  for (const auto& [key, value] : pairs) joined.push_back(key + "=" + value);
  return Join(joined, "&");
}

// Trims the value and squeezes each inner whitespace run to one space (SigV4 "Trimall"),
// so proxies that re-fold whitespace do not break the signature.
std::string TrimAll(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

// "name:value" for one signed header: repeated headers joined with ',' in request order.
std::string CanonicalHeaderLine(const HttpRequest& request, const std::string& name) {
  std::vector<std::string> values;
  for (const auto& [key, value] : request.headers) {
    if (ToLower(key) == name) values.push_back(TrimAll(value));
  }
  if (values.empty() && name == "host") values.push_back(HostFromUrl(request.url));
  return name + ":" + Join(values, ",");
}

void RemoveHeaders(HttpHeaders& headers, const std::vector<std::string_view>& lower_names) {
  std::erase_if(headers, [&](const auto& header) {
    const std::string name = ToLower(header.first);
    return std::find(lower_names.begin(), lower_names.end(), name) != lower_names.end();
  });
}

// S3 requires x-amz-content-sha256, and it is signed like any other header. Other services
// take an x-amz-content-sha256 the caller set (e.g. UNSIGNED-PAYLOAD) as the payload hash,
// as botocore does.
std::string PreparePayloadHash(HttpRequest& request, bool s3) {
  if (!s3) {
    if (auto preset = FindHeader(request.headers, "x-amz-content-sha256")) return *preset;
    return Sha256Hex(request.body);
  }
  std::string hash = Sha256Hex(request.body);
  request.headers.emplace_back("X-Amz-Content-SHA256", hash);
  return hash;
}

}  // namespace

std::string FormatAmzDate(WallTime time) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(time);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss hms{secs - day};
  std::string out;
  AppendPadded(out, static_cast<int>(ymd.year()), 4);
  AppendPadded(out, static_cast<unsigned>(ymd.month()), 2);
  AppendPadded(out, static_cast<unsigned>(ymd.day()), 2);
  out += 'T';
  AppendPadded(out, hms.hours().count(), 2);
  AppendPadded(out, hms.minutes().count(), 2);
  AppendPadded(out, hms.seconds().count(), 2);
  out += 'Z';
  return out;
}

std::vector<std::string> SignedHeaderNames(const HttpHeaders& headers) {
  std::vector<std::string> names;
  for (const auto& header : headers) {
    std::string name = ToLower(header.first);
    if (std::find(std::begin(kUnsignedHeaders), std::end(kUnsignedHeaders), name) ==
        std::end(kUnsignedHeaders)) {
      names.push_back(std::move(name));
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string CanonicalRequest(const HttpRequest& request,
                             const std::vector<std::string>& signed_header_names,
                             std::string_view payload_hash, bool s3) {
  const UrlParts parts = SplitUrl(request.url);
  std::string out = ToUpper(request.method) + "\n";
  out += CanonicalUri(parts.path, s3) + "\n";
  out += CanonicalQuery(parts.query) + "\n";
  for (const auto& name : signed_header_names) out += CanonicalHeaderLine(request, name) + "\n";
  out += "\n" + Join(signed_header_names, ";") + "\n";
  out += payload_hash;
  return out;
}

std::string StringToSign(WallTime time, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out += "\n" + FormatAmzDate(time) + "\n";
  out += scope;
  out += "\n" + Sha256Hex(canonical_request);
  return out;
}

std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service) {
  const std::string k_date = HmacSha256("AWS4" + std::string(secret), date);
  const std::string k_region = HmacSha256(k_date, region);
  const std::string k_service = HmacSha256(k_region, service);
  return HmacSha256(k_service, "aws4_request");
}

std::string Signature(std::string_view signing_key, std::string_view string_to_sign) {
  return HexEncode(HmacSha256(signing_key, string_to_sign));
}

void SignRequest(HttpRequest& request, const Credentials& creds, const SigningParams& params) {
  std::vector<std::string_view> stale = {"authorization", "x-amz-date", "x-amz-security-token"};
  if (params.s3) stale.push_back("x-amz-content-sha256");
  RemoveHeaders(request.headers, stale);
  if (!FindHeader(request.headers, "host")) {
    request.headers.emplace_back("Host", HostFromUrl(request.url));
  }
  const std::string amz_date = FormatAmzDate(params.time);
  request.headers.emplace_back("X-Amz-Date", amz_date);
  // The token is signed too: botocore signs it, and STS-issued credentials need it.
  if (!creds.session_token.empty()) {
    request.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  }
  const std::string payload_hash = PreparePayloadHash(request, params.s3);

  const std::string date = amz_date.substr(0, 8);
  const std::string scope = date + "/" + params.region + "/" + params.service + "/aws4_request";
  const std::vector<std::string> names = SignedHeaderNames(request.headers);
  const std::string canonical = CanonicalRequest(request, names, payload_hash, params.s3);
  const std::string signature =
      Signature(SigningKey(creds.secret_access_key, date, params.region, params.service),
                StringToSign(params.time, scope, canonical));
  request.headers.emplace_back("Authorization", std::string(kAlgorithm) +
                                                    " Credential=" + creds.access_key_id + "/" +
                                                    scope + ", SignedHeaders=" + Join(names, ";") +
                                                    ", Signature=" + signature);
}

}  // namespace drf
