// Effects: the outside world a verb (run, plan, whoami, the Lambda handler) acts through —
// the process environment, HTTP to AWS, the clock and local programs. main() and lambda_main()
// bundle the real ones; tests pass fakes. What is made per verb or per run (the logger, configured
// from the verb's options; the cancellation token, one per run) is passed beside it.
#pragma once

#include "core/clock.h"
#include "core/command.h"
#include "core/environment.h"
#include "core/http.h"

namespace drf {

// Not owned: each must outlive whatever it is passed to.
struct Effects {
  const Environment& env;  // configuration and credentials
  HttpClient& http;        // AWS calls (the Lambda Runtime API has a client of its own)
  Clock& clock;
  CommandRunner* commands;  // a plan's run_command hooks; null in the Lambda function
};

}  // namespace drf
