#include "aws/endpoints.h"

#include <strings.h>

#include <array>

#include "aws/region.h"
#include "aws/uri.h"

namespace drf {
namespace {

struct Partition {
  std::string_view name;
  std::string_view dns_suffix;
  std::string_view dualstack_dns_suffix;
  std::string_view global_signing_region;  // where global services (Route 53) sign
  // Route 53 hosts, indexed [fips][dualstack] (botocore's route53 endpoint ruleset).
  std::array<std::array<std::string_view, 2>, 2> route53;
  // IAM's host, indexed [fips], and the region it signs for (botocore's iam ruleset).
  std::array<std::string_view, 2> iam;
  std::string_view iam_signing_region;
};

constexpr Partition kAws{"aws",
                         "amazonaws.com",
                         "api.aws",
                         "us-east-1",
                         {{{"route53.amazonaws.com", "route53.global.api.aws"},
                           {"route53-fips.amazonaws.com", "route53-fips.global.api.aws"}}},
                         {"iam.amazonaws.com", "iam-fips.amazonaws.com"},
                         "us-east-1"};
constexpr Partition kAwsCn{
    "aws-cn",
    "amazonaws.com.cn",
    "api.amazonwebservices.com.cn",
    "cn-northwest-1",
    {{{"route53.amazonaws.com.cn", "route53.global.api.amazonwebservices.com.cn"},
      {"route53-fips.amazonaws.com.cn", "route53-fips.api.amazonwebservices.com.cn"}}},
    {"iam.cn-north-1.amazonaws.com.cn", "iam.cn-north-1.amazonaws.com.cn"},
    "cn-north-1"};
// GovCloud endpoints are FIPS endpoints already: most services have no -fips host there.
constexpr Partition kAwsUsGov{"aws-us-gov",
                              "amazonaws.com",
                              "api.aws",
                              "us-gov-west-1",
                              {{{"route53.us-gov.amazonaws.com", "route53.us-gov.api.aws"},
                                {"route53.us-gov.amazonaws.com", "route53.us-gov.api.aws"}}},
                              {"iam.us-gov.amazonaws.com", "iam.us-gov.amazonaws.com"},
                              "us-gov-west-1"};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

Result<const Partition*> PartitionOf(const std::string& region) {
  if (StartsWith(region, "cn-")) return &kAwsCn;
  if (StartsWith(region, "us-gov-")) return &kAwsUsGov;
  for (std::string_view other : {"us-iso-", "us-isob-", "us-isof-", "eu-isoe-", "eusc-"}) {
    if (StartsWith(region, other)) {
      return Status::InvalidArgument("region " + region +
                                     " is in a partition drfailover has no hostnames for; set "
                                     "AWS_ENDPOINT_URL_<SERVICE> or --endpoint-url");
    }
  }
  return &kAws;  // botocore also treats unknown region names as aws
}

Status CheckRegion(const std::string& region) {
  if (region.empty()) {
    return Status::InvalidArgument("no AWS region configured: set AWS_REGION or pass --region");
  }
  if (!IsValidRegionName(region)) {
    return Status::InvalidArgument("invalid AWS region '" + region +
                                   "' (check AWS_REGION or --region)");
  }
  return Status::Ok();
}

// Only ECS has a separate -fips hostname in GovCloud among the services we call.
bool HasGovCloudFipsHost(const ServiceInfo& service) { return service.endpoint_prefix == "ecs"; }

std::string RegionalHost(const ServiceInfo& service, const std::string& region,
                         const Partition& partition, EndpointVariant variant) {
  std::string host(service.endpoint_prefix);
  bool plain_fips = &partition == &kAwsUsGov && !variant.dualstack;
  if (variant.fips && !(plain_fips && !HasGovCloudFipsHost(service))) host += "-fips";
  host += "." + region + ".";
  host += variant.dualstack ? partition.dualstack_dns_suffix : partition.dns_suffix;
  return host;
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

bool IsValidHost(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {  // IPv6 literal
    if (host.back() != ']' || host.size() < 4) return false;
    return host.substr(1, host.size() - 2).find_first_not_of("0123456789abcdefABCDEF:.") ==
           std::string_view::npos;
  }
  for (char c : host) {
    if (!IsHostChar(c)) return false;
  }
  return true;
}

bool IsValidPort(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  int value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value >= 1 && value <= 65535;
}

// Splits "host[:port]" (host may be a bracketed IPv6 literal).
bool IsValidAuthority(std::string_view authority) {
  size_t colon = authority.rfind(':');
  size_t bracket = authority.rfind(']');
  bool has_port =
      colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
  if (!has_port) return IsValidHost(authority);
  return IsValidHost(authority.substr(0, colon)) && IsValidPort(authority.substr(colon + 1));
}

// S3's own host names: "s3-fips" in every partition (GovCloud included), and dual-stack
// as an extra ".dualstack" label under the usual suffix rather than api.aws.
std::string S3Host(const std::string& region, const Partition& partition, EndpointVariant variant) {
  std::string host = variant.fips ? "s3-fips" : "s3";
  if (variant.dualstack) host += ".dualstack";
  return host + "." + region + "." + std::string(partition.dns_suffix);
}

// botocore's ensure_boolean: only "true" (any case) is true.
bool IsTrue(const std::string& value) { return strcasecmp(value.c_str(), "true") == 0; }

}  // namespace

Result<Endpoint> DefaultEndpoint(const ServiceInfo& service, const std::string& region,
                                 EndpointVariant variant) {
  DRF_RETURN_IF_ERROR(CheckRegion(region));
  DRF_ASSIGN_OR_RETURN(const Partition* partition, PartitionOf(region));
  if (service.global && service.endpoint_prefix == "iam") {
    return Endpoint{"https://" + std::string(partition->iam[variant.fips]),
                    std::string(partition->iam_signing_region), "default"};
  }
  if (service.global) {
    if (service.endpoint_prefix != "route53") {
      return Status::Internal("no global endpoint known for " + std::string(service.id));
    }
    std::string_view host = partition->route53[variant.fips][variant.dualstack];
    return Endpoint{"https://" + std::string(host), std::string(partition->global_signing_region),
                    "default"};
  }
  if (service.protocol == Protocol::kRestS3) {
    return Endpoint{"https://" + S3Host(region, *partition, variant), region, "default"};
  }
  return Endpoint{"https://" + RegionalHost(service, region, *partition, variant), region,
                  "default"};
}

bool IsVirtualHostableS3Bucket(std::string_view bucket) {
  // No dots, so never an IPv4 address either.
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (char c : bucket) {
    if (!alnum(c) && c != '-') return false;
  }
  return alnum(bucket.front()) && alnum(bucket.back());
}

std::string S3BucketUrl(const Endpoint& endpoint, std::string_view bucket) {
  constexpr std::string_view kHttps = "https://";
  if (endpoint.source == "default" && IsVirtualHostableS3Bucket(bucket) &&
      StartsWith(endpoint.url, kHttps)) {
    return std::string(kHttps) + std::string(bucket) + "." + endpoint.url.substr(kHttps.size());
  }
  return endpoint.url + "/" + UriEncode(bucket);
}

Result<std::string> NormalizeEndpointUrl(std::string_view url, std::string_view source) {
  std::string_view rest = url;
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  size_t scheme_end = rest.find("://");
  std::string_view scheme = rest.substr(0, scheme_end);
  bool ok = scheme_end != std::string_view::npos && (scheme == "http" || scheme == "https") &&
            IsValidAuthority(rest.substr(scheme_end + 3));
  if (ok) return std::string(rest);
  // A URL with user info may carry a password: do not echo it.
  std::string shown =
      url.find('@') == std::string_view::npos ? "'" + std::string(url) + "'" : "(not shown)";
  return Status::InvalidArgument(std::string(source) + ": invalid endpoint URL " + shown +
                                 ": expected http(s)://host[:port]");
}

ConfiguredEndpointResolver::ConfiguredEndpointResolver(const Environment& env,
                                                       const SharedConfig& config,
                                                       std::string profile,
                                                       std::optional<std::string> cli_endpoint_url)
    : env_(env),
      profile_(std::move(profile)),
      profile_settings_(config.MergedProfile(profile_)),
      cli_endpoint_url_(std::move(cli_endpoint_url)) {
  if (auto services = profile_settings_.Get("services")) {
    services_name_ = *services;
    if (const ConfigSection* section = config.Services(services_name_)) services_ = *section;
  }
}

std::optional<std::string> ConfiguredEndpointResolver::ProfileSetting(std::string_view key) const {
  auto value = profile_settings_.Get(key);
  if (value && value->empty()) return std::nullopt;
  return value;
}

bool ConfiguredEndpointResolver::Flag(std::string_view env_var,
                                      std::string_view profile_key) const {
  if (auto value = env_.GetNonEmpty(env_var)) return IsTrue(*value);
  if (auto value = ProfileSetting(profile_key)) return IsTrue(*value);
  return false;
}

std::optional<std::string> ConfiguredEndpointResolver::FindOverride(const ServiceInfo& service,
                                                                    std::string* source) const {
  if (cli_endpoint_url_ && !cli_endpoint_url_->empty()) {
    *source = "--endpoint-url";
    return cli_endpoint_url_;
  }
  if (Flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ignore_configured_endpoint_urls")) {
    return std::nullopt;
  }
  std::string service_var = "AWS_ENDPOINT_URL_" + std::string(service.env_id);
  for (const std::string& var : {service_var, std::string("AWS_ENDPOINT_URL")}) {
    if (auto url = env_.GetNonEmpty(var)) {
      *source = var;
      return url;
    }
  }
  auto block = services_.nested.find(std::string(service.config_key));
  if (block != services_.nested.end()) {
    auto url = block->second.find("endpoint_url");
    if (url != block->second.end() && !url->second.empty()) {
      *source = "config services." + services_name_ + " " + std::string(service.config_key);
      return url->second;
    }
  }
  if (auto url = ProfileSetting("endpoint_url")) {
    *source = "profile " + profile_ + " endpoint_url";
    return url;
  }
  return std::nullopt;
}

Result<Endpoint> ConfiguredEndpointResolver::Resolve(const ServiceInfo& service,
                                                     const std::string& region) const {
  EndpointVariant variant{
      .fips = Flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"),
      .dualstack = Flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint"),
  };
  std::string source;
  std::optional<std::string> override_url = FindOverride(service, &source);
  DRF_RETURN_IF_ERROR(CheckRegion(region));
  Result<Endpoint> endpoint = DefaultEndpoint(service, region, variant);
  if (!override_url) return endpoint;
  DRF_ASSIGN_OR_RETURN(std::string url, NormalizeEndpointUrl(*override_url, source));
  // An override keeps the signing region; for a partition we have no table for, the
  // client region is the best we know.
  std::string signing_region = endpoint.ok() ? endpoint->signing_region : region;
  return Endpoint{std::move(url), std::move(signing_region), std::move(source)};
}

}  // namespace drf
