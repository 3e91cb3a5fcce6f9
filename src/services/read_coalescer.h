// ReadCoalescer: one-item reads that steps running at the same time make of the same API,
// sent as one batch call. A step asks for one item (an Auto Scaling group, an ECS service)
// and gets its answer; the coalescer gathers the items asked for within a short window into
// calls of at most `max_batch` items. On a large failover this turns 500 DescribeServices
// into 50, and on AWS it spends a tenth of the account's read budget for the same work.
//
// How a batch forms: the first asker of a group (one ECS cluster; "" where the API has no
// groups) opens a batch and waits `gather`; later askers join it. A batch that reaches
// `max_batch` is sent at once by the asker that filled it; otherwise the opener sends it when
// its wait ends. Everyone in the batch gets the one answer; an item asked for twice in one
// batch is sent once. A failed call fails every item of its batch with the call's status,
// except NotFound (DescribeTargetGroups fails a whole call for one unknown ARN): the items
// are then asked for one by one, so that one missing resource fails only its own reads.
// Other refusals (an access denied) are the action's, not one item's: asking one by one
// would only multiply the denied calls.
// With `gather` zero every asker sends its own call at once (no coalescing).
//
// Looking ahead: steps do not all reach their first read at once (500 ECS steps on 64
// workers reach theirs over seconds), so most batches would leave room. The items a run
// will ask for are announced up front (Expect); a batch with room left carries the next
// announced items nobody has asked for yet, and each such answer is kept for the first
// asker of its item, who gets it without a call if it is at most `fresh_for` old (or still
// in flight). Only an item's first read is served so, and only once: later reads of it
// (a wait's polls) always go to AWS. A failed call keeps nothing, and an item the call did
// not find is read again for its asker. A call that carried items read ahead and failed is
// sent again without them, so that an item read ahead (one the caller may not read, say)
// never fails the reads of the steps that asked.
//
// Every wait ends: the opener's gathering wait is bounded by `gather` (and stops early on
// the run's cancellation), and the others wait only for a call in flight, which the AWS
// client bounds. Thread-safe.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/idle_stack.h"
#include "core/result.h"

namespace drf {

template <typename Value>
class ReadCoalescer {
 public:
  // What one batch call found, by key. A key it leaves out is one AWS does not know.
  using Found = std::map<std::string, Value>;
  using BatchCall =
      std::function<Result<Found>(const std::string& group, const std::vector<std::string>& keys)>;

  ReadCoalescer(size_t max_batch, Duration gather, Duration fresh_for, Clock& clock, BatchCall call)
      : max_batch_(std::max<size_t>(max_batch, 1)),
        gather_(gather),
        fresh_for_(fresh_for),
        clock_(clock),
        call_(std::move(call)) {}

  // `key` of `group` will be asked for: batches with room may read it ahead.
  void Expect(const std::string& group, const std::string& key) {
    std::lock_guard lock(mu_);
    if (announced_.insert({group, key}).second) expected_[group].push_back(key);
  }

  // The item `key` of `group`; nullopt when AWS does not know it.
  Result<std::optional<Value>> Get(const std::string& group, const std::string& key,
                                   const CancelToken* cancel = nullptr) {
    std::unique_lock lock(mu_);
    ++asked_;
    if (std::shared_ptr<Batch> ahead = TakeReadAhead(group, key)) {
      done_.wait(lock, [&] { return ahead->answer.has_value(); });
      // Only a found item is taken as read: "not found" for someone else's batch is worth
      // a read of its own before a step fails on it.
      const Result<Found>& answer = *ahead->answer;
      if (answer.ok() && answer->contains(key) &&
          clock_.Monotonic() - ahead->answered_at <= fresh_for_) {
        ++read_ahead_used_;
        return std::optional<Value>(answer->at(key));
      }
    }
    DRF_ASSIGN_OR_RETURN(Found found, Gather(lock, group, {key}, cancel));
    auto it = found.find(key);
    if (it == found.end()) return std::optional<Value>();
    return std::optional<Value>(std::move(it->second));
  }

  // The items `keys` of `group` that AWS knows, for one asker (a step's tasks): they join
  // the group's batches as if asked for one by one. Not read ahead.
  Result<Found> GetMany(const std::string& group, const std::vector<std::string>& keys,
                        const CancelToken* cancel = nullptr) {
    if (keys.empty()) return Found{};
    std::unique_lock lock(mu_);
    asked_ += static_cast<int>(keys.size());
    return Gather(lock, group, keys, cancel);
  }

  // Batch calls sent so far, and one-item reads asked for (for tests and the report).
  int calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  int asked() const {
    std::lock_guard lock(mu_);
    return asked_;
  }
  // Reads answered by an earlier call's look-ahead.
  int read_ahead_used() const {
    std::lock_guard lock(mu_);
    return read_ahead_used_;
  }

 private:
  struct Batch {
    std::vector<std::string> keys;
    bool sent = false;                    // closed: nobody joins any more
    std::optional<Result<Found>> answer;  // set once the call has returned
    MonoTime answered_at{};
    std::map<std::string, Status> refused;  // items whose own call failed, asked for alone
  };
  using Item = std::pair<std::string, std::string>;  // (group, key)

