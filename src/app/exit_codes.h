// Process exit codes of drfailover (documented in the README).
#pragma once

namespace drf {

enum class ExitCode : int {
  kSucceeded = 0,          // every step succeeded or was already done
  kFailed = 1,             // the run failed or was partial (see the report)
  kInvalidConfig = 2,      // invalid configuration, plan file or command line; nothing was done
  kDeadline = 3,           // the run's deadline was reached before it finished
  kReadyWithWarnings = 4,  // check: a failover would work, with warnings (see the result)
  // run: nothing was done: another run holds the lease, or the last failover is within
  // the cooldown (--force overrides the cooldown)
  kRefused = 5,
  kInterrupted = 130,  // SIGINT/SIGTERM: stopped starting actions and waiting
};

}  // namespace drf
