#include "core/registry/match.h"

#include <algorithm>

#include <utf8proc.h>

#include "core/text/fold.h"

namespace tongdai::core::registry {
namespace {

// Exact spelling (accents included), case-insensitive: "NGUYỄN VĂN AN" and
// "Nguyễn Văn An" are the same spelling, "Nguyen Van An" is not.
std::string lowerNfc(std::string_view s) {
  std::string nfc = text::toNfc(s), out;
  out.reserve(nfc.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(nfc.data());
  utf8proc_ssize_t left = utf8proc_ssize_t(nfc.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    auto n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) break;
    utf8proc_uint8_t buf[4];
    auto w = utf8proc_encode_char(utf8proc_tolower(cp), buf);
    out.append(reinterpret_cast<const char*>(buf), std::size_t(w));
    p += n;
    left -= n;
  }
  return out;
}

bool sameSpelling(std::string_view a, std::string_view b) { return lowerNfc(a) == lowerNfc(b); }

}  // namespace

std::string nameKey(std::string_view full_name) { return text::foldForSearch(full_name); }

int scoreCandidate(const NameQuery& q, const Person& p) {
  const PartialDate& want = q.birth_date;
  const PartialDate& have = p.birth_date;
  if (want.year != have.year) return -1;
  int score = 0;
  if (want.month && have.month) {
    if (want.month != have.month) return -1;
    score += 15;
    if (want.day && have.day) {
      if (want.day != have.day) return -1;
      score += 15;
    }
  }
  if (sameSpelling(q.full_name, p.full_name)) score += 40;
  if (!q.province_code.empty() && p.id.compare(0, 3, q.province_code) == 0) score += 20;
  return score;
}

bool birthDateVerifies(const PartialDate& stated, const PartialDate& record) {
  if (stated.year != record.year) return false;
  if (record.month && stated.month != record.month) return false;
  if (record.day && stated.day != record.day) return false;
  return true;
}

std::vector<Candidate> rankCandidates(const NameQuery& q, std::vector<Person> people) {
  std::vector<Candidate> out;
  out.reserve(people.size());
  for (auto& p : people) {
    int s = scoreCandidate(q, p);
    if (s >= 0) out.push_back(Candidate{std::move(p), s});
  }
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.person.id < b.person.id;
  });
  if (q.limit >= 0 && out.size() > std::size_t(q.limit)) out.resize(std::size_t(q.limit));
  return out;
}

}  // namespace tongdai::core::registry
