// kb_bench: how well and how fast the knowledge-base search answers, next to two
// engines we could have used instead: SQLite FTS5 (SQLite is linked anyway) and
// Xapian. Quality on the labelled query set over the published articles; speed on
// the same articles plus synthetic ones recombined from them. In-process only: the
// HTTP layer's own cost is measured by bench/http_bench.py.
//
// kb_bench --articles data/kb --queries tests/kb/queries.json
//          [--out BENCHMARKS.md] [--extra 10000] [--calls 20000] [--baseline-seconds 15]
//          [--seed 20240701]

#include <sched.h>
#include <sqlite3.h>
#include <utf8proc.h>
#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/search/search_index.h"
#include "core/text/fold.h"

namespace {

namespace search = tongdai::core::search;
namespace text = tongdai::core::text;
using Clock = std::chrono::steady_clock;

// Results per search: what the API returns and the cut-off of MRR@10.
constexpr int kLimit = 10;
constexpr std::string_view kSectionHeader =
    "## Knowledge-base search (`make bench` → build/kb_bench)";
// The order kinds are reported in; kinds not listed here follow alphabetically.
const std::vector<std::string> kKindOrder = {"accents", "no_accents", "typo", "telex",
                                             "colloquial"};

// Keeps the compiler from dropping timed calls whose results are otherwise unused.
volatile std::size_t g_sink = 0;

struct Args {
  std::string articles = "data/kb";  // a JSON array file or a directory of them
  std::string queries = "tests/kb/queries.json";
  std::string out;
  int extra = 10000;
  int calls = 20000;
  double baseline_seconds = 15;  // per baseline operation, see measure()
  std::uint32_t seed = 20240701;
  std::string command;
};

struct Article {
  std::int64_t id = 0;
  std::string slug, title, answer;
  std::vector<std::string> tags;
};

struct Corpus {
  std::vector<Article> published;
  std::set<std::string> other_slugs;  // drafts, reviews, retired: in the file, not searched
};

struct Query {
  std::string q, kind;
  std::vector<std::string> relevant;
  std::set<std::int64_t> relevant_ids;  // the published ones among `relevant`
  bool accented = false;
};

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "kb_bench: " << message << "\n";
  std::exit(1);
}

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "kb_bench: " << problem << "\n"
            << "usage: kb_bench --articles FILE|DIR --queries FILE [--out BENCHMARKS.md]\n"
            << "                [--extra N] [--calls N] [--baseline-seconds S] [--seed N]\n";
  std::exit(2);
}

Args parseArgs(int argc, char** argv) {
  Args a;
  a.command = argv[0];
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    a.command += " " + flag;
    if (flag == "--help" || flag == "-h") usage("knowledge-base search benchmark");
    if (i + 1 >= argc) usage("missing value after " + flag);
    std::string value = argv[++i];
    a.command += " " + value;
    try {
      if (flag == "--articles") {
        a.articles = value;
      } else if (flag == "--queries") {
        a.queries = value;
      } else if (flag == "--out") {
        a.out = value;
      } else if (flag == "--extra") {
        a.extra = std::stoi(value);
      } else if (flag == "--calls") {
        a.calls = std::stoi(value);
      } else if (flag == "--baseline-seconds") {
        a.baseline_seconds = std::stod(value);
      } else if (flag == "--seed") {
        a.seed = static_cast<std::uint32_t>(std::stoul(value));
      } else {
        usage("unknown option " + flag);
      }
    } catch (const std::exception&) {
      usage("bad number for " + flag + ": " + value);
    }
  }
  if (a.extra < 0 || a.calls < 1) usage("--extra must be >= 0 and --calls >= 1");
  return a;
}

