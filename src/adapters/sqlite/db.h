// Thin RAII wrapper over one sqlite3 connection with a prepared-statement
// cache. Not thread-safe: one connection per thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace tongdai::sqlite {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  ~Stmt();  // resets and clears bindings so the cached statement is reusable
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int i, std::int64_t v);
  Stmt& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Stmt& bind(int i, const std::string& v);
  Stmt& bind(int i, const char* v) { return bind(i, std::string(v)); }
  Stmt& bind(int i, const std::optional<std::int64_t>& v);
  Stmt& bindNull(int i);
  // Steps once: true when a row is available.
  bool step();
  void run();  // steps to completion, expects no rows
  std::int64_t i64(int col) const;
  std::optional<std::int64_t> optI64(int col) const;
  std::string text(int col) const;
  bool isNull(int col) const;

 private:
  sqlite3_stmt* s_;
};

class Db {
 public:
  // Opens (creating if asked) and applies the per-connection settings.
  Db(const std::string& path, bool read_only);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(const std::string& sql);
  Stmt prepare(const std::string& sql);  // cached
  std::int64_t lastInsertId() const;
  int changes() const;
  sqlite3* raw() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace tongdai::sqlite
