#include "app/run_lease.h"

#include <chrono>
#include <cstdint>
#include <random>
#include <utility>

#include "steps/poller.h"

namespace drf {
namespace {

constexpr char kLeaseId[] = "lease";
constexpr char kLastFailoverId[] = "last-failover";
constexpr Duration kMinTtl = std::chrono::seconds(3);
// Free: no lease item, or one that expired by the writer's clock. An item without
// expires_at fails the comparison, so it never expires (a hand-made item blocks runs).
constexpr char kAcquireCondition[] = "attribute_not_exists(lock_id) OR expires_at < :now";
// "token" is a DynamoDB reserved word: it is named through #token.
constexpr char kOursCondition[] = "#token = :token";

int64_t EpochSeconds(WallTime time) {
  return std::chrono::floor<std::chrono::seconds>(time.time_since_epoch()).count();
}

int64_t CeilSeconds(Duration d) { return std::chrono::ceil<std::chrono::seconds>(d).count(); }

// RFC 3339 for epoch seconds read from the table; a value WallTime cannot hold (a
// hand-edited item) is shown as the number.
std::string FormatEpoch(int64_t seconds) {
  constexpr int64_t kMaxSeconds = 9'000'000'000;  // year 2255, within WallTime's range
  if (seconds < 0 || seconds > kMaxSeconds) return "epoch " + std::to_string(seconds);
  return FormatTimestampSeconds(WallTime(std::chrono::seconds(seconds)));
}

DynamoItem KeyOf(const char* lock_id) { return {{"lock_id", DynamoValue::String(lock_id)}}; }

DynamoCondition Ours(const std::string& token) {
  return {kOursCondition, {{"#token", "token"}}, {{":token", DynamoValue::String(token)}}};
}

}  // namespace

std::string NewLeaseToken() {
  std::random_device random;
  std::uniform_int_distribution<unsigned> byte(0, 255);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 16; ++i) {
    const unsigned b = byte(random);
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  return token;
}

RunLease::RunLease(DynamoDbClient& dynamodb, Clock& clock, std::string table, std::string token)
    : dynamodb_(dynamodb), clock_(clock), table_(std::move(table)), token_(std::move(token)) {}

std::string RunLease::InTable() const { return " (table " + table_ + ")"; }

Result<std::optional<DynamoItem>> RunLease::Read(const char* lock_id) {
  Result<std::optional<DynamoItem>> item =
      dynamodb_.GetItem(table_, KeyOf(lock_id), /*consistent_read=*/true);
  if (!item.ok()) return item.status().WithContext("reading " + std::string(lock_id) + InTable());
  return item;
}

std::string RunLease::DescribeHolder(const DynamoItem& item) const {
  std::optional<int64_t> expires = IntegerAttribute(item, "expires_at");
  return StringAttribute(item, "holder").value_or("(no holder)") + ", started " +
         StringAttribute(item, "started_at").value_or("(unknown)") + ", expires " +
         (expires ? FormatEpoch(*expires) : "(unknown)");
}

Result<std::optional<int64_t>> RunLease::TryAcquire(const std::string& holder, Duration ttl,
                                                    std::optional<DynamoItem>& current) {
  const WallTime now = clock_.Now();
  const int64_t now_s = EpochSeconds(now);
  const int64_t expires_s = now_s + CeilSeconds(ttl);
  const DynamoItem item = {{"lock_id", DynamoValue::String(kLeaseId)},
                           {"holder", DynamoValue::String(holder)},
                           {"token", DynamoValue::String(token_)},
                           {"started_at", DynamoValue::String(FormatTimestampSeconds(now))},
                           {"expires_at", DynamoValue::Number(expires_s)}};
  Result<Ack> put = dynamodb_.PutItem(
      table_, item, {kAcquireCondition, {}, {{":now", DynamoValue::Number(now_s)}}});
  if (put.ok()) return std::optional<int64_t>(expires_s);
  if (!IsConditionFailed(put.status())) {
    return put.status().WithContext("acquiring the run lease" + InTable());
  }
  DRF_ASSIGN_OR_RETURN(current, Read(kLeaseId));
  if (current && StringAttribute(*current, "token") == token_) {  // our own earlier put
    return std::optional<int64_t>(IntegerAttribute(*current, "expires_at").value_or(expires_s));
  }
  return std::optional<int64_t>();
}

Status RunLease::Acquire(const std::string& holder, Duration ttl) {
  if (ttl < kMinTtl) return Status::InvalidArgument("run lease ttl must be at least 3 s");
  // A second try only when the lease turned out free after the condition failed.
  for (int attempt = 1;; ++attempt) {
    std::optional<DynamoItem> current;
    DRF_ASSIGN_OR_RETURN(std::optional<int64_t> held_until, TryAcquire(holder, ttl, current));
    if (held_until) {
      std::lock_guard<std::mutex> lock(mu_);
      held_ = true;
      holder_ = holder;
      ttl_ = ttl;
      expires_s_ = *held_until;
      return Status::Ok();
    }
    // Free after all: it expired (or was released) after the condition was evaluated. An
    // item without expires_at never expires (the condition cannot pass either).
    std::optional<int64_t> expires_s;
    if (current) expires_s = IntegerAttribute(*current, "expires_at");
    const bool free_now = !current || (expires_s && *expires_s < EpochSeconds(clock_.Now()));
    if (!free_now) {
      return Status::FailedPrecondition(
          "another failover holds the lease: " + DescribeHolder(*current) + InTable());
    }
    if (attempt == 2) {
      return Status::Retryable("the run lease changed hands while it was being acquired" +
                               InTable() + "; try again");
    }
  }
}

Status RunLease::Renew() {
  Duration ttl;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!held_) return Status::FailedPrecondition("the run lease is not held" + InTable());
    ttl = ttl_;
  }
  const int64_t expires_s = EpochSeconds(clock_.Now()) + CeilSeconds(ttl);
  DynamoCondition condition = Ours(token_);
  condition.values[":expires"] = DynamoValue::Number(expires_s);
  Result<Ack> updated =
      dynamodb_.UpdateItem(table_, KeyOf(kLeaseId), "SET expires_at = :expires", condition);
  if (updated.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    expires_s_ = expires_s;
    return Status::Ok();
  }
  if (!IsConditionFailed(updated.status())) {
    return updated.status().WithContext("renewing the run lease" + InTable());
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = false;
  }
  Result<std::optional<DynamoItem>> current = Read(kLeaseId);
  std::string now_held;
  if (!current.ok()) {
    now_held = "could not read who holds it: " + current.status().UserMessage();
  } else if (!current->has_value()) {
    now_held = "the lease item is gone";
  } else {
    now_held = "now held by " + DescribeHolder(**current);
  }
  return Status::FailedPrecondition("the run lease was lost (" + now_held + ")" + InTable());
}

