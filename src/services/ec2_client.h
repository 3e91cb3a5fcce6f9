// Ec2Client: instance lookups (EC2 protocol, 2016-11-15). Thread-safe as far as AwsClient is.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "core/result.h"

namespace drf {

struct Ec2Instance {
  std::string id;
  std::string state;       // instanceState/name: pending, running, stopping, ...
  std::string private_ip;  // empty when the instance has none (e.g. terminated)
  std::string availability_zone;
  std::map<std::string, std::string> tags;
};

struct LaunchTemplate {
  std::string id;    // launchTemplateId
  std::string name;  // launchTemplateName
  long long latest_version = 0;
  long long default_version = 0;
};

struct Subnet {
  std::string id;
  std::string state;  // pending, available, unavailable
  std::string availability_zone;
  std::string vpc_id;
};

struct AvailabilityZone {
  std::string name;   // us-east-1a
  std::string state;  // available, information, impaired, unavailable, constrained
};

class Ec2Client {
 public:
  explicit Ec2Client(AwsClient& aws) : aws_(aws) {}

  // The given instances, flattened out of their reservations. Empty `ids`: every instance,
  // following NextToken pages (AWS does not page when ids are given). An unknown id fails
  // the whole call with NotFound / InvalidInstanceID.NotFound.
  Result<std::vector<Ec2Instance>> DescribeInstances(const std::vector<std::string>& ids);

  // For `check` only (read-only). One launch template by id (when `id` is set) or name.
  // Unknown: NotFound (InvalidLaunchTemplateId.NotFound / InvalidLaunchTemplateName.
  // NotFoundException).
  Result<LaunchTemplate> DescribeLaunchTemplate(const std::string& id, const std::string& name);
  // The given subnets; an unknown id fails the call (InvalidSubnetID.NotFound).
  Result<std::vector<Subnet>> DescribeSubnets(const std::vector<std::string>& ids);
  // The region's Availability Zones, whatever their state.
  Result<std::vector<AvailabilityZone>> DescribeAvailabilityZones();

 private:
  AwsClient& aws_;
};

}  // namespace drf
