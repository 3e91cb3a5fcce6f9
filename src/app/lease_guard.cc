#include "app/lease_guard.h"

namespace drf {

LeaseGuard::LeaseGuard(const RunLock& lock, std::string holder, DynamoDbClient& dynamodb,
                       Clock& clock, Logger& log)
    : lock_(lock),
      holder_(std::move(holder)),
      clock_(clock),
      log_(log),
      lease_(dynamodb, clock, lock.table, NewLeaseToken()) {}

LeaseGuard::~LeaseGuard() {
  if (renewer_) renewer_->Stop();
}

Result<std::unique_ptr<LeaseGuard>> LeaseGuard::Take(const RunLock& lock, const std::string& holder,
                                                     bool forced, DynamoDbClient& dynamodb,
                                                     Clock& clock, Logger& log) {
  std::unique_ptr<LeaseGuard> guard(new LeaseGuard(lock, holder, dynamodb, clock, log));
  Status acquired = guard->lease_.Acquire(holder, lock.ttl);
  if (acquired.code() == StatusCode::kFailedPrecondition) return acquired;
  if (!acquired.ok()) {
    Status failed = acquired.WithContext("taking the run lease in DynamoDB table " + lock.table);
    if (!forced) return Status::Rejected(failed.UserMessage() + "; --force runs without it");
    guard->note_ = failed.UserMessage();
    log.Warn("running without the lease (forced): " + guard->note_);
    return guard;
  }
  log.Info("lease taken in table " + lock.table + " for " + holder + " (renewed every " +
           std::to_string(lock.ttl.count() / 3) + " s)");
  // Under the lease, so two runs cannot both find the cooldown over.
  if (lock.cooldown.count() > 0) {
    Status cooled = guard->lease_.CheckCooldown(lock.cooldown, clock.Now());
    const bool within = cooled.code() == StatusCode::kFailedPrecondition;
    if (!cooled.ok() && !forced) {
      (void)guard->lease_.Release();
      if (within) return cooled;
      return Status::Rejected(cooled.UserMessage() + "; --force runs without it");
    }
    if (!cooled.ok()) {
      guard->cooldown_forced_ = true;
      log.Warn(within ? "starting within the cooldown (forced): " + cooled.message()
                      : "starting without the cooldown check (forced): " + cooled.UserMessage());
    }
  }
  guard->renewer_ = std::make_unique<LeaseRenewer>(guard->lease_, clock, &log);
  return guard;
}

nlohmann::json LeaseGuard::Finish(bool completed) {
  const bool held = note_.empty();
  nlohmann::json out = {{"table", lock_.table},
                        {"holder", holder_},
                        {"held", held},
                        {"note", held ? nlohmann::json(nullptr) : nlohmann::json(note_)},
                        {"cooldown_seconds", lock_.cooldown.count()},
                        {"cooldown_forced", cooldown_forced_},
                        {"renewals", 0},
                        {"lost", false},
                        {"released", false},
                        {"recorded", false}};
  if (!held) return out;
  renewer_->Stop();
  out["renewals"] = renewer_->renewals();
  out["lost"] = renewer_->lost();
  if (completed) {
    Status recorded = lease_.RecordCompletedFailover(clock_.Now());
    out["recorded"] = recorded.ok();
    if (!recorded.ok()) {
      log_.Warn("could not record the completed failover for the cooldown: " +
                recorded.UserMessage());
    }
  }
  Result<LeaseRelease> released = lease_.Release();
  if (!released.ok()) {
    log_.Warn("could not release the lease (it expires by itself): " +
              released.status().UserMessage());
  } else {
    out["released"] = released->released;
    if (!released->released) out["note"] = released->note;
  }
  return out;
}

}  // namespace drf
