#include "aws/uri.h"

#include <gtest/gtest.h>

namespace drf {
namespace {

TEST(UriEncodeTest, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UriEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(UriEncode(""), "");
  EXPECT_EQ(UriEncode(" "), "%20");
  EXPECT_EQ(UriEncode("+"), "%2B");
  EXPECT_EQ(UriEncode("!*'();:@&=$,/?#[]%"),
            "%21%2A%27%28%29%3B%3A%40%26%3D%24%2C%2F%3F%23%5B%5D%25");
}

TEST(UriEncodeTest, EncodesEachUtf8ByteWithUppercaseHex) {
  EXPECT_EQ(UriEncode("\xE1\x88\xB4"), "%E1%88%B4");
  EXPECT_EQ(UriEncode("caf\xC3\xA9"), "caf%C3%A9");
  EXPECT_EQ(UriEncode(std::string_view("\0\x7F\xFF", 3)), "%00%7F%FF");
}

TEST(UriEncodeTest, SlashIsKeptOnlyWhenAsked) {
  EXPECT_EQ(UriEncode("/a b/c", /*encode_slash=*/false), "/a%20b/c");
  EXPECT_EQ(UriEncode("/a b/c"), "%2Fa%20b%2Fc");
}

TEST(UriEncodeTest, EncodingTwiceEncodesThePercent) {
  EXPECT_EQ(UriEncode(UriEncode("a b")), "a%2520b");
}

TEST(UriDecodeTest, DecodesEitherHexCase) {
  EXPECT_EQ(UriDecode("%E1%88%b4%2f"), "\xE1\x88\xB4/");
  EXPECT_EQ(UriDecode("%00", false), std::string(1, '\0'));
}

TEST(UriDecodeTest, KeepsMalformedEscapes) {
  EXPECT_EQ(UriDecode("100%"), "100%");
  EXPECT_EQ(UriDecode("%4"), "%4");
  EXPECT_EQ(UriDecode("%zz%4g"), "%zz%4g");
}

TEST(UriDecodeTest, PlusIsSpaceOnlyWhenAsked) {
  EXPECT_EQ(UriDecode("a+b"), "a+b");
  EXPECT_EQ(UriDecode("a+b%2B", /*plus_as_space=*/true), "a b+");
}

TEST(UriDecodeTest, RoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  EXPECT_EQ(UriDecode(UriEncode(all)), all);
  EXPECT_EQ(UriDecode(UriEncode(all), true), all);
}

TEST(FormEncodeTest, JoinsPairsInOrderWithSpacesAsPlusLikeBotocore) {
  EXPECT_EQ(FormEncode({}), "");
  EXPECT_EQ(FormEncode({{"Action", "DescribeDBInstances"}, {"Version", "2014-10-31"}}),
            "Action=DescribeDBInstances&Version=2014-10-31");
  EXPECT_EQ(FormEncode({{"Filters.Filter.1.Name", "a b"}, {"k", "x&y=z+"}}),
            "Filters.Filter.1.Name=a+b&k=x%26y%3Dz%2B");
  // Python's urlencode (quote_plus), as botocore builds the body: '~' stays, '/' and UTF-8
  // are escaped.
  EXPECT_EQ(FormEncode({{"Message", "a b/c~d \xE2\x80\xA6"}}), "Message=a+b%2Fc~d+%E2%80%A6");
  EXPECT_EQ(FormEncode({{"Empty", ""}, {"Empty", ""}}), "Empty=&Empty=");
}

}  // namespace
}  // namespace drf
