// The fixed AWS identity every test client uses: AWS's example credentials, one region, one
// endpoint URL for every service, and AwsClientOptions built from them. Header-only and
// dependent on aws/ and core/ only, so fuzz targets (which link module sources, not
// src/testing) can use it too. For a client over FakeHttp, see testing/aws_harness.h.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "aws/aws_client.h"
#include "aws/credentials.h"
#include "aws/endpoint.h"

namespace drf {

inline constexpr char kTestRegion[] = "us-east-1";
// Where FixedEndpoint sends every service by default (path-style for S3: not "default").
inline constexpr char kTestEndpoint[] = "https://example.com";
// AWS's documented example key pair, which the SigV4 test suite and botocore vectors sign
// with, so tests can compare signatures with published ones.
inline constexpr char kTestAccessKeyId[] = "AKIDEXAMPLE";
inline constexpr char kTestSecretAccessKey[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

// The example key pair, with `session_token` when a test wants one signed.
inline Credentials TestCredentials(std::string session_token = "") {
  return Credentials{kTestAccessKeyId, kTestSecretAccessKey, std::move(session_token), std::nullopt,
                     "test"};
}

// Always the same credentials (TestCredentials() unless given others).
class FixedCredentials final : public CredentialsProvider {
 public:
  FixedCredentials() : credentials_(TestCredentials()) {}
  explicit FixedCredentials(Credentials credentials) : credentials_(std::move(credentials)) {}
  Result<Credentials> GetCredentials() override { return credentials_; }

 private:
  const Credentials credentials_;
};

// Every service at one URL (a fake's, or a local emulator's), signed for the region asked.
class FixedEndpoint final : public EndpointResolver {
 public:
  explicit FixedEndpoint(std::string url = kTestEndpoint) : url_(std::move(url)) {}
  Result<Endpoint> Resolve(const ServiceInfo&, const std::string& region) const override {
    return Endpoint{url_, region, "test"};
  }

 private:
  const std::string url_;
};

enum class TestRetries {
  kOneAttempt,  // canned replies map one to one onto calls; no jitter
  kStandard,    // production defaults (RetryOptions, a seeded random jitter)
};

// Options for a client in kTestRegion over these (not owned; they must outlive it).
inline AwsClientOptions TestAwsOptions(HttpClient& http, Clock& clock,
                                       CredentialsProvider& credentials,
                                       const EndpointResolver& endpoints,
                                       TestRetries retries = TestRetries::kOneAttempt) {
  AwsClientOptions options;
  options.region = kTestRegion;
  options.http = &http;
  options.clock = &clock;
  options.credentials = &credentials;
  options.endpoints = &endpoints;
  if (retries == TestRetries::kOneAttempt) {
    options.retry.max_attempts = 1;
    options.random = [] { return 0.0; };
  }
  return options;
}

}  // namespace drf
