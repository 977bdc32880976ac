#include "app/kb/knowledge_base.h"

#include <cmark.h>

#include <cstdlib>
#include <mutex>

#include "core/kb/article.h"

namespace tongdai::app {

std::string renderMarkdown(const std::string& markdown) {
  // CMARK_OPT_DEFAULT is safe in cmark 0.30: raw HTML and javascript: links are dropped.
  char* html = cmark_markdown_to_html(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT);
  std::string out = html ? html : "";
  std::free(html);
  return out;
}

namespace {
core::search::Document toDocument(const core::store::KbArticle& a) {
  return {a.id, a.title, a.answer, a.tags};
}
}  // namespace

void KnowledgeBase::load(core::store::Store& store, const std::string& today) {
  std::vector<core::store::KbArticle> all;
  store.read([&](core::store::ReadTx& tx) {
    all = tx.kbArticles();
    return core::Status::Ok();
  });
  core::search::SearchIndex index;
  std::map<std::int64_t, core::store::KbArticle> articles;
  for (auto& a : all) {
    if (!core::kb::answersOn(a, today)) continue;
    index.upsert(toDocument(a));
    articles[a.id] = std::move(a);
  }
  std::unique_lock lock(mutex_);
  index_ = std::move(index);
  articles_ = std::move(articles);
}

void KnowledgeBase::update(const core::store::KbArticle& a, const std::string& today) {
  std::unique_lock lock(mutex_);
  if (core::kb::answersOn(a, today)) {
    index_.upsert(toDocument(a));
    articles_[a.id] = a;
  } else {
    index_.remove(a.id);
    articles_.erase(a.id);
  }
}

std::vector<KnowledgeBase::Result> KnowledgeBase::search(const std::string& query,
                                                         const core::search::SearchOptions& o) const {
  std::shared_lock lock(mutex_);
  std::vector<Result> out;
  for (auto& hit : index_.search(query, o)) {
    auto it = articles_.find(hit.id);
    if (it != articles_.end()) out.push_back({it->second, std::move(hit)});
  }
  return out;
}

std::size_t KnowledgeBase::size() const {
  std::shared_lock lock(mutex_);
  return index_.size();
}

}  // namespace tongdai::app