Result<LeaseRelease> RunLease::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!held_) return LeaseRelease{false, "the run lease was not held"};
    held_ = false;
  }
  Result<Ack> deleted = dynamodb_.DeleteItem(table_, KeyOf(kLeaseId), Ours(token_));
  if (deleted.ok()) return LeaseRelease{true, ""};
  if (!IsConditionFailed(deleted.status())) {
    return deleted.status().WithContext("releasing the run lease" + InTable());
  }
  // Not ours any more, or already deleted (by a retried delete of our own, or by hand).
  Result<std::optional<DynamoItem>> current = Read(kLeaseId);
  if (current.ok() && current->has_value()) {
    return LeaseRelease{
        false, "the run lease had been lost; now held by " + DescribeHolder(**current) + InTable()};
  }
  return LeaseRelease{false, "the run lease item was already gone" + InTable()};
}

Status RunLease::RecordCompletedFailover(WallTime finished) {
  std::string holder;
  {
    std::lock_guard<std::mutex> lock(mu_);
    holder = holder_;
  }
  const DynamoItem item = {
      {"lock_id", DynamoValue::String(kLastFailoverId)},
      {"finished_at", DynamoValue::Number(EpochSeconds(finished))},
      {"finished_at_utc", DynamoValue::String(FormatTimestampSeconds(finished))},
      {"holder", DynamoValue::String(holder)}};
  Result<Ack> put = dynamodb_.PutItem(table_, item);
  if (!put.ok()) return put.status().WithContext("recording the failover" + InTable());
  return Status::Ok();
}

