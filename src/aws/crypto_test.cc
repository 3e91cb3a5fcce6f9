#include "aws/crypto.h"

#include <gtest/gtest.h>

namespace drf {
namespace {

TEST(CryptoTest, Sha256MatchesFips180Examples) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(std::string_view("\0", 1)),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST(CryptoTest, HmacSha256MatchesRfc4231) {
  // Test case 2: key "Jefe".
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a 131-byte key, longer than the block size, is hashed first.
  EXPECT_EQ(HexEncode(HmacSha256(std::string(131, '\xaa'),
                                 "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(CryptoTest, HexEncodeIsLowercase) {
  EXPECT_EQ(HexEncode(std::string_view("\x00\xAB\xff", 3)), "00abff");
  EXPECT_EQ(HexEncode(""), "");
}

}  // namespace
}  // namespace drf
