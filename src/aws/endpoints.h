// Endpoint resolution: the default hostnames of the aws, aws-cn and
// aws-us-gov partitions (FIPS and dual-stack variants, Route 53's global endpoint and its
// signing region), and the configured overrides, in botocore's precedence:
//   1. --endpoint-url (the CLI flag; not affected by AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)
//   2. AWS_ENDPOINT_URL_<ServiceInfo::env_id>
//   3. AWS_ENDPOINT_URL
//   4. config `[services X]` block `<ServiceInfo::config_key>` -> `endpoint_url`, where X is
//      the profile's `services` key
//   5. the profile's `endpoint_url`
//   6. the default hostname
// 2-5 are skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile's
// ignore_configured_endpoint_urls) is true. Overrides never change the signing region.
// FIPS and dual-stack come from AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT, else
// the profile's use_fips_endpoint / use_dualstack_endpoint; they only shape the default.
//
// S3: the default endpoint is regional in every region, us-east-1 too
// (https://s3.<region>.amazonaws.com; FIPS s3-fips.<region>..., dual-stack
// s3.dualstack.<region>...). A bucket is addressed by S3BucketUrl: virtual-hosted style
// (https://<bucket>.s3.<region>.amazonaws.com/<key>) when the endpoint is the default one
// and the bucket name is a DNS label, path style (<endpoint>/<bucket>/<key>) otherwise, in
// particular for every configured override (moto, MinIO, proxies), which cannot be assumed
// to resolve <bucket>.<host>.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "aws/endpoint.h"
#include "aws/service.h"
#include "aws/shared_config.h"
#include "core/environment.h"
#include "core/result.h"

namespace drf {

struct EndpointVariant {
  bool fips = false;       // {prefix}-fips hostnames
  bool dualstack = false;  // IPv4+IPv6 hostnames (api.aws)
};

// The partition's own endpoint for `service` in `region`, with source "default".
// InvalidArgument for an empty or malformed region, or one in a partition we have no
// hostnames for (ISO, EUSC): those need an endpoint override.
Result<Endpoint> DefaultEndpoint(const ServiceInfo& service, const std::string& region,
                                 EndpointVariant variant);

// Checks that `url` is http(s)://host[:port] (one trailing '/' allowed, and removed).
// InvalidArgument naming `source` (the variable or setting it came from) otherwise.
Result<std::string> NormalizeEndpointUrl(std::string_view url, std::string_view source);

// Whether `bucket` can be the first label of an HTTPS hostname (botocore's
// isVirtualHostableS3Bucket without subdomains): 3-63 characters of a-z, 0-9 and '-',
// starting and ending with a letter or digit. Names with dots (legal for old buckets) would not
// match S3's wildcard TLS certificate.
bool IsVirtualHostableS3Bucket(std::string_view bucket);

// The URL of `bucket` on `endpoint` (an S3 endpoint from a resolver), without a trailing
// slash: append "/" and the URI-encoded key. Virtual-hosted when endpoint.source is
// "default" and IsVirtualHostableS3Bucket, else path style with the bucket URI-encoded.
std::string S3BucketUrl(const Endpoint& endpoint, std::string_view bucket);

class ConfiguredEndpointResolver final : public EndpointResolver {
 public:
  // `env` must outlive the resolver; what it needs from `config` (the profile's settings
  // and its `[services X]` block) is copied. `cli_endpoint_url` is --endpoint-url.
  ConfiguredEndpointResolver(const Environment& env, const SharedConfig& config,
                             std::string profile,
                             std::optional<std::string> cli_endpoint_url = std::nullopt);

  // Thread-safe (reads only). Errors: InvalidArgument for a missing or bad region (naming
  // AWS_REGION and --region) or a malformed override URL (naming where it came from).
  Result<Endpoint> Resolve(const ServiceInfo& service, const std::string& region) const override;

 private:
  // The first configured override, or nullopt. `source` receives where it came from.
  std::optional<std::string> FindOverride(const ServiceInfo& service, std::string* source) const;
  std::optional<std::string> ProfileSetting(std::string_view key) const;
  bool Flag(std::string_view env_var, std::string_view profile_key) const;

  const Environment& env_;
  std::string profile_;
  ConfigSection profile_settings_;  // config file, then credentials file keys on top
  std::string services_name_;       // the profile's `services` value; empty if none
  ConfigSection services_;          // the `[services <services_name_>]` block
  std::optional<std::string> cli_endpoint_url_;
};

}  // namespace drf
