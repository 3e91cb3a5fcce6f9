// RunLease: at most one failover at a time, and a cooldown between failovers, kept in one
// DynamoDB table whose partition key is `lock_id` (a string). Two items:
//
//   lock_id "lease"          the run that holds the lease
//     holder      S  who runs it: "host:pid", "lambda:<request id>"
//     token       S  random per run (NewLeaseToken): only the run holding it renews or
//                    releases the lease
//     started_at  S  when it was acquired, RFC 3339 UTC ("2026-12-06T18:00:00Z")
//     expires_at  N  epoch seconds; the lease is free from then on. Fit as the table's TTL
//                    attribute (DynamoDB deletes expired items within days; expiry never
//                    waits for that)
//   lock_id "last-failover"  the last completed failover (no expires_at: TTL keeps it)
//     finished_at      N  epoch seconds
//     finished_at_utc  S  the same in RFC 3339 UTC, for people reading the table
//     holder           S  the run that did it
//
// A run: Acquire, CheckCooldown (under the lease, so two runs cannot both pass it), a
// LeaseRenewer while it works, RecordCompletedFailover after a failover that completed,
// Release. A run that dies keeps the lease until expires_at: its ttl is the longest
// another run waits after a crash.
//
// Retries: the client retries these writes (aws/retry.h). A conditional write whose reply
// was lost fails its condition when retried; each call here tells its own earlier write
// from another run's by reading the lease item and comparing the token.
//
// Time: stored values are wall time from `clock` (whole seconds). Runs on different hosts
// compare expires_at with their own clocks, so a ttl must dwarf their clock skew.
//
// Errors: kFailedPrecondition for "another run holds the lease", "the lease was lost" and
// "within the cooldown" (the message names holder and times, and the table); AWS errors
// as DynamoDbClient returns them (kNotFound for a missing table), with the table named.
//
// Thread-safety: Renew may run on a LeaseRenewer's thread concurrently with
// CheckCooldown, RecordCompletedFailover and the accessors; Acquire and Release must not
// overlap any other call (stop the LeaseRenewer before Release).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/log.h"
#include "core/result.h"
#include "services/dynamodb_client.h"

namespace drf {

// 128 random bits in hex: a lease token no other run will draw.
std::string NewLeaseToken();

// What Release did.
struct LeaseRelease {
  bool released = false;  // our lease item was deleted
  std::string note;       // when not released: why ("the lease was not held", ...)
};

class RunLease {
 public:
  // `token` identifies this run's claim (NewLeaseToken; tests pass a fixed one).
  // `dynamodb` and `clock` must outlive the lease.
  RunLease(DynamoDbClient& dynamodb, Clock& clock, std::string table, std::string token);

  // Takes the lease for `ttl` (at least 3 s; rounded up to whole seconds): PutItem with
  // condition `attribute_not_exists(lock_id) OR expires_at < :now`. When the condition
  // fails, reads the item: our token means our own earlier attempt took effect and we
  // hold it; an item that expired meanwhile (or vanished) is tried once more; otherwise
  // kFailedPrecondition: "another failover holds the lease: <holder>, started <time>,
  // expires <time> (table <table>)". kRetryable when it was seen free twice yet not won.
  Status Acquire(const std::string& holder, Duration ttl);

  // Extends a held lease to now + ttl: UpdateItem SET expires_at = :expires with
  // condition #token = :token. A failed condition means the lease was lost (it expired and
  // another run took it, or the item was deleted): kFailedPrecondition "the run lease was
  // lost (now held by <holder>, started ..., expires ...)" or "(the lease item is gone)",
  // and the lease counts as not held from then on. kFailedPrecondition also when it is
  // not held.
  Status Renew();

  // Gives the lease up: DeleteItem with condition #token = :token. A lease no longer ours
  // (lost, or never acquired) is not an error: `released` is false and `note` says why.
  Result<LeaseRelease> Release();

  // Records that a failover finished at `finished` (the "last-failover" item, replaced),
  // naming this lease's holder.
  Status RecordCompletedFailover(WallTime finished);
  // OK when no failover is recorded or the last one finished at least `cooldown` before
  // `now` (a cooldown of zero or less makes no call); else kFailedPrecondition: "the last
  // failover finished <time> (run <holder>); the cooldown of <d> ends <time> (table
  // <table>)".
  Status CheckCooldown(Duration cooldown, WallTime now);

  // Read-only, for `check`: who holds the lease at `now` ("<holder>, started <time>,
  // expires <time>"), or "" when it is free (no item, or expired).
  Result<std::string> CurrentHolder(WallTime now);

  bool held() const;
  WallTime expires_at() const;  // of the held lease, as last written
  Duration ttl() const;
  const std::string& table() const { return table_; }
  const std::string& token() const { return token_; }

 private:
  // One conditional put: the expiry (epoch seconds) of the lease when we hold it, else
  // nullopt with `current` the lease item as read after the condition failed (nullopt
  // when there is none).
  Result<std::optional<int64_t>> TryAcquire(const std::string& holder, Duration ttl,
                                            std::optional<DynamoItem>& current);
  Result<std::optional<DynamoItem>> Read(const char* lock_id);
  // Who holds the lease item now, for messages ("lambda:x, started ..., expires ...").
  std::string DescribeHolder(const DynamoItem& item) const;
  std::string InTable() const;  // " (table <table>)"

  DynamoDbClient& dynamodb_;
  Clock& clock_;
  const std::string table_;
  const std::string token_;

  mutable std::mutex mu_;
  bool held_ = false;      // guarded by mu_
  std::string holder_;     // guarded by mu_
  Duration ttl_{0};        // guarded by mu_
  int64_t expires_s_ = 0;  // guarded by mu_
};

// Keeps a held lease alive: renews it every ttl/3 on its own thread until Stop or
// destruction. Sleeps only through Clock::SleepFor with its own CancelToken, so stopping is
// prompt; it waits for a renewal in flight (one call, with the client's retries).
// A failed renewal is logged (warning) and tried again at the next tick; a lost lease is
// logged (error), recorded, reported once to `on_lost` (from the renewer's thread) and
// ends the renewals. Thread-safe.
class LeaseRenewer {
 public:
  // `lease` must be held and outlive the renewer; `log` may be null.
  LeaseRenewer(RunLease& lease, Clock& clock, Logger* log = nullptr,
               std::function<void(const Status&)> on_lost = {});
  ~LeaseRenewer();
  LeaseRenewer(const LeaseRenewer&) = delete;
  LeaseRenewer& operator=(const LeaseRenewer&) = delete;

  void Stop();  // idempotent

  int renewals() const;       // successful renewals so far
  Status last_error() const;  // of the latest failed renewal; OK if none failed
  bool lost() const;

 private:
  void Run();

  RunLease& lease_;
  Clock& clock_;
  Logger* log_;
  std::function<void(const Status&)> on_lost_;
  CancelToken stop_;

  mutable std::mutex mu_;
  int renewals_ = 0;   // guarded by mu_
  Status last_error_;  // guarded by mu_
  bool lost_ = false;  // guarded by mu_

  std::thread thread_;  // last: starts once the fields above exist
};

}  // namespace drf
