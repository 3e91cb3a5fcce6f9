#include "services/s3_client.h"

#include <utility>

#include "aws/uri.h"

namespace drf {
namespace {

constexpr std::string_view kScheme = "s3://";

// Today's rules allow a-z, 0-9, '.' and '-' (3 to 63 of them); buckets made in us-east-1
// before March 2018 may also hold A-Z and '_' and be up to 255 long, so those pass too: S3
// itself answers for names that do not exist.
bool IsBucketChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

std::string Quoted(std::string_view uri) { return "\"" + std::string(uri) + "\""; }

}  // namespace

Result<S3Location> ParseS3Uri(std::string_view uri) {
  if (uri.substr(0, kScheme.size()) != kScheme) {
    return Status::InvalidArgument("invalid S3 URI " + Quoted(uri) +
                                   ": expected s3://<bucket>/<key>");
  }
  std::string_view rest = uri.substr(kScheme.size());
  const size_t slash = rest.find('/');
  std::string_view bucket = rest.substr(0, slash);
  if (bucket.empty()) {
    return Status::InvalidArgument("invalid S3 URI " + Quoted(uri) +
                                   ": no bucket name (expected s3://<bucket>/<key>)");
  }
  if (bucket.size() < 3 || bucket.size() > 255) {
    return Status::InvalidArgument("invalid S3 URI " + Quoted(uri) + ": bucket name \"" +
                                   std::string(bucket) + "\" has " + std::to_string(bucket.size()) +
                                   " characters (S3 bucket names have 3 to 63)");
  }
  for (char c : bucket) {
    if (!IsBucketChar(c)) {
      return Status::InvalidArgument("invalid S3 URI " + Quoted(uri) + ": bucket name \"" +
                                     std::string(bucket) +
                                     "\" may only hold lowercase letters, digits, '.' and '-'");
    }
  }
  if (slash == std::string_view::npos || slash + 1 == rest.size()) {
    return Status::InvalidArgument("invalid S3 URI " + Quoted(uri) +
                                   ": no object key (expected s3://<bucket>/<key>)");
  }
  return S3Location{std::string(bucket), std::string(rest.substr(slash + 1))};
}

std::string S3Uri(const S3Location& location) {
  return std::string(kScheme) + location.bucket + "/" + location.key;
}

Result<std::string> S3Client::GetObject(const std::string& bucket, const std::string& key,
                                        size_t max_bytes) {
  if (bucket.empty() || key.empty()) {
    return Status::InvalidArgument("GetObject needs a bucket and a key");
  }
  RestRequest request;
  request.method = "GET";
  request.bucket = bucket;
  request.path_and_query = "/" + UriEncode(key, /*encode_slash=*/false);
  DRF_ASSIGN_OR_RETURN(RestResponse reply,
                       aws_.CallRestRaw(services::kS3, "GetObject", std::move(request)));
  if (reply.http.body.size() > max_bytes) {
    return Status::InvalidArgument(
        S3Uri({bucket, key}) + " is " + std::to_string(reply.http.body.size()) +
        " bytes, more than the limit of " + std::to_string(max_bytes) + " bytes");
  }
  return std::move(reply.http.body);
}

Result<Ack> S3Client::PutObject(const std::string& bucket, const std::string& key, std::string body,
                                const std::string& content_type) {
  if (bucket.empty() || key.empty()) {
    return Status::InvalidArgument("PutObject needs a bucket and a key");
  }
  RestRequest request;
  request.method = "PUT";
  request.bucket = bucket;
  request.path_and_query = "/" + UriEncode(key, /*encode_slash=*/false);
  request.headers.push_back({"content-type", content_type});
  request.body = std::move(body);
  DRF_ASSIGN_OR_RETURN(RestResponse reply,
                       aws_.CallRestRaw(services::kS3, "PutObject", std::move(request)));
  return Ack{reply.request_id};
}

}  // namespace drf
