#include "adapters/postgres/pg_store.h"

#include <ctime>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "adapters/common/group_commit_store.h"
#include "adapters/postgres/pg.h"

namespace tongdai::postgres {

using namespace core;
using namespace core::store;
using cases::Case;

namespace {

struct PgMigration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<PgMigration>& pgMigrations() {
  static const std::vector<PgMigration> all = {
      {1, "init", R"SQL(
CREATE TABLE users (id BIGSERIAL PRIMARY KEY, login TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('operator','officer','supervisor','admin')), password_hash TEXT NOT NULL,
  disabled BOOLEAN NOT NULL DEFAULT FALSE, failed_logins INTEGER NOT NULL DEFAULT 0, locked_until BIGINT,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE categories (code TEXT PRIMARY KEY, name_vi TEXT NOT NULL, name_en TEXT NOT NULL, grp TEXT NOT NULL,
  active BOOLEAN NOT NULL DEFAULT TRUE, sort INTEGER NOT NULL DEFAULT 0);
CREATE TABLE cases (id BIGSERIAL PRIMARY KEY, channel TEXT NOT NULL, contact_name TEXT NOT NULL,
  contact_phone TEXT NOT NULL, contact_email TEXT NOT NULL, contact_zalo TEXT NOT NULL,
  contact_facebook TEXT NOT NULL, citizen_id TEXT NOT NULL, category TEXT NOT NULL REFERENCES categories(code),
  description TEXT NOT NULL, priority TEXT NOT NULL, assignee_id BIGINT REFERENCES users(id), status TEXT NOT NULL,
  tags TEXT NOT NULL, created_by BIGINT NOT NULL REFERENCES users(id), created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL, first_response_at BIGINT, answered_at BIGINT, closed_at BIGINT,
  first_response_due BIGINT, resolution_due BIGINT, paused_minutes BIGINT NOT NULL DEFAULT 0, paused_since BIGINT,
  version BIGINT NOT NULL DEFAULT 1, search_text TEXT NOT NULL DEFAULT '');
CREATE INDEX cases_status ON cases(status, created_at);
CREATE INDEX cases_created ON cases(created_at);
CREATE INDEX cases_phone ON cases(contact_phone) WHERE contact_phone <> '';
CREATE INDEX cases_citizen ON cases(citizen_id) WHERE citizen_id <> '';
CREATE INDEX cases_assignee ON cases(assignee_id, status);
CREATE TABLE case_events (id BIGSERIAL PRIMARY KEY, case_id BIGINT NOT NULL REFERENCES cases(id), at BIGINT NOT NULL,
  actor_id BIGINT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX case_events_case ON case_events(case_id, id);
CREATE TABLE case_messages (id BIGSERIAL PRIMARY KEY, case_id BIGINT NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL CHECK (kind IN ('reply','note')), body TEXT NOT NULL,
  author_id BIGINT NOT NULL REFERENCES users(id), at BIGINT NOT NULL);
CREATE INDEX case_messages_case ON case_messages(case_id, id);
CREATE TABLE lookups (id BIGSERIAL PRIMARY KEY, case_id BIGINT NOT NULL REFERENCES cases(id),
  status TEXT NOT NULL CHECK (status IN ('open','claimed','answered')), what TEXT NOT NULL, reason TEXT NOT NULL,
  requested_by BIGINT NOT NULL REFERENCES users(id), requested_at BIGINT NOT NULL,
  claimed_by BIGINT REFERENCES users(id), claimed_at BIGINT, answer TEXT NOT NULL DEFAULT '',
  answered_by BIGINT REFERENCES users(id), answered_at BIGINT, replied_to_citizen BOOLEAN NOT NULL DEFAULT FALSE,
  due_at BIGINT NOT NULL);
CREATE INDEX lookups_status ON lookups(status, due_at);
CREATE INDEX lookups_case ON lookups(case_id);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE audit_log (seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, actor_id BIGINT NOT NULL,
  actor_login TEXT NOT NULL, action TEXT NOT NULL, object_type TEXT NOT NULL, object_id TEXT NOT NULL,
  case_id BIGINT, reason TEXT NOT NULL, details TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
)SQL"},
      {2, "knowledge base", R"SQL(
CREATE TABLE kb_articles (id BIGSERIAL PRIMARY KEY, slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
  answer TEXT NOT NULL, category TEXT NOT NULL REFERENCES categories(code), tags TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft','in_review','published','retired')), legal_basis TEXT NOT NULL,
  valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, version BIGINT NOT NULL, updated_by BIGINT NOT NULL,
  updated_at BIGINT NOT NULL);
CREATE TABLE kb_article_versions (article_id BIGINT NOT NULL REFERENCES kb_articles(id), version BIGINT NOT NULL,
  title TEXT NOT NULL, answer TEXT NOT NULL, category TEXT NOT NULL, tags TEXT NOT NULL, status TEXT NOT NULL,
  legal_basis TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, updated_by BIGINT NOT NULL,
  updated_at BIGINT NOT NULL, note TEXT NOT NULL, PRIMARY KEY (article_id, version));
CREATE TABLE kb_proposals (id BIGSERIAL PRIMARY KEY, article_id BIGINT REFERENCES kb_articles(id),
  title TEXT NOT NULL, answer TEXT NOT NULL, note TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open','accepted','rejected')),
  proposed_by BIGINT NOT NULL REFERENCES users(id), at BIGINT NOT NULL);
)SQL"},
      {3, "routing engine event log", R"SQL(
CREATE TABLE acd_events (seq BIGSERIAL PRIMARY KEY, at_ms BIGINT NOT NULL, event TEXT NOT NULL);
CREATE INDEX acd_events_at ON acd_events(at_ms);
)SQL"},
      {4, "call detail records", R"SQL(
CREATE TABLE calls (id BIGSERIAL PRIMARY KEY, arrived_at BIGINT NOT NULL, case_id BIGINT, record TEXT NOT NULL);
CREATE INDEX calls_arrived ON calls(arrived_at);
CREATE INDEX calls_case ON calls(case_id);
)SQL"},
  };
  return all;
}

using adapters::storageError;

const char* kCaseColumns =
    "id, channel, contact_name, contact_phone, contact_email, contact_zalo, contact_facebook, "
    "citizen_id, category, description, priority, assignee_id, status, tags, created_by, "
    "created_at, updated_at, first_response_at, answered_at, closed_at, first_response_due, "
    "resolution_due, paused_minutes, paused_since, version";

std::optional<TimePoint> optTime(const Result& r, int row, int col) {
  auto v = r.optI64(row, col);
  if (!v) return std::nullopt;
  return fromUnix(*v);
}
std::optional<std::int64_t> optUnix(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return toUnix(*t);
}
std::vector<std::string> tagsFrom(const std::string& text) {
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_array()) {
    for (auto& t : j) {
      if (t.is_string()) out.push_back(t.get<std::string>());
    }
  }
  return out;
}

Case readCase(const Result& r, int i) {
  Case c;
  c.id = r.i64(i, 0);
  c.channel = cases::channelFromString(r.text(i, 1)).value_or(cases::Channel::phone);
  c.contact = {r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5), r.text(i, 6)};
  c.citizen_id = r.text(i, 7);
  c.category = r.text(i, 8);
  c.description = r.text(i, 9);
  c.priority = cases::priorityFromString(r.text(i, 10)).value_or(cases::Priority::normal);
  c.assignee_id = r.optI64(i, 11);
  c.status = cases::statusFromString(r.text(i, 12)).value_or(cases::CaseStatus::new_);
  c.tags = tagsFrom(r.text(i, 13));
  c.created_by = r.i64(i, 14);
  c.created_at = fromUnix(r.i64(i, 15));
  c.updated_at = fromUnix(r.i64(i, 16));
  c.first_response_at = optTime(r, i, 17);
  c.answered_at = optTime(r, i, 18);
  c.closed_at = optTime(r, i, 19);
  c.first_response_due = optTime(r, i, 20);
  c.resolution_due = optTime(r, i, 21);
  c.paused_minutes = r.i64(i, 22);
  c.paused_since = optTime(r, i, 23);
  c.version = r.i64(i, 24);
  return c;
}

Params caseParams(const Case& c) {
  Params p;
  p.add(cases::toString(c.channel)).add(c.contact.name).add(c.contact.phone).add(c.contact.email)
      .add(c.contact.zalo_id).add(c.contact.facebook_id).add(c.citizen_id).add(c.category).add(c.description)
      .add(cases::toString(c.priority)).add(c.assignee_id).add(cases::toString(c.status))
      .add(nlohmann::json(c.tags).dump()).add(c.created_by).add(toUnix(c.created_at)).add(toUnix(c.updated_at))
      .add(optUnix(c.first_response_at)).add(optUnix(c.answered_at)).add(optUnix(c.closed_at))
      .add(optUnix(c.first_response_due)).add(optUnix(c.resolution_due)).add(c.paused_minutes)
      .add(optUnix(c.paused_since)).add(c.version).add(cases::searchText(c));
  return p;
}

const char* kUserColumns =
    "id, login, name, role, password_hash, disabled::int, failed_logins, locked_until, created_at, updated_at";
User readUser(const Result& r, int i) {
  User u;
  u.id = r.i64(i, 0);
  u.login = r.text(i, 1);
  u.name = r.text(i, 2);
  u.role = auth::roleFromString(r.text(i, 3)).value_or(auth::Role::operator_);
  u.password_hash = r.text(i, 4);
  u.disabled = r.i64(i, 5) != 0;
  u.failed_logins = static_cast<int>(r.i64(i, 6));
  u.locked_until = r.optI64(i, 7);
  u.created_at = r.i64(i, 8);
  u.updated_at = r.i64(i, 9);
  return u;
}

const char* kLookupColumns =
    "id, case_id, status, what, reason, requested_by, requested_at, claimed_by, claimed_at, answer, "
    "answered_by, answered_at, replied_to_citizen::int, due_at";
Lookup readLookup(const Result& r, int i) {
  return Lookup{r.i64(i, 0), r.i64(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.i64(i, 5), r.i64(i, 6),
                r.optI64(i, 7), r.optI64(i, 8), r.text(i, 9), r.optI64(i, 10), r.optI64(i, 11),
                r.i64(i, 12) != 0, r.i64(i, 13)};
}
Params lookupParams(const Lookup& l) {
  Params p;
  p.add(l.case_id).add(l.status).add(l.what).add(l.reason).add(l.requested_by).add(l.requested_at)
      .add(l.claimed_by).add(l.claimed_at).add(l.answer).add(l.answered_by).add(l.answered_at)
      .add(std::string(l.replied_to_citizen ? "true" : "false")).add(l.due_at);
  return p;
}

const char* kKbColumns =
    "id, slug, title, answer, category, tags, status, legal_basis, valid_from, valid_to, version, updated_by, "
    "updated_at";
KbArticle readKb(const Result& r, int i) {
  KbArticle a;
  a.id = r.i64(i, 0);
  a.slug = r.text(i, 1);
  a.title = r.text(i, 2);
  a.answer = r.text(i, 3);
  a.category = r.text(i, 4);
  a.tags = tagsFrom(r.text(i, 5));
  a.status = r.text(i, 6);
  a.legal_basis = r.text(i, 7);
  a.valid_from = r.text(i, 8);
  a.valid_to = r.text(i, 9);
  a.version = r.i64(i, 10);
  a.updated_by = r.i64(i, 11);
  a.updated_at = r.i64(i, 12);
  return a;
}

// Escapes LIKE wildcards in a folded token.
std::string likeEscape(const std::string& t) {
  std::string out;
  for (char c : t) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

class PgTx : public WriteTx {
 public:
  explicit PgTx(Conn& c) : c_(c) {}

  std::optional<User> userById(std::int64_t id) override {
    auto r = c_.query(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1", Params().add(id));
    if (!r.rows()) return std::nullopt;
    return readUser(r, 0);
  }
  std::optional<User> userByLogin(const std::string& login) override {
    auto r = c_.query(std::string("SELECT ") + kUserColumns + " FROM users WHERE login = $1", Params().add(login));
    if (!r.rows()) return std::nullopt;
    return readUser(r, 0);
  }
  std::vector<User> users() override {
    auto r = c_.query(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY id");
    std::vector<User> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(readUser(r, i));
    return out;
  }
  std::optional<Session> sessionByTokenHash(const std::string& h) override {
    auto r = c_.query("SELECT token_hash, user_id, csrf_token, created_at, expires_at FROM sessions WHERE token_hash = $1",
                      Params().add(h));
    if (!r.rows()) return std::nullopt;
    return Session{r.text(0, 0), r.i64(0, 1), r.text(0, 2), r.i64(0, 3), r.i64(0, 4)};
  }
  std::vector<Category> categories() override {
    auto r = c_.query("SELECT code, name_vi, name_en, grp, active::int, sort FROM categories ORDER BY sort, code");
    std::vector<Category> out;
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.i64(i, 4) != 0,
                     static_cast<int>(r.i64(i, 5))});
    }
    return out;
  }
  std::optional<Case> caseById(std::int64_t id) override {
    auto r = c_.query(std::string("SELECT ") + kCaseColumns + " FROM cases WHERE id = $1", Params().add(id));
    if (!r.rows()) return std::nullopt;
    return readCase(r, 0);
  }
  CasePage searchCases(const CaseQuery& q) override {
    std::string where = " WHERE TRUE";
    Params p;
    int n = 0;
    auto add = [&](const std::string& clause, auto value) {
      where += " AND " + clause + "$" + std::to_string(++n);
      p.add(value);
    };
    if (q.status) add("status = ", std::string(cases::toString(*q.status)));
    if (q.channel) add("channel = ", std::string(cases::toString(*q.channel)));
    if (!q.category.empty()) add("category = ", q.category);
    if (q.assignee_id) add("assignee_id = ", *q.assignee_id);
    if (q.unassigned) where += " AND assignee_id IS NULL";
    if (q.created_from) add("created_at >= ", *q.created_from);
    if (q.created_to) add("created_at < ", *q.created_to);
    if (!q.phone.empty()) add("contact_phone = ", q.phone);
    if (!q.citizen_id.empty()) add("citizen_id = ", q.citizen_id);
    // Word-prefix match on the folded text, like the SQLite FTS5 prefix query.
    for (const auto& t : q.text_tokens) add("(' ' || search_text) LIKE ", "% " + likeEscape(t) + "%");
    CasePage page;
    auto count = c_.query("SELECT COUNT(*) FROM cases" + where, p);
    page.total = count.i64(0, 0);
    Params pp = p;
    pp.add(static_cast<std::int64_t>(q.per_page)).add(static_cast<std::int64_t>(q.page - 1) * q.per_page);
    auto r = c_.query(std::string("SELECT ") + kCaseColumns + " FROM cases" + where +
                          " ORDER BY created_at DESC, id DESC LIMIT $" + std::to_string(n + 1) + " OFFSET $" +
                          std::to_string(n + 2),
                      pp);
    for (int i = 0; i < r.rows(); ++i) page.items.push_back(readCase(r, i));
    return page;
  }
  std::vector<CaseEvent> caseEvents(std::int64_t id) override {
    auto r = c_.query("SELECT id, case_id, at, actor_id, kind, data FROM case_events WHERE case_id = $1 ORDER BY id",
                      Params().add(id));
    std::vector<CaseEvent> out;
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({r.i64(i, 0), r.i64(i, 1), r.i64(i, 2), r.i64(i, 3), r.text(i, 4), r.text(i, 5)});
    }
    return out;
  }
  std::vector<Message> caseMessages(std::int64_t id) override {
    auto r = c_.query("SELECT id, case_id, kind, body, author_id, at FROM case_messages WHERE case_id = $1 ORDER BY id",
                      Params().add(id));
    std::vector<Message> out;
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({r.i64(i, 0), r.i64(i, 1), r.text(i, 2), r.text(i, 3), r.i64(i, 4), r.i64(i, 5)});
    }
    return out;
  }
  std::optional<Lookup> lookupById(std::int64_t id) override {
    auto r = c_.query(std::string("SELECT ") + kLookupColumns + " FROM lookups WHERE id = $1", Params().add(id));
    if (!r.rows()) return std::nullopt;
    return readLookup(r, 0);
  }
  std::vector<Lookup> lookups(const std::string& status, int limit) override {
    auto r = c_.query(std::string("SELECT ") + kLookupColumns +
                          " FROM lookups WHERE ($1 = '' OR status = $1) ORDER BY due_at, id LIMIT $2",
                      Params().add(status).add(limit));
    std::vector<Lookup> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(readLookup(r, i));
    return out;
  }
  std::vector<Lookup> lookupsForCase(std::int64_t id) override {
    auto r = c_.query(std::string("SELECT ") + kLookupColumns + " FROM lookups WHERE case_id = $1 ORDER BY id",
                      Params().add(id));
    std::vector<Lookup> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(readLookup(r, i));
    return out;
  }
  std::optional<std::string> setting(const std::string& key) override {
    auto r = c_.query("SELECT value FROM settings WHERE key = $1", Params().add(key));
    if (!r.rows()) return std::nullopt;
    return r.text(0, 0);
  }
  std::vector<audit::Entry> auditEntries(std::int64_t from, int limit) override {
    auto r = c_.query(
        "SELECT seq, at, actor_id, actor_login, action, object_type, object_id, case_id, reason, details, "
        "prev_hash, hash FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2",
        Params().add(from).add(limit));
    std::vector<audit::Entry> out;
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({r.i64(i, 0), r.i64(i, 1), r.i64(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5), r.text(i, 6),
                     r.optI64(i, 7), r.text(i, 8), r.text(i, 9), r.text(i, 10), r.text(i, 11)});
    }
    return out;
  }
  std::int64_t auditCount() override { return c_.query("SELECT COUNT(*) FROM audit_log").i64(0, 0); }
  int schemaVersion() override {
    return static_cast<int>(c_.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").i64(0, 0));
  }
  std::vector<KbArticle> kbArticles() override {
    auto r = c_.query(std::string("SELECT ") + kKbColumns + " FROM kb_articles ORDER BY id");
    std::vector<KbArticle> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(readKb(r, i));
    return out;
  }
  std::optional<KbArticle> kbArticleById(std::int64_t id) override {
    auto r = c_.query(std::string("SELECT ") + kKbColumns + " FROM kb_articles WHERE id = $1", Params().add(id));
    if (!r.rows()) return std::nullopt;
    return readKb(r, 0);
  }
  std::optional<KbArticle> kbArticleBySlug(const std::string& slug) override {
    auto r = c_.query(std::string("SELECT ") + kKbColumns + " FROM kb_articles WHERE slug = $1", Params().add(slug));
    if (!r.rows()) return std::nullopt;
    return readKb(r, 0);
  }
  std::vector<KbVersion> kbVersions(std::int64_t id) override {
    auto r = c_.query(
        "SELECT v.article_id, a.slug, v.title, v.answer, v.category, v.tags, v.status, v.legal_basis, "
        "v.valid_from, v.valid_to, v.version, v.updated_by, v.updated_at, v.note FROM kb_article_versions v "
        "JOIN kb_articles a ON a.id = v.article_id WHERE v.article_id = $1 ORDER BY v.version",
        Params().add(id));
    std::vector<KbVersion> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({readKb(r, i), r.text(i, 13)});
    return out;
  }
  std::vector<KbProposal> kbProposals(const std::string& status) override {
    auto r = c_.query(
        "SELECT id, article_id, title, answer, note, status, proposed_by, at FROM kb_proposals "
        "WHERE ($1 = '' OR status = $1) ORDER BY id",
        Params().add(status));
    std::vector<KbProposal> out;
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({r.i64(i, 0), r.optI64(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5),
                     r.i64(i, 6), r.i64(i, 7)});
    }
    return out;
  }
  std::vector<std::pair<std::int64_t, std::string>> acdEvents(std::int64_t from_ms) override {
    auto r = c_.query("SELECT at_ms, event FROM acd_events WHERE at_ms >= $1 ORDER BY seq", Params().add(from_ms));
    std::vector<std::pair<std::int64_t, std::string>> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.i64(i, 0), r.text(i, 1)});
    return out;
  }
  std::optional<telephony::CallRecord> callById(std::int64_t id) override {
    auto r = c_.query("SELECT id, record FROM calls WHERE id = $1", Params().add(id));
    if (r.rows() == 0) return std::nullopt;
    return telephony::callFromJson(r.i64(0, 0), r.text(0, 1));
  }
  std::vector<telephony::CallRecord> calls(std::int64_t from_ms, int limit) override {
    return readCalls(c_.query("SELECT id, record FROM calls WHERE arrived_at >= $1 ORDER BY id DESC LIMIT $2",
                              Params().add(from_ms).add(limit)));
  }
  std::vector<telephony::CallRecord> callsForCase(std::int64_t case_id) override {
    return readCalls(c_.query("SELECT id, record FROM calls WHERE case_id = $1 ORDER BY id", Params().add(case_id)));
  }
  static std::vector<telephony::CallRecord> readCalls(const postgres::Result& r) {
    std::vector<telephony::CallRecord> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(telephony::callFromJson(r.i64(i, 0), r.text(i, 1)));
    return out;
  }

  // ----- writes
  std::int64_t insertUser(const User& u) override {
    return c_.query(
               "INSERT INTO users(login, name, role, password_hash, disabled, failed_logins, locked_until, "
               "created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id",
               Params().add(u.login).add(u.name).add(auth::toString(u.role)).add(u.password_hash)
                   .add(std::string(u.disabled ? "true" : "false")).add(u.failed_logins).add(u.locked_until)
                   .add(u.created_at).add(u.updated_at))
        .i64(0, 0);
  }
  void updateUser(const User& u) override {
    c_.query("UPDATE users SET login=$1, name=$2, role=$3, password_hash=$4, disabled=$5, failed_logins=$6, "
             "locked_until=$7, updated_at=$8 WHERE id=$9",
             Params().add(u.login).add(u.name).add(auth::toString(u.role)).add(u.password_hash)
                 .add(std::string(u.disabled ? "true" : "false")).add(u.failed_logins).add(u.locked_until)
                 .add(u.updated_at).add(u.id));
  }
  void insertSession(const Session& s) override {
    c_.query("INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1,$2,$3,$4,$5)",
             Params().add(s.token_hash).add(s.user_id).add(s.csrf_token).add(s.created_at).add(s.expires_at));
  }
  void deleteSession(const std::string& h) override {
    c_.query("DELETE FROM sessions WHERE token_hash = $1", Params().add(h));
  }
  void deleteSessionsOfUser(std::int64_t id) override {
    c_.query("DELETE FROM sessions WHERE user_id = $1", Params().add(id));
  }
  void deleteExpiredSessions(std::int64_t now) override {
    c_.query("DELETE FROM sessions WHERE expires_at <= $1", Params().add(now));
  }
  void upsertCategory(const Category& c) override {
    c_.query("INSERT INTO categories(code, name_vi, name_en, grp, active, sort) VALUES ($1,$2,$3,$4,$5,$6) "
             "ON CONFLICT(code) DO UPDATE SET name_vi=excluded.name_vi, name_en=excluded.name_en, "
             "grp=excluded.grp, active=excluded.active, sort=excluded.sort",
             Params().add(c.code).add(c.name_vi).add(c.name_en).add(c.group)
                 .add(std::string(c.active ? "true" : "false")).add(c.sort));
  }
  std::int64_t insertCase(const Case& c) override {
    return c_.query(
               "INSERT INTO cases(channel, contact_name, contact_phone, contact_email, contact_zalo, "
               "contact_facebook, citizen_id, category, description, priority, assignee_id, status, tags, "
               "created_by, created_at, updated_at, first_response_at, answered_at, closed_at, "
               "first_response_due, resolution_due, paused_minutes, paused_since, version, search_text) VALUES "
               "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25) "
               "RETURNING id",
               caseParams(c))
        .i64(0, 0);
  }
  void updateCase(const Case& c) override {
    Params p = caseParams(c);
    p.add(c.id);
    c_.query("UPDATE cases SET channel=$1, contact_name=$2, contact_phone=$3, contact_email=$4, contact_zalo=$5, "
             "contact_facebook=$6, citizen_id=$7, category=$8, description=$9, priority=$10, assignee_id=$11, "
             "status=$12, tags=$13, created_by=$14, created_at=$15, updated_at=$16, first_response_at=$17, "
             "answered_at=$18, closed_at=$19, first_response_due=$20, resolution_due=$21, paused_minutes=$22, "
             "paused_since=$23, version=$24, search_text=$25 WHERE id=$26",
             p);
  }
  std::int64_t appendCaseEvent(const CaseEvent& e) override {
    return c_.query("INSERT INTO case_events(case_id, at, actor_id, kind, data) VALUES ($1,$2,$3,$4,$5) RETURNING id",
                    Params().add(e.case_id).add(e.at).add(e.actor_id).add(e.kind).add(e.data))
        .i64(0, 0);
  }
  std::int64_t insertMessage(const Message& m) override {
    return c_.query("INSERT INTO case_messages(case_id, kind, body, author_id, at) VALUES ($1,$2,$3,$4,$5) RETURNING id",
                    Params().add(m.case_id).add(m.kind).add(m.body).add(m.author_id).add(m.at))
        .i64(0, 0);
  }
  std::int64_t insertLookup(const Lookup& l) override {
    return c_.query("INSERT INTO lookups(case_id, status, what, reason, requested_by, requested_at, claimed_by, "
                    "claimed_at, answer, answered_by, answered_at, replied_to_citizen, due_at) VALUES "
                    "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id",
                    lookupParams(l))
        .i64(0, 0);
  }
  void updateLookup(const Lookup& l) override {
    Params p = lookupParams(l);
    p.add(l.id);
    c_.query("UPDATE lookups SET case_id=$1, status=$2, what=$3, reason=$4, requested_by=$5, requested_at=$6, "
             "claimed_by=$7, claimed_at=$8, answer=$9, answered_by=$10, answered_at=$11, replied_to_citizen=$12, "
             "due_at=$13 WHERE id=$14",
             p);
  }
  void putSetting(const std::string& key, const std::string& value) override {
    c_.query("INSERT INTO settings(key, value) VALUES ($1, $2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
             Params().add(key).add(value));
  }
  std::int64_t saveKbArticle(const KbArticle& a, const std::string& note) override {
    std::int64_t id = a.id;
    std::string tags = nlohmann::json(a.tags).dump();
    Params p;
    p.add(a.slug).add(a.title).add(a.answer).add(a.category).add(tags).add(a.status).add(a.legal_basis)
        .add(a.valid_from).add(a.valid_to).add(a.version).add(a.updated_by).add(a.updated_at);
    if (id == 0) {
      id = c_.query("INSERT INTO kb_articles(slug, title, answer, category, tags, status, legal_basis, valid_from, "
                    "valid_to, version, updated_by, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) "
                    "RETURNING id",
                    p)
               .i64(0, 0);
    } else {
      p.add(id);
      c_.query("UPDATE kb_articles SET slug=$1, title=$2, answer=$3, category=$4, tags=$5, status=$6, "
               "legal_basis=$7, valid_from=$8, valid_to=$9, version=$10, updated_by=$11, updated_at=$12 WHERE id=$13",
               p);
    }
    c_.query("INSERT INTO kb_article_versions(article_id, version, title, answer, category, tags, status, "
             "legal_basis, valid_from, valid_to, updated_by, updated_at, note) VALUES "
             "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)",
             Params().add(id).add(a.version).add(a.title).add(a.answer).add(a.category).add(tags).add(a.status)
                 .add(a.legal_basis).add(a.valid_from).add(a.valid_to).add(a.updated_by).add(a.updated_at).add(note));
    return id;
  }
  std::int64_t insertKbProposal(const KbProposal& p) override {
    return c_.query("INSERT INTO kb_proposals(article_id, title, answer, note, status, proposed_by, at) VALUES "
                    "($1,$2,$3,$4,$5,$6,$7) RETURNING id",
                    Params().add(p.article_id).add(p.title).add(p.answer).add(p.note).add(p.status)
                        .add(p.proposed_by).add(p.at))
        .i64(0, 0);
  }
  void setKbProposalStatus(std::int64_t id, const std::string& status) override {
    c_.query("UPDATE kb_proposals SET status = $1 WHERE id = $2", Params().add(status).add(id));
  }
  void appendAcdEvent(std::int64_t at_ms, const std::string& event) override {
    c_.query("INSERT INTO acd_events(at_ms, event) VALUES ($1, $2)", Params().add(at_ms).add(event));
  }
  std::int64_t insertCall(const telephony::CallRecord& c) override {
    return c_.query("INSERT INTO calls(arrived_at, case_id, record) VALUES ($1, $2, $3) RETURNING id",
                    Params().add(c.arrived_at).add(c.case_id).add(telephony::toJson(c)))
        .i64(0, 0);
  }
  void updateCall(const telephony::CallRecord& c) override {
    c_.query("UPDATE calls SET arrived_at = $1, case_id = $2, record = $3 WHERE id = $4",
             Params().add(c.arrived_at).add(c.case_id).add(telephony::toJson(c)).add(c.id));
  }
  std::int64_t appendAudit(audit::Entry e) override {
    auto head = c_.query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (head.rows()) {
      e.seq = head.i64(0, 0) + 1;
      e.prev_hash = head.text(0, 1);
    } else {
      e.seq = 1;
      e.prev_hash = audit::genesisHash();
    }
    e.hash = audit::computeHash(e);
    c_.query("INSERT INTO audit_log(seq, at, actor_id, actor_login, action, object_type, object_id, case_id, "
             "reason, details, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
             Params().add(e.seq).add(e.at).add(e.actor_id).add(e.actor_login).add(e.action).add(e.object_type)
                 .add(e.object_id).add(e.case_id).add(e.reason).add(e.details).add(e.prev_hash).add(e.hash));
    return e.seq;
  }

 private:
  Conn& c_;
};

