#include "app/aws_session.h"

#include "aws/credential_chain.h"
#include "aws/options_from_env.h"

namespace drf {

// Feeds every AWS attempt into the report's counter (report must not depend on aws), with
// the time for the adaptive send limit's history.
class AwsSession::CounterObserver final : public ApiCallObserver {
 public:
  CounterObserver(ApiCallCounter* counter, Clock& clock) : counter_(counter), clock_(clock) {}
  void OnAttempt(const ApiAttempt& a) override {
    if (counter_ == nullptr) return;
    counter_->Record(a.service, a.operation, a.http_status, a.error_code, a.will_retry, a.latency);
    counter_->RecordRetryMode(a.service, a.operation, a.retry_mode, a.throttled, a.send_rate_limit,
                              clock_.Now());
  }

 private:
  ApiCallCounter* counter_;
  Clock& clock_;
};

Result<std::unique_ptr<AwsSession>> AwsSession::Create(const Environment& env, HttpClient& http,
                                                       Clock& clock,
                                                       const AwsSessionOptions& options,
                                                       ApiCallCounter* counter,
                                                       const CancelToken* cancel) {
  DRF_ASSIGN_OR_RETURN(SharedConfig config, SharedConfig::Load(env, options.profile));
  // A named profile that does not exist must stop the run, as the AWS CLI does: acting
  // with whatever other credentials happen to be around would be worse than not acting.
  bool profile_named =
      options.profile || env.GetNonEmpty("AWS_PROFILE") || env.GetNonEmpty("AWS_DEFAULT_PROFILE");
  if (profile_named && !config.HasProfile(config.profile())) {
    return Status::InvalidArgument((options.profile ? "--profile" : "AWS_PROFILE") +
                                   std::string(": profile \"") + config.profile() +
                                   "\" not found in " + config.config_path() + " or " +
                                   config.credentials_path());
  }
  DRF_ASSIGN_OR_RETURN(RegionChoice region, ResolveRegion(env, config, options.region));
  DRF_ASSIGN_OR_RETURN(RetryOptions retry, RetryOptionsFromEnvironment(env, &config));
  if (options.retry_mode) {
    DRF_RETURN_IF_ERROR(SetRetryMode(*options.retry_mode, "retry mode", retry));
  }
  if (options.endpoint_url) {
    DRF_RETURN_IF_ERROR(NormalizeEndpointUrl(*options.endpoint_url, "--endpoint-url").status());
  }
  auto endpoints = std::make_unique<ConfiguredEndpointResolver>(env, config, config.profile(),
                                                                options.endpoint_url);
  // Fail on a malformed configured endpoint now, before any step starts: a bad
  // AWS_ENDPOINT_URL_ECS must not surface only after the other services were acted on.
  for (const ServiceInfo* service : {&services::kSts, &services::kRds, &services::kAutoScaling,
                                     &services::kEcs, &services::kElbv2, &services::kEc2,
                                     &services::kS3, &services::kRoute53, &services::kLambda}) {
    DRF_RETURN_IF_ERROR(endpoints->Resolve(*service, region.region).status());
  }
  auto credentials =
      MakeDefaultCredentialChain(env, http, clock, config, config.profile(), region.region);
  auto observer = std::make_unique<CounterObserver>(counter, clock);

  AwsClientOptions client_options;
  client_options.region = region.region;
  client_options.http = &http;
  client_options.clock = &clock;
  client_options.credentials = credentials.get();
  client_options.endpoints = endpoints.get();
  client_options.retry = retry;
  client_options.observer = observer.get();
  client_options.cancel = cancel;
  client_options.calls_end = options.calls_end;
  return std::unique_ptr<AwsSession>(new AwsSession(std::move(config), std::move(region),
                                                    std::move(endpoints), std::move(credentials),
                                                    std::move(observer), client_options, clock));
}

AwsSession::AwsSession(SharedConfig config, RegionChoice region,
                       std::unique_ptr<ConfiguredEndpointResolver> endpoints,
                       std::unique_ptr<CredentialsProvider> credentials,
                       std::unique_ptr<CounterObserver> observer, AwsClientOptions client_options,
                       Clock& clock)
    : config_(std::move(config)),
      region_(std::move(region)),
      endpoints_(std::move(endpoints)),
      credentials_(std::move(credentials)),
      observer_(std::move(observer)),
      client_(std::make_unique<AwsClient>(std::move(client_options))),
      rds_(*client_),
      autoscaling_(*client_),
      ecs_(*client_),
      elbv2_(*client_),
      ec2_(*client_),
      sts_(*client_),
      cloudwatch_(*client_),
      iam_(*client_),
      sns_(*client_),
      dynamodb_(*client_),
      route53_(*client_),
      lambda_(*client_),
      reads_(autoscaling_, ecs_, elbv2_, clock) {}

AwsSession::~AwsSession() = default;

}  // namespace drf
