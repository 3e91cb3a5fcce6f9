// bootstrap: drfailover as a Lambda custom runtime (provided.al2023). Wires the real
// environment, clock and HTTP into ServeLambda (app/lambda_handler.h); all behaviour is
// there and tested with fakes.
#include <cstdio>
#include <cstdlib>

#include "app/lambda_handler.h"
#include "lambda/logging.h"
#include "lambda/runtime_client.h"
#include "posix/curl_http.h"
#include "posix/malloc_settings.h"
#include "posix/process_environment.h"
#include "posix/system_clock.h"

namespace {

// X-Ray's variable, read by anything that traces (aws-lambda-go sets it too). setenv is
// not thread-safe, but this runs between invocations: the executor's worker threads live
// only inside RunFailover, so the process is single-threaded here.
void SetTraceId(const drf::Invocation& invocation) {
  if (invocation.trace_id.empty()) {
    ::unsetenv("_X_AMZN_TRACE_ID");
  } else {
    ::setenv("_X_AMZN_TRACE_ID", invocation.trace_id.c_str(), 1);
  }
}

}  // namespace

int main(int /*argc*/, char** argv) {
  drf::RestartWithoutThreadCaches(argv);  // first: may restart the process
  drf::UseOneMallocArena();               // before any thread starts (each invocation's workers)
  drf::ProcessEnvironment env;
  drf::SystemClock clock;
  drf::Logger log(drf::LambdaLoggerOptions(env), clock);
  std::optional<std::string> api = env.GetNonEmpty(drf::kRuntimeApiVar);
  if (!api) {
    log.Error("AWS_LAMBDA_RUNTIME_API is not set: bootstrap runs only inside Lambda");
    return 1;
  }
  // Separate clients: AWS calls honour AWS_CA_BUNDLE; the Runtime API is plain local HTTP.
  drf::CurlHttpClient aws_http(drf::CurlHttpOptionsFromEnvironment(env));
  drf::CurlHttpClient runtime_http;
  drf::RuntimeClient runtime(drf::RuntimeClientOptions{*api}, runtime_http);
  int code = drf::ServeLambda(runtime, {env, aws_http, clock, nullptr}, log, {}, SetTraceId);
  std::fflush(stdout);
  return code;
}
