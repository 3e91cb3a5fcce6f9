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

class Ec2Client {
 public:
  explicit Ec2Client(AwsClient& aws) : aws_(aws) {}

  // The given instances, flattened out of their reservations. Empty `ids`: every instance,
  // following NextToken pages (AWS does not page when ids are given). An unknown id fails
  // the whole call with NotFound / InvalidInstanceID.NotFound.
  Result<std::vector<Ec2Instance>> DescribeInstances(const std::vector<std::string>& ids);

 private:
  AwsClient& aws_;
};

}  // namespace drf
