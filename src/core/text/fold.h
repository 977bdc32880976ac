// Vietnamese text helpers: validation, NFC for storage, and a folded form for
// search so that "Đổi thẻ căn cước", "doi the can cuoc", decomposed (NFD) input
// and old/new tone placement ("hoà"/"hòa") all find each other.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tongdai::core::text {

// True if s is well-formed UTF-8 (no overlongs, surrogates or code points
// above U+10FFFF).
bool isValidUtf8(std::string_view s);

// NFC, the form we store and compare. Invalid UTF-8 is not an error here: each
// maximal ill-formed subsequence becomes U+FFFD, as the Unicode standard recommends.
std::string toNfc(std::string_view s);

// Search key: compatibility decomposition, combining marks dropped, đ/Đ -> d,
// full case folding, every run of non-letter non-digit characters -> one
// space, trimmed. A lone 'y' after an initial consonant becomes 'i' so the two
// accepted spellings kỹ/kĩ, Lý/Lí, sỹ/sĩ match. "Đổi thẻ Căn Cước" -> "doi the can cuoc".
std::string foldForSearch(std::string_view s);

// foldForSearch(s) split on its spaces; empty for text without letters or digits.
std::vector<std::string> foldedTokens(std::string_view s);

// The longest prefix of s of at most max_bytes bytes that does not end inside a
// code point (ill-formed bytes count as one-byte units).
std::string truncateUtf8(std::string_view s, std::size_t max_bytes);

}  // namespace tongdai::core::text
