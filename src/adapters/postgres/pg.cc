#include "adapters/postgres/pg.h"

#include <libpq-fe.h>

#include <cstdlib>

namespace tongdai::postgres {

Result::~Result() {
  if (r_) PQclear(r_);
}
int Result::rows() const { return PQntuples(r_); }
std::string Result::text(int row, int col) const {
  return std::string(PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col)));
}
std::int64_t Result::i64(int row, int col) const { return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10); }
std::optional<std::int64_t> Result::optI64(int row, int col) const {
  if (isNull(row, col)) return std::nullopt;
  return i64(row, col);
}
bool Result::isNull(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }

Conn::Conn(const std::string& conninfo) {
  c_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(c_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c_);
    PQfinish(c_);
    c_ = nullptr;
    throw PgError("connect: " + msg);
  }
  exec("SET client_min_messages = warning");
}

Conn::~Conn() {
  if (c_) PQfinish(c_);
}

namespace {
void check(pg_conn* c, pg_result* r, const char* what) {
  auto st = PQresultStatus(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return;
  std::string msg = std::string(what) + ": " + PQresultErrorMessage(r);
  PQclear(r);
  (void)c;
  throw PgError(msg);
}
}  // namespace

void Conn::exec(const std::string& sql) {
  pg_result* r = PQexec(c_, sql.c_str());
  check(c_, r, "exec");
  PQclear(r);
}

Result Conn::query(const std::string& sql, const Params& params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    pg_result* r = PQprepare(c_, name.c_str(), sql.c_str(), 0, nullptr);
    check(c_, r, "prepare");
    PQclear(r);
    it = prepared_.emplace(sql, name).first;
  }
  const auto& values = params.values();
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v ? v->c_str() : nullptr);
  pg_result* r = PQexecPrepared(c_, it->second.c_str(), static_cast<int>(ptrs.size()), ptrs.data(), nullptr,
                                nullptr, 0);
  check(c_, r, "query");
  return Result(r);
}

void Conn::copyBegin(const std::string& copy_sql) {
  pg_result* r = PQexec(c_, copy_sql.c_str());
  if (PQresultStatus(r) != PGRES_COPY_IN) {
    std::string msg = std::string("copy: ") + PQresultErrorMessage(r);
    PQclear(r);
    throw PgError(msg);
  }
  PQclear(r);
}

void Conn::copyData(const std::string& chunk) {
  if (PQputCopyData(c_, chunk.data(), static_cast<int>(chunk.size())) != 1)
    throw PgError(std::string("copy data: ") + PQerrorMessage(c_));
}

void Conn::copyEnd() {
  if (PQputCopyEnd(c_, nullptr) != 1) throw PgError(std::string("copy end: ") + PQerrorMessage(c_));
  pg_result* r = PQgetResult(c_);
  check(c_, r, "copy");
  PQclear(r);
  while ((r = PQgetResult(c_)) != nullptr) PQclear(r);
}

}  // namespace tongdai::postgres
