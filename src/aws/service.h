// Static facts about each AWS service drfailover calls (from botocore's service models,
// botocore/data/<service>/<version>/service-2.json).
#pragma once

#include <string_view>

namespace drf {

// kJson10 and kJson11 differ only in the Content-Type they send. kRestJson (Lambda) is
// called with CallRestRaw: its bodies are the caller's.
enum class Protocol { kQuery, kEc2, kJson10, kJson11, kRestXml, kRestS3, kRestJson };

struct ServiceInfo {
  std::string_view id;               // serviceId: "RDS", "Auto Scaling", "ECS", ...
  std::string_view env_id;           // for AWS_ENDPOINT_URL_<env_id>: "AUTO_SCALING", ...
  std::string_view config_key;       // `services` section key in ~/.aws/config: "auto_scaling"
  std::string_view endpoint_prefix;  // hostname prefix: "autoscaling"
  std::string_view signing_name;     // SigV4 service name: "autoscaling"
  Protocol protocol;
  std::string_view api_version;         // query/ec2 Version, rest path prefix
  std::string_view json_target_prefix;  // JSON X-Amz-Target prefix; empty otherwise
  bool global = false;                  // one endpoint for the partition (Route 53, IAM)
};

namespace services {
inline constexpr ServiceInfo kRds{"RDS",        "RDS", "rds", "rds", "rds", Protocol::kQuery,
                                  "2014-10-31", ""};
inline constexpr ServiceInfo kAutoScaling{
    "Auto Scaling", "AUTO_SCALING",   "auto_scaling", "autoscaling",
    "autoscaling",  Protocol::kQuery, "2011-01-01",   ""};
inline constexpr ServiceInfo kElbv2{"Elastic Load Balancing v2",
                                    "ELASTIC_LOAD_BALANCING_V2",
                                    "elastic_load_balancing_v2",
                                    "elasticloadbalancing",
                                    "elasticloadbalancing",
                                    Protocol::kQuery,
                                    "2015-12-01",
                                    ""};
inline constexpr ServiceInfo kEc2{"EC2", "EC2",          "ec2",        "ec2",
                                  "ec2", Protocol::kEc2, "2016-11-15", ""};
inline constexpr ServiceInfo kEcs{"ECS",        "ECS",
                                  "ecs",        "ecs",
                                  "ecs",        Protocol::kJson11,
                                  "2014-11-13", "AmazonEC2ContainerServiceV20141113"};
inline constexpr ServiceInfo kRoute53{"Route 53",   "ROUTE_53", "route_53",
                                      "route53",    "route53",  Protocol::kRestXml,
                                      "2013-04-01", "",         true};
inline constexpr ServiceInfo kSns{"SNS",        "SNS", "sns", "sns", "sns", Protocol::kQuery,
                                  "2010-03-31", ""};
inline constexpr ServiceInfo kSts{"STS",        "STS", "sts", "sts", "sts", Protocol::kQuery,
                                  "2011-06-15", ""};
inline constexpr ServiceInfo kCloudWatch{"CloudWatch", "CLOUDWATCH",     "cloudwatch", "monitoring",
                                         "monitoring", Protocol::kQuery, "2010-08-01", ""};
inline constexpr ServiceInfo kIam{"IAM",        "IAM", "iam", "iam", "iam", Protocol::kQuery,
                                  "2010-05-08", "",    true};
inline constexpr ServiceInfo kDynamoDb{"DynamoDB",   "DYNAMODB",         "dynamodb",
                                       "dynamodb",   "dynamodb",         Protocol::kJson10,
                                       "2012-08-10", "DynamoDB_20120810"};
inline constexpr ServiceInfo kLambda{
    "Lambda", "LAMBDA", "lambda", "lambda", "lambda", Protocol::kRestJson, "2015-03-31", ""};
inline constexpr ServiceInfo kS3{"S3", "S3", "s3", "s3", "s3", Protocol::kRestS3, "2006-03-01", ""};
}  // namespace services

}  // namespace drf
