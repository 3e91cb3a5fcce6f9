// Result<T>: a value or the Status explaining why there is none. GCC 12 has no
// std::expected in C++20 mode, so this is our own small type.
#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "core/status.h"

namespace drf {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  // `status` must not be OK: a Result without a value needs a reason.
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok());
    if (status_.ok()) status_ = Status::Internal("Result built from an OK status without value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::optional<T> value_;
  Status status_;  // OK when value_ is set
};

// Early-return helpers, as in leveldb/absl. Keep them tiny.
#define DRF_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::drf::Status drf_status_ = (expr);        \
    if (!drf_status_.ok()) return drf_status_; \
  } while (0)

#define DRF_CONCAT_INNER(a, b) a##b
#define DRF_CONCAT(a, b) DRF_CONCAT_INNER(a, b)
#define DRF_ASSIGN_OR_RETURN(lhs, expr) \
  DRF_ASSIGN_OR_RETURN_IMPL(DRF_CONCAT(drf_result_, __LINE__), lhs, expr)
#define DRF_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

}  // namespace drf