std::string migrate(Conn& c) {
  c.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
         "applied_at BIGINT NOT NULL)");
  int current = static_cast<int>(c.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").i64(0, 0));
  if (current > latestPgSchemaVersion()) {
    return "Kho dữ liệu có phiên bản lược đồ " + std::to_string(current) + ", mới hơn phiên bản chương trình này hỗ trợ (" +
           std::to_string(latestPgSchemaVersion()) + "). / The store's schema version " + std::to_string(current) +
           " is newer than this binary supports (" + std::to_string(latestPgSchemaVersion()) + ").";
  }
  for (const auto& m : pgMigrations()) {
    if (m.version <= current) continue;
    c.exec("BEGIN");
    try {
      c.exec(m.sql);
      c.query("INSERT INTO schema_migrations(version, name, applied_at) VALUES ($1, $2, $3)",
              Params().add(m.version).add(m.name).add(static_cast<std::int64_t>(std::time(nullptr))));
      c.exec("COMMIT");
    } catch (const PgError& e) {
      c.exec("ROLLBACK");
      return "migration " + std::to_string(m.version) + " failed: " + e.what();
    }
  }
  return "";
}

class PgStore : public adapters::GroupCommitStore<Conn> {
 public:
  PgStore(std::string conninfo, std::unique_ptr<Conn> writer)
      : GroupCommitStore(std::move(writer), 256, 16), conninfo_(std::move(conninfo)) {
    startWriter();
  }
  ~PgStore() override { close(); }

