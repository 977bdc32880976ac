#include "core/search/search_index.h"

#include <utf8proc.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_set>

#include "core/search/telex.h"
#include "core/text/fold.h"

namespace tongdai::core::search {

namespace {

constexpr double kTitleWeight = 3.0, kTagWeight = 2.0, kBodyWeight = 1.0;
constexpr double kK1 = 1.2, kB = 0.75;
constexpr double kPairBoost = 1.5;    // a two-syllable unit matched as a unit
constexpr double kAccentBoost = 0.35; // accented form matched exactly
constexpr double kRepairWeight = 0.9, kTypoWeight = 0.6, kPrefixWeight = 0.75;

struct Posting {
  std::uint32_t doc;
  float tf;  // field-weighted term frequency
};

struct Word {
  std::string folded;
  std::string accented;  // lower-case NFC with marks
};

// Splits original text into words (letters/digits), keeping byte spans.
struct Span {
  std::size_t begin, end;
};

bool isWordCodePoint(utf8proc_int32_t cp) {
  auto cat = utf8proc_category(cp);
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
         (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) ||
         cat == UTF8PROC_CATEGORY_ND;
}

std::vector<Span> wordSpans(std::string_view s) {
  std::vector<Span> out;
  std::size_t i = 0;
  bool in_word = false;
  std::size_t start = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                              static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) {
      n = 1;
      cp = -1;
    }
    bool word = cp >= 0 && isWordCodePoint(cp);
    if (word && !in_word) start = i;
    if (!word && in_word) out.push_back({start, i});
    in_word = word;
    i += static_cast<std::size_t>(n);
  }
  if (in_word) out.push_back({start, s.size()});
  return out;
}

std::vector<Word> words(std::string_view s) {
  std::vector<Word> out;
  for (auto span : wordSpans(s)) {
    auto piece = s.substr(span.begin, span.end - span.begin);
    auto folded = text::foldedTokens(piece);
    if (folded.empty()) continue;
    // A "word" may fold into several tokens (rare: e.g. a ligature); keep each.
    std::string accented = lowerKeepMarks(piece);
    for (auto& f : folded) out.push_back({std::move(f), folded.size() == 1 ? accented : ""});
  }
  return out;
}

std::string htmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// All strings one deletion away (for the typo index).
std::vector<std::string> deletions(const std::string& t) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < t.size(); ++i) out.push_back(t.substr(0, i) + t.substr(i + 1));
  return out;
}

