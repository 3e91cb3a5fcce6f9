// Paginate: follows an AWS pagination token (Marker, NextToken, nextToken) until the last
// page. A misbehaving service (or emulator) that repeats a token would otherwise loop
// forever, so a repeated token, or more than `max_pages` pages, is an Internal error.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"

namespace drf {

inline constexpr int kMaxPages = 1000;

// Calls `fetch_page(token)` with "" first, then with each token it returns, until it
// returns "" (no more pages). `fetch_page` collects the page's items itself and returns
// Result<std::string> holding the next token. The first error is returned as is.
template <typename FetchPage>
Status Paginate(std::string_view operation, FetchPage&& fetch_page, int max_pages = kMaxPages) {
  std::set<std::string> seen;
  std::string token;
  for (int page = 0; page < max_pages; ++page) {
    Result<std::string> next = fetch_page(token);
    if (!next.ok()) return next.status();
    if (next->empty()) return Status::Ok();
    if (!seen.insert(*next).second) {
      return Status::Internal(std::string(operation) + " returned the pagination token \"" + *next +
                              "\" twice");
    }
    token = std::move(next).value();
  }
  return Status::Internal(std::string(operation) + " returned more than " +
                          std::to_string(max_pages) + " pages");
}

}  // namespace drf
