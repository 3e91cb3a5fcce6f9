// Where a service's requests go and how they are signed.
#pragma once

#include <string>

#include "aws/service.h"
#include "core/result.h"

namespace drf {

struct Endpoint {
  std::string url;             // scheme://host[:port], no trailing slash, no path
  std::string signing_region;  // usually the client region; us-east-1 for global Route 53
  std::string source;          // "default", "AWS_ENDPOINT_URL_ECS", "profile dev", ...
};

class EndpointResolver {
 public:
  virtual ~EndpointResolver() = default;
  // The endpoint for `service` in `region`. Thread-safe.
  virtual Result<Endpoint> Resolve(const ServiceInfo& service, const std::string& region) const = 0;
};

}  // namespace drf