bool withinOneEdit(const std::string& a, const std::string& b) {
  if (a == b) return true;
  std::size_t la = a.size(), lb = b.size();
  if (la > lb + 1 || lb > la + 1) return false;
  if (la == lb) {
    std::vector<std::size_t> diff;
    for (std::size_t i = 0; i < la && diff.size() < 3; ++i) {
      if (a[i] != b[i]) diff.push_back(i);
    }
    if (diff.size() == 1) return true;  // substitution
    return diff.size() == 2 && diff[1] == diff[0] + 1 && a[diff[0]] == b[diff[1]] &&
           a[diff[1]] == b[diff[0]];  // transposition
  }
  const std::string& s = la < lb ? a : b;
  const std::string& l = la < lb ? b : a;
  std::size_t i = 0, j = 0;
  bool skipped = false;
  while (i < s.size() && j < l.size()) {
    if (s[i] == l[j]) {
      ++i, ++j;
    } else if (!skipped) {
      skipped = true;
      ++j;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string lowerKeepMarks(std::string_view s) {
  utf8proc_uint8_t* out = nullptr;
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                        static_cast<utf8proc_ssize_t>(s.size()), &out,
                        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                       UTF8PROC_CASEFOLD));
  if (n < 0) return std::string(s);
  std::string r(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
  free(out);
  return r;
}

struct SearchIndex::Impl {
  struct Doc {
    std::int64_t id;
    bool live = true;
    std::string title, body;
    double length = 0;  // field-weighted
  };
  std::vector<Doc> docs;
  std::unordered_map<std::int64_t, std::uint32_t> by_id;
  std::unordered_map<std::string, std::vector<Posting>> terms;     // folded syllables and "a b" pairs
  std::unordered_map<std::string, std::vector<Posting>> accented;  // accented syllables
  std::unordered_map<std::string, std::vector<std::string>> typo;  // deletion -> vocabulary terms
  std::set<std::string> vocabulary;                                // sorted, for prefixes
  double total_length = 0;
  std::size_t live = 0;

  void addPostings(std::uint32_t d, const std::vector<Word>& ws, double weight,
                   std::map<std::string, double>& tf, std::map<std::string, double>& acc) {
    for (std::size_t i = 0; i < ws.size(); ++i) {
      tf[ws[i].folded] += weight;
      if (!ws[i].accented.empty()) acc[ws[i].accented] += weight;
      if (i + 1 < ws.size()) tf[ws[i].folded + " " + ws[i + 1].folded] += weight;
    }
  }

  void index(std::uint32_t d, const Document& doc) {
    std::map<std::string, double> tf, acc;
    auto tw = words(doc.title), bw = words(doc.body);
    addPostings(d, tw, kTitleWeight, tf, acc);
    addPostings(d, bw, kBodyWeight, tf, acc);
    double len = tw.size() * kTitleWeight + bw.size() * kBodyWeight;
    for (const auto& tag : doc.tags) {
      auto gw = words(tag);
      addPostings(d, gw, kTagWeight, tf, acc);
      len += gw.size() * kTagWeight;
    }
    for (auto& [t, f] : tf) {
      terms[t].push_back({d, static_cast<float>(f)});
      if (t.find(' ') == std::string::npos && vocabulary.insert(t).second) {
        for (auto& del : deletions(t)) typo[del].push_back(t);
      }
    }
    for (auto& [t, f] : acc) accented[t].push_back({d, static_cast<float>(f)});
    docs[d].length = len;
    total_length += len;
  }

  void unindex(std::uint32_t d) {
    auto drop = [d](std::unordered_map<std::string, std::vector<Posting>>& m) {
      for (auto it = m.begin(); it != m.end();) {
        auto& v = it->second;
        v.erase(std::remove_if(v.begin(), v.end(), [d](const Posting& p) { return p.doc == d; }), v.end());
        it = v.empty() ? m.erase(it) : std::next(it);
      }
    };
    drop(terms);
    drop(accented);
    total_length -= docs[d].length;
    // Vocabulary and typo entries may go stale; lookups check `terms`.
  }

  double idf(std::size_t df) const {
    double n = static_cast<double>(std::max<std::size_t>(live, 1));
    return std::log(1.0 + (n - static_cast<double>(df) + 0.5) / (static_cast<double>(df) + 0.5));
  }

  void scoreTerm(const std::vector<Posting>* postings, double weight, std::vector<double>& acc) const {
    if (!postings || postings->empty()) return;
    double avg = live ? total_length / static_cast<double>(live) : 1.0;
    double w = weight * idf(postings->size());
    for (const auto& p : *postings) {
      if (!docs[p.doc].live) continue;
      double norm = kK1 * (1 - kB + kB * docs[p.doc].length / std::max(avg, 1.0));
      acc[p.doc] += w * (p.tf * (kK1 + 1)) / (p.tf + norm);
    }
  }

  const std::vector<Posting>* find(const std::string& t) const {
    auto it = terms.find(t);
    return it == terms.end() ? nullptr : &it->second;
  }

  // The index terms a query word stands for, each with its confidence.
  std::vector<std::pair<std::string, double>> resolve(const std::string& q, bool prefix) const {
    std::vector<std::pair<std::string, double>> out;
    if (find(q)) out.push_back({q, 1.0});
    if (out.empty()) {
      for (auto& r : inputMethodRepairs(q)) {
        if (find(r)) {
          out.push_back({r, kRepairWeight});
          break;
        }
      }
    }
    if (prefix && q.size() >= 2) {
      int taken = 0;
      for (auto it = vocabulary.lower_bound(q); it != vocabulary.end() && taken < 8; ++it) {
        if (it->compare(0, q.size(), q) != 0) break;
        if (*it != q && find(*it)) out.push_back({*it, kPrefixWeight}), ++taken;
      }
    }
    if (out.empty() && q.size() >= 3) {
      std::set<std::string> seen;
      auto consider = [&](const std::string& key) {
        auto it = typo.find(key);
        if (it == typo.end()) return;
        for (const auto& cand : it->second) {
          if (seen.insert(cand).second && withinOneEdit(q, cand) && find(cand)) {
            out.push_back({cand, kTypoWeight});
          }
        }
      };
      consider(q);
      for (auto& del : deletions(q)) {
        consider(del);
        if (find(del) && seen.insert(del).second) out.push_back({del, kTypoWeight});
      }
    }
    return out;
  }

  std::string highlight(std::string_view text, const std::unordered_set<std::string>& match,
                        std::size_t from, std::size_t to) const {
    std::string out;
    std::size_t pos = from;
    for (auto span : wordSpans(text)) {
      if (span.begin < from || span.end > to) continue;
      auto piece = text.substr(span.begin, span.end - span.begin);
      auto f = text::foldForSearch(piece);
      if (!match.count(f)) continue;
      out += htmlEscape(text.substr(pos, span.begin - pos));
      out += "<mark>" + htmlEscape(piece) + "</mark>";
      pos = span.end;
    }
    out += htmlEscape(text.substr(pos, to - pos));
    return out;
  }

  std::string snippet(const std::string& body, const std::unordered_set<std::string>& match) const {
    // Sentences split on . ! ? and newlines; the one with most distinct matches wins.
    std::size_t best_from = 0, best_to = std::min<std::size_t>(body.size(), 0);
    int best = -1;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= body.size(); ++i) {
      bool end = i == body.size() || body[i] == '\n' || ((body[i] == '.' || body[i] == '?' || body[i] == '!') &&
                                                         (i + 1 == body.size() || body[i + 1] == ' '));
      if (!end) continue;
      std::size_t to = i < body.size() ? i + 1 : i;
      auto sentence = std::string_view(body).substr(start, to - start);
      std::set<std::string> hits;
      for (const auto& w : words(sentence)) {
        if (match.count(w.folded)) hits.insert(w.folded);
      }
      int score = static_cast<int>(hits.size());
      if (score > best && to > start + 1) best = score, best_from = start, best_to = to;
      start = to;
    }
    // Trim to ~220 bytes on a word boundary, never inside a code point.
    std::string_view s = std::string_view(body).substr(best_from, best_to - best_from);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '-' || s.front() == '*')) {
      s.remove_prefix(1), best_from++;
    }
    std::size_t to = best_from + s.size();
    bool cut = false;
    if (s.size() > 220) {
      auto space = s.rfind(' ', 220);
      to = best_from + (space == std::string_view::npos ? text::truncateUtf8(s, 220).size() : space);
      cut = true;
    }
    return highlight(body, match, best_from, to) + (cut ? "…" : "");
  }
};

