// OtherRegions: AWS sessions for regions other than the run's, made on first use with the
// run's configuration (credentials, endpoints, retries, call counting). Failback's
// reprotect_db creates a replica in the former primary's region through it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "app/aws_session.h"
#include "app/effects.h"

namespace drf {

class OtherRegions {
 public:
  // `effects`, `counter` and `cancel` must outlive this; `options` is the run's own.
  OtherRegions(const Effects& effects, AwsSessionOptions options, ApiCallCounter* counter,
               const CancelToken* cancel);

  // The RDS client of `region`; thread-safe. InvalidArgument for a region that cannot be
  // set up (the message names it).
  Result<RdsClient*> Rds(const std::string& region);

 private:
  const Effects& effects_;
  AwsSessionOptions options_;
  ApiCallCounter* counter_;
  const CancelToken* cancel_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<AwsSession>> sessions_;  // guarded by mu_
};

}  // namespace drf
