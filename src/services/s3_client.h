// S3Client: reading one object (S3 GetObject, 2006-03-01), for configuration kept in S3
// such as a plan too large for Lambda's 4 KB of environment variables, and writing one
// (PutObject), for the reports a Lambda run leaves in DRF_REPORT_S3_URI. Requests are
// signed with S3's rules (x-amz-content-sha256, single-encoded paths) and addressed as
// aws/endpoints.h describes: virtual-hosted style on AWS's own endpoints, path style on a
// configured endpoint (moto, MinIO). Thread-safe as far as AwsClient is.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "aws/aws_client.h"
#include "core/result.h"
#include "services/mutated.h"

namespace drf {

struct S3Location {
  std::string bucket;
  std::string key;  // as written: not percent-decoded
};

// "s3://bucket/key/with/slashes" -> {bucket, key}. The key is everything after the first
// '/' following the bucket, taken literally (S3 keys may hold '%', '?', spaces, UTF-8).
// InvalidArgument, naming the URI, when it does not start with "s3://", names no bucket or
// no key, or the bucket name has characters S3 never allows (only letters, digits, '.',
// '-' and '_' (legacy buckets), 3 to 255 characters).
Result<S3Location> ParseS3Uri(std::string_view uri);

// "s3://bucket/key".
std::string S3Uri(const S3Location& location);

class S3Client {
 public:
  static constexpr size_t kDefaultMaxObjectBytes = size_t{1} << 20;  // 1 MiB

  explicit S3Client(AwsClient& aws) : aws_(aws) {}

  // The object's bytes. The key is URI-encoded per segment ('/' kept, so "a/b c" is sent as
  // /a/b%20c). Errors: NotFound (wire code NoSuchKey or NoSuchBucket), Rejected
  // (AccessDenied; PermanentRedirect when the bucket is in another region than the
  // client's), and the rest of AwsClient's; InvalidArgument, with no call, for an empty
  // bucket or key; InvalidArgument naming s3://bucket/key, the size and the limit when the
  // object is larger than `max_bytes` (the whole body is still received: the HTTP client's
  // own response limit bounds memory).
  Result<std::string> GetObject(const std::string& bucket, const std::string& key,
                                size_t max_bytes = kDefaultMaxObjectBytes);
  // Writes the object (replacing one of the same key). Errors as GetObject's.
  Result<Ack> PutObject(const std::string& bucket, const std::string& key, std::string body,
                        const std::string& content_type);

 private:
  AwsClient& aws_;
};

}  // namespace drf