std::string readFile(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read the " + what + " file '" + path + "': " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

nlohmann::json parseJsonArray(const std::string& path, const std::string& what) {
  auto j = nlohmann::json::parse(readFile(path, what), nullptr, false);
  if (j.is_discarded()) fail(path + " is not valid JSON");
  if (!j.is_array()) fail(path + " must hold a JSON array of " + what);
  if (j.empty()) fail(path + " holds no " + what);
  return j;
}

// The articles of `path`: one JSON array, or a directory of them (data/kb/*.json, one
// file per topic, as the server embeds them), read in name order so ids are stable.
nlohmann::json articlesJson(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return parseJsonArray(path, "articles");
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  if (ec) fail("cannot list the articles directory '" + path + "': " + ec.message());
  if (files.empty()) fail("no *.json article file in '" + path + "'");
  std::sort(files.begin(), files.end());
  nlohmann::json all = nlohmann::json::array();
  for (const auto& f : files) {
    for (auto& e : parseJsonArray(f, "articles")) all.push_back(std::move(e));
  }
  return all;
}

Corpus loadArticles(const std::string& path) {
  Corpus c;
  try {
    for (const auto& e : articlesJson(path)) {
      // A missing status means published, as in the server's seed; only published
      // answers are given to callers, so drafts and retired ones are not searched.
      if (e.value("status", "published") != "published") {
        c.other_slugs.insert(e.value("slug", ""));
        continue;
      }
      Article a;
      a.id = static_cast<std::int64_t>(c.published.size()) + 1;
      a.slug = e.value("slug", "");
      a.title = e.value("title", "");
      a.answer = e.value("answer", "");
      a.tags = e.value("tags", std::vector<std::string>{});
      c.published.push_back(std::move(a));
    }
  } catch (const nlohmann::json::exception& e) {
    fail(path + ": unexpected article shape: " + e.what());
  }
  if (c.published.empty()) fail(path + " holds no published article");
  return c;
}

// True for any non-ASCII letter or combining mark: in Vietnamese text that means a
// tone or vowel mark (or đ), i.e. the query was typed with accents.
bool hasMarks(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp = -1;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                              static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) n = 1, cp = -1;
    if (cp >= 0x80) {
      auto cat = utf8proc_category(cp);
      if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME) return true;
    }
    i += static_cast<std::size_t>(n);
  }
  return false;
}

// Queries whose relevant articles are all unpublished (or unknown) cannot be found by
// any engine; they are left out of the scores and named on stderr instead.
std::vector<Query> loadQueries(const std::string& path, const Corpus& corpus, int* skipped) {
  std::map<std::string, std::int64_t> id_of;
  for (const auto& a : corpus.published) id_of[a.slug] = a.id;
  std::vector<Query> out;
  *skipped = 0;
  try {
    for (const auto& e : parseJsonArray(path, "queries")) {
      Query q;
      q.q = e.at("q").get<std::string>();
      q.relevant = e.at("relevant").get<std::vector<std::string>>();
      q.kind = e.value("kind", "unknown");
      q.accented = hasMarks(q.q);
      for (const auto& slug : q.relevant) {
        if (auto it = id_of.find(slug); it != id_of.end()) {
          q.relevant_ids.insert(it->second);
        } else if (!corpus.other_slugs.count(slug)) {
          std::cerr << "kb_bench: warning: query \"" << q.q << "\" names unknown article '" << slug
                    << "'\n";
        }
      }
      if (q.relevant_ids.empty()) {
        std::cerr << "kb_bench: skipped query \"" << q.q
                  << "\": none of its relevant articles is published\n";
        ++*skipped;
        continue;
      }
      out.push_back(std::move(q));
    }
  } catch (const nlohmann::json::exception& e) {
    fail(path + ": each query needs \"q\" (string) and \"relevant\" (array of slugs): " + e.what());
  }
  if (out.empty()) fail(path + " holds no query with a published relevant article");
  return out;
}

std::string joinTags(const std::vector<std::string>& tags) {
  std::string s;
  for (const auto& t : tags) s += (s.empty() ? "" : ", ") + t;
  return s;
}

// ---- engine (a): ours ---------------------------------------------------------------

void oursAdd(search::SearchIndex& index, const Article& a) {
  index.upsert({a.id, a.title, a.answer, a.tags});
}

std::vector<std::int64_t> oursSearch(const search::SearchIndex& index, const std::string& q,
                                     bool prefix_last, bool snippets) {
  search::SearchOptions o;
  o.limit = kLimit;
  o.prefix_last = prefix_last;
  o.snippets = snippets;
  std::vector<std::int64_t> ids;
  for (const auto& h : index.search(q, o)) {
    ids.push_back(h.id);
    g_sink = g_sink + h.snippet.size() + h.title_html.size();
  }
  return ids;
}

// ---- engine (b): SQLite FTS5 ----------------------------------------------------------

