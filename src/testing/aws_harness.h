// AwsHarness: a real AwsClient over FakeHttp (or any HttpClient) and a FakeClock, with the
// fixed test identity of testing/aws_test_options.h and one attempt per call, so canned
// replies map one to one onto calls. Header-only.
#pragma once

#include <string>
#include <utility>

#include "aws/aws_client.h"
#include "testing/aws_test_options.h"
#include "testing/fake_clock.h"
#include "testing/fake_http.h"

namespace drf {

struct AwsHarness {
  // `http_client` defaults to `http`; `url` is where every service is (an emulator's).
  explicit AwsHarness(HttpClient* http_client = nullptr, std::string url = kTestEndpoint)
      : endpoints(std::move(url)), aws(Options(http_client ? http_client : &http)) {}

  // The options `aws` was built with, over `http_client`: for a second client that differs
  // in one setting.
  AwsClientOptions Options(HttpClient* http_client) {
    return TestAwsOptions(*http_client, clock, credentials, endpoints);
  }

  FakeHttp http;
  FakeClock clock;
  FixedCredentials credentials;
  FixedEndpoint endpoints;
  AwsClient aws;
};

}  // namespace drf
