#include "adapters/sqlite/migrations.h"

#include <ctime>

#include "adapters/sqlite/db.h"

namespace tongdai::sqlite {

namespace {

// Portable SQL where it can be (BIGINT times, TEXT codes); the full-text
// index is SQLite's own (FTS5) and the PostgreSQL backend has its own.
const char* kInit = R"SQL(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('operator','officer','supervisor','admin')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE categories (
  code TEXT PRIMARY KEY,
  name_vi TEXT NOT NULL,
  name_en TEXT NOT NULL,
  grp TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  sort INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  contact_name TEXT NOT NULL,
  contact_phone TEXT NOT NULL,
  contact_email TEXT NOT NULL,
  contact_zalo TEXT NOT NULL,
  contact_facebook TEXT NOT NULL,
  citizen_id TEXT NOT NULL,
  category TEXT NOT NULL REFERENCES categories(code),
  description TEXT NOT NULL,
  priority TEXT NOT NULL,
  assignee_id BIGINT REFERENCES users(id),
  status TEXT NOT NULL,
  tags TEXT NOT NULL,
  created_by BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  first_response_at BIGINT,
  answered_at BIGINT,
  closed_at BIGINT,
  first_response_due BIGINT,
  resolution_due BIGINT,
  paused_minutes BIGINT NOT NULL DEFAULT 0,
  paused_since BIGINT,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX cases_status ON cases(status, created_at);
CREATE INDEX cases_created ON cases(created_at);
CREATE INDEX cases_phone ON cases(contact_phone) WHERE contact_phone <> '';
CREATE INDEX cases_citizen ON cases(citizen_id) WHERE citizen_id <> '';
CREATE INDEX cases_assignee ON cases(assignee_id, status);
CREATE VIRTUAL TABLE cases_fts USING fts5(search_text, tokenize = 'unicode61');
CREATE TABLE case_events (
  id INTEGER PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  at BIGINT NOT NULL,
  actor_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id, id);
CREATE TABLE case_messages (
  id INTEGER PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL CHECK (kind IN ('reply','note')),
  body TEXT NOT NULL,
  author_id BIGINT NOT NULL REFERENCES users(id),
  at BIGINT NOT NULL
);
CREATE INDEX case_messages_case ON case_messages(case_id, id);
CREATE TABLE lookups (
  id INTEGER PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  status TEXT NOT NULL CHECK (status IN ('open','claimed','answered')),
  what TEXT NOT NULL,
  reason TEXT NOT NULL,
  requested_by BIGINT NOT NULL REFERENCES users(id),
  requested_at BIGINT NOT NULL,
  claimed_by BIGINT REFERENCES users(id),
  claimed_at BIGINT,
  answer TEXT NOT NULL DEFAULT '',
  answered_by BIGINT REFERENCES users(id),
  answered_at BIGINT,
  replied_to_citizen INTEGER NOT NULL DEFAULT 0,
  due_at BIGINT NOT NULL
);
CREATE INDEX lookups_status ON lookups(status, due_at);
CREATE INDEX lookups_case ON lookups(case_id);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_id BIGINT NOT NULL,
  actor_login TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  case_id BIGINT,
  reason TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_case ON audit_log(case_id) WHERE case_id IS NOT NULL;
-- Append-only: the application never updates or deletes audit entries.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)SQL";

const char* kKnowledgeBase = R"SQL(
CREATE TABLE kb_articles (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  answer TEXT NOT NULL,
  category TEXT NOT NULL REFERENCES categories(code),
  tags TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft','in_review','published','retired')),
  legal_basis TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT NOT NULL,
  version BIGINT NOT NULL,
  updated_by BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE kb_article_versions (
  article_id BIGINT NOT NULL REFERENCES kb_articles(id),
  version BIGINT NOT NULL,
  title TEXT NOT NULL,
  answer TEXT NOT NULL,
  category TEXT NOT NULL,
  tags TEXT NOT NULL,
  status TEXT NOT NULL,
  legal_basis TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT NOT NULL,
  updated_by BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  note TEXT NOT NULL,
  PRIMARY KEY (article_id, version)
);
CREATE TABLE kb_proposals (
  id INTEGER PRIMARY KEY,
  article_id BIGINT REFERENCES kb_articles(id),
  title TEXT NOT NULL,
  answer TEXT NOT NULL,
  note TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open','accepted','rejected')),
  proposed_by BIGINT NOT NULL REFERENCES users(id),
  at BIGINT NOT NULL
);
CREATE INDEX kb_proposals_status ON kb_proposals(status, id);
)SQL";

const char* kAcdLog = R"SQL(
CREATE TABLE acd_events (
  seq INTEGER PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  event TEXT NOT NULL
);
CREATE INDEX acd_events_at ON acd_events(at_ms);
)SQL";

// Call detail records: the indexed columns, and the whole record as JSON
// (core/telephony/cdr.h), so that the record can grow without migrations.
const char* kCalls = R"SQL(
CREATE TABLE calls (
  id INTEGER PRIMARY KEY,
  arrived_at BIGINT NOT NULL,
  case_id BIGINT,
  record TEXT NOT NULL
);
CREATE INDEX calls_arrived ON calls(arrived_at);
CREATE INDEX calls_case ON calls(case_id);
)SQL";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "init: users, sessions, categories, cases, look-ups, settings, audit", kInit},
      {2, "knowledge base: articles, versions, proposals", kKnowledgeBase},
      {3, "routing engine event log", kAcdLog},
      {4, "call detail records", kCalls},
  };
  return all;
}

int latestSchemaVersion() { return migrations().back().version; }

std::string migrate(Db& db) {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
          "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  int current = 0;
  {
    auto s = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (s.step()) current = static_cast<int>(s.i64(0));
  }
  if (current > latestSchemaVersion()) {
    return "Kho dữ liệu có phiên bản lược đồ " + std::to_string(current) +
           ", mới hơn phiên bản chương trình này hỗ trợ (" + std::to_string(latestSchemaVersion()) +
           "). Hãy dùng bản tongdai mới hơn. / The store's schema version " + std::to_string(current) +
           " is newer than this binary supports (" + std::to_string(latestSchemaVersion()) +
           "): use a newer tongdai.";
  }
  for (const auto& m : migrations()) {
    if (m.version <= current) continue;
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(m.sql);
      db.prepare("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)")
          .bind(1, m.version)
          .bind(2, m.name)
          .bind(3, static_cast<std::int64_t>(std::time(nullptr)))
          .run();
      db.exec("COMMIT");
    } catch (const SqliteError& e) {
      db.exec("ROLLBACK");
      return "migration " + std::to_string(m.version) + " failed: " + e.what();
    }
  }
  return "";
}

}  // namespace tongdai::sqlite