 protected:
  std::unique_ptr<WriteTx> makeTx(Conn& c) override { return std::make_unique<PgTx>(c); }
  void beginBatch(Conn& c) override {
    c.exec("BEGIN");
    // Serialises writers of other instances on the audit chain's head.
    c.exec("LOCK TABLE audit_log IN EXCLUSIVE MODE");
  }
  void savepoint(Conn& c) override { c.exec("SAVEPOINT job"); }
  void rollbackToSavepoint(Conn& c) override { c.exec("ROLLBACK TO SAVEPOINT job"); }
  void releaseSavepoint(Conn& c) override { c.exec("RELEASE SAVEPOINT job"); }
  // synchronous_commit=on (the default): durable when it returns.
  void commit(Conn& c) override { c.exec("COMMIT"); }
  void rollback(Conn& c) override { c.exec("ROLLBACK"); }
  std::unique_ptr<Conn> openReader() override { return std::make_unique<Conn>(conninfo_); }
  // One snapshot for the whole read.
  void beginRead(Conn& c) override { c.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }

 private:
  std::string conninfo_;
};

}  // namespace

int latestPgSchemaVersion() { return pgMigrations().back().version; }

core::Result<std::unique_ptr<Store>> openPgStore(const std::string& conninfo) {
  try {
    auto c = std::make_unique<Conn>(conninfo);
    std::string err = migrate(*c);
    if (!err.empty()) return makeError("store_version", err, err, "");
    return std::unique_ptr<Store>(std::make_unique<PgStore>(conninfo, std::move(c)));
  } catch (const PgError& e) {
    return makeError("store_open", std::string("Không kết nối được PostgreSQL: ") + e.what(),
                     std::string("Cannot open the PostgreSQL store: ") + e.what(), "");
  }
}

}  // namespace tongdai::postgres