class Fts5 {
 public:
  Fts5() {
    if (sqlite3_open(":memory:", &db_) != SQLITE_OK) fail("cannot open SQLite in memory");
    exec(
        "CREATE VIRTUAL TABLE kb USING fts5(title, body, tags,"
        " tokenize = 'unicode61 remove_diacritics 2')");
    insert_ = prepare("INSERT INTO kb(rowid, title, body, tags) VALUES (?1, ?2, ?3, ?4)");
    // bm25() weights per column, as ours weighs title ×3, body ×1, tags ×2; lower is better.
    ranked_ =
        prepare("SELECT rowid FROM kb WHERE kb MATCH ?1 ORDER BY bm25(kb, 3.0, 1.0, 2.0) LIMIT ?2");
    // The same with a highlighted title and a body snippet, to time like-for-like with
    // ours' snippets (40 tokens is about ours' 220 bytes of Vietnamese).
    highlighted_ = prepare(
        "SELECT rowid, highlight(kb, 0, '<mark>', '</mark>'),"
        " snippet(kb, 1, '<mark>', '</mark>', '…', 40)"
        " FROM kb WHERE kb MATCH ?1 ORDER BY bm25(kb, 3.0, 1.0, 2.0) LIMIT ?2");
  }
  ~Fts5() {
    for (auto* s : {insert_, ranked_, highlighted_}) sqlite3_finalize(s);
    sqlite3_close(db_);
  }
  Fts5(const Fts5&) = delete;
  Fts5& operator=(const Fts5&) = delete;

  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      fail(std::string("SQLite: ") + sqlite3_errmsg(db_));
    }
  }

  void add(const Article& a) {
    std::string tags = joinTags(a.tags);
    sqlite3_bind_int64(insert_, 1, a.id);
    sqlite3_bind_text(insert_, 2, a.title.data(), static_cast<int>(a.title.size()), nullptr);
    sqlite3_bind_text(insert_, 3, a.answer.data(), static_cast<int>(a.answer.size()), nullptr);
    sqlite3_bind_text(insert_, 4, tags.data(), static_cast<int>(tags.size()), nullptr);
    if (sqlite3_step(insert_) != SQLITE_DONE) fail(std::string("SQLite: ") + sqlite3_errmsg(db_));
    sqlite3_reset(insert_);
  }

  // `match` is an FTS5 query; an empty one matches nothing (FTS5 would reject it).
  std::vector<std::int64_t> search(const std::string& match, bool snippets) {
    std::vector<std::int64_t> ids;
    if (match.empty()) return ids;
    sqlite3_stmt* s = snippets ? highlighted_ : ranked_;
    sqlite3_bind_text(s, 1, match.data(), static_cast<int>(match.size()), nullptr);
    sqlite3_bind_int(s, 2, kLimit);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      ids.push_back(sqlite3_column_int64(s, 0));
      if (snippets) g_sink = g_sink + sqlite3_column_bytes(s, 1) + sqlite3_column_bytes(s, 2);
    }
    if (rc != SQLITE_DONE) ++errors;
    sqlite3_reset(s);
    return ids;
  }

  int errors = 0;

 private:
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) {
      fail(std::string("SQLite: ") + sqlite3_errmsg(db_));
    }
    return s;
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* ranked_ = nullptr;
  sqlite3_stmt* highlighted_ = nullptr;
};

// The raw query's whitespace-separated words, each as an FTS5 string (so punctuation
// and words like OR/NOT are plain text), joined by `op`. Words without a letter or digit
// are dropped: FTS5 gives them no token. With prefix_last the last word is a prefix.
std::string fts5Match(const std::string& raw, const std::string& op, bool prefix_last) {
  std::vector<std::string> quoted;
  std::istringstream in(raw);
  std::string w;
  while (in >> w) {
    if (text::foldedTokens(w).empty()) continue;
    std::string q = "\"";
    for (char c : w) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted.push_back(q + "\"");
  }
  std::string m;
  for (std::size_t i = 0; i < quoted.size(); ++i) m += (i ? " " + op + " " : "") + quoted[i];
  if (prefix_last && !m.empty()) m += "*";
  return m;
}

// ---- engine (c): Xapian ---------------------------------------------------------------

struct XapianEngine {
  // The InMemory backend, as Xapian::InMemory::open() (deprecated in 1.4) made it.
  Xapian::WritableDatabase db{std::string(), Xapian::DB_BACKEND_INMEMORY};
  Xapian::TermGenerator terms;  // no stemmer set: Vietnamese has none in Xapian
  Xapian::QueryParser parser;
  std::map<Xapian::docid, std::string> bodies;  // for snippets, like ours keeps them
  int errors = 0;
};

void xapianAdd(XapianEngine& x, const Article& a) {
  Xapian::Document doc;
  x.terms.set_document(doc);
  // One unprefixed field, each part weighted through wdf like ours and FTS5:
  // title ×3, body ×1, tags ×2. The position gap stops phrases across parts.
  x.terms.index_text(a.title, 3);
  x.terms.increase_termpos();
  x.terms.index_text(a.answer, 1);
  x.terms.increase_termpos();
  x.terms.index_text(joinTags(a.tags), 2);
  x.db.replace_document(static_cast<Xapian::docid>(a.id), doc);
  x.bodies[static_cast<Xapian::docid>(a.id)] = a.answer;
}

void xapianReady(XapianEngine& x) {
  x.db.commit();
  x.parser.set_database(x.db);  // needed for partial (prefix) terms
  x.parser.set_default_op(Xapian::Query::OP_OR);
}

