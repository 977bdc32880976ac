#include "adapters/sqlite/registry_sqlite.h"

#include <sqlite3.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <vector>

#include "adapters/common/registry_schema.h"
#include "adapters/sqlite/db.h"

namespace tongdai::sqlite {
namespace {

namespace schema = adapters::registry_schema;
using core::Result;
using core::Status;
using namespace core::registry;

struct StmtRow {
  Stmt& s;
  std::string text(int c) const { return s.text(c); }
  std::int64_t i64(int c) const { return s.i64(c); }
};

std::string select(const char* columns, const char* table, const std::string& where) {
  return std::string("SELECT ") + columns + " FROM " + table + " WHERE " + where;
}

class SqliteRegistry final : public Registry {
 public:
  explicit SqliteRegistry(std::string path) : path_(std::move(path)) {}

  Result<std::optional<PersonRecord>> personById(const std::string& id) override {
    return withDb<std::optional<PersonRecord>>([&](Db& db) { return recordOf(db, id); });
  }

  Result<std::optional<PersonRecord>> personByApplication(const std::string& code) override {
    return withDb<std::optional<PersonRecord>>([&](Db& db) -> std::optional<PersonRecord> {
      auto s = db.prepare("SELECT person_id FROM application WHERE code = ?");
      s.bind(1, code);
      if (!s.step()) return std::nullopt;
      std::string person_id = s.text(0);
      return recordOf(db, person_id);
    });
  }

  Result<std::vector<Candidate>> findByName(const NameQuery& q) override {
    return withDb<std::vector<Candidate>>([&](Db& db) {
      // Month/day filtered in the index; 0 = unknown in the record, which matches.
      auto s = db.prepare(select(schema::kPersonColumns, "person",
                                 "name_key = ? AND birth_year = ? AND (? = 0 OR birth_month IN (0, ?)) "
                                 "AND (? = 0 OR birth_day IN (0, ?)) LIMIT 500"));
      s.bind(1, nameKey(q.full_name)).bind(2, q.birth_date.year);
      s.bind(3, q.birth_date.month).bind(4, q.birth_date.month);
      s.bind(5, q.birth_date.day).bind(6, q.birth_date.day);
      std::vector<Person> people;
      while (s.step()) people.push_back(schema::personFromRow(StmtRow{s}));
      return rankCandidates(q, std::move(people));
    });
  }

  Result<RegistryStats> stats() override {
    return withDb<RegistryStats>([&](Db& db) {
      RegistryStats st;
      auto count = [&](const char* key) -> std::int64_t {
        auto s = db.prepare("SELECT value FROM registry_meta WHERE key = ?");
        s.bind(1, key);
        return s.step() ? std::stoll(s.text(0)) : 0;
      };
      st.people = count("people");
      st.applications = count("applications");
      st.cards = count("cards");
      return st;
    });
  }

  std::string describe() const override { return "sqlite:" + path_; }

  // Fails early (at start-up) rather than on the first look-up.
  Status check() {
    auto r = withDb<int>([&](Db& db) {
      auto s = db.prepare("SELECT value FROM registry_meta WHERE key = 'schema_version'");
      return s.step() ? std::stoi(s.text(0)) : 0;
    });
    if (!r.ok()) return r.error();
    if (*r != schema::kVersion) return schema::unavailable("unexpected registry schema version");
    return Status::Ok();
  }

 private:
  std::optional<PersonRecord> recordOf(Db& db, const std::string& id) {
    auto s = db.prepare(select(schema::kPersonColumns, "person", "id = ?"));
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    PersonRecord r;
    r.person = schema::personFromRow(StmtRow{s});
    auto a = db.prepare(select(schema::kApplicationColumns, "application", "person_id = ?") +
                        " ORDER BY received_at, code");
    a.bind(1, id);
    while (a.step()) r.applications.push_back(schema::applicationFromRow(StmtRow{a}));
    auto c = db.prepare(select(schema::kCardColumns, "card", "person_id = ?") + " ORDER BY issue_date");
    c.bind(1, id);
    while (c.step()) r.cards.push_back(schema::cardFromRow(StmtRow{c}));
    return r;
  }

  // Borrows a pooled read-only connection for the duration of `work`.
  template <typename T, typename F>
  Result<T> withDb(F&& work) {
    std::unique_ptr<Db> db;
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        db = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    try {
      if (!db) {
        db = std::make_unique<Db>(path_, /*read_only=*/true);
        db->exec("PRAGMA query_only = ON");
        db->exec("PRAGMA mmap_size = 17179869184");
      }
      T value = work(*db);
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(db));
      return value;
    } catch (const std::exception& e) {
      return schema::unavailable(e.what());
    }
  }

