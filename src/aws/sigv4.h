// AWS Signature Version 4 (header signing), as botocore's SigV4Auth / S3SigV4Auth do it.
// The four steps are pure functions of their arguments so they can be checked against
// AWS's published test suite; SignRequest strings them together. All functions are
// thread-safe. Rules: botocore/auth.py and
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials.h"
#include "core/clock.h"
#include "core/http.h"

namespace drf {

struct SigningParams {
  std::string region;   // signing region, e.g. "us-east-1"
  std::string service;  // signing name, e.g. "rds"
  WallTime time;        // request time; becomes X-Amz-Date and the scope date
  bool s3 = false;      // S3 rules: no path normalization, single encoding, adds
                        // x-amz-content-sha256
};

// "YYYYMMDDTHHMMSSZ" in UTC (the X-Amz-Date value); the scope date is its first 8 chars.
std::string FormatAmzDate(WallTime time);

// Lowercase, sorted, unique names of the headers SignRequest signs: every header in
// `headers` except the hop-by-hop and client-owned ones botocore never signs (user-agent,
// expect, connection, ...).
std::vector<std::string> SignedHeaderNames(const HttpHeaders& headers);

// The canonical request for `request` (whose url is on-the-wire: path and query already
// encoded once). Signs exactly `signed_header_names` (lowercase, sorted); a signed "host"
// missing from the headers is derived from the URL. `payload_hash` is the hex SHA-256 of
// the body (or a placeholder such as UNSIGNED-PAYLOAD).
std::string CanonicalRequest(const HttpRequest& request,
                             const std::vector<std::string>& signed_header_names,
                             std::string_view payload_hash, bool s3);

// "AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256(canonical request)>"; `scope` is
// "YYYYMMDD/region/service/aws4_request".
std::string StringToSign(WallTime time, std::string_view scope, std::string_view canonical_request);

// The derived key kSigning (raw 32 bytes); `date` is YYYYMMDD.
std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service);

// Lowercase hex HMAC-SHA256(signing_key, string_to_sign).
std::string Signature(std::string_view signing_key, std::string_view string_to_sign);

// Signs `request` in place. First removes any previous Authorization, X-Amz-Date and
// X-Amz-Security-Token (and, for S3, x-amz-content-sha256), so it can be called again
// before each retry. Then adds Host when missing (host[:port] from the URL, the port only
// when not the scheme's default), X-Amz-Date, X-Amz-Security-Token when `creds` has a token,
// x-amz-content-sha256 for S3, and finally Authorization. Every header present except
// those SignedHeaderNames excludes is signed, so headers added later by the HTTP client
// (Expect, Accept, ...) must not matter to AWS. A non-S3 request that already carries
// x-amz-content-sha256 is signed with that value as its payload hash, as botocore does.
void SignRequest(HttpRequest& request, const Credentials& creds, const SigningParams& params);

}  // namespace drf