std::vector<std::int64_t> xapianSearch(XapianEngine& x, const std::string& q, bool partial,
                                       bool snippets) {
  unsigned flags = Xapian::QueryParser::FLAG_DEFAULT;
  if (partial) flags |= Xapian::QueryParser::FLAG_PARTIAL;
  Xapian::Query query;
  try {
    query = x.parser.parse_query(q, flags);
  } catch (const Xapian::QueryParserError&) {
    // What a search box would do with a query the syntax rejects: take it as words.
    ++x.errors;
    query = x.parser.parse_query(q, 0);
  }
  Xapian::Enquire enquire(x.db);
  enquire.set_weighting_scheme(Xapian::BM25Weight());
  enquire.set_query(query);
  auto mset = enquire.get_mset(0, kLimit);
  std::vector<std::int64_t> ids;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    ids.push_back(static_cast<std::int64_t>(*it));
    if (snippets) {
      g_sink = g_sink + mset.snippet(x.bodies[*it], 220, Xapian::Stem(),
                                     Xapian::MSet::SNIPPET_EXHAUSTIVE, "<mark>", "</mark>", "…")
                            .size();
    }
  }
  return ids;
}

// ---- quality ------------------------------------------------------------------------

// 1-based rank of the first relevant article in `ids`, 0 when none is there.
int firstRelevantRank(const std::vector<std::int64_t>& ids, const Query& q) {
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (q.relevant_ids.count(ids[i])) return static_cast<int>(i) + 1;
  }
  return 0;
}

struct Score {
  int n = 0, top1 = 0, top3 = 0;
  double rr = 0;  // sum of reciprocal ranks

  double mrr() const { return n ? rr / n : 0; }
  double top3Rate() const { return n ? static_cast<double>(top3) / n : 0; }
};

Score score(const std::vector<int>& ranks, const std::vector<Query>& qs,
            const std::function<bool(const Query&)>& in_subset) {
  Score s;
  for (std::size_t i = 0; i < qs.size(); ++i) {
    if (!in_subset(qs[i])) continue;
    ++s.n;
    int r = ranks[i];
    if (r == 1) ++s.top1;
    if (r >= 1 && r <= 3) ++s.top3;
    if (r >= 1) s.rr += 1.0 / r;
  }
  return s;
}

struct EngineRanks {
  std::string name;
  std::vector<int> ranks;
};

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string pct(int k, int n) { return n ? fmt("%.1f%%", 100.0 * k / n) : "—"; }

std::string ratio(double a, double b) { return b > 0 ? fmt("%.2f", a / b) : "—"; }

// Appends " value |" (appends rather than " " + value: GCC 12 warns falsely on that).
void cell(std::string& t, const std::string& value) {
  t += ' ';
  t += value;
  t += " |";
}

// One row per subset, the engines side by side; ratios compare top-3 accuracy.
std::string qualityTable(
    const std::vector<EngineRanks>& engines, const std::vector<Query>& qs,
    const std::vector<std::pair<std::string, std::function<bool(const Query&)>>>& rows) {
  std::string t = "| queries | n |";
  std::string rule = "|---|---:|";
  for (const auto& e : engines) {
    t += " " + e.name + " top-1 | " + e.name + " top-3 | " + e.name + " MRR@10 |";
    rule += "---:|---:|---:|";
  }
  for (std::size_t i = 1; i < engines.size(); ++i) {
    t += " top-3 ours/" + engines[i].name + " |";
    rule += "---:|";
  }
  t += "\n" + rule + "\n";
  for (const auto& [label, pred] : rows) {
    std::vector<Score> s;
    for (const auto& e : engines) s.push_back(score(e.ranks, qs, pred));
    if (s[0].n == 0) continue;
    t += "| " + label + " |";
    cell(t, std::to_string(s[0].n));
    for (const auto& x : s) {
      cell(t, pct(x.top1, x.n));
      cell(t, pct(x.top3, x.n));
      cell(t, fmt("%.3f", x.mrr()));
    }
    for (std::size_t i = 1; i < s.size(); ++i) cell(t, ratio(s[0].top3Rate(), s[i].top3Rate()));
    t += "\n";
  }
  return t;
}

// ---- speed --------------------------------------------------------------------------

// Sentences of a Markdown answer: split at . ? ! followed by a space, and at newlines.
std::vector<std::string> sentencesOf(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    auto b = cur.find_first_not_of(" \t-*#>");
    if (b != std::string::npos) out.push_back(cur.substr(b));
    cur.clear();
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      flush();
      continue;
    }
    cur += s[i];
    bool stop = s[i] == '.' || s[i] == '?' || s[i] == '!';
    if (stop && (i + 1 == s.size() || s[i + 1] == ' ')) flush();
  }
  flush();
  return out;
}

