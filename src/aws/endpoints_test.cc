#include "aws/endpoints.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "testing/fake_environment.h"

namespace drf {
namespace {

using ::testing::HasSubstr;

std::string Url(const ServiceInfo& service, const std::string& region, bool fips = false,
                bool dualstack = false) {
  auto endpoint = DefaultEndpoint(service, region, {fips, dualstack});
  return endpoint.ok() ? endpoint->url : endpoint.status().ToString();
}

TEST(DefaultEndpointTest, RegionalHostnamesPerPartition) {
  EXPECT_EQ(Url(services::kRds, "eu-west-1"), "https://rds.eu-west-1.amazonaws.com");
  EXPECT_EQ(Url(services::kElbv2, "us-east-1"),
            "https://elasticloadbalancing.us-east-1.amazonaws.com");
  EXPECT_EQ(Url(services::kEcs, "cn-north-1"), "https://ecs.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(Url(services::kSts, "us-gov-west-1"), "https://sts.us-gov-west-1.amazonaws.com");
  // STS is regional by default, never the global sts.amazonaws.com.
  EXPECT_EQ(Url(services::kSts, "us-east-1"), "https://sts.us-east-1.amazonaws.com");
  auto endpoint = DefaultEndpoint(services::kAutoScaling, "ap-northeast-1", {});
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->signing_region, "ap-northeast-1");
  EXPECT_EQ(endpoint->source, "default");
}

TEST(DefaultEndpointTest, FipsAndDualStack) {
  EXPECT_EQ(Url(services::kRds, "us-east-1", true), "https://rds-fips.us-east-1.amazonaws.com");
  EXPECT_EQ(Url(services::kRds, "us-east-1", false, true), "https://rds.us-east-1.api.aws");
  EXPECT_EQ(Url(services::kRds, "us-east-1", true, true), "https://rds-fips.us-east-1.api.aws");
  EXPECT_EQ(Url(services::kSns, "cn-northwest-1", false, true),
            "https://sns.cn-northwest-1.api.amazonwebservices.com.cn");
  EXPECT_EQ(Url(services::kSns, "cn-northwest-1", true),
            "https://sns-fips.cn-northwest-1.amazonaws.com.cn");
  // GovCloud hosts are FIPS already; only ECS has its own -fips host there.
  EXPECT_EQ(Url(services::kRds, "us-gov-west-1", true), "https://rds.us-gov-west-1.amazonaws.com");
  EXPECT_EQ(Url(services::kEcs, "us-gov-east-1", true),
            "https://ecs-fips.us-gov-east-1.amazonaws.com");
  EXPECT_EQ(Url(services::kEc2, "us-gov-west-1", true, true),
            "https://ec2-fips.us-gov-west-1.api.aws");
}

// The hosts botocore's S3 ruleset gives (with us_east_1_regional_endpoint = regional).
TEST(DefaultEndpointTest, S3IsRegionalEverywhereWithItsOwnVariants) {
  EXPECT_EQ(Url(services::kS3, "us-east-1"), "https://s3.us-east-1.amazonaws.com");
  EXPECT_EQ(Url(services::kS3, "eu-west-1"), "https://s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(Url(services::kS3, "cn-north-1"), "https://s3.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(Url(services::kS3, "eu-west-1", true), "https://s3-fips.eu-west-1.amazonaws.com");
  EXPECT_EQ(Url(services::kS3, "eu-west-1", false, true),
            "https://s3.dualstack.eu-west-1.amazonaws.com");
  EXPECT_EQ(Url(services::kS3, "us-east-1", true, true),
            "https://s3-fips.dualstack.us-east-1.amazonaws.com");
  EXPECT_EQ(Url(services::kS3, "cn-north-1", false, true),
            "https://s3.dualstack.cn-north-1.amazonaws.com.cn");
  // S3 has -fips hosts in GovCloud, unlike most services.
  EXPECT_EQ(Url(services::kS3, "us-gov-west-1", true),
            "https://s3-fips.us-gov-west-1.amazonaws.com");
  auto endpoint = DefaultEndpoint(services::kS3, "us-east-1", {});
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->signing_region, "us-east-1");
}

TEST(S3BucketUrlTest, VirtualHostedOnlyForDnsLabelsOnTheDefaultEndpoint) {
  const Endpoint aws{"https://s3.eu-west-1.amazonaws.com", "eu-west-1", "default"};
  EXPECT_EQ(S3BucketUrl(aws, "my-bucket"), "https://my-bucket.s3.eu-west-1.amazonaws.com");
  // Dots would not match the *.s3 certificate; upper case and '_' are not DNS labels.
  EXPECT_EQ(S3BucketUrl(aws, "my.bucket"), "https://s3.eu-west-1.amazonaws.com/my.bucket");
  EXPECT_EQ(S3BucketUrl(aws, "My_Bucket"), "https://s3.eu-west-1.amazonaws.com/My_Bucket");
  // Overrides (moto, MinIO, proxies) get path style whatever the name.
  const Endpoint moto{"http://127.0.0.1:5000", "us-east-1", "AWS_ENDPOINT_URL"};
  EXPECT_EQ(S3BucketUrl(moto, "my-bucket"), "http://127.0.0.1:5000/my-bucket");
  const Endpoint minio{"https://minio.internal:9000", "us-east-1", "--endpoint-url"};
  EXPECT_EQ(S3BucketUrl(minio, "a b"), "https://minio.internal:9000/a%20b");
}

TEST(S3BucketUrlTest, VirtualHostableBucketNames) {
  for (const char* name : {"abc", "my-bucket", "a--b", "123", "0-a"}) {
    EXPECT_TRUE(IsVirtualHostableS3Bucket(name)) << name;
  }
  EXPECT_TRUE(IsVirtualHostableS3Bucket(std::string(63, 'a')));
  EXPECT_FALSE(IsVirtualHostableS3Bucket(std::string(64, 'a')));
  for (const char* name :
       {"", "ab", "-abc", "abc-", "Abc", "a_b", "a.b.c", "192.168.1.1", "a b", "a/b"}) {
    EXPECT_FALSE(IsVirtualHostableS3Bucket(name)) << name;
  }
}

TEST(DefaultEndpointTest, Route53IsGlobalWithAPartitionSigningRegion) {
  struct Case {
    std::string region;
    bool fips, dualstack;
    std::string url, signing_region;
  };
  const Case cases[] = {
      {"eu-west-1", false, false, "https://route53.amazonaws.com", "us-east-1"},
      {"eu-west-1", true, false, "https://route53-fips.amazonaws.com", "us-east-1"},
      {"eu-west-1", false, true, "https://route53.global.api.aws", "us-east-1"},
      {"cn-north-1", false, false, "https://route53.amazonaws.com.cn", "cn-northwest-1"},
      {"us-gov-east-1", false, false, "https://route53.us-gov.amazonaws.com", "us-gov-west-1"},
      {"us-gov-east-1", true, false, "https://route53.us-gov.amazonaws.com", "us-gov-west-1"},
  };
  for (const Case& c : cases) {
    auto endpoint = DefaultEndpoint(services::kRoute53, c.region, {c.fips, c.dualstack});
    ASSERT_TRUE(endpoint.ok()) << c.region;
    EXPECT_EQ(endpoint->url, c.url) << c.region << c.fips << c.dualstack;
    EXPECT_EQ(endpoint->signing_region, c.signing_region) << c.region;
  }
}

TEST(DefaultEndpointTest, IamIsGlobalWithAPartitionSigningRegion) {
  struct Case {
    std::string region;
    bool fips;
    std::string url, signing_region;
  };
  const Case cases[] = {
      {"eu-west-1", false, "https://iam.amazonaws.com", "us-east-1"},
      {"us-east-1", true, "https://iam-fips.amazonaws.com", "us-east-1"},
      {"cn-northwest-1", false, "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"},
      {"us-gov-east-1", false, "https://iam.us-gov.amazonaws.com", "us-gov-west-1"},
  };
  for (const Case& c : cases) {
    auto endpoint = DefaultEndpoint(services::kIam, c.region, {c.fips, false});
    ASSERT_TRUE(endpoint.ok()) << c.region;
    EXPECT_EQ(endpoint->url, c.url) << c.region << c.fips;
    EXPECT_EQ(endpoint->signing_region, c.signing_region) << c.region;
  }
}

TEST(DefaultEndpointTest, BadOrUnsupportedRegions) {
  auto missing = DefaultEndpoint(services::kRds, "", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr("AWS_REGION"));
  EXPECT_THAT(missing.status().message(), HasSubstr("--region"));
  EXPECT_FALSE(DefaultEndpoint(services::kRds, "us-east-1/../x", {}).ok());
  auto iso = DefaultEndpoint(services::kRds, "us-iso-east-1", {});
  ASSERT_FALSE(iso.ok());
  EXPECT_THAT(iso.status().message(), HasSubstr("--endpoint-url"));
}

TEST(NormalizeEndpointUrlTest, AcceptsHostAndPortOnly) {
  EXPECT_EQ(*NormalizeEndpointUrl("http://127.0.0.1:5000/", "X"), "http://127.0.0.1:5000");
  EXPECT_EQ(*NormalizeEndpointUrl("https://vpce-1.rds.eu-west-1.vpce.amazonaws.com", "X"),
            "https://vpce-1.rds.eu-west-1.vpce.amazonaws.com");
  EXPECT_EQ(*NormalizeEndpointUrl("http://[::1]:4566", "X"), "http://[::1]:4566");
  for (const char* bad :
       {"127.0.0.1:5000", "ftp://host", "http://", "http://host/path", "http://host:0",
        "http://host:99999", "http://host?x=1", "http://a b", "http://host:port"}) {
    auto url = NormalizeEndpointUrl(bad, "AWS_ENDPOINT_URL_RDS");
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(url.status().message(), HasSubstr("AWS_ENDPOINT_URL_RDS")) << bad;
  }
  auto with_password = NormalizeEndpointUrl("http://user:hunter2@host", "X");
  ASSERT_FALSE(with_password.ok());
  EXPECT_THAT(with_password.status().message(), ::testing::Not(HasSubstr("hunter2")));
}

constexpr char kEndpointsConfig[] = R"([default]
services = local
endpoint_url = http://profile-default:1

[profile plain]
region = eu-west-1

[profile flags]
use_fips_endpoint = true
use_dualstack_endpoint = true

[profile ignoring]
ignore_configured_endpoint_urls = true
endpoint_url = http://profile-ignoring:1

[services local]
ecs =
  endpoint_url = http://services-ecs:2/
route_53 =
  endpoint_url = http://services-route53:3
)";

class ResolverTest : public ::testing::Test {
 protected:
  ResolverTest() : config_(*SharedConfig::FromText(kEndpointsConfig, "")) {}

