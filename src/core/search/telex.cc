#include "core/search/telex.h"

#include <algorithm>

namespace tongdai::core::search {

namespace {

bool isVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; }
bool isToneKey(char c) { return c == 's' || c == 'f' || c == 'r' || c == 'x' || c == 'j'; }

// Telex vowel and đ modifiers: aa, ee, oo (circumflex), aw, ow, uw (breve,
// horn), dd (đ). Folding already removed the real marks, so the typed keys
// are what is left.
std::string collapseModifiers(std::string_view t) {
  std::string out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == 'w' && !out.empty() && (out.back() == 'a' || out.back() == 'o' || out.back() == 'u')) continue;
    if (!out.empty() && c == out.back() && (c == 'a' || c == 'e' || c == 'o' || c == 'd')) continue;
    out.push_back(c);
  }
  return out;
}

std::string withoutDigits(std::string_view t) {
  std::string out;
  for (char c : t) {
    if (c < '0' || c > '9') out.push_back(c);
  }
  return out;
}

void addCandidate(std::vector<std::string>& out, std::string c, std::string_view original) {
  if (c.size() < 1 || c == original) return;
  if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(std::move(c));
}

}  // namespace

std::vector<std::string> inputMethodRepairs(std::string_view t) {
  std::vector<std::string> out;
  bool has_digit = std::any_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  bool has_letter = std::any_of(t.begin(), t.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  if (has_digit && has_letter) {  // VNI: marks typed as digits
    std::string plain = withoutDigits(t);
    addCandidate(out, collapseModifiers(plain), t);
    addCandidate(out, plain, t);
  }
  if (!has_letter || t.size() < 2) return out;
  // Telex tone key at the end ("caaps", "laij", "nguyeenx").
  if (isToneKey(t.back()) && t.size() > 2) {
    std::string stem(t.substr(0, t.size() - 1));
    addCandidate(out, collapseModifiers(stem), t);
    addCandidate(out, stem, t);
  }
  addCandidate(out, collapseModifiers(t), t);
  // A tone key typed right after the vowel, before the final consonant ("cajp" → "cap").
  for (std::size_t i = 1; i + 1 < t.size(); ++i) {
    if (isToneKey(t[i]) && isVowel(t[i - 1]) && !isVowel(t[i + 1])) {
      std::string s(t.substr(0, i));
      s += t.substr(i + 1);
      addCandidate(out, collapseModifiers(s), t);
    }
  }
  return out;
}

}  // namespace tongdai::core::search