std::vector<std::string> wordsOf(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

// Index i from the generator by modulo, not std::uniform_int_distribution: the
// distributions differ between standard libraries, and the synthetic corpus should be
// the same on every machine for a given seed and article file.
template <typename T>
const T& pick(std::mt19937& rng, const std::vector<T>& v) {
  return v[rng() % v.size()];
}

// Articles recombined from the real ones: a real title with some words swapped, real
// sentences with some words swapped, real tags. The vocabulary and its frequencies
// stay those of the knowledge base, so posting lists grow as they would.
std::vector<Article> syntheticArticles(const std::vector<Article>& real, int count,
                                       std::uint32_t seed) {
  std::vector<std::string> sentences, words, title_words, tags;
  std::vector<std::vector<std::string>> titles;
  for (const auto& a : real) {
    for (auto& s : sentencesOf(a.answer)) sentences.push_back(std::move(s));
    for (auto& w : wordsOf(a.answer)) words.push_back(std::move(w));
    titles.push_back(wordsOf(a.title));
    for (const auto& w : titles.back()) title_words.push_back(w);
    for (const auto& t : a.tags) tags.push_back(t);
  }
  if (sentences.empty() || words.empty() || title_words.empty()) return {};
  std::mt19937 rng(seed);
  std::vector<Article> out;
  auto next_id = static_cast<std::int64_t>(real.size()) + 1;
  for (int i = 0; i < count; ++i) {
    Article a;
    a.id = next_id++;
    a.slug = "synthetic-" + std::to_string(i);
    for (const auto& w : pick(rng, titles)) {
      a.title += (a.title.empty() ? "" : " ") + (rng() % 10 < 3 ? pick(rng, title_words) : w);
    }
    int n_sentences = 3 + static_cast<int>(rng() % 8);
    for (int s = 0; s < n_sentences; ++s) {
      std::string sentence;
      for (const auto& w : wordsOf(pick(rng, sentences))) {
        sentence += (sentence.empty() ? "" : " ") + (rng() % 100 < 15 ? pick(rng, words) : w);
      }
      a.answer += (a.answer.empty() ? "" : (rng() % 4 == 0 ? "\n\n" : " ")) + sentence;
    }
    if (!tags.empty()) {
      int n_tags = 1 + static_cast<int>(rng() % 3);
      for (int t = 0; t < n_tags; ++t) a.tags.push_back(pick(rng, tags));
    }
    out.push_back(std::move(a));
  }
  return out;
}

// What a caller has typed while a word is still unfinished: for each word of two or
// more code points, the query up to the middle of that word (cut between code points).
std::vector<std::string> typingPrefixes(const std::vector<Query>& qs) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& q : qs) {
    const std::string& s = q.q;
    std::size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      std::size_t begin = i;
      std::vector<std::size_t> starts;  // byte offsets of the word's code points
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
        ++i;
      }
      if (starts.size() >= 2) {
        std::string prefix = s.substr(0, starts[starts.size() / 2]);
        if (prefix.size() > begin && seen.insert(prefix).second) out.push_back(prefix);
      }
    }
  }
  return out;
}

struct Latency {
  std::size_t calls = 0;
  double p50_us = 0, p99_us = 0, max_us = 0;
};

