// Plain records the store keeps, beside the domain's own (cases::Case,
// audit::Entry). Times are unix seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/auth/roles.h"
#include "core/cases/case.h"

namespace tongdai::core::store {

struct User {
  std::int64_t id = 0;
  std::string login;
  std::string name;
  auth::Role role = auth::Role::operator_;
  std::string password_hash;  // argon2id encoded string
  bool disabled = false;
  int failed_logins = 0;
  std::optional<std::int64_t> locked_until;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct Session {
  std::string token_hash;  // SHA-256 of the cookie value: a stolen DB gives no live sessions
  std::int64_t user_id = 0;
  std::string csrf_token;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
};

struct Category {
  std::string code;
  std::string name_vi;
  std::string name_en;
  std::string group;  // "A".."E" from the FAQ topics
  bool active = true;
  int sort = 0;
};

// One line of a case's history: who did what, when.
struct CaseEvent {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::int64_t at = 0;
  std::int64_t actor_id = 0;
  std::string kind;  // created, status, updated, reply, note, escalated, lookup_claimed, ...
  std::string data;  // JSON
};

// Replies to the citizen and internal notes, kept apart.
struct Message {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::string kind;  // "reply" | "note"
  std::string body;
  std::int64_t author_id = 0;
  std::int64_t at = 0;
};

// A back-office look-up request (yêu cầu tra cứu).
struct Lookup {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::string status;  // open | claimed | answered
  std::string what;
  std::string reason;
  std::int64_t requested_by = 0;
  std::int64_t requested_at = 0;
  std::optional<std::int64_t> claimed_by;
  std::optional<std::int64_t> claimed_at;
  std::string answer;
  std::optional<std::int64_t> answered_by;
  std::optional<std::int64_t> answered_at;
  bool replied_to_citizen = false;
  std::int64_t due_at = 0;
};

struct CaseQuery {
  std::optional<cases::CaseStatus> status;
  std::optional<cases::Channel> channel;
  std::string category;
  std::optional<std::int64_t> assignee_id;
  bool unassigned = false;
  std::optional<std::int64_t> created_from;  // inclusive
  std::optional<std::int64_t> created_to;    // exclusive
  std::string phone;       // E.164
  std::string citizen_id;  // 12 digits
  std::vector<std::string> text_tokens;  // folded tokens, all must match (prefix)
  int page = 1;
  int per_page = 25;
};

struct CasePage {
  std::vector<cases::Case> items;
  std::int64_t total = 0;
};

// A knowledge-base article (cơ sở tri thức) at its current version.
struct KbArticle {
  std::int64_t id = 0;
  std::string slug;
  std::string title;   // the citizen's question
  std::string answer;  // Markdown
  std::string category;
  std::vector<std::string> tags;
  std::string status;  // draft | in_review | published | retired
  std::string legal_basis;
  std::string valid_from;  // "YYYY-MM-DD" or ""
  std::string valid_to;    // "YYYY-MM-DD" or ""
  std::int64_t version = 1;
  std::int64_t updated_by = 0;
  std::int64_t updated_at = 0;
};

// Every saved version of an article, kept for history.
struct KbVersion {
  KbArticle article;  // as it was at that version
  std::string note;   // why it changed
};

// An operator's proposed change (or new article) for supervisors to review.
struct KbProposal {
  std::int64_t id = 0;
  std::optional<std::int64_t> article_id;
  std::string title;
  std::string answer;
  std::string note;
  std::string status;  // open | accepted | rejected
  std::int64_t proposed_by = 0;
  std::int64_t at = 0;
};

}  // namespace tongdai::core::store
