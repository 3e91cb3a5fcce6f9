// AwsSession: everything needed to call AWS for one run, wired from the environment, the
// shared config files and the command line: region, endpoints, credentials, HTTP, retries,
// the AwsClient and the typed service clients. Both the CLI and the Lambda build one.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "aws/aws_client.h"
#include "aws/endpoints.h"
#include "aws/region.h"
#include "aws/shared_config.h"
#include "core/environment.h"
#include "report/api_call_counter.h"
#include "services/autoscaling_client.h"
#include "services/cloudwatch_client.h"
#include "services/dynamodb_client.h"
#include "services/ec2_client.h"
#include "services/ecs_client.h"
#include "services/elbv2_client.h"
#include "services/iam_client.h"
#include "services/lambda_client.h"
#include "services/rds_client.h"
#include "services/route53_client.h"
#include "services/shared_reads.h"
#include "services/sns_client.h"
#include "services/sts_client.h"

namespace drf {

struct AwsSessionOptions {
  std::optional<std::string> region;        // --region; beats AWS_REGION
  std::optional<std::string> profile;       // --profile; beats AWS_PROFILE
  std::optional<std::string> endpoint_url;  // --endpoint-url; beats every configured one
  // "standard" or "adaptive" (--retry-mode, else the plan's retry_mode); beats
  // AWS_RETRY_MODE and the profile's retry_mode.
  std::optional<std::string> retry_mode;
  // No AWS call outlives this (Clock::Monotonic time; the Lambda's hard stop): each request
  // gets at most the time left, and none is sent after it.
  std::optional<MonoTime> calls_end;
};

class AwsSession {
 public:
  // InvalidArgument for a bad region, profile file, endpoint or retry setting (the message
  // names the variable or flag). `http` and `clock` must outlive the session; `cancel`
  // (optional) stops retry backoff. API calls are counted into `counter` (optional).
  static Result<std::unique_ptr<AwsSession>> Create(const Environment& env, HttpClient& http,
                                                    Clock& clock, const AwsSessionOptions& options,
                                                    ApiCallCounter* counter = nullptr,
                                                    const CancelToken* cancel = nullptr);
  ~AwsSession();

  const RegionChoice& region() const { return region_; }
  const std::string& profile() const { return config_.profile(); }
  const EndpointResolver& endpoints() const { return *endpoints_; }
  CredentialsProvider& credentials() { return *credentials_; }

  AwsClient& client() { return *client_; }
  RdsClient& rds() { return rds_; }
  AutoScalingClient& autoscaling() { return autoscaling_; }
  EcsClient& ecs() { return ecs_; }
  Elbv2Client& elbv2() { return elbv2_; }
  Ec2Client& ec2() { return ec2_; }
  StsClient& sts() { return sts_; }
  CloudWatchClient& cloudwatch() { return cloudwatch_; }
  IamClient& iam() { return iam_; }
  SnsClient& sns() { return sns_; }
  DynamoDbClient& dynamodb() { return dynamodb_; }
  Route53Client& route53() { return route53_; }
  LambdaClient& lambda() { return lambda_; }
  // The one-resource reads steps share (Auto Scaling groups, ECS services, target groups).
  SharedReads& reads() { return reads_; }

 private:
  class CounterObserver;
  AwsSession(SharedConfig config, RegionChoice region,
             std::unique_ptr<ConfiguredEndpointResolver> endpoints,
             std::unique_ptr<CredentialsProvider> credentials,
             std::unique_ptr<CounterObserver> observer, AwsClientOptions client_options,
             Clock& clock);

  SharedConfig config_;
  RegionChoice region_;
  std::unique_ptr<ConfiguredEndpointResolver> endpoints_;
  std::unique_ptr<CredentialsProvider> credentials_;
  std::unique_ptr<CounterObserver> observer_;
  std::unique_ptr<AwsClient> client_;
  RdsClient rds_;
  AutoScalingClient autoscaling_;
  EcsClient ecs_;
  Elbv2Client elbv2_;
  Ec2Client ec2_;
  StsClient sts_;
  CloudWatchClient cloudwatch_;
  IamClient iam_;
  SnsClient sns_;
  DynamoDbClient dynamodb_;
  Route53Client route53_;
  LambdaClient lambda_;
  SharedReads reads_;
};

}  // namespace drf
