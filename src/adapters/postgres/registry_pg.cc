#include "adapters/postgres/registry_pg.h"

#include <mutex>
#include <vector>

#include "adapters/common/registry_schema.h"
#include "adapters/postgres/pg.h"

namespace tongdai::postgres {
namespace {

namespace schema = adapters::registry_schema;
using core::Status;
using namespace core::registry;

struct PgRow {
  const postgres::Result& r;
  int row;
  std::string text(int c) const { return r.text(row, c); }
  std::int64_t i64(int c) const { return r.isNull(row, c) ? 0 : r.i64(row, c); }
};

std::string select(const char* columns, const char* table, const std::string& where) {
  return std::string("SELECT ") + columns + " FROM registry." + table + " WHERE " + where;
}

class PgRegistry final : public Registry {
 public:
  explicit PgRegistry(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  core::Result<std::optional<PersonRecord>> personById(const std::string& id) override {
    return withConn<std::optional<PersonRecord>>([&](Conn& c) { return recordOf(c, id); });
  }

  core::Result<std::optional<PersonRecord>> personByApplication(const std::string& code) override {
    return withConn<std::optional<PersonRecord>>([&](Conn& c) -> std::optional<PersonRecord> {
      auto r = c.query("SELECT person_id FROM registry.application WHERE code = $1", Params().add(code));
      if (r.rows() == 0) return std::nullopt;
      return recordOf(c, r.text(0, 0));
    });
  }

  core::Result<std::vector<Candidate>> findByName(const NameQuery& q) override {
    return withConn<std::vector<Candidate>>([&](Conn& c) {
      auto r = c.query(select(schema::kPersonColumns, "person",
                              "name_key = $1 AND birth_year = $2 AND ($3 = 0 OR birth_month IN (0, $3)) "
                              "AND ($4 = 0 OR birth_day IN (0, $4)) LIMIT 500"),
                       Params()
                           .add(nameKey(q.full_name))
                           .add(q.birth_date.year)
                           .add(q.birth_date.month)
                           .add(q.birth_date.day));
      std::vector<Person> people;
      for (int i = 0; i < r.rows(); ++i) people.push_back(schema::personFromRow(PgRow{r, i}));
      return rankCandidates(q, std::move(people));
    });
  }

  core::Result<RegistryStats> stats() override {
    return withConn<RegistryStats>([&](Conn& c) {
      RegistryStats st;
      auto r = c.query("SELECT key, value FROM registry.registry_meta");
      for (int i = 0; i < r.rows(); ++i) {
        auto k = r.text(i, 0);
        if (k == "people") st.people = std::stoll(r.text(i, 1));
        if (k == "applications") st.applications = std::stoll(r.text(i, 1));
        if (k == "cards") st.cards = std::stoll(r.text(i, 1));
      }
      return st;
    });
  }

  std::string describe() const override { return "postgresql"; }  // conninfo may hold a password

  Status check() {
    auto v = withConn<int>([&](Conn& c) {
      auto r = c.query("SELECT value FROM registry.registry_meta WHERE key = 'schema_version'");
      return r.rows() ? std::stoi(r.text(0, 0)) : 0;
    });
    if (!v.ok()) return v.error();
    if (*v != schema::kVersion) return schema::unavailable("unexpected registry schema version");
    return Status::Ok();
  }

 private:
  std::optional<PersonRecord> recordOf(Conn& c, const std::string& id) {
    auto p = c.query(select(schema::kPersonColumns, "person", "id = $1"), Params().add(id));
    if (p.rows() == 0) return std::nullopt;
    PersonRecord rec;
    rec.person = schema::personFromRow(PgRow{p, 0});
    auto a = c.query(select(schema::kApplicationColumns, "application", "person_id = $1") +
                         " ORDER BY received_at, code",
                     Params().add(id));
    for (int i = 0; i < a.rows(); ++i) rec.applications.push_back(schema::applicationFromRow(PgRow{a, i}));
    auto k = c.query(select(schema::kCardColumns, "card", "person_id = $1") + " ORDER BY issue_date",
                     Params().add(id));
    for (int i = 0; i < k.rows(); ++i) rec.cards.push_back(schema::cardFromRow(PgRow{k, i}));
    return rec;
  }

  template <typename T, typename F>
  core::Result<T> withConn(F&& work) {
    std::unique_ptr<Conn> conn;
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        conn = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    try {
      if (!conn) conn = std::make_unique<Conn>(conninfo_);
      T value = work(*conn);
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(conn));
      return value;
    } catch (const std::exception& e) {
      // A broken connection is dropped; the next call opens a fresh one.
      return schema::unavailable(e.what());
    }
  }

