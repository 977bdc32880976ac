#include "core/text/fold.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tongdai::core::text {
namespace {

using std::string_literals::operator""s;

// "Hòa" spelled both ways: precomposed ò (U+00F2) and o + combining grave (U+0300).
constexpr std::string_view kHoaNfc = "H\u00F2a";
constexpr std::string_view kHoaNfd = "Ho\u0300a";

TEST(IsValidUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("ascii"));
  EXPECT_TRUE(isValidUtf8("Nguyễn Văn Đức"));
  EXPECT_TRUE(isValidUtf8(kHoaNfd));
  EXPECT_TRUE(isValidUtf8("\U0001F4DE"));        // 4 bytes
  EXPECT_TRUE(isValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(isValidUtf8("a\0b"s));
}

TEST(IsValidUtf8, RejectsIllFormedText) {
  EXPECT_FALSE(isValidUtf8("\xFF"));
  EXPECT_FALSE(isValidUtf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(isValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(isValidUtf8("\xE1\xBB"));          // truncated ễ
  EXPECT_FALSE(isValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(isValidUtf8("\xE0\x80\xAF"));      // overlong '/'
  EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(isValidUtf8("\xE9t\xE9"));         // Latin-1 "été"
}

TEST(ToNfc, ComposesDecomposedVietnamese) {
  EXPECT_EQ(toNfc(kHoaNfd), kHoaNfc);
  EXPECT_EQ(toNfc(kHoaNfc), kHoaNfc);
  // ấ as a + circumflex + acute, in the canonical order.
  EXPECT_EQ(toNfc("a\u0302\u0301"), "ấ");
  // Both marks on ệ, given in the "wrong" order: canonical reordering still composes.
  EXPECT_EQ(toNfc("e\u0323\u0302"), "ệ");
  EXPECT_EQ(toNfc("Vie\u0302\u0323t Nam"), "Việt Nam");
  EXPECT_EQ(toNfc(""), "");
}

TEST(ToNfc, ReplacesInvalidBytes) {
  EXPECT_EQ(toNfc("a\xFFz"), "a\uFFFDz");
  // One U+FFFD for a truncated sequence, as Unicode recommends, not one per byte.
  EXPECT_EQ(toNfc("\xE1\xBBx"), "\uFFFDx");
  EXPECT_EQ(toNfc("\xC0\xAF"), "\uFFFD\uFFFD");
  EXPECT_EQ(toNfc("\xE9t\xE9"), "\uFFFDt\uFFFD");
  EXPECT_TRUE(isValidUtf8(toNfc("\xF4\x90\x80\x80\xED\xA0\x80")));
}

TEST(FoldForSearch, Example) { EXPECT_EQ(foldForSearch("Đổi thẻ Căn Cước"), "doi the can cuoc"); }

TEST(FoldForSearch, StrokedD) {
  EXPECT_EQ(foldForSearch("Đức"), "duc");
  EXPECT_EQ(foldForSearch("đức"), "duc");
  EXPECT_EQ(foldForSearch("ĐỨC ĐỊNH"), "duc dinh");
  EXPECT_EQ(foldForSearch("Đà Nẵng"), "da nang");
  // Ð (eth, U+00D0) left behind by old-encoding converters in place of Đ.
  EXPECT_EQ(foldForSearch("\u00D0\u1EE9c"), "duc");
}

TEST(FoldForSearch, LettersWithTwoMarks) {
  EXPECT_EQ(foldForSearch("ấ ố ứ ậ"), "a o u a");
  EXPECT_EQ(foldForSearch("Ấ Ố Ứ Ậ"), "a o u a");
  EXPECT_EQ(foldForSearch("Nguyễn Thị Phượng"), "nguyen thi phuong");
  EXPECT_EQ(foldForSearch("cấp đổi, cấp lại"), "cap doi cap lai");
}

TEST(FoldForSearch, OldAndNewTonePlacement) {
  EXPECT_EQ(foldForSearch("hoà"), foldForSearch("hòa"));
  EXPECT_EQ(foldForSearch("thuỷ"), foldForSearch("thủy"));
  EXPECT_EQ(foldForSearch("Khánh Hoà"), "khanh hoa");
  EXPECT_EQ(foldForSearch("thuỷ"), "thuy");
}

TEST(FoldForSearch, IAndYSpellings) {
  EXPECT_EQ(foldForSearch("kỹ thuật"), foldForSearch("kĩ thuật"));
  EXPECT_EQ(foldForSearch("Lý"), foldForSearch("Lí"));
  EXPECT_EQ(foldForSearch("bác sỹ"), foldForSearch("bác sĩ"));
  EXPECT_EQ(foldForSearch("quý khách"), foldForSearch("quí khách"));
  EXPECT_EQ(foldForSearch("hy vọng"), foldForSearch("hi vọng"));
  // 'y' after a vowel is another word: tay (hand) is not tai (ear).
  EXPECT_EQ(foldForSearch("tay"), "tay");
  EXPECT_EQ(foldForSearch("Nguyễn thủy"), "nguyen thuy");
  EXPECT_EQ(foldForSearch("y tế"), "y te");
}

TEST(FoldForSearch, DecomposedInput) {
  ASSERT_NE(kHoaNfd, kHoaNfc);  // the escapes really spell two encodings
  EXPECT_EQ(foldForSearch(kHoaNfd), "hoa");
  EXPECT_EQ(foldForSearch(kHoaNfd), foldForSearch(kHoaNfc));
  // "Đổi" with ổ as o + circumflex + hook above.
  EXPECT_EQ(foldForSearch("\u0110o\u0302\u0309i"), "doi");
  EXPECT_EQ(foldForSearch("thu\u0309y"), foldForSearch("thủy"));
}

TEST(FoldForSearch, SeparatorsCollapseAndTrim) {
  EXPECT_EQ(foldForSearch("  Căn   cước\t\ncông-dân!!  "), "can cuoc cong dan");
  EXPECT_EQ(foldForSearch("a.b@c+d"), "a b c d");
  EXPECT_EQ(foldForSearch("“Thẻ căn cước” (CCCD)…"), "the can cuoc cccd");
  EXPECT_EQ(foldForSearch(""), "");
  EXPECT_EQ(foldForSearch(" .,;- "), "");
}

TEST(FoldForSearch, KeepsDigits) {
  EXPECT_EQ(foldForSearch("Hotline 1900 0368"), "hotline 1900 0368");
  EXPECT_EQ(foldForSearch("CT07, mẫu CC01"), "ct07 mau cc01");
  EXPECT_EQ(foldForSearch("０９１２"), "0912");  // full-width digits
}

TEST(FoldForSearch, FullCaseFolding) {
  EXPECT_EQ(foldForSearch("Straße"), "strasse");
  EXPECT_EQ(foldForSearch("ÀÁẢÃẠ"), "aaaaa");
}

TEST(FoldForSearch, InvalidBytesSeparate) { EXPECT_EQ(foldForSearch("c\xFFz"), "c z"); }

TEST(FoldedTokens, SplitsTheFoldedText) {
  EXPECT_EQ(foldedTokens("Đổi thẻ, Căn Cước!"),
            (std::vector<std::string>{"doi", "the", "can", "cuoc"}));
  EXPECT_EQ(foldedTokens("  hoà  "), std::vector<std::string>{"hoa"});
  EXPECT_TRUE(foldedTokens("").empty());
  EXPECT_TRUE(foldedTokens(" - ").empty());
}

TEST(TruncateUtf8, NeverCutsACodePoint) {
  const std::string s = "Đức";  // C4 90 | E1 BB A9 | 63
  EXPECT_EQ(truncateUtf8(s, 0), "");
  EXPECT_EQ(truncateUtf8(s, 1), "");
  EXPECT_EQ(truncateUtf8(s, 2), "Đ");
  EXPECT_EQ(truncateUtf8(s, 3), "Đ");
  EXPECT_EQ(truncateUtf8(s, 4), "Đ");
  EXPECT_EQ(truncateUtf8(s, 5), "Đứ");
  EXPECT_EQ(truncateUtf8(s, 6), "Đức");
  EXPECT_EQ(truncateUtf8(s, 100), "Đức");
  EXPECT_EQ(truncateUtf8("\xF0\x9F\x93\x9E", 3), "");
}

TEST(TruncateUtf8, IllFormedBytesAreSingleUnits) {
  EXPECT_EQ(truncateUtf8("ab\xFF\xFE", 3), "ab\xFF");
  EXPECT_EQ(truncateUtf8("a\xE1\xBB", 2), "a\xE1");
}

}  // namespace
}  // namespace tongdai::core::text
