// Thin RAII wrapper over one libpq connection: parameterised queries through
// statements prepared once per connection. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace tongdai::postgres {

class PgError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Params {
 public:
  Params& add(std::int64_t v) { values_.push_back(std::to_string(v)); return *this; }
  Params& add(int v) { return add(static_cast<std::int64_t>(v)); }
  Params& add(const std::string& v) { values_.push_back(v); return *this; }
  Params& add(const char* v) { values_.push_back(std::string(v)); return *this; }
  Params& add(const std::optional<std::int64_t>& v) {
    if (v) return add(*v);
    values_.push_back(std::nullopt);
    return *this;
  }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

class Result {
 public:
  explicit Result(pg_result* r) : r_(r) {}
  ~Result();
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  int rows() const;
  std::string text(int row, int col) const;
  std::int64_t i64(int row, int col) const;
  std::optional<std::int64_t> optI64(int row, int col) const;
  bool isNull(int row, int col) const;

 private:
  pg_result* r_;
};

class Conn {
 public:
  explicit Conn(const std::string& conninfo);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  // Runs SQL without parameters (may hold several statements).
  void exec(const std::string& sql);
  // Runs one parameterised statement, prepared on first use.
  Result query(const std::string& sql, const Params& params = Params());
  // COPY ... FROM STDIN: start it, send text-format chunks, end it.
  void copyBegin(const std::string& copy_sql);
  void copyData(const std::string& chunk);
  void copyEnd();

 private:
  pg_conn* c_ = nullptr;
  std::map<std::string, std::string> prepared_;  // sql -> statement name
};

}  // namespace tongdai::postgres
