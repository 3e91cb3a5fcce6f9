#include "services/paginate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace drf {
namespace {

TEST(PaginateTest, PassesEachTokenBackUntilTheLastPage) {
  std::vector<std::string> received;
  std::vector<std::string> next = {"a", "b", ""};
  Status status = Paginate("Op", [&](const std::string& token) -> Result<std::string> {
    received.push_back(token);
    return next[received.size() - 1];
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(received, (std::vector<std::string>{"", "a", "b"}));
}

TEST(PaginateTest, StopsAtTheFirstError) {
  int calls = 0;
  Status status = Paginate("Op", [&](const std::string&) -> Result<std::string> {
    ++calls;
    if (calls == 2) return Status::Retryable("throttled");
    return std::string("t") + std::to_string(calls);
  });
  EXPECT_EQ(status.code(), StatusCode::kRetryable);
  EXPECT_EQ(calls, 2);
}

TEST(PaginateTest, ATokenSeenBeforeIsAnError) {
  std::vector<std::string> next = {"a", "b", "a", ""};
  int calls = 0;
  Status status = Paginate("ListThings", [&](const std::string&) -> Result<std::string> {
    return next[static_cast<size_t>(calls++)];
  });
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_NE(status.message().find("ListThings"), std::string::npos);
  EXPECT_EQ(calls, 3);
}

TEST(PaginateTest, ThePageCapEndsEndlessDistinctTokens) {
  int calls = 0;
  Status status = Paginate(
      "Op", [&](const std::string&) -> Result<std::string> { return std::to_string(++calls); },
      /*max_pages=*/5);
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_EQ(calls, 5);
}

}  // namespace
}  // namespace drf
