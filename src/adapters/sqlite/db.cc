#include "adapters/sqlite/db.h"

#include <sqlite3.h>

namespace tongdai::sqlite {

namespace {
[[noreturn]] void fail(sqlite3* db, int rc, const std::string& context) {
  throw SqliteError(rc, context + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}
}  // namespace

Stmt::~Stmt() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

Stmt& Stmt::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}

Stmt& Stmt::bind(int i, const std::string& v) {
  sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind(int i, const std::optional<std::int64_t>& v) {
  return v ? bind(i, *v) : bindNull(i);
}

Stmt& Stmt::bindNull(int i) {
  sqlite3_bind_null(s_, i);
  return *this;
}

bool Stmt::step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(sqlite3_db_handle(s_), rc, "step");
}

void Stmt::run() {
  while (step()) {
  }
}

std::int64_t Stmt::i64(int col) const { return sqlite3_column_int64(s_, col); }

std::optional<std::int64_t> Stmt::optI64(int col) const {
  if (isNull(col)) return std::nullopt;
  return i64(col);
}

std::string Stmt::text(int col) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col))) : std::string();
}

bool Stmt::isNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

Db::Db(const std::string& path, bool read_only) {
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError(rc, "open " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  // Per-connection settings: they are not stored in the file.
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA foreign_keys = ON");
  exec("PRAGMA synchronous = FULL");
  exec("PRAGMA cache_size = -32000");
  exec("PRAGMA temp_store = MEMORY");
}

Db::~Db() {
  for (auto& [sql, s] : cache_) sqlite3_finalize(s);
  sqlite3_close_v2(db_);
}

void Db::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw SqliteError(rc, msg);
  }
}

Stmt Db::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Stmt(it->second);
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                              &s, nullptr);
  if (rc != SQLITE_OK) fail(db_, rc, "prepare");
  cache_.emplace(sql, s);
  return Stmt(s);
}

std::int64_t Db::lastInsertId() const { return sqlite3_last_insert_rowid(db_); }
int Db::changes() const { return sqlite3_changes(db_); }

}  // namespace tongdai::sqlite
