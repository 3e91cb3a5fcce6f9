// SplitIntoBatches: AWS caps how many names one call may carry (50 Auto Scaling groups, 10
// ECS services, 100 ECS tasks), so clients send longer lists in consecutive batches.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace drf {

// `items` in order, in batches of at most `batch_size` (> 0). Empty input: no batches.
inline std::vector<std::vector<std::string>> SplitIntoBatches(const std::vector<std::string>& items,
                                                              size_t batch_size) {
  std::vector<std::vector<std::string>> batches;
  for (auto begin = items.begin(); begin != items.end();) {
    auto end = begin + static_cast<std::ptrdiff_t>(
                           std::min(batch_size, static_cast<size_t>(items.end() - begin)));
    batches.emplace_back(begin, end);
    begin = end;
  }
  return batches;
}

}  // namespace drf