SearchIndex::SearchIndex() : impl_(std::make_unique<Impl>()) {}
SearchIndex::~SearchIndex() = default;
SearchIndex::SearchIndex(SearchIndex&&) noexcept = default;
SearchIndex& SearchIndex::operator=(SearchIndex&&) noexcept = default;

void SearchIndex::upsert(const Document& doc) {
  remove(doc.id);
  auto d = static_cast<std::uint32_t>(impl_->docs.size());
  impl_->docs.push_back({doc.id, true, doc.title, doc.body, 0});
  impl_->by_id[doc.id] = d;
  impl_->live++;
  impl_->index(d, doc);
}

void SearchIndex::remove(std::int64_t id) {
  auto it = impl_->by_id.find(id);
  if (it == impl_->by_id.end()) return;
  impl_->unindex(it->second);
  impl_->docs[it->second].live = false;
  impl_->docs[it->second].body.clear();
  impl_->by_id.erase(it);
  impl_->live--;
}

std::size_t SearchIndex::size() const { return impl_->live; }

std::vector<Hit> SearchIndex::search(const std::string& query, const SearchOptions& options) const {
  const Impl& m = *impl_;
  auto qwords = words(query);
  if (qwords.empty() || m.live == 0) return {};
  if (qwords.size() > 16) qwords.resize(16);
  std::vector<double> acc(m.docs.size(), 0.0);
  std::vector<std::vector<std::pair<std::string, double>>> resolved;
  std::unordered_set<std::string> match;
  for (std::size_t i = 0; i < qwords.size(); ++i) {
    bool prefix = options.prefix_last && i + 1 == qwords.size();
    auto r = m.resolve(qwords[i].folded, prefix);
    for (auto& [term, weight] : r) {
      m.scoreTerm(m.find(term), weight, acc);
      match.insert(term);
    }
    // Accents typed in the query: reward documents with exactly those marks.
    const auto& a = qwords[i].accented;
    if (!a.empty() && a != qwords[i].folded) {
      auto it = m.accented.find(a);
      if (it != m.accented.end()) m.scoreTerm(&it->second, kAccentBoost, acc);
    }
    resolved.push_back(std::move(r));
  }
  // Adjacent query words as a unit ("căn cước", "mất thẻ").
  for (std::size_t i = 0; i + 1 < resolved.size(); ++i) {
    for (auto& [a, wa] : resolved[i]) {
      for (auto& [b, wb] : resolved[i + 1]) {
        m.scoreTerm(m.find(a + " " + b), kPairBoost * wa * wb, acc);
      }
    }
  }
  std::vector<std::uint32_t> order;
  for (std::uint32_t d = 0; d < acc.size(); ++d) {
    if (acc[d] > 0 && m.docs[d].live) order.push_back(d);
  }
  auto limit = static_cast<std::size_t>(std::max(1, options.limit));
  auto cmp = [&](std::uint32_t x, std::uint32_t y) {
    return acc[x] != acc[y] ? acc[x] > acc[y] : m.docs[x].id < m.docs[y].id;
  };
  if (order.size() > limit) {
    std::partial_sort(order.begin(), order.begin() + static_cast<long>(limit), order.end(), cmp);
    order.resize(limit);
  } else {
    std::sort(order.begin(), order.end(), cmp);
  }
  std::vector<Hit> hits;
  for (auto d : order) {
    Hit h;
    h.id = m.docs[d].id;
    h.score = acc[d];
    if (options.snippets) {
      h.title_html = m.highlight(m.docs[d].title, match, 0, m.docs[d].title.size());
      h.snippet = m.snippet(m.docs[d].body, match);
    }
    hits.push_back(std::move(h));
  }
  return hits;
}

}  // namespace tongdai::core::search
