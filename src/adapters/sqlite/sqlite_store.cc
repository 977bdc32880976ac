#include "adapters/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "adapters/common/group_commit_store.h"
#include "adapters/sqlite/db.h"
#include "adapters/sqlite/migrations.h"

namespace tongdai::sqlite {

using namespace core;
using namespace core::store;
using cases::Case;

namespace {

const char* kCaseColumns =
    "id, channel, contact_name, contact_phone, contact_email, contact_zalo, contact_facebook, "
    "citizen_id, category, description, priority, assignee_id, status, tags, created_by, "
    "created_at, updated_at, first_response_at, answered_at, closed_at, first_response_due, "
    "resolution_due, paused_minutes, paused_since, version";

std::optional<TimePoint> optTime(const Stmt& s, int col) {
  auto v = s.optI64(col);
  if (!v) return std::nullopt;
  return fromUnix(*v);
}

std::optional<std::int64_t> optUnix(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return toUnix(*t);
}

Case readCase(const Stmt& s) {
  Case c;
  c.id = s.i64(0);
  c.channel = cases::channelFromString(s.text(1)).value_or(cases::Channel::phone);
  c.contact.name = s.text(2);
  c.contact.phone = s.text(3);
  c.contact.email = s.text(4);
  c.contact.zalo_id = s.text(5);
  c.contact.facebook_id = s.text(6);
  c.citizen_id = s.text(7);
  c.category = s.text(8);
  c.description = s.text(9);
  c.priority = cases::priorityFromString(s.text(10)).value_or(cases::Priority::normal);
  c.assignee_id = s.optI64(11);
  c.status = cases::statusFromString(s.text(12)).value_or(cases::CaseStatus::new_);
  auto tags = nlohmann::json::parse(s.text(13), nullptr, false);
  if (tags.is_array()) {
    for (auto& t : tags) {
      if (t.is_string()) c.tags.push_back(t.get<std::string>());
    }
  }
  c.created_by = s.i64(14);
  c.created_at = fromUnix(s.i64(15));
  c.updated_at = fromUnix(s.i64(16));
  c.first_response_at = optTime(s, 17);
  c.answered_at = optTime(s, 18);
  c.closed_at = optTime(s, 19);
  c.first_response_due = optTime(s, 20);
  c.resolution_due = optTime(s, 21);
  c.paused_minutes = s.i64(22);
  c.paused_since = optTime(s, 23);
  c.version = s.i64(24);
  return c;
}

// Binds every case column but id, starting at parameter 1.
void bindCase(Stmt& s, const Case& c) {
  s.bind(1, cases::toString(c.channel))
      .bind(2, c.contact.name)
      .bind(3, c.contact.phone)
      .bind(4, c.contact.email)
      .bind(5, c.contact.zalo_id)
      .bind(6, c.contact.facebook_id)
      .bind(7, c.citizen_id)
      .bind(8, c.category)
      .bind(9, c.description)
      .bind(10, cases::toString(c.priority))
      .bind(11, c.assignee_id)
      .bind(12, cases::toString(c.status))
      .bind(13, nlohmann::json(c.tags).dump())
      .bind(14, c.created_by)
      .bind(15, toUnix(c.created_at))
      .bind(16, toUnix(c.updated_at))
      .bind(17, optUnix(c.first_response_at))
      .bind(18, optUnix(c.answered_at))
      .bind(19, optUnix(c.closed_at))
      .bind(20, optUnix(c.first_response_due))
      .bind(21, optUnix(c.resolution_due))
      .bind(22, c.paused_minutes)
      .bind(23, optUnix(c.paused_since))
      .bind(24, c.version);
}

User readUser(const Stmt& s) {
  User u;
  u.id = s.i64(0);
  u.login = s.text(1);
  u.name = s.text(2);
  u.role = auth::roleFromString(s.text(3)).value_or(auth::Role::operator_);
  u.password_hash = s.text(4);
  u.disabled = s.i64(5) != 0;
  u.failed_logins = static_cast<int>(s.i64(6));
  u.locked_until = s.optI64(7);
  u.created_at = s.i64(8);
  u.updated_at = s.i64(9);
  return u;
}
const char* kUserColumns =
    "id, login, name, role, password_hash, disabled, failed_logins, locked_until, created_at, "
    "updated_at";

Lookup readLookup(const Stmt& s) {
  Lookup l;
  l.id = s.i64(0);
  l.case_id = s.i64(1);
  l.status = s.text(2);
  l.what = s.text(3);
  l.reason = s.text(4);
  l.requested_by = s.i64(5);
  l.requested_at = s.i64(6);
  l.claimed_by = s.optI64(7);
  l.claimed_at = s.optI64(8);
  l.answer = s.text(9);
  l.answered_by = s.optI64(10);
  l.answered_at = s.optI64(11);
  l.replied_to_citizen = s.i64(12) != 0;
  l.due_at = s.i64(13);
  return l;
}
const char* kLookupColumns =
    "id, case_id, status, what, reason, requested_by, requested_at, claimed_by, claimed_at, "
    "answer, answered_by, answered_at, replied_to_citizen, due_at";

audit::Entry readAudit(const Stmt& s) {
  audit::Entry e;
  e.seq = s.i64(0);
  e.at = s.i64(1);
  e.actor_id = s.i64(2);
  e.actor_login = s.text(3);
  e.action = s.text(4);
  e.object_type = s.text(5);
  e.object_id = s.text(6);
  e.case_id = s.optI64(7);
  e.reason = s.text(8);
  e.details = s.text(9);
  e.prev_hash = s.text(10);
  e.hash = s.text(11);
  return e;
}

std::string ftsQuery(const std::vector<std::string>& tokens) {
  std::string q;
  for (const auto& t : tokens) {
    std::string clean;
    for (char c : t) {
      if (c != '"') clean += c;
    }
    if (clean.empty()) continue;
    if (!q.empty()) q += " AND ";
    q += "\"" + clean + "\"*";
  }
  return q;
}

const char* kKbColumns =
    "id, slug, title, answer, category, tags, status, legal_basis, valid_from, valid_to, version, "
    "updated_by, updated_at";

std::vector<std::string> tagsFrom(const std::string& text) {
  std::vector<std::string> out;
  auto tags = nlohmann::json::parse(text, nullptr, false);
  if (tags.is_array()) {
    for (auto& t : tags) {
      if (t.is_string()) out.push_back(t.get<std::string>());
    }
  }
  return out;
}

// Reads the kb columns starting at `first` (article or version row).
KbArticle readKb(const Stmt& s) {
  KbArticle a;
  a.id = s.i64(0);
  a.slug = s.text(1);
  a.title = s.text(2);
  a.answer = s.text(3);
  a.category = s.text(4);
  a.tags = tagsFrom(s.text(5));
  a.status = s.text(6);
  a.legal_basis = s.text(7);
  a.valid_from = s.text(8);
  a.valid_to = s.text(9);
  a.version = s.i64(10);
  a.updated_by = s.i64(11);
  a.updated_at = s.i64(12);
  return a;
}

class SqliteTx : public WriteTx {
 public:
  explicit SqliteTx(Db& db) : db_(db) {}