Status RunLease::CheckCooldown(Duration cooldown, WallTime now) {
  if (cooldown <= Duration::zero()) return Status::Ok();
  DRF_ASSIGN_OR_RETURN(std::optional<DynamoItem> last, Read(kLastFailoverId));
  if (!last) return Status::Ok();
  std::optional<int64_t> finished_s = IntegerAttribute(*last, "finished_at");
  if (!finished_s) {
    return Status::Internal("the last-failover item has no numeric finished_at" + InTable());
  }
  const int64_t cooldown_s = CeilSeconds(cooldown);
  if (EpochSeconds(now) - *finished_s >= cooldown_s) return Status::Ok();
  return Status::FailedPrecondition(
      "the last failover finished " + FormatEpoch(*finished_s) + " (run " +
      StringAttribute(*last, "holder").value_or("(unknown)") + "); the cooldown of " +
      FormatElapsed(cooldown) + " ends " + FormatEpoch(*finished_s + cooldown_s) + InTable());
}

Result<std::string> RunLease::CurrentHolder(WallTime now) {
  DRF_ASSIGN_OR_RETURN(std::optional<DynamoItem> item, Read(kLeaseId));
  if (!item) return std::string();
  std::optional<int64_t> expires = IntegerAttribute(*item, "expires_at");
  if (expires && *expires < EpochSeconds(now)) return std::string();
  return DescribeHolder(*item);
}

bool RunLease::held() const {
  std::lock_guard<std::mutex> lock(mu_);
  return held_;
}

WallTime RunLease::expires_at() const {
  std::lock_guard<std::mutex> lock(mu_);
  return WallTime(std::chrono::seconds(expires_s_));
}

Duration RunLease::ttl() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ttl_;
}

LeaseRenewer::LeaseRenewer(RunLease& lease, Clock& clock, Logger* log,
                           std::function<void(const Status&)> on_lost)
    : lease_(lease), clock_(clock), log_(log), on_lost_(std::move(on_lost)), thread_([this] {
        Run();
      }) {}

LeaseRenewer::~LeaseRenewer() { Stop(); }

void LeaseRenewer::Stop() {
  stop_.Cancel();
  // From on_lost (the renewer's own thread) it cannot join itself; the destructor will.
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void LeaseRenewer::Run() {
  const Duration every = lease_.ttl() / 3;
  while (clock_.SleepFor(every, &stop_)) {
    Status renewed = lease_.Renew();
    if (renewed.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      ++renewals_;
      continue;
    }
    const bool lost = renewed.code() == StatusCode::kFailedPrecondition;
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_error_ = renewed;
      lost_ = lost;
    }
    if (!lost) {
      if (log_ != nullptr) {
        log_->Warn("Could not renew the run lease (trying again in " + FormatElapsed(every) +
                   "): " + renewed.UserMessage());
      }
      continue;
    }
    if (log_ != nullptr) log_->Error(renewed.UserMessage());
    if (on_lost_) on_lost_(renewed);
    return;
  }
}

int LeaseRenewer::renewals() const {
  std::lock_guard<std::mutex> lock(mu_);
  return renewals_;
}

Status LeaseRenewer::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

bool LeaseRenewer::lost() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lost_;
}

}  // namespace drf