  // Puts `keys` in the group's gathering batch (sending each batch that fills), sends the
  // batch this asker opened once the gathering window has passed, and waits for the answers.
  Result<Found> Gather(std::unique_lock<std::mutex>& lock, const std::string& group,
                       const std::vector<std::string>& keys, const CancelToken* cancel) {
    std::vector<std::shared_ptr<Batch>> joined;
    std::shared_ptr<Batch> opened;
    for (const std::string& key : keys) {
      std::shared_ptr<Batch>& slot = gathering_[group];
      if (slot == nullptr) opened = slot = std::make_shared<Batch>();
      std::shared_ptr<Batch> batch = slot;
      if (std::find(batch->keys.begin(), batch->keys.end(), key) == batch->keys.end()) {
        batch->keys.push_back(key);
      }
      if (joined.empty() || joined.back() != batch) joined.push_back(batch);
      if (batch->keys.size() >= max_batch_) Send(lock, group, batch);
    }
    if (opened != nullptr && !opened->sent && gather_ > Duration::zero()) {
      lock.unlock();
      clock_.SleepFor(gather_, cancel);
      lock.lock();
    }
    if (opened != nullptr && !opened->sent) Send(lock, group, opened);
    Found found;
    for (const std::shared_ptr<Batch>& batch : joined) {
      // Waiting for another asker's call, perhaps through its retries' back-off: the stack
      // pages below this frame (last used for this thread's own calls) are not needed.
      if (!batch->answer.has_value()) ReleaseIdleStack();
      done_.wait(lock, [&] { return batch->answer.has_value(); });
      const Result<Found>& answer = *batch->answer;
      if (!answer.ok()) return answer.status();
      for (const std::string& key : keys) {
        if (auto refused = batch->refused.find(key); refused != batch->refused.end()) {
          return refused->second;
        }
        if (auto it = answer->find(key); it != answer->end()) found.insert(*it);
      }
    }
    return found;
  }

  // The batch that read `key` ahead for its first asker, if any; it is nobody's after this.
  std::shared_ptr<Batch> TakeReadAhead(const std::string& group, const std::string& key) {
    auto it = read_ahead_.find({group, key});
    if (it == read_ahead_.end()) return nullptr;
    std::shared_ptr<Batch> batch = std::move(it->second);
    read_ahead_.erase(it);
    return batch;
  }

  // Fills the room left in `batch` with announced items of `group` not asked for yet. Called
  // by Send once the batch's own keys are in asked_items_.
  void FillWithExpected(const std::string& group, const std::shared_ptr<Batch>& batch) {
    auto it = expected_.find(group);
    if (it == expected_.end()) return;
    std::deque<std::string>& queue = it->second;
    while (batch->keys.size() < max_batch_ && !queue.empty()) {
      std::string key = std::move(queue.front());
      queue.pop_front();
      if (read_ahead_.contains({group, key}) || asked_items_.contains({group, key})) continue;
      batch->keys.push_back(key);
      read_ahead_[{group, key}] = batch;
    }
  }

  // The answer for `keys` (the items asked for, then those read ahead), called without the
  // lock: sent again with only the `asked` items if that failed, and item by item when AWS
  // refused those as NotFound. `extra_calls`: the calls made beyond the first; `refused`:
  // items whose own call failed otherwise.
  Result<Found> Call(const std::string& group, const std::vector<std::string>& asked,
                     const std::vector<std::string>& keys, int& extra_calls,
                     std::map<std::string, Status>& refused) const {
    Result<Found> answer = call_(group, keys);
    if (!answer.ok() && asked.size() < keys.size()) {
      answer = call_(group, asked);
      ++extra_calls;
    }
    if (answer.ok() || asked.size() <= 1 || answer.status().code() != StatusCode::kNotFound) {
      return answer;
    }
    Found found;
    for (const std::string& key : asked) {
      Result<Found> one = call_(group, {key});
      ++extra_calls;
      if (one.ok()) {
        found.merge(*one);
      } else if (one.status().code() != StatusCode::kNotFound) {
        refused.emplace(key, one.status());
      }
    }
    return found;
  }

  // Closes `batch`, calls AWS without the lock, and hands the answer to everyone in it.
  void Send(std::unique_lock<std::mutex>& lock, const std::string& group,
            const std::shared_ptr<Batch>& batch) {
    batch->sent = true;
    if (auto it = gathering_.find(group); it != gathering_.end() && it->second == batch) {
      gathering_.erase(it);
    }
    for (const std::string& key : batch->keys) asked_items_.insert({group, key});
    const std::vector<std::string> asked = batch->keys;
    FillWithExpected(group, batch);
    ++calls_;
    const std::vector<std::string> keys = batch->keys;
    lock.unlock();
    int extra_calls = 0;
    std::map<std::string, Status> refused;
    Result<Found> answer = Call(group, asked, keys, extra_calls, refused);
    lock.lock();
    calls_ += extra_calls;
    batch->refused = std::move(refused);
    batch->answered_at = clock_.Monotonic();
    batch->answer = std::move(answer);
    done_.notify_all();
  }

  const size_t max_batch_;
  const Duration gather_;
  const Duration fresh_for_;
  Clock& clock_;
  const BatchCall call_;

  mutable std::mutex mu_;
  std::condition_variable done_;
  // The batch of each group still taking askers. Guarded by mu_.
  std::map<std::string, std::shared_ptr<Batch>> gathering_;
  // Announced items in announcement order, per group, until read ahead or asked for.
  std::map<std::string, std::deque<std::string>> expected_;
  std::set<Item> announced_;    // each item is announced once
  std::set<Item> asked_items_;  // sent at least once at someone's request
  // Items read ahead whose first asker has not come yet, with the batch that read them.
  std::map<Item, std::shared_ptr<Batch>> read_ahead_;
  int calls_ = 0;            // guarded by mu_
  int asked_ = 0;            // guarded by mu_
  int read_ahead_used_ = 0;  // guarded by mu_
};

}  // namespace drf
