// Vietnamese-aware full-text search over a small-to-medium corpus (the
// knowledge base: tens to tens of thousands of articles), in memory.
//
// Matching works on folded syllables (core/text): accent-insensitive with đ→d,
// NFC/NFD and tone placement alike. On top of that:
//  - adjacent-syllable pairs are indexed, so "căn cước" as a unit outranks the
//    two syllables scattered in a text;
//  - query words unknown to the index are repaired (Telex/VNI leftovers), then
//    matched with one typo (insert, delete, substitute, transpose);
//  - accents typed in the query are a signal: an exact accented match scores a
//    little higher, so "bảo" prefers bảo over báo/bào;
//  - ranking is BM25F over title (×3), tags (×2) and body (×1);
//  - snippets come from the body's best sentence, HTML-escaped, matches in <mark>.
// Not thread-safe for writes: build, then search from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace tongdai::core::search {

struct Document {
  std::int64_t id = 0;
  std::string title;
  std::string body;  // plain text (Markdown is fine: punctuation is ignored)
  std::vector<std::string> tags;
};

struct Hit {
  std::int64_t id = 0;
  double score = 0;
  std::string title_html;  // title with matches in <mark>, HTML-escaped
  std::string snippet;     // best body passage with matches in <mark>, HTML-escaped
};

struct SearchOptions {
  int limit = 10;
  bool prefix_last = false;  // suggest-as-you-type: the last word may be unfinished
  bool snippets = true;
};

class SearchIndex {
 public:
  SearchIndex();
  ~SearchIndex();
  SearchIndex(SearchIndex&&) noexcept;
  SearchIndex& operator=(SearchIndex&&) noexcept;

  // Adds or replaces a document (by id).
  void upsert(const Document& doc);
  void remove(std::int64_t id);
  std::size_t size() const;

  std::vector<Hit> search(const std::string& query, const SearchOptions& options) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Lower-case NFC with the marks kept: the "accented" form used as a signal.
std::string lowerKeepMarks(std::string_view s);

}  // namespace tongdai::core::search