  Result<Endpoint> Resolve(const ServiceInfo& service, const std::string& profile = "default",
                           std::optional<std::string> cli = std::nullopt,
                           const std::string& region = "eu-west-1") {
    ConfiguredEndpointResolver resolver(env_, config_, profile, std::move(cli));
    return resolver.Resolve(service, region);
  }

  FakeEnvironment env_;
  SharedConfig config_;
};

TEST_F(ResolverTest, PrecedenceOfOverrides) {
  // Nothing in the environment: the services block, then the profile's endpoint_url.
  auto services = Resolve(services::kEcs);
  ASSERT_TRUE(services.ok());
  EXPECT_EQ(services->url, "http://services-ecs:2");
  EXPECT_EQ(services->source, "config services.local ecs");
  auto profile = Resolve(services::kRds);
  EXPECT_EQ(profile->url, "http://profile-default:1");
  EXPECT_EQ(profile->source, "profile default endpoint_url");

  env_.Set("AWS_ENDPOINT_URL", "http://global-env:4");
  EXPECT_EQ(Resolve(services::kEcs)->source, "AWS_ENDPOINT_URL");
  env_.Set("AWS_ENDPOINT_URL_ECS", "http://ecs-env:5");
  auto service_env = Resolve(services::kEcs);
  EXPECT_EQ(service_env->url, "http://ecs-env:5");
  EXPECT_EQ(service_env->source, "AWS_ENDPOINT_URL_ECS");
  EXPECT_EQ(Resolve(services::kRds)->source, "AWS_ENDPOINT_URL");  // other services

  auto cli = Resolve(services::kEcs, "default", "http://cli:6");
  EXPECT_EQ(cli->url, "http://cli:6");
  EXPECT_EQ(cli->source, "--endpoint-url");
}

TEST_F(ResolverTest, S3OverrideFromItsOwnVariable) {
  env_.Set("AWS_ENDPOINT_URL_S3", "http://localhost:4566/");
  auto endpoint = Resolve(services::kS3, "plain");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
  EXPECT_EQ(endpoint->url, "http://localhost:4566");
  EXPECT_EQ(endpoint->source, "AWS_ENDPOINT_URL_S3");
  EXPECT_EQ(endpoint->signing_region, "eu-west-1");
  EXPECT_EQ(S3BucketUrl(*endpoint, "my-bucket"), "http://localhost:4566/my-bucket");
}

TEST_F(ResolverTest, ServiceEnvIdUsesServiceIdNotPrefix) {
  env_.Set("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", "http://elb:1");
  env_.Set("AWS_ENDPOINT_URL_AUTO_SCALING", "http://asg:1");
  env_.Set("AWS_ENDPOINT_URL_DYNAMODB", "http://ddb:1");
  EXPECT_EQ(Resolve(services::kElbv2, "plain")->url, "http://elb:1");
  EXPECT_EQ(Resolve(services::kDynamoDb, "plain")->url, "http://ddb:1");
  EXPECT_EQ(Resolve(services::kAutoScaling, "plain")->url, "http://asg:1");
  EXPECT_EQ(Resolve(services::kEc2, "plain")->source, "default");
}

TEST_F(ResolverTest, IgnoreConfiguredEndpointsKeepsTheCliFlag) {
  env_.Set("AWS_ENDPOINT_URL_ECS", "http://ecs-env:5");
  env_.Set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
  auto ignored = Resolve(services::kEcs);
  EXPECT_EQ(ignored->url, "https://ecs.eu-west-1.amazonaws.com");
  EXPECT_EQ(ignored->source, "default");
  EXPECT_EQ(Resolve(services::kEcs, "default", "http://cli:6")->source, "--endpoint-url");

  env_.Unset("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  EXPECT_EQ(Resolve(services::kRds, "ignoring")->source, "default");  // the profile's switch
  env_.Set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false");           // env beats profile
  EXPECT_EQ(Resolve(services::kSns, "ignoring")->source, "profile ignoring endpoint_url");
}

TEST_F(ResolverTest, OverridesKeepTheSigningRegion) {
  auto route53 = Resolve(services::kRoute53);
  ASSERT_TRUE(route53.ok());
  EXPECT_EQ(route53->url, "http://services-route53:3");
  EXPECT_EQ(route53->signing_region, "us-east-1");  // Route 53's, not the client region's
  auto ecs = Resolve(services::kEcs, "default", std::nullopt, "ap-south-1");
  EXPECT_EQ(ecs->signing_region, "ap-south-1");
}

TEST_F(ResolverTest, MalformedOverrideNamesItsSource) {
  env_.Set("AWS_ENDPOINT_URL_STS", "localhost:5000");
  auto sts = Resolve(services::kSts);
  ASSERT_FALSE(sts.ok());
  EXPECT_EQ(sts.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(sts.status().message(), HasSubstr("AWS_ENDPOINT_URL_STS"));
}

TEST_F(ResolverTest, MissingRegionIsAnErrorEvenWithAnOverride) {
  auto endpoint = Resolve(services::kEcs, "default", "http://cli:6", "");
  ASSERT_FALSE(endpoint.ok());
  EXPECT_THAT(endpoint.status().message(), HasSubstr("AWS_REGION"));
}

TEST_F(ResolverTest, FipsAndDualStackFromEnvironmentOrProfile) {
  EXPECT_EQ(Resolve(services::kSts, "flags")->url, "https://sts-fips.eu-west-1.api.aws");
  env_.Set("AWS_USE_DUALSTACK_ENDPOINT", "false");  // explicit env beats the profile
  EXPECT_EQ(Resolve(services::kSts, "flags")->url, "https://sts-fips.eu-west-1.amazonaws.com");
  env_.Set("AWS_USE_FIPS_ENDPOINT", "TRUE");
  EXPECT_EQ(Resolve(services::kSts, "plain")->url, "https://sts-fips.eu-west-1.amazonaws.com");
}

// Cross-check against botocore's own endpoint rulesets (no network: the request is stopped
// before it is sent). Skipped when python3 with botocore is not available.
constexpr char kBotocoreScript[] = R"PY(
import os, botocore.session
from botocore.config import Config
for k in list(os.environ):
    if k.startswith("AWS_"): del os.environ[k]
os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent"
ops = {"rds": "describe_db_instances", "autoscaling": "describe_auto_scaling_groups",
       "elbv2": "describe_load_balancers", "ec2": "describe_regions", "ecs": "list_clusters",
       "route53": "list_hosted_zones", "sns": "list_topics", "sts": "get_caller_identity",
       "dynamodb": "list_tables"}
class Stop(Exception): pass
s = botocore.session.Session()
for svc, op in ops.items():
  for region in ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"]:
    for fips in (0, 1):
      for ds in (0, 1):
        c = s.create_client(svc, region_name=region, aws_access_key_id="a",
                            aws_secret_access_key="b",
                            config=Config(use_fips_endpoint=bool(fips),
                                          use_dualstack_endpoint=bool(ds),
                                          retries={"max_attempts": 0}))
        seen = {}
        def hook(request, **kw):
          seen["url"] = "/".join(request.url.split("/")[:3])
          seen["region"] = request.headers["Authorization"].decode().split("/")[2]
          raise Stop()
        c.meta.events.register("before-send", hook)
        try: getattr(c, op)()
        except Stop: pass
        print(svc, region, fips, ds, seen["url"], seen["region"])
)PY";

TEST(BotocoreCrossCheckTest, DefaultEndpointsMatchBotocore) {
  std::string command = "python3 -c '" + std::string(kBotocoreScript) + "' 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
  if (pclose(pipe) != 0 || output.empty())
    GTEST_FAIL() << "python3 with botocore not available (run scripts/setup.sh)";

  const std::map<std::string, const ServiceInfo*> by_name = {
      {"rds", &services::kRds},          {"autoscaling", &services::kAutoScaling},
      {"elbv2", &services::kElbv2},      {"ec2", &services::kEc2},
      {"ecs", &services::kEcs},          {"route53", &services::kRoute53},
      {"sns", &services::kSns},          {"sts", &services::kSts},
      {"dynamodb", &services::kDynamoDb}};
  std::istringstream lines(output);
  std::string svc, region, url, signing_region;
  int fips = 0, dualstack = 0, compared = 0;
  while (lines >> svc >> region >> fips >> dualstack >> url >> signing_region) {
    auto endpoint = DefaultEndpoint(*by_name.at(svc), region, {fips != 0, dualstack != 0});
    ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
    EXPECT_EQ(endpoint->url, url) << svc << " " << region << " fips=" << fips
                                  << " dualstack=" << dualstack;
    EXPECT_EQ(endpoint->signing_region, signing_region) << svc << " " << region;
    ++compared;
  }
  EXPECT_EQ(compared, 9 * 4 * 4);
}

}  // namespace
}  // namespace drf
