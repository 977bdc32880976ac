// The storage contract (core/store/store.h), run against every backend:
// SQLite on a temporary file and PostgreSQL on the private cluster that
// ctest starts (scripts/test-postgres; its conninfo in TONGDAI_TEST_PG).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "adapters/postgres/pg.h"
#include "adapters/postgres/pg_store.h"
#include "adapters/sqlite/sqlite_store.h"
#include "core/audit/chain.h"
#include "core/text/fold.h"

namespace tongdai {
namespace {

using core::Status;
using core::store::ReadTx;
using core::store::WriteTx;
namespace fs = std::filesystem;

// One fresh, empty store per test, and how to throw it away.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::unique_ptr<core::store::Store> open() = 0;
};

class SqliteBackend : public Backend {
 public:
  SqliteBackend() {
    static std::atomic<int> n{0};
    dir_ = fs::temp_directory_path() / ("tongdai-contract-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~SqliteBackend() override { fs::remove_all(dir_); }
  std::unique_ptr<core::store::Store> open() override {
    auto s = sqlite::openSqliteStore({(dir_ / "t.db").string()});
    if (!s.ok()) throw std::runtime_error(s.error().message_en);
    return std::move(s).value();
  }

 private:
  fs::path dir_;
};

class PgBackend : public Backend {
 public:
  PgBackend() {
    const char* admin = std::getenv("TONGDAI_TEST_PG");
    // Not a skip: without the cluster the contract is unverified, which is a failure.
    if (!admin) throw std::runtime_error("TONGDAI_TEST_PG is not set: ctest starts the test cluster");
    admin_ = admin;
    static std::atomic<int> n{0};
    db_ = "contract_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
    postgres::Conn c(admin_);
    c.exec("DROP DATABASE IF EXISTS " + db_);
    c.exec("CREATE DATABASE " + db_);
  }
  ~PgBackend() override {
    try {
      postgres::Conn c(admin_);
      c.exec("DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
    } catch (...) {
    }
  }
  std::unique_ptr<core::store::Store> open() override {
    auto s = postgres::openPgStore(admin_ + " dbname=" + db_);
    if (!s.ok()) throw std::runtime_error(s.error().message_en);
    return std::move(s).value();
  }

 private:
  std::string admin_, db_;
};

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") backend_ = std::make_unique<SqliteBackend>();
    else backend_ = std::make_unique<PgBackend>();
    store_ = backend_->open();
  }
  void TearDown() override {
    if (store_) store_->close();
    store_.reset();
    backend_.reset();
  }
  static std::int64_t addUser(WriteTx& tx, const std::string& login) {
    core::store::User u;
    u.login = login;
    u.name = "Người dùng " + login;
    u.password_hash = "x";
    u.created_at = u.updated_at = 1;
    return tx.insertUser(u);
  }
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<core::store::Store> store_;
};

TEST_P(StoreContract, FailingWriteRollsBackOnlyItselfInAGroupCommit) {
  std::vector<std::future<Status>> results;
  for (int i = 0; i < 60; ++i) {
    auto p = std::make_shared<std::promise<Status>>();
    results.push_back(p->get_future());
    store_->write(
        [i](WriteTx& tx) -> Status {
          addUser(tx, "user" + std::to_string(i));
          if (i % 3 == 0) return core::makeError("nope", "không", "no");
          return Status::Ok();
        },
        [p](Status s) { p->set_value(s); });
  }
  int failed = 0;
  for (auto& f : results) failed += f.get().ok() ? 0 : 1;
  EXPECT_EQ(failed, 20);
  store_->read([&](ReadTx& tx) {
    EXPECT_EQ(tx.users().size(), 40u);
    EXPECT_FALSE(tx.userByLogin("user0").has_value());
    EXPECT_TRUE(tx.userByLogin("user1").has_value());
    return Status::Ok();
  });
}

TEST_P(StoreContract, ExceptionInsideAWriteIsAStorageErrorAndWritesNothing) {
  auto st = store_->writeSync([](WriteTx& tx) -> Status {
    addUser(tx, "dup");
    addUser(tx, "dup");  // UNIQUE violation throws
    return Status::Ok();
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "storage_error");
  // The writer is still healthy afterwards.
  EXPECT_TRUE(store_->writeSync([](WriteTx& tx) {
                      addUser(tx, "after");
                      return Status::Ok();
                    }).ok());
  store_->read([](ReadTx& tx) {
    EXPECT_EQ(tx.users().size(), 1u);
    return Status::Ok();
  });
}

TEST_P(StoreContract, WritesSurviveCloseAndReopen) {
  store_->writeSync([](WriteTx& tx) {
    addUser(tx, "persist");
    tx.putSetting("k", "v");
    tx.appendAcdEvent(5, "{\"type\":\"tick\"}");
    return Status::Ok();
  });
  store_->close();
  store_ = backend_->open();
  store_->read([](ReadTx& tx) {
    EXPECT_TRUE(tx.userByLogin("persist").has_value());
    EXPECT_EQ(tx.setting("k").value_or(""), "v");
    EXPECT_EQ(tx.acdEvents(0).size(), 1u);
    EXPECT_EQ(tx.schemaVersion(), 4);
    return Status::Ok();
  });
}

TEST_P(StoreContract, AuditEntriesFormAVerifiableChainWithoutGaps) {
  for (int i = 0; i < 5; ++i) {
    store_->writeSync([i](WriteTx& tx) {
      core::audit::Entry e;
      e.at = 1000 + i;
      e.action = "test." + std::to_string(i);
      e.details = "{}";
      e.case_id = i % 2 ? std::optional<std::int64_t>(i) : std::nullopt;
      tx.appendAudit(e);
      return Status::Ok();
    });
  }
  store_->writeSync([](WriteTx& tx) -> Status {
    core::audit::Entry e;
    e.action = "rolled.back";
    tx.appendAudit(e);
    return core::makeError("no", "không", "no");
  });
  store_->read([](ReadTx& tx) {
    auto entries = tx.auditEntries(1, 100);
    EXPECT_EQ(entries.size(), 5u);
    EXPECT_EQ(tx.auditCount(), 5);
    core::audit::ChainVerifier v;
    for (const auto& e : entries) EXPECT_TRUE(v.feed(e)) << v.reason();
    return Status::Ok();
  });
}

TEST_P(StoreContract, CasesRoundTripAndSearch) {
  std::int64_t uid = 0, first = 0;
  store_->writeSync([&](WriteTx& tx) {
    uid = addUser(tx, "op");
    tx.upsertCategory({"the.tien_do", "Tiến độ", "Status", "A", true, 1});
    for (int i = 0; i < 3; ++i) {
      core::cases::Case c;
      c.channel = i == 2 ? core::cases::Channel::zalo : core::cases::Channel::phone;
      c.contact.name = i == 0 ? "Trần Đức Anh" : "Lê Thị Hoà";
      c.contact.phone = "+8491234567" + std::to_string(i);
      c.category = "the.tien_do";
      c.description = i == 1 ? "Chưa nhận được thẻ căn cước" : "Hỏi lệ phí";
      c.tags = {"nhãn " + std::to_string(i)};
      c.created_by = uid;
      c.assignee_id = i == 0 ? std::optional<std::int64_t>(uid) : std::nullopt;
      c.created_at = c.updated_at = core::fromUnix(1000 + i);
      c.resolution_due = core::fromUnix(5000);
      auto id = tx.insertCase(c);
      if (i == 0) first = id;
    }
    return Status::Ok();
  });
  store_->writeSync([&](WriteTx& tx) {
    auto c = *tx.caseById(first);
    c.description = "Đổi thẻ khi đủ 25 tuổi";
    c.status = core::cases::CaseStatus::in_progress;
    tx.updateCase(c);
    return Status::Ok();
  });
  store_->read([&](ReadTx& tx) {
    auto c = tx.caseById(first);
    EXPECT_EQ(c->description, "Đổi thẻ khi đủ 25 tuổi");
    EXPECT_EQ(c->tags, std::vector<std::string>{"nhãn 0"});
    EXPECT_EQ(c->resolution_due, core::fromUnix(5000));
    EXPECT_FALSE(c->answered_at.has_value());
    core::store::CaseQuery q;
    q.text_tokens = core::text::foldedTokens("duc");
    EXPECT_EQ(tx.searchCases(q).total, 1);
    q.text_tokens = core::text::foldedTokens("doi the 25");  // the updated text is what is indexed
    EXPECT_EQ(tx.searchCases(q).total, 1);
    q.text_tokens = core::text::foldedTokens("le phi");
    EXPECT_EQ(tx.searchCases(q).total, 1);  // case 0's old text is gone
    q.text_tokens = core::text::foldedTokens("hòa");
    EXPECT_EQ(tx.searchCases(q).total, 2);
    q.channel = core::cases::Channel::zalo;
    EXPECT_EQ(tx.searchCases(q).total, 1);
    core::store::CaseQuery by_phone;
    by_phone.phone = "+84912345671";
    EXPECT_EQ(tx.searchCases(by_phone).total, 1);
    core::store::CaseQuery mine;
    mine.assignee_id = uid;
    EXPECT_EQ(tx.searchCases(mine).total, 1);
    core::store::CaseQuery paged;
    paged.per_page = 2;
    paged.page = 2;
    auto p2 = tx.searchCases(paged);
    EXPECT_EQ(p2.total, 3);
    EXPECT_EQ(p2.items.size(), 1u);
    return Status::Ok();
  });
}

TEST_P(StoreContract, LookupsMessagesEventsAndKnowledgeBase) {
  store_->writeSync([](WriteTx& tx) {
    auto uid = addUser(tx, "op");
    tx.upsertCategory({"khac", "Khác", "Other", "Z", true, 99});
    core::cases::Case c;
    c.category = "khac";
    c.description = "x";
    c.created_by = uid;
    auto id = tx.insertCase(c);
    tx.appendCaseEvent({0, id, 1, uid, "created", "{}"});
    tx.insertMessage({0, id, "note", "Ghi chú", uid, 2});
    core::store::Lookup l;
    l.case_id = id;
    l.status = "open";
    l.what = "Tra cứu";
    l.reason = "Lý do";
    l.requested_by = uid;
    l.due_at = 99;
    l.id = tx.insertLookup(l);
    l.status = "claimed";
    l.claimed_by = uid;
    tx.updateLookup(l);
    core::store::KbArticle a;
    a.slug = "bai-mot";
    a.title = "Bài một";
    a.answer = "Nội dung";
    a.category = "khac";
    a.status = "published";
    a.tags = {"thẻ"};
    a.id = tx.saveKbArticle(a, "tạo");
    a.version = 2;
    a.answer = "Nội dung mới";
    tx.saveKbArticle(a, "sửa");
    tx.insertKbProposal({0, a.id, "", "", "Đề xuất", "open", uid, 3});
    return Status::Ok();
  });
  store_->read([](ReadTx& tx) {
    EXPECT_EQ(tx.caseEvents(1).size(), 1u);
    EXPECT_EQ(tx.caseMessages(1).at(0).body, "Ghi chú");
    EXPECT_EQ(tx.lookups("claimed", 10).size(), 1u);
    EXPECT_TRUE(tx.lookups("open", 10).empty());
    auto a = tx.kbArticleBySlug("bai-mot");
    EXPECT_EQ(a->answer, "Nội dung mới");
    EXPECT_EQ(tx.kbVersions(a->id).size(), 2u);
    EXPECT_EQ(tx.kbProposals("open").size(), 1u);
    return Status::Ok();
  });
}

TEST_P(StoreContract, ConcurrentReadersSeeCommittedWritesOnly) {
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0}, reads{0};
  std::thread reader([&] {
    while (!stop) {
      store_->read([&](ReadTx& tx) {
        auto users = tx.users();
        auto n = tx.setting("count");
        if (std::to_string(users.size()) != n.value_or("0")) bad++;
        reads++;
        return Status::Ok();
      });
    }
  });
  for (int i = 0; i < 30; ++i) {
    store_->writeSync([i](WriteTx& tx) {
      addUser(tx, "u" + std::to_string(i));
      tx.putSetting("count", std::to_string(i + 1));
      return Status::Ok();
    });
  }
  stop = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
}

TEST_P(StoreContract, CallRecordsRoundTripAndQueries) {
  core::telephony::CallRecord c;
  c.caller = "0912345678";
  c.dialled = "19000368";
  c.arrived_at = 1'795'800'000'000;
  c.ivr_path = "1>2";
  std::int64_t id = 0;
  ASSERT_TRUE(store_->writeSync([&](WriteTx& tx) {
    id = tx.insertCall(c);
    return Status::Ok();
  }).ok());
  c.id = id;
  c.answered_at = c.arrived_at + 30'000;
  c.ended_at = c.arrived_at + 200'000;
  c.agent = "tdv01";
  c.disposition = "answered";
  c.case_id = 42;
  c.recording = "call-1.wav";
  c.keyed_id = "001085004721";
  c.keyed_verified = true;
  ASSERT_TRUE(store_->writeSync([&](WriteTx& tx) {
    tx.updateCall(c);
    return Status::Ok();
  }).ok());
  ASSERT_TRUE(store_->read([&](core::store::ReadTx& tx) {
    auto got = tx.callById(id);
    EXPECT_TRUE(got.has_value());
    if (got) {
      EXPECT_EQ(got->agent, "tdv01");
      EXPECT_EQ(got->ivr_path, "1>2");
      EXPECT_EQ(got->case_id, std::optional<std::int64_t>(42));
      EXPECT_TRUE(got->keyed_verified);
      EXPECT_EQ(got->ended_at, c.ended_at);
    }
    EXPECT_EQ(tx.callsForCase(42).size(), 1u);
    EXPECT_TRUE(tx.callsForCase(43).empty());
    EXPECT_EQ(tx.calls(c.arrived_at, 10).size(), 1u);
    EXPECT_TRUE(tx.calls(c.arrived_at + 1, 10).empty());
    EXPECT_FALSE(tx.callById(id + 100).has_value());
    return Status::Ok();
  }).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tongdai