  std::string conninfo_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Conn>> idle_;
};

// Text-format COPY rows, buffered into ~1 MiB chunks.
class CopyStream {
 public:
  CopyStream(const std::string& conninfo, const std::string& table, const char* columns)
      : conn_(conninfo) {
    conn_.copyBegin("COPY registry_loading." + table + " (" + columns + ") FROM STDIN");
  }
  void row(const std::vector<std::string>& fields, const std::vector<bool>& integer) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) buf_ += '\t';
      if (integer[i] && fields[i].empty()) {
        buf_ += "\\N";
        continue;
      }
      for (char ch : fields[i]) {
        switch (ch) {
          case '\\': buf_ += "\\\\"; break;
          case '\t': buf_ += "\\t"; break;
          case '\n': buf_ += "\\n"; break;
          case '\r': buf_ += "\\r"; break;
          default: buf_ += ch;
        }
      }
    }
    buf_ += '\n';
    if (buf_.size() >= (1u << 20)) flush();
  }
  void end() {
    flush();
    conn_.copyEnd();
  }

 private:
  void flush() {
    if (!buf_.empty()) conn_.copyData(buf_);
    buf_.clear();
  }
  Conn conn_;
  std::string buf_;
};

class PgLoader final : public RegistryLoader {
 public:
  PgLoader(std::string conninfo, std::string description)
      : conninfo_(std::move(conninfo)), description_(std::move(description)), admin_(conninfo_) {
    admin_.exec("DROP SCHEMA IF EXISTS registry_loading CASCADE; CREATE SCHEMA registry_loading;");
    admin_.exec(schema::tablesSql("registry_loading.", "TEXT", "BIGINT"));
    person_ = std::make_unique<CopyStream>(conninfo_, "person", schema::kPersonColumns);
    app_ = std::make_unique<CopyStream>(conninfo_, "application", schema::kApplicationColumns);
    card_ = std::make_unique<CopyStream>(conninfo_, "card", schema::kCardColumns);
  }

  ~PgLoader() override {
    if (finished_) return;
    try {
      person_.reset();
      app_.reset();
      card_.reset();
      admin_.exec("DROP SCHEMA IF EXISTS registry_loading CASCADE");
    } catch (const std::exception&) {
      // The next load drops the half-loaded schema anyway.
    }
  }

  Status add(const PersonRecord& r) override {
    try {
      schema::personFields(r.person, fields_);
      person_->row(fields_, schema::kPersonIntegers);
      for (const auto& a : r.applications) {
        schema::applicationFields(a, fields_, "");
        app_->row(fields_, schema::kApplicationIntegers);
      }
      for (const auto& c : r.cards) {
        schema::cardFields(c, fields_);
        card_->row(fields_, schema::kCardIntegers);
      }
      ++people_;
      apps_ += std::int64_t(r.applications.size());
      cards_ += std::int64_t(r.cards.size());
      return Status::Ok();
    } catch (const std::exception& e) {
      return schema::unavailable(e.what());
    }
  }

  Status finish() override {
    try {
      person_->end();
      app_->end();
      card_->end();
      admin_.exec("SET maintenance_work_mem = '512MB'");
      for (const auto& sql : schema::indexSql("", "registry_loading.")) admin_.exec(sql);
      auto meta = [&](const std::string& k, const std::string& v) {
        admin_.query("INSERT INTO registry_loading.registry_meta (key, value) VALUES ($1, $2)",
                     Params().add(k).add(v));
      };
      meta("schema_version", std::to_string(schema::kVersion));
      meta("people", std::to_string(people_));
      meta("applications", std::to_string(apps_));
      meta("cards", std::to_string(cards_));
      meta("source", description_);
      admin_.exec("ANALYZE registry_loading.person; ANALYZE registry_loading.application; "
                  "ANALYZE registry_loading.card");
      admin_.exec("BEGIN; DROP SCHEMA IF EXISTS registry CASCADE; "
                  "ALTER SCHEMA registry_loading RENAME TO registry; COMMIT");
      finished_ = true;
      return Status::Ok();
    } catch (const std::exception& e) {
      return schema::unavailable(e.what());
    }
  }

 private:
  std::string conninfo_, description_;
  Conn admin_;
  std::unique_ptr<CopyStream> person_, app_, card_;
  std::vector<std::string> fields_;
  std::int64_t people_ = 0, apps_ = 0, cards_ = 0;
  bool finished_ = false;
};

}  // namespace

core::Result<std::unique_ptr<Registry>> openPgRegistry(const std::string& conninfo) {
  auto r = std::make_unique<PgRegistry>(conninfo);
  if (auto st = r->check(); !st.ok()) return st.error();
  return std::unique_ptr<Registry>(std::move(r));
}

core::Result<std::unique_ptr<RegistryLoader>> createPgRegistry(const std::string& conninfo,
                                                                const std::string& description) {
  try {
    return std::unique_ptr<RegistryLoader>(std::make_unique<PgLoader>(conninfo, description));
  } catch (const std::exception& e) {
    return schema::unavailable(e.what());
  }
}

}  // namespace tongdai::postgres
