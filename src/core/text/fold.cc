#include "core/text/fold.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <new>

namespace tongdai::core::text {
namespace {

constexpr std::string_view kReplacementUtf8 = "\xEF\xBF\xBD";  // U+FFFD

constexpr auto kNfcOptions = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE);
// Compatibility decomposition (NFKD rather than NFD) also folds the full-width
// forms and ligatures ("０９１２", "ﬁ") that phone keyboards and PDFs produce.
constexpr auto kSearchOptions =
    static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
                                   UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);

struct Decoded {
  char32_t code_point;
  std::size_t length;  // bytes consumed; for ill-formed input, the maximal subpart
  bool valid;
};

// Allowed range of the second byte after each lead byte (Unicode Table 3-7);
// later continuation bytes are always 80..BF. Narrowing the second byte is what
// rejects overlongs (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
struct Lead {
  std::size_t continuation_bytes;
  unsigned char low;
  unsigned char high;
};

Lead leadOf(unsigned char b) {
  if (b >= 0xC2 && b <= 0xDF) return {1, 0x80, 0xBF};
  if (b == 0xE0) return {2, 0xA0, 0xBF};
  if (b == 0xED) return {2, 0x80, 0x9F};
  if (b >= 0xE1 && b <= 0xEF) return {2, 0x80, 0xBF};
  if (b == 0xF0) return {3, 0x90, 0xBF};
  if (b >= 0xF1 && b <= 0xF3) return {3, 0x80, 0xBF};
  if (b == 0xF4) return {3, 0x80, 0x8F};
  return {0, 0, 0};  // ASCII is handled before; anything else cannot start a sequence
}

// Decodes the code point starting at s[i]. An ill-formed sequence reports the
// length of its maximal subpart, so callers emit one U+FFFD per broken
// sequence, not one per byte.
Decoded decodeAt(std::string_view s, std::size_t i) {
  const auto first = static_cast<unsigned char>(s[i]);
  if (first < 0x80) return {first, 1, true};
  Lead lead = leadOf(first);
  if (lead.continuation_bytes == 0) return {0xFFFD, 1, false};
  char32_t cp = first & (0x3F >> lead.continuation_bytes);
  for (std::size_t k = 1; k <= lead.continuation_bytes; ++k) {
    if (i + k >= s.size()) return {0xFFFD, k, false};
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < lead.low || b > lead.high) return {0xFFFD, k, false};
    cp = (cp << 6) | (b & 0x3F);
    lead.low = 0x80;
    lead.high = 0xBF;
  }
  return {cp, lead.continuation_bytes + 1, true};
}

std::string replaceInvalid(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const Decoded d = decodeAt(s, i);
    if (d.valid) {
      out.append(s.substr(i, d.length));
    } else {
      out.append(kReplacementUtf8);
    }
    i += d.length;
  }
  return out;
}

// Runs utf8proc on text already known to be valid UTF-8.
std::string mapValid(const std::string& s, utf8proc_option_t options) {
  if (s.empty()) return {};
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                   static_cast<utf8proc_ssize_t>(s.size()), &mapped, options);
  // With valid input the only failures left are out-of-memory and overflow.
  if (n < 0) throw std::bad_alloc();
  std::string out(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(n));
  std::free(mapped);
  return out;
}

// đ has no decomposition, so stripping marks keeps it and "duc" would not find
// "Đức". Ð/ð (eth) stands in for Đ/đ in text converted from old encodings.
bool isStrokedD(char32_t cp) {
  return cp == 0x0110 || cp == 0x0111 || cp == 0x00D0 || cp == 0x00F0;
}

bool isLetterOrDigit(char32_t cp) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
      return true;
    default:
      return false;
  }
}

// Initial consonants after which Vietnamese accepts both 'i' and 'y' as the
// whole rhyme (kĩ/kỹ, lí/lý, sĩ/sỹ, quí/quý, hi vọng/hy vọng).
constexpr std::array<std::string_view, 25> kInitials{
    "b",   "c",  "ch", "d",  "g",  "gh", "h", "k", "kh", "l",  "m", "n", "ng",
    "ngh", "nh", "p",  "ph", "qu", "r",  "s", "t", "th", "tr", "v", "x"};

// Only the whole-rhyme case is unified: 'y' after a vowel is a different word
// ("tay" hand vs "tai" ear), so "ay", "uy" are left alone.
void unifyFinalY(std::string& token) {
  if (token.size() < 2 || token.back() != 'y') return;
  const std::string_view initial(token.data(), token.size() - 1);
  if (std::find(kInitials.begin(), kInitials.end(), initial) != kInitials.end()) {
    token.back() = 'i';
  }
}

void flushToken(std::string& token, std::string& out) {
  if (token.empty()) return;
  unifyFinalY(token);
  if (!out.empty()) out.push_back(' ');
  out.append(token);
  token.clear();
}

}  // namespace

bool isValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const Decoded d = decodeAt(s, i);
    if (!d.valid) return false;
    i += d.length;
  }
  return true;
}

std::string toNfc(std::string_view s) { return mapValid(replaceInvalid(s), kNfcOptions); }

std::string foldForSearch(std::string_view s) {
  const std::string decomposed = mapValid(replaceInvalid(s), kSearchOptions);
  std::string out;
  std::string token;
  for (std::size_t i = 0; i < decomposed.size();) {
    const Decoded d = decodeAt(decomposed, i);
    if (isStrokedD(d.code_point)) {
      token.push_back('d');
    } else if (isLetterOrDigit(d.code_point)) {
      token.append(decomposed, i, d.length);
    } else {
      flushToken(token, out);
    }
    i += d.length;
  }
  flushToken(token, out);
  return out;
}

std::vector<std::string> foldedTokens(std::string_view s) {
  const std::string folded = foldForSearch(s);
  std::vector<std::string> tokens;
  std::size_t start = 0;
  while (start < folded.size()) {
    std::size_t end = folded.find(' ', start);
    if (end == std::string::npos) end = folded.size();
    tokens.push_back(folded.substr(start, end - start));
    start = end + 1;
  }
  return tokens;
}

std::string truncateUtf8(std::string_view s, std::size_t max_bytes) {
  std::size_t end = 0;
  while (end < s.size()) {
    const Decoded d = decodeAt(s, end);
    const std::size_t length = d.valid ? d.length : 1;
    if (end + length > max_bytes) break;
    end += length;
  }
  return std::string(s.substr(0, end));
}

}  // namespace tongdai::core::text
