// The knowledge base's in-memory search side: an index of the articles that
// answer today, rebuilt per article after each committed change. Searches
// run concurrently; updates take the write lock briefly.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/search/search_index.h"
#include "core/store/records.h"
#include "core/store/store.h"

namespace tongdai::app {

// Markdown → HTML with raw HTML and unsafe links dropped (cmark's safe mode).
std::string renderMarkdown(const std::string& markdown);

class KnowledgeBase {
 public:
  // Loads every article from the store; `today` is "YYYY-MM-DD" (local).
  void load(core::store::Store& store, const std::string& today);
  // Applies one saved article: indexed if it answers today, removed if not.
  void update(const core::store::KbArticle& a, const std::string& today);

  struct Result {
    core::store::KbArticle article;
    core::search::Hit hit;
  };
  std::vector<Result> search(const std::string& query, const core::search::SearchOptions& o) const;
  std::size_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  core::search::SearchIndex index_;
  std::map<std::int64_t, core::store::KbArticle> articles_;  // indexed ones
};

}  // namespace tongdai::app
