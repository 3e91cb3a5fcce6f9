#include "report/text.h"

#include <gtest/gtest.h>

#include <chrono>

namespace drf {
namespace {

TEST(TextTest, StripControlReplacesEveryControlByte) {
  EXPECT_EQ(StripControl("a\nb\rc\td\x1b[31me\x7f"), "a b c d [31me ");
  EXPECT_EQ(StripControl("promote → done"), "promote → done");
}

TEST(TextTest, DisplayWidthCountsCodePoints) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("0 → 1"), 5u);
  EXPECT_EQ(DisplayWidth("é…"), 2u);
}

TEST(TextTest, TruncateKeepsShortTextAndEndsCutTextWithEllipsis) {
  EXPECT_EQ(TruncateToWidth("abcdef", 6), "abcdef");
  EXPECT_EQ(TruncateToWidth("abcdef", 4), "abc…");
  EXPECT_EQ(TruncateToWidth("a→b→c", 3), "a→…");
  EXPECT_EQ(DisplayWidth(TruncateToWidth("ééééé", 3)), 3u);
  EXPECT_EQ(TruncateToWidth("abc", 1), "…");
  EXPECT_EQ(TruncateToWidth("abc", 0), "");
}

TEST(TextTest, PadCountsColumnsNotBytes) {
  EXPECT_EQ(Pad("a→b", 5), "a→b  ");
  EXPECT_EQ(Pad("1.5", 5, true), "  1.5");
  EXPECT_EQ(Pad("toolong", 3), "toolong");
}

TEST(TextTest, FormatSecondsUsesOneDecimal) {
  EXPECT_EQ(FormatSeconds(std::chrono::milliseconds(2149)), "2.1 s");
  EXPECT_EQ(FormatSeconds(std::chrono::milliseconds(0)), "0.0 s");
  EXPECT_EQ(FormatSeconds(std::chrono::seconds(300)), "300.0 s");
}

}  // namespace
}  // namespace drf