// Every input in turn, round after round, until at least `min_calls` calls; one
// unmeasured round first so that caches and allocators are warm. With a budget, also
// stop after the first round that ends past it: the baselines take milliseconds a
// call, and 20,000 of them would make `make bench` last a quarter of an hour.
template <typename F>
Latency measure(const std::vector<std::string>& inputs, int min_calls, double budget_s, F&& call) {
  for (const auto& in : inputs) g_sink = g_sink + call(in).size();
  std::size_t rounds = (static_cast<std::size_t>(min_calls) + inputs.size() - 1) / inputs.size();
  std::vector<double> us;
  us.reserve(rounds * inputs.size());
  auto start = Clock::now();
  for (std::size_t r = 0; r < rounds; ++r) {
    if (r > 0 && budget_s > 0 &&
        std::chrono::duration<double>(Clock::now() - start).count() > budget_s) {
      break;
    }
    for (const auto& in : inputs) {
      auto t0 = Clock::now();
      auto ids = call(in);
      auto t1 = Clock::now();
      g_sink = g_sink + ids.size();
      us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
  }
  std::sort(us.begin(), us.end());
  // Nearest-rank percentiles.
  auto at = [&](double p) {
    auto k = static_cast<std::size_t>(std::ceil(p * static_cast<double>(us.size())));
    return us[std::max<std::size_t>(k, 1) - 1];
  };
  return {us.size(), at(0.50), at(0.99), us.back()};
}

template <typename F>
double timedMs(F&& f) {
  auto t0 = Clock::now();
  f();
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct SpeedRow {
  std::string engine;
  std::size_t docs = 0;
  double build_ms = 0;
  Latency search;        // limit 10, highlighted title and snippet: what the API asks for
  Latency search_plain;  // the same without snippets: how much of it is ranking
  Latency suggest;       // last word a prefix, no snippets
};

std::string speedTable(const std::vector<SpeedRow>& rows) {
  std::string t =
      "| engine | operation | calls | p50 µs | p99 µs | max µs |\n"
      "|---|---|---:|---:|---:|---:|\n";
  auto line = [&t](const std::string& engine, const std::string& op, const Latency& l) {
    t += "| " + engine + " | " + op + " |";
    cell(t, std::to_string(l.calls));
    cell(t, fmt("%.0f", l.p50_us));
    cell(t, fmt("%.0f", l.p99_us));
    cell(t, fmt("%.0f", l.max_us));
    t += "\n";
  };
  for (const auto& r : rows) {
    line(r.engine, "search, snippets", r.search);
    line(r.engine, "search, no snippets", r.search_plain);
    line(r.engine, "suggest", r.suggest);
  }
  t += "\n| engine | docs | index build ms |\n|---|---:|---:|\n";
  for (const auto& r : rows) {
    t += "| " + r.engine + " |";
    cell(t, std::to_string(r.docs));
    cell(t, fmt("%.0f", r.build_ms));
    t += "\n";
  }
  return t;
}

// ---- report -------------------------------------------------------------------------

std::string cpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return "unknown CPU";
}

// Like nproc(1): the CPUs this process may run on.
int cpuCount() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
  return static_cast<int>(std::thread::hardware_concurrency());
}

std::string now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M %Z", &tm);
  return buf;
}

// Replaces the section that starts with kSectionHeader (up to the next "## " line) or
// appends it; the rest of the file is kept byte for byte. Written via a temporary file
// so an interrupted run never leaves half a BENCHMARKS.md.
void writeSection(const std::string& path, const std::string& section) {
  std::vector<std::string> lines;
  {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
  }
  if (lines.empty()) lines = {"# Benchmarks", ""};
  std::vector<std::string> body;
  std::istringstream s(section);
  for (std::string line; std::getline(s, line);) body.push_back(line);

  auto start = std::find(lines.begin(), lines.end(), std::string(kSectionHeader));
  std::vector<std::string> out;
  if (start == lines.end()) {
    out = lines;
    while (!out.empty() && out.back().empty()) out.pop_back();
    out.push_back("");
    out.insert(out.end(), body.begin(), body.end());
  } else {
    auto end = std::find_if(start + 1, lines.end(),
                            [](const std::string& l) { return l.rfind("## ", 0) == 0; });
    out.assign(lines.begin(), start);
    // Whoever rewrote the section above may have dropped the blank line before ours.
    if (!out.empty() && !out.back().empty()) out.push_back("");
    out.insert(out.end(), body.begin(), body.end());
    if (end != lines.end()) {
      while (!out.empty() && out.back().empty()) out.pop_back();
      out.push_back("");
      out.insert(out.end(), end, lines.end());
    }
  }
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    for (const auto& l : out) f << l << "\n";
    if (!f) fail("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) fail("cannot replace " + path + ": " + ec.message());
}

std::string rankText(int r) { return r ? std::to_string(r) : "–"; }

}  // namespace