  std::optional<User> userById(std::int64_t id) override {
    auto s = db_.prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return readUser(s);
  }
  std::optional<User> userByLogin(const std::string& login) override {
    auto s = db_.prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE login = ?");
    s.bind(1, login);
    if (!s.step()) return std::nullopt;
    return readUser(s);
  }
  std::vector<User> users() override {
    auto s = db_.prepare(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY id");
    std::vector<User> out;
    while (s.step()) out.push_back(readUser(s));
    return out;
  }
  std::optional<Session> sessionByTokenHash(const std::string& token_hash) override {
    auto s = db_.prepare(
        "SELECT token_hash, user_id, csrf_token, created_at, expires_at FROM sessions "
        "WHERE token_hash = ?");
    s.bind(1, token_hash);
    if (!s.step()) return std::nullopt;
    return Session{s.text(0), s.i64(1), s.text(2), s.i64(3), s.i64(4)};
  }
  std::vector<Category> categories() override {
    auto s = db_.prepare(
        "SELECT code, name_vi, name_en, grp, active, sort FROM categories ORDER BY sort, code");
    std::vector<Category> out;
    while (s.step()) {
      out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.i64(4) != 0,
                     static_cast<int>(s.i64(5))});
    }
    return out;
  }
  std::optional<Case> caseById(std::int64_t id) override {
    auto s = db_.prepare(std::string("SELECT ") + kCaseColumns + " FROM cases WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return readCase(s);
  }
  CasePage searchCases(const CaseQuery& q) override {
    std::string where = " WHERE 1=1";
    std::vector<std::function<void(Stmt&, int&)>> binds;
    auto add = [&](const std::string& clause, auto value) {
      where += " AND " + clause;
      binds.push_back([value](Stmt& s, int& i) { s.bind(i++, value); });
    };
    if (q.status) add("status = ?", std::string(cases::toString(*q.status)));
    if (q.channel) add("channel = ?", std::string(cases::toString(*q.channel)));
    if (!q.category.empty()) add("category = ?", q.category);
    if (q.assignee_id) add("assignee_id = ?", *q.assignee_id);
    if (q.unassigned) where += " AND assignee_id IS NULL";
    if (q.created_from) add("created_at >= ?", *q.created_from);
    if (q.created_to) add("created_at < ?", *q.created_to);
    if (!q.phone.empty()) add("contact_phone = ?", q.phone);
    if (!q.citizen_id.empty()) add("citizen_id = ?", q.citizen_id);
    std::string fts = ftsQuery(q.text_tokens);
    if (!fts.empty()) add("id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)", fts);
    CasePage page;
    {
      // Dynamic SQL: a handful of shapes, so the statement cache stays small.
      auto s = db_.prepare("SELECT COUNT(*) FROM cases" + where);
      int i = 1;
      for (auto& b : binds) b(s, i);
      if (s.step()) page.total = s.i64(0);
    }
    auto s = db_.prepare(std::string("SELECT ") + kCaseColumns + " FROM cases" + where +
                         " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?");
    int i = 1;
    for (auto& b : binds) b(s, i);
    s.bind(i++, static_cast<std::int64_t>(q.per_page));
    s.bind(i++, static_cast<std::int64_t>(q.page - 1) * q.per_page);
    while (s.step()) page.items.push_back(readCase(s));
    return page;
  }
  std::vector<CaseEvent> caseEvents(std::int64_t case_id) override {
    auto s = db_.prepare(
        "SELECT id, case_id, at, actor_id, kind, data FROM case_events WHERE case_id = ? "
        "ORDER BY id");
    s.bind(1, case_id);
    std::vector<CaseEvent> out;
    while (s.step()) out.push_back({s.i64(0), s.i64(1), s.i64(2), s.i64(3), s.text(4), s.text(5)});
    return out;
  }
  std::vector<Message> caseMessages(std::int64_t case_id) override {
    auto s = db_.prepare(
        "SELECT id, case_id, kind, body, author_id, at FROM case_messages WHERE case_id = ? "
        "ORDER BY id");
    s.bind(1, case_id);
    std::vector<Message> out;
    while (s.step()) out.push_back({s.i64(0), s.i64(1), s.text(2), s.text(3), s.i64(4), s.i64(5)});
    return out;
  }
  std::optional<Lookup> lookupById(std::int64_t id) override {
    auto s = db_.prepare(std::string("SELECT ") + kLookupColumns + " FROM lookups WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return readLookup(s);
  }
  std::vector<Lookup> lookups(const std::string& status, int limit) override {
    auto s = db_.prepare(std::string("SELECT ") + kLookupColumns +
                         " FROM lookups WHERE (? = '' OR status = ?) ORDER BY due_at, id LIMIT ?");
    s.bind(1, status).bind(2, status).bind(3, limit);
    std::vector<Lookup> out;
    while (s.step()) out.push_back(readLookup(s));
    return out;
  }
  std::vector<Lookup> lookupsForCase(std::int64_t case_id) override {
    auto s = db_.prepare(std::string("SELECT ") + kLookupColumns +
                         " FROM lookups WHERE case_id = ? ORDER BY id");
    s.bind(1, case_id);
    std::vector<Lookup> out;
    while (s.step()) out.push_back(readLookup(s));
    return out;
  }
  std::optional<std::string> setting(const std::string& key) override {
    auto s = db_.prepare("SELECT value FROM settings WHERE key = ?");
    s.bind(1, key);
    if (!s.step()) return std::nullopt;
    return s.text(0);
  }
  std::vector<audit::Entry> auditEntries(std::int64_t from_seq, int limit) override {
    auto s = db_.prepare(
        "SELECT seq, at, actor_id, actor_login, action, object_type, object_id, case_id, reason, "
        "details, prev_hash, hash FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?");
    s.bind(1, from_seq).bind(2, limit);
    std::vector<audit::Entry> out;
    while (s.step()) out.push_back(readAudit(s));
    return out;
  }
  std::int64_t auditCount() override {
    auto s = db_.prepare("SELECT COUNT(*) FROM audit_log");
    return s.step() ? s.i64(0) : 0;
  }
  int schemaVersion() override {
    auto s = db_.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    return s.step() ? static_cast<int>(s.i64(0)) : 0;
  }
  std::vector<KbArticle> kbArticles() override {
    auto s = db_.prepare(std::string("SELECT ") + kKbColumns + " FROM kb_articles ORDER BY id");
    std::vector<KbArticle> out;
    while (s.step()) out.push_back(readKb(s));
    return out;
  }
  std::optional<KbArticle> kbArticleById(std::int64_t id) override {
    auto s = db_.prepare(std::string("SELECT ") + kKbColumns + " FROM kb_articles WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return readKb(s);
  }
  std::optional<KbArticle> kbArticleBySlug(const std::string& slug) override {
    auto s = db_.prepare(std::string("SELECT ") + kKbColumns + " FROM kb_articles WHERE slug = ?");
    s.bind(1, slug);
    if (!s.step()) return std::nullopt;
    return readKb(s);
  }
  std::vector<KbVersion> kbVersions(std::int64_t article_id) override {
    auto s = db_.prepare(
        "SELECT v.article_id, a.slug, v.title, v.answer, v.category, v.tags, v.status, "
        "v.legal_basis, v.valid_from, v.valid_to, v.version, v.updated_by, v.updated_at, v.note "
        "FROM kb_article_versions v JOIN kb_articles a ON a.id = v.article_id "
        "WHERE v.article_id = ? ORDER BY v.version");
    s.bind(1, article_id);
    std::vector<KbVersion> out;
    while (s.step()) out.push_back({readKb(s), s.text(13)});
    return out;
  }
  std::vector<KbProposal> kbProposals(const std::string& status) override {
    auto s = db_.prepare(
        "SELECT id, article_id, title, answer, note, status, proposed_by, at FROM kb_proposals "
        "WHERE (? = '' OR status = ?) ORDER BY id");
    s.bind(1, status).bind(2, status);
    std::vector<KbProposal> out;
    while (s.step()) {
      out.push_back({s.i64(0), s.optI64(1), s.text(2), s.text(3), s.text(4), s.text(5), s.i64(6), s.i64(7)});
    }
    return out;
  }
  std::int64_t saveKbArticle(const KbArticle& a, const std::string& note) override {
    std::int64_t id = a.id;
    std::string tags = nlohmann::json(a.tags).dump();
    if (id == 0) {
      db_.prepare(
             "INSERT INTO kb_articles(slug, title, answer, category, tags, status, legal_basis, "
             "valid_from, valid_to, version, updated_by, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
          .bind(1, a.slug).bind(2, a.title).bind(3, a.answer).bind(4, a.category).bind(5, tags)
          .bind(6, a.status).bind(7, a.legal_basis).bind(8, a.valid_from).bind(9, a.valid_to)
          .bind(10, a.version).bind(11, a.updated_by).bind(12, a.updated_at)
          .run();
      id = db_.lastInsertId();
    } else {
      db_.prepare(
             "UPDATE kb_articles SET slug=?, title=?, answer=?, category=?, tags=?, status=?, "
             "legal_basis=?, valid_from=?, valid_to=?, version=?, updated_by=?, updated_at=? WHERE id=?")
          .bind(1, a.slug).bind(2, a.title).bind(3, a.answer).bind(4, a.category).bind(5, tags)
          .bind(6, a.status).bind(7, a.legal_basis).bind(8, a.valid_from).bind(9, a.valid_to)
          .bind(10, a.version).bind(11, a.updated_by).bind(12, a.updated_at).bind(13, id)
          .run();
    }
    db_.prepare(
           "INSERT INTO kb_article_versions(article_id, version, title, answer, category, tags, "
           "status, legal_basis, valid_from, valid_to, updated_by, updated_at, note) "
           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
        .bind(1, id).bind(2, a.version).bind(3, a.title).bind(4, a.answer).bind(5, a.category)
        .bind(6, tags).bind(7, a.status).bind(8, a.legal_basis).bind(9, a.valid_from)
        .bind(10, a.valid_to).bind(11, a.updated_by).bind(12, a.updated_at).bind(13, note)
        .run();
    return id;
  }
  std::int64_t insertKbProposal(const KbProposal& p) override {
    db_.prepare(
           "INSERT INTO kb_proposals(article_id, title, answer, note, status, proposed_by, at) "
           "VALUES (?,?,?,?,?,?,?)")
        .bind(1, p.article_id).bind(2, p.title).bind(3, p.answer).bind(4, p.note)
        .bind(5, p.status).bind(6, p.proposed_by).bind(7, p.at)
        .run();
    return db_.lastInsertId();
  }
  std::vector<std::pair<std::int64_t, std::string>> acdEvents(std::int64_t from_ms) override {
    auto s = db_.prepare("SELECT at_ms, event FROM acd_events WHERE at_ms >= ? ORDER BY seq");
    s.bind(1, from_ms);
    std::vector<std::pair<std::int64_t, std::string>> out;
    while (s.step()) out.push_back({s.i64(0), s.text(1)});
    return out;
  }
  std::optional<core::telephony::CallRecord> callById(std::int64_t id) override {
    auto s = db_.prepare("SELECT id, record FROM calls WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return core::telephony::callFromJson(s.i64(0), s.text(1));
  }
  std::vector<core::telephony::CallRecord> calls(std::int64_t from_ms, int limit) override {
    auto s = db_.prepare("SELECT id, record FROM calls WHERE arrived_at >= ? ORDER BY id DESC LIMIT ?");
    s.bind(1, from_ms).bind(2, limit);
    std::vector<core::telephony::CallRecord> out;
    while (s.step()) out.push_back(core::telephony::callFromJson(s.i64(0), s.text(1)));
    return out;
  }
  std::vector<core::telephony::CallRecord> callsForCase(std::int64_t case_id) override {
    auto s = db_.prepare("SELECT id, record FROM calls WHERE case_id = ? ORDER BY id");
    s.bind(1, case_id);
    std::vector<core::telephony::CallRecord> out;
    while (s.step()) out.push_back(core::telephony::callFromJson(s.i64(0), s.text(1)));
    return out;
  }
  void appendAcdEvent(std::int64_t at_ms, const std::string& event_json) override {
    db_.prepare("INSERT INTO acd_events(at_ms, event) VALUES (?, ?)").bind(1, at_ms).bind(2, event_json).run();
  }
  std::int64_t insertCall(const core::telephony::CallRecord& c) override {
    auto s = db_.prepare("INSERT INTO calls(arrived_at, case_id, record) VALUES (?, ?, ?)");
    s.bind(1, c.arrived_at).bind(2, c.case_id).bind(3, core::telephony::toJson(c));
    s.run();
    return db_.lastInsertId();
  }
  void updateCall(const core::telephony::CallRecord& c) override {
    auto s = db_.prepare("UPDATE calls SET arrived_at = ?, case_id = ?, record = ? WHERE id = ?");
    s.bind(1, c.arrived_at).bind(2, c.case_id).bind(3, core::telephony::toJson(c)).bind(4, c.id);
    s.run();
  }
  void setKbProposalStatus(std::int64_t id, const std::string& status) override {
    db_.prepare("UPDATE kb_proposals SET status = ? WHERE id = ?").bind(1, status).bind(2, id).run();
  }

  // ----- writes
  std::int64_t insertUser(const User& u) override {
    db_.prepare(
           "INSERT INTO users(login, name, role, password_hash, disabled, failed_logins, "
           "locked_until, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)")
        .bind(1, u.login)
        .bind(2, u.name)
        .bind(3, auth::toString(u.role))
        .bind(4, u.password_hash)
        .bind(5, u.disabled ? 1 : 0)
        .bind(6, u.failed_logins)
        .bind(7, u.locked_until)
        .bind(8, u.created_at)
        .bind(9, u.updated_at)
        .run();
    return db_.lastInsertId();
  }
  void updateUser(const User& u) override {
    db_.prepare(
           "UPDATE users SET login=?, name=?, role=?, password_hash=?, disabled=?, "
           "failed_logins=?, locked_until=?, updated_at=? WHERE id=?")
        .bind(1, u.login)
        .bind(2, u.name)
        .bind(3, auth::toString(u.role))
        .bind(4, u.password_hash)
        .bind(5, u.disabled ? 1 : 0)
        .bind(6, u.failed_logins)
        .bind(7, u.locked_until)
        .bind(8, u.updated_at)
        .bind(9, u.id)
        .run();
  }
  void insertSession(const Session& s) override {
    db_.prepare(
           "INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, expires_at) "
           "VALUES (?,?,?,?,?)")
        .bind(1, s.token_hash)
        .bind(2, s.user_id)
        .bind(3, s.csrf_token)
        .bind(4, s.created_at)
        .bind(5, s.expires_at)
        .run();
  }
  void deleteSession(const std::string& token_hash) override {
    db_.prepare("DELETE FROM sessions WHERE token_hash = ?").bind(1, token_hash).run();
  }
  void deleteSessionsOfUser(std::int64_t user_id) override {
    db_.prepare("DELETE FROM sessions WHERE user_id = ?").bind(1, user_id).run();
  }
  void deleteExpiredSessions(std::int64_t now) override {
    db_.prepare("DELETE FROM sessions WHERE expires_at <= ?").bind(1, now).run();
  }
  void upsertCategory(const Category& c) override {
    db_.prepare(
           "INSERT INTO categories(code, name_vi, name_en, grp, active, sort) VALUES (?,?,?,?,?,?) "
           "ON CONFLICT(code) DO UPDATE SET name_vi=excluded.name_vi, name_en=excluded.name_en, "
           "grp=excluded.grp, active=excluded.active, sort=excluded.sort")
        .bind(1, c.code)
        .bind(2, c.name_vi)
        .bind(3, c.name_en)
        .bind(4, c.group)
        .bind(5, c.active ? 1 : 0)
        .bind(6, c.sort)
        .run();
  }
  std::int64_t insertCase(const Case& c) override {
    auto s = db_.prepare(
        "INSERT INTO cases(channel, contact_name, contact_phone, contact_email, contact_zalo, "
        "contact_facebook, citizen_id, category, description, priority, assignee_id, status, "
        "tags, created_by, created_at, updated_at, first_response_at, answered_at, closed_at, "
        "first_response_due, resolution_due, paused_minutes, paused_since, version) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    bindCase(s, c);
    s.run();
    std::int64_t id = db_.lastInsertId();
    Case stored = c;
    stored.id = id;
    indexCase(stored);
    return id;
  }
  void updateCase(const Case& c) override {
    auto s = db_.prepare(
        "UPDATE cases SET channel=?, contact_name=?, contact_phone=?, contact_email=?, "
        "contact_zalo=?, contact_facebook=?, citizen_id=?, category=?, description=?, "
        "priority=?, assignee_id=?, status=?, tags=?, created_by=?, created_at=?, updated_at=?, "
        "first_response_at=?, answered_at=?, closed_at=?, first_response_due=?, "
        "resolution_due=?, paused_minutes=?, paused_since=?, version=? WHERE id=?");
    bindCase(s, c);
    s.bind(25, c.id);
    s.run();
    db_.prepare("DELETE FROM cases_fts WHERE rowid = ?").bind(1, c.id).run();
    indexCase(c);
  }
  std::int64_t appendCaseEvent(const CaseEvent& e) override {
    db_.prepare("INSERT INTO case_events(case_id, at, actor_id, kind, data) VALUES (?,?,?,?,?)")
        .bind(1, e.case_id)
        .bind(2, e.at)
        .bind(3, e.actor_id)
        .bind(4, e.kind)
        .bind(5, e.data)
        .run();
    return db_.lastInsertId();
  }
  std::int64_t insertMessage(const Message& m) override {
    db_.prepare("INSERT INTO case_messages(case_id, kind, body, author_id, at) VALUES (?,?,?,?,?)")
        .bind(1, m.case_id)
        .bind(2, m.kind)
        .bind(3, m.body)
        .bind(4, m.author_id)
        .bind(5, m.at)
        .run();
    return db_.lastInsertId();
  }
  std::int64_t insertLookup(const Lookup& l) override {
    auto s = db_.prepare(
        "INSERT INTO lookups(case_id, status, what, reason, requested_by, requested_at, "
        "claimed_by, claimed_at, answer, answered_by, answered_at, replied_to_citizen, due_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    bindLookup(s, l);
    s.run();
    return db_.lastInsertId();
  }
  void updateLookup(const Lookup& l) override {
    auto s = db_.prepare(
        "UPDATE lookups SET case_id=?, status=?, what=?, reason=?, requested_by=?, "
        "requested_at=?, claimed_by=?, claimed_at=?, answer=?, answered_by=?, answered_at=?, "
        "replied_to_citizen=?, due_at=? WHERE id=?");
    bindLookup(s, l);
    s.bind(14, l.id);
    s.run();
  }
  void putSetting(const std::string& key, const std::string& value) override {
    db_.prepare(
           "INSERT INTO settings(key, value) VALUES (?, ?) "
           "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(1, key)
        .bind(2, value)
        .run();
  }
  std::int64_t appendAudit(audit::Entry e) override {
    auto head = db_.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (head.step()) {
      e.seq = head.i64(0) + 1;
      e.prev_hash = head.text(1);
    } else {
      e.seq = 1;
      e.prev_hash = audit::genesisHash();
    }
    e.hash = audit::computeHash(e);
    db_.prepare(
           "INSERT INTO audit_log(seq, at, actor_id, actor_login, action, object_type, object_id, "
           "case_id, reason, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
        .bind(1, e.seq)
        .bind(2, e.at)
        .bind(3, e.actor_id)
        .bind(4, e.actor_login)
        .bind(5, e.action)
        .bind(6, e.object_type)
        .bind(7, e.object_id)
        .bind(8, e.case_id)
        .bind(9, e.reason)
        .bind(10, e.details)
        .bind(11, e.prev_hash)
        .bind(12, e.hash)
        .run();
    return e.seq;
  }

 private:
  void indexCase(const Case& c) {
    db_.prepare("INSERT INTO cases_fts(rowid, search_text) VALUES (?, ?)")
        .bind(1, c.id)
        .bind(2, cases::searchText(c))
        .run();
  }
  static void bindLookup(Stmt& s, const Lookup& l) {
    s.bind(1, l.case_id)
        .bind(2, l.status)
        .bind(3, l.what)
        .bind(4, l.reason)
        .bind(5, l.requested_by)
        .bind(6, l.requested_at)
        .bind(7, l.claimed_by)
        .bind(8, l.claimed_at)
        .bind(9, l.answer)
        .bind(10, l.answered_by)
        .bind(11, l.answered_at)
        .bind(12, l.replied_to_citizen ? 1 : 0)
        .bind(13, l.due_at);
  }

  Db& db_;
};

class SqliteStore : public adapters::GroupCommitStore<Db> {
 public:
  SqliteStore(SqliteOptions options, std::unique_ptr<Db> writer)
      : GroupCommitStore(std::move(writer), options.max_batch, 64), options_(std::move(options)) {
    startWriter();
  }
  ~SqliteStore() override { close(); }

 protected:
  // Cached statements: parsed once per connection, not per write or read.
  std::unique_ptr<WriteTx> makeTx(Db& db) override { return std::make_unique<SqliteTx>(db); }
  void beginBatch(Db& db) override { db.prepare("BEGIN IMMEDIATE").run(); }
  void savepoint(Db& db) override { db.prepare("SAVEPOINT job").run(); }
  void rollbackToSavepoint(Db& db) override { db.prepare("ROLLBACK TO job").run(); }
  void releaseSavepoint(Db& db) override { db.prepare("RELEASE job").run(); }
  void commit(Db& db) override { db.prepare("COMMIT").run(); }  // synchronous=FULL
  void rollback(Db& db) override { db.exec("ROLLBACK"); }
  std::unique_ptr<Db> openReader() override { return std::make_unique<Db>(options_.path, true); }
  void beginRead(Db& db) override { db.prepare("BEGIN").run(); }

 private:
  SqliteOptions options_;
};

}  // namespace

Result<std::unique_ptr<Store>> openSqliteStore(const SqliteOptions& options) {
  // Memory statistics take a global mutex on every SQLite allocation; we do
  // not use them, and readers on several threads contend on it. Must run
  // before SQLite initialises (later calls return SQLITE_MISUSE, harmlessly).
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  try {
    auto db = std::make_unique<Db>(options.path, false);
    db->exec("PRAGMA journal_mode = WAL");
    std::string err = migrate(*db);
    if (!err.empty()) {
      return makeError("store_version", err, err, "");
    }
    return std::unique_ptr<Store>(std::make_unique<SqliteStore>(options, std::move(db)));
  } catch (const SqliteError& e) {
    std::string msg = std::string("Không mở được kho dữ liệu: ") + e.what();
    return makeError("store_open", msg, std::string("Cannot open the store: ") + e.what(), "");
  }
}

}  // namespace tongdai::sqlite
