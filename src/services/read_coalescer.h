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
// batch is sent once. A failed call fails every item of its batch with the call's status.
// With `gather` zero every asker sends its own call at once (no coalescing).
//
// Every wait ends: the opener's gathering wait is bounded by `gather` (and stops early on
// the run's cancellation), and the others wait only for a call in flight, which the AWS
// client bounds. Thread-safe.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace drf {

template <typename Value>
class ReadCoalescer {
 public:
  // What one batch call found, by key. A key it leaves out is one AWS does not know.
  using Found = std::map<std::string, Value>;
  using BatchCall =
      std::function<Result<Found>(const std::string& group, const std::vector<std::string>& keys)>;

  ReadCoalescer(size_t max_batch, Duration gather, Clock& clock, BatchCall call)
      : max_batch_(std::max<size_t>(max_batch, 1)),
        gather_(gather),
        clock_(clock),
        call_(std::move(call)) {}

  // The item `key` of `group`; nullopt when AWS does not know it.
  Result<std::optional<Value>> Get(const std::string& group, const std::string& key,
                                   const CancelToken* cancel = nullptr) {
    std::unique_lock lock(mu_);
    ++asked_;
    std::shared_ptr<Batch>& slot = gathering_[group];
    const bool opener = slot == nullptr;
    if (opener) slot = std::make_shared<Batch>();
    std::shared_ptr<Batch> batch = slot;
    if (std::find(batch->keys.begin(), batch->keys.end(), key) == batch->keys.end()) {
      batch->keys.push_back(key);
    }
    if (batch->keys.size() >= max_batch_ || (opener && gather_ <= Duration::zero())) {
      Send(lock, group, batch);
    } else if (opener) {
      lock.unlock();
      clock_.SleepFor(gather_, cancel);
      lock.lock();
      if (!batch->sent) Send(lock, group, batch);
    }
    done_.wait(lock, [&] { return batch->answer.has_value(); });
    const Result<Found>& answer = *batch->answer;
    if (!answer.ok()) return answer.status();
    auto it = answer->find(key);
    if (it == answer->end()) return std::optional<Value>();
    return std::optional<Value>(it->second);
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

 private:
  struct Batch {
    std::vector<std::string> keys;
    bool sent = false;                    // closed: nobody joins any more
    std::optional<Result<Found>> answer;  // set once the call has returned
  };

  // Closes `batch`, calls AWS without the lock, and hands the answer to everyone in it.
  void Send(std::unique_lock<std::mutex>& lock, const std::string& group,
            const std::shared_ptr<Batch>& batch) {
    batch->sent = true;
    if (auto it = gathering_.find(group); it != gathering_.end() && it->second == batch) {
      gathering_.erase(it);
    }
    ++calls_;
    const std::vector<std::string> keys = batch->keys;
    lock.unlock();
    Result<Found> answer = call_(group, keys);
    lock.lock();
    batch->answer = std::move(answer);
    done_.notify_all();
  }

  const size_t max_batch_;
  const Duration gather_;
  Clock& clock_;
  const BatchCall call_;

  mutable std::mutex mu_;
  std::condition_variable done_;
  // The batch of each group still taking askers. Guarded by mu_.
  std::map<std::string, std::shared_ptr<Batch>> gathering_;
  int calls_ = 0;  // guarded by mu_
  int asked_ = 0;  // guarded by mu_
};

}  // namespace drf