int main(int argc, char** argv) {
  Args args = parseArgs(argc, argv);
  Corpus corpus = loadArticles(args.articles);
  int skipped_queries = 0;
  std::vector<Query> queries = loadQueries(args.queries, corpus, &skipped_queries);
  const auto& articles = corpus.published;
  std::map<std::int64_t, std::string> slug_of;
  for (const auto& a : articles) slug_of[a.id] = a.slug;

  // ---- 1. quality over the published articles ----
  search::SearchIndex ours;
  Fts5 fts;
  XapianEngine xap;
  fts.exec("BEGIN");
  for (const auto& a : articles) {
    oursAdd(ours, a);
    fts.add(a);
    xapianAdd(xap, a);
  }
  fts.exec("COMMIT");
  xapianReady(xap);

  EngineRanks r_ours{"ours", {}}, r_or{"FTS5", {}}, r_and{"FTS5", {}}, r_xap{"Xapian", {}};
  std::vector<std::int64_t> ours_top1(queries.size(), 0);
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const auto& q = queries[i];
    auto ids = oursSearch(ours, q.q, false, false);
    if (!ids.empty()) ours_top1[i] = ids[0];
    r_ours.ranks.push_back(firstRelevantRank(ids, q));
    r_or.ranks.push_back(firstRelevantRank(fts.search(fts5Match(q.q, "OR", false), false), q));
    r_and.ranks.push_back(firstRelevantRank(fts.search(fts5Match(q.q, "AND", false), false), q));
    r_xap.ranks.push_back(firstRelevantRank(xapianSearch(xap, q.q, false, false), q));
  }
  auto all = [](const Query&) { return true; };
  Score s_or = score(r_or.ranks, queries, all), s_and = score(r_and.ranks, queries, all);
  // The better FTS5 variant by MRR@10, then top-3: the baseline at its best.
  bool use_and = s_and.mrr() > s_or.mrr() || (s_and.mrr() == s_or.mrr() && s_and.top3 > s_or.top3);
  std::string fts_op = use_and ? "AND" : "OR";
  const Score& s_fts = use_and ? s_and : s_or;
  const Score& s_other = use_and ? s_or : s_and;
  std::vector<EngineRanks> engines = {r_ours, use_and ? r_and : r_or, r_xap};

  using Row = std::pair<std::string, std::function<bool(const Query&)>>;
  std::vector<Row> subset_rows = {
      {"all", all},
      {"with accents", [](const Query& q) { return q.accented; }},
      {"without accents", [](const Query& q) { return !q.accented; }},
  };
  std::vector<std::string> kinds = kKindOrder;
  std::set<std::string> extra_kinds;
  for (const auto& q : queries) {
    if (std::find(kinds.begin(), kinds.end(), q.kind) == kinds.end()) extra_kinds.insert(q.kind);
  }
  kinds.insert(kinds.end(), extra_kinds.begin(), extra_kinds.end());
  std::vector<Row> kind_rows;
  for (const auto& k : kinds) {
    kind_rows.push_back({k, [k](const Query& q) { return q.kind == k; }});
  }

  // Queries where ours misses the top 3 but a baseline does not: the weak spots.
  std::string misses;
  int n_misses = 0;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    int o = engines[0].ranks[i], f = engines[1].ranks[i], x = engines[2].ranks[i];
    bool ours_ok = o >= 1 && o <= 3;
    bool base_ok = (f >= 1 && f <= 3) || (x >= 1 && x <= 3);
    if (ours_ok || !base_ok) continue;
    ++n_misses;
    std::string expected;
    for (const auto& slug : queries[i].relevant) expected += (expected.empty() ? "" : ", ") + slug;
    misses += "- `" + queries[i].q + "` (" + queries[i].kind + "): rank ours " + rankText(o) +
              ", FTS5 " + rankText(f) + ", Xapian " + rankText(x) + "; wanted " + expected +
              "; ours' first: " + (ours_top1[i] ? slug_of[ours_top1[i]] : std::string("nothing")) +
              "\n";
  }
  int n_ours_zero = 0;
  for (int r : engines[0].ranks) n_ours_zero += r == 0;

  // ---- 2. speed over the published articles plus synthetic ones ----
  std::vector<Article> big = articles;
  for (auto& a : syntheticArticles(articles, args.extra, args.seed)) big.push_back(std::move(a));
  std::vector<std::string> texts, prefixes = typingPrefixes(queries);
  for (const auto& q : queries) texts.push_back(q.q);
  if (prefixes.empty()) prefixes = texts;

  std::vector<SpeedRow> speed;
  {
    search::SearchIndex index;
    SpeedRow row;
    row.engine = "ours";
    row.docs = big.size();
    row.build_ms = timedMs([&] {
      for (const auto& a : big) oursAdd(index, a);
    });
    row.search = measure(texts, args.calls, 0.0,
                         [&](const std::string& q) { return oursSearch(index, q, false, true); });
    row.search_plain = measure(texts, args.calls, 0.0, [&](const std::string& q) {
      return oursSearch(index, q, false, false);
    });
    row.suggest = measure(prefixes, args.calls, 0.0,
                          [&](const std::string& q) { return oursSearch(index, q, true, false); });
    speed.push_back(row);
  }
  {
    Fts5 big_fts;
    SpeedRow row;
    row.engine = "FTS5 (" + fts_op + ")";
    row.docs = big.size();
    row.build_ms = timedMs([&] {
      big_fts.exec("BEGIN");
      for (const auto& a : big) big_fts.add(a);
      big_fts.exec("COMMIT");
    });
    // Match strings are built inside the timed call: ours parses its query there too.
    row.search = measure(texts, args.calls, args.baseline_seconds, [&](const std::string& q) {
      return big_fts.search(fts5Match(q, fts_op, false), true);
    });
    row.search_plain = measure(texts, args.calls, args.baseline_seconds, [&](const std::string& q) {
      return big_fts.search(fts5Match(q, fts_op, false), false);
    });
    row.suggest = measure(prefixes, args.calls, args.baseline_seconds, [&](const std::string& q) {
      return big_fts.search(fts5Match(q, fts_op, true), false);
    });
    speed.push_back(row);
    fts.errors += big_fts.errors;
  }
  {
    XapianEngine big_xap;
    SpeedRow row;
    row.engine = "Xapian";
    row.docs = big.size();
    row.build_ms = timedMs([&] {
      for (const auto& a : big) xapianAdd(big_xap, a);
      xapianReady(big_xap);
    });
    row.search = measure(texts, args.calls, args.baseline_seconds, [&](const std::string& q) {
      return xapianSearch(big_xap, q, false, true);
    });
    row.search_plain = measure(texts, args.calls, args.baseline_seconds, [&](const std::string& q) {
      return xapianSearch(big_xap, q, false, false);
    });
    row.suggest = measure(prefixes, args.calls, args.baseline_seconds, [&](const std::string& q) {
      return xapianSearch(big_xap, q, true, false);
    });
    speed.push_back(row);
  }

  // ---- 3. report ----
  std::ostringstream md;
  md << kSectionHeader << "\n\n";
  md << "Run " << now() << " on " << cpuCount() << " cores (" << cpuModel()
     << "), in-process, one thread, one run. Command: `" << args.command << "`.\n\n";
  md << "Corpus: " << articles.size() << " published articles from `" << args.articles << "` ("
     << corpus.other_slugs.size() << " not published, left out); " << queries.size()
     << " labelled queries from `" << args.queries << "`";
  if (skipped_queries) md << " (" << skipped_queries << " more left out: no published answer)";
  md << ". Each engine indexes title, answer (Markdown as is) and tags, and returns " << kLimit
     << " results; a query scores by the rank of its first relevant article.\n\n";
  md << "- **ours**: `SearchIndex` (src/core/search).\n"
     << "- **FTS5**: SQLite " << sqlite3_libversion()
     << " in memory, `tokenize = 'unicode61 remove_diacritics 2'`, `bm25(kb, 3, 1, 2)`; the "
        "query's words each quoted, joined by "
     << fts_op << " (better than " << (use_and ? "OR" : "AND") << ": MRR@10 "
     << fmt("%.3f", s_fts.mrr()) << " vs " << fmt("%.3f", s_other.mrr()) << ", top-3 "
     << pct(s_fts.top3, s_fts.n) << " vs " << pct(s_other.top3, s_other.n) << ").\n"
     << "- **Xapian**: " << Xapian::version_string()
     << " in memory, `TermGenerator` without stemmer (title wdf ×3, tags ×2, body ×1), "
        "`QueryParser` default OR, `BM25Weight` defaults.\n\n";
  md << "### Quality\n\n" << qualityTable(engines, queries, subset_rows) << "\n";
  md << "### Quality by kind of query\n\n" << qualityTable(engines, queries, kind_rows) << "\n";
  md << "Queries ours misses in the top 3 while a baseline has them there: " << n_misses
     << "; ours finds nothing relevant in the top 10 for " << n_ours_zero << " of "
     << queries.size() << ".\n\n";
  md << "### Speed\n\n";
  md << articles.size() << " published + " << args.extra
     << " synthetic articles (real sentences and words recombined, `std::mt19937` seed "
     << args.seed << "), latency of each call with `steady_clock` after one warm-up round. "
     << "Search: the " << texts.size() << " queries in turn, limit " << kLimit
     << ", with a highlighted title and body snippet (FTS5 `highlight()`/`snippet()`, "
        "Xapian `MSet::snippet`) and without. Suggest: "
     << prefixes.size()
     << " prefixes of those queries cut mid-word, the last word as a prefix (FTS5 `\"…\"*`, "
        "Xapian `FLAG_PARTIAL`), no snippets. Ours makes at least "
     << args.calls << " calls per operation; each baseline as many, or stops after the round "
     << "that passes " << fmt("%g", args.baseline_seconds)
     << " s. Index build: every article added, FTS5 in one transaction.\n\n";
  md << speedTable(speed) << "\n";
  md << "In-process latency only: over HTTP, `/api/v1/kb/search` and `/api/v1/kb/suggest` "
        "add at least the `/healthz` cost measured in the HTTP section.\n";

  std::cout << md.str();
  if (n_misses) std::cout << "\nMissed by ours (not in top 3), found by a baseline:\n" << misses;
  if (fts.errors || xap.errors) {
    std::cout << "\nQuery errors: FTS5 " << fts.errors << ", Xapian " << xap.errors
              << " (Xapian retried without query syntax)\n";
  }
  if (!args.out.empty()) {
    writeSection(args.out, md.str());
    std::cout << "\nWrote the section to " << args.out << "\n";
  }
  return 0;
}