  std::string path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Db>> idle_;
};

// Raw prepared insert with SQLITE_STATIC binds: the loader's hot path.
class Inserter {
 public:
  Inserter(sqlite3* db, const std::string& table, const char* columns, int n) {
    std::string sql = std::string("INSERT INTO ") + table + " (" + columns + ") VALUES (";
    for (int i = 0; i < n; ++i) sql += i ? ",?" : "?";
    sql += ")";
    if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s_, nullptr) != SQLITE_OK)
      throw SqliteError(sqlite3_errcode(db), sqlite3_errmsg(db));
  }
  ~Inserter() { sqlite3_finalize(s_); }
  // Empty strings named in `null_if_empty` positions are stored as NULL.
  void insert(const std::vector<std::string>& fields, const std::vector<bool>& integer) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const auto& f = fields[i];
      int col = int(i) + 1;
      if (integer[i]) {
        if (f.empty()) sqlite3_bind_null(s_, col);
        else sqlite3_bind_int64(s_, col, std::stoll(f));
      } else {
        sqlite3_bind_text(s_, col, f.data(), int(f.size()), SQLITE_STATIC);
      }
    }
    int rc = sqlite3_step(s_);
    sqlite3_reset(s_);
    if (rc != SQLITE_DONE) throw SqliteError(rc, sqlite3_errstr(rc));
  }

 private:
  sqlite3_stmt* s_ = nullptr;
};

class SqliteLoader final : public RegistryLoader {
 public:
  SqliteLoader(std::string path, std::string description)
      : path_(std::move(path)), loading_(path_ + ".loading"), description_(std::move(description)) {
    std::filesystem::remove(loading_);
    db_ = std::make_unique<Db>(loading_, false);
    db_->exec("PRAGMA journal_mode = OFF");
    db_->exec("PRAGMA synchronous = OFF");
    db_->exec("PRAGMA cache_size = -262144");  // 256 MiB, for building the indexes
    db_->exec(schema::tablesSql("", "TEXT", "INTEGER"));
    db_->exec("BEGIN");
    person_ = std::make_unique<Inserter>(db_->raw(), "person", schema::kPersonColumns, 14);
    app_ = std::make_unique<Inserter>(db_->raw(), "application", schema::kApplicationColumns, 17);
    card_ = std::make_unique<Inserter>(db_->raw(), "card", schema::kCardColumns, 5);
  }

  ~SqliteLoader() override {
    if (!finished_) {
      person_.reset();
      app_.reset();
      card_.reset();
      db_.reset();
      std::error_code ec;
      std::filesystem::remove(loading_, ec);
    }
  }

  Status add(const PersonRecord& r) override {
    try {
      schema::personFields(r.person, fields_);
      person_->insert(fields_, schema::kPersonIntegers);
      for (const auto& a : r.applications) {
        schema::applicationFields(a, fields_, "");
        app_->insert(fields_, schema::kApplicationIntegers);
      }
      for (const auto& c : r.cards) {
        schema::cardFields(c, fields_);
        card_->insert(fields_, schema::kCardIntegers);
      }
      ++people_;
      apps_ += std::int64_t(r.applications.size());
      cards_ += std::int64_t(r.cards.size());
      // Bounded transactions keep the page cache from holding the whole load.
      if (people_ % 200000 == 0) db_->exec("COMMIT; BEGIN");
      return Status::Ok();
    } catch (const std::exception& e) {
      return schema::unavailable(e.what());
    }
  }

  Status finish() override {
    try {
      db_->exec("COMMIT");
      for (const auto& sql : schema::indexSql("", "")) db_->exec(sql);
      auto meta = [&](const std::string& k, const std::string& v) {
        auto s = db_->prepare("INSERT INTO registry_meta (key, value) VALUES (?, ?)");
        s.bind(1, k).bind(2, v);
        s.run();
      };
      meta("schema_version", std::to_string(schema::kVersion));
      meta("people", std::to_string(people_));
      meta("applications", std::to_string(apps_));
      meta("cards", std::to_string(cards_));
      meta("source", description_);
      db_->exec("ANALYZE");
      db_->exec("PRAGMA journal_mode = DELETE");
      person_.reset();
      app_.reset();
      card_.reset();
      db_.reset();  // closing flushes every page
      syncFile(loading_);
      std::filesystem::rename(loading_, path_);
      finished_ = true;
      return Status::Ok();
    } catch (const std::exception& e) {
      return schema::unavailable(e.what());
    }
  }

 private:
  static void syncFile(const std::string& path) {
    if (FILE* f = std::fopen(path.c_str(), "r+b")) {
      std::fflush(f);
      ::fsync(fileno(f));
      std::fclose(f);
    }
  }

  std::string path_, loading_, description_;
  std::unique_ptr<Db> db_;
  std::unique_ptr<Inserter> person_, app_, card_;
  std::vector<std::string> fields_;
  std::int64_t people_ = 0, apps_ = 0, cards_ = 0;
  bool finished_ = false;
};

}  // namespace

core::Result<std::unique_ptr<Registry>> openSqliteRegistry(const std::string& path) {
  if (!std::filesystem::exists(path))
    return schema::unavailable("registry file not found: " + path);
  auto r = std::make_unique<SqliteRegistry>(path);
  if (auto st = r->check(); !st.ok()) return st.error();
  return std::unique_ptr<Registry>(std::move(r));
}

core::Result<std::unique_ptr<RegistryLoader>> createSqliteRegistry(const std::string& path,
                                                                    const std::string& description) {
  try {
    return std::unique_ptr<RegistryLoader>(std::make_unique<SqliteLoader>(path, description));
  } catch (const std::exception& e) {
    return schema::unavailable(e.what());
  }
}

}  // namespace tongdai::sqlite
