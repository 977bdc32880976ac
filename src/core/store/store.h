// The narrow storage interface. SQLite is the embedded default
// (adapters/sqlite); PostgreSQL implements the same interface later.
//
// Contract:
//  - write(): `work` runs on the single writer thread inside one transaction
//    that may be shared with other writes (group commit). If `work` returns an
//    error or throws, only its own changes are rolled back. `done` runs after
//    the transaction is durably committed (synchronous=FULL), or failed, and
//    receives the final status: an acknowledged write survives kill -9.
//  - read(): `work` runs on the calling thread against a consistent snapshot.
//  - No method of ReadTx/WriteTx outlives the call it was handed to.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/audit/chain.h"
#include "core/common/status.h"
#include "core/store/records.h"
#include "core/telephony/cdr.h"

namespace tongdai::core::store {

class ReadTx {
 public:
  virtual ~ReadTx() = default;
  virtual std::optional<User> userById(std::int64_t id) = 0;
  virtual std::optional<User> userByLogin(const std::string& login) = 0;
  virtual std::vector<User> users() = 0;
  virtual std::optional<Session> sessionByTokenHash(const std::string& token_hash) = 0;
  virtual std::vector<Category> categories() = 0;
  virtual std::optional<cases::Case> caseById(std::int64_t id) = 0;
  virtual CasePage searchCases(const CaseQuery& q) = 0;
  virtual std::vector<CaseEvent> caseEvents(std::int64_t case_id) = 0;
  virtual std::vector<Message> caseMessages(std::int64_t case_id) = 0;
  virtual std::optional<Lookup> lookupById(std::int64_t id) = 0;
  // Look-ups with the given status ("" = all), ordered by due time.
  virtual std::vector<Lookup> lookups(const std::string& status, int limit) = 0;
  virtual std::vector<Lookup> lookupsForCase(std::int64_t case_id) = 0;
  virtual std::optional<std::string> setting(const std::string& key) = 0;
  // Audit entries with seq >= from_seq, in order, at most limit.
  virtual std::vector<audit::Entry> auditEntries(std::int64_t from_seq, int limit) = 0;
  virtual std::int64_t auditCount() = 0;
  virtual int schemaVersion() = 0;
  // Knowledge base.
  virtual std::vector<KbArticle> kbArticles() = 0;
  virtual std::optional<KbArticle> kbArticleById(std::int64_t id) = 0;
  virtual std::optional<KbArticle> kbArticleBySlug(const std::string& slug) = 0;
  virtual std::vector<KbVersion> kbVersions(std::int64_t article_id) = 0;
  virtual std::vector<KbProposal> kbProposals(const std::string& status) = 0;
  // The routing engine's event log: (at in unix ms, event JSON) since `from_ms`.
  virtual std::vector<std::pair<std::int64_t, std::string>> acdEvents(std::int64_t from_ms) = 0;
  // Call detail records.
  virtual std::optional<telephony::CallRecord> callById(std::int64_t id) = 0;
  // Newest first, arrived at or after from_ms.
  virtual std::vector<telephony::CallRecord> calls(std::int64_t from_ms, int limit) = 0;
  virtual std::vector<telephony::CallRecord> callsForCase(std::int64_t case_id) = 0;
};

class WriteTx : public ReadTx {
 public:
  virtual std::int64_t insertUser(const User& u) = 0;
  virtual void updateUser(const User& u) = 0;
  virtual void insertSession(const Session& s) = 0;
  virtual void deleteSession(const std::string& token_hash) = 0;
  virtual void deleteSessionsOfUser(std::int64_t user_id) = 0;
  virtual void deleteExpiredSessions(std::int64_t now) = 0;
  virtual void upsertCategory(const Category& c) = 0;
  virtual std::int64_t insertCase(const cases::Case& c) = 0;
  virtual void updateCase(const cases::Case& c) = 0;
  virtual std::int64_t appendCaseEvent(const CaseEvent& e) = 0;
  virtual std::int64_t insertMessage(const Message& m) = 0;
  virtual std::int64_t insertLookup(const Lookup& l) = 0;
  virtual void updateLookup(const Lookup& l) = 0;
  virtual void putSetting(const std::string& key, const std::string& value) = 0;
  // Inserts (id 0) or updates an article and records the version row.
  virtual std::int64_t saveKbArticle(const KbArticle& a, const std::string& note) = 0;
  virtual std::int64_t insertKbProposal(const KbProposal& p) = 0;
  virtual void setKbProposalStatus(std::int64_t id, const std::string& status) = 0;
  virtual void appendAcdEvent(std::int64_t at_ms, const std::string& event_json) = 0;
  virtual std::int64_t insertCall(const telephony::CallRecord& c) = 0;
  virtual void updateCall(const telephony::CallRecord& c) = 0;
  // Fills seq, prev_hash and hash from the chain's current head; returns seq.
  virtual std::int64_t appendAudit(audit::Entry e) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual void write(std::function<Status(WriteTx&)> work, std::function<void(Status)> done) = 0;
  virtual Status read(const std::function<Status(ReadTx&)>& work) = 0;
  // Blocks until the write is committed.
  Status writeSync(std::function<Status(WriteTx&)> work);
  // Finishes queued writes and stops the writer; later writes fail.
  virtual void close() = 0;
};

}  // namespace tongdai::core::store
