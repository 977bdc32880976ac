// The SQLite store against a real database file: group commit semantics,
// migrations, the audit chain, search.
#include "adapters/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "adapters/sqlite/migrations.h"
#include "core/audit/chain.h"
#include "core/text/fold.h"

namespace tongdai::sqlite {
namespace {

using core::Status;
using core::store::ReadTx;
using core::store::WriteTx;
namespace fs = std::filesystem;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tongdai-store-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<core::store::Store> open() {
    auto s = openSqliteStore({path_});
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message_en);
    return std::move(s).value();
  }

  static std::int64_t addUser(WriteTx& tx, const std::string& login) {
    core::store::User u;
    u.login = login;
    u.name = "Người dùng " + login;
    u.password_hash = "x";
    u.created_at = u.updated_at = 1;
    return tx.insertUser(u);
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(SqliteStoreTest, FailingWriteRollsBackOnlyItselfInAGroupCommit) {
  auto store = open();
  // Queue many writes at once so they share transactions; every third fails.
  std::vector<std::future<Status>> results;
  for (int i = 0; i < 60; ++i) {
    auto p = std::make_shared<std::promise<Status>>();
    results.push_back(p->get_future());
    store->write(
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
  std::size_t count = 0;
  store->read([&](ReadTx& tx) {
    count = tx.users().size();
    EXPECT_FALSE(tx.userByLogin("user0").has_value());
    EXPECT_TRUE(tx.userByLogin("user1").has_value());
    return Status::Ok();
  });
  EXPECT_EQ(count, 40u);
}

TEST_F(SqliteStoreTest, ExceptionInsideAWriteIsAStorageErrorAndWritesNothing) {
  auto store = open();
  auto st = store->writeSync([](WriteTx& tx) -> Status {
    addUser(tx, "dup");
    addUser(tx, "dup");  // UNIQUE violation throws
    return Status::Ok();
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "storage_error");
  store->read([](ReadTx& tx) {
    EXPECT_TRUE(tx.users().empty());
    return Status::Ok();
  });
}

TEST_F(SqliteStoreTest, WritesAreVisibleAfterReopen) {
  {
    auto store = open();
    ASSERT_TRUE(store->writeSync([](WriteTx& tx) {
                       addUser(tx, "persist");
                       tx.putSetting("k", "v");
                       return Status::Ok();
                     }).ok());
    store->close();
  }
  auto store = open();
  store->read([](ReadTx& tx) {
    EXPECT_TRUE(tx.userByLogin("persist").has_value());
    EXPECT_EQ(tx.setting("k").value_or(""), "v");
    EXPECT_EQ(tx.schemaVersion(), latestSchemaVersion());
    return Status::Ok();
  });
}

TEST_F(SqliteStoreTest, RefusesAStoreNewerThanTheBinary) {
  open()->close();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (999, 'future', 0)", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto s = openSqliteStore({path_});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "store_version");
  EXPECT_NE(s.error().message_vi.find("999"), std::string::npos);
}

TEST_F(SqliteStoreTest, AuditEntriesFormAVerifiableChain) {
  auto store = open();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store->writeSync([i](WriteTx& tx) {
                       core::audit::Entry e;
                       e.at = 1000 + i;
                       e.action = "test." + std::to_string(i);
                       e.object_type = "x";
                       e.details = "{}";
                       tx.appendAudit(e);
                       return Status::Ok();
                     }).ok());
  }
  // A rolled-back write leaves no audit entry and no gap.
  store->writeSync([](WriteTx& tx) -> Status {
    core::audit::Entry e;
    e.action = "rolled.back";
    tx.appendAudit(e);
    return core::makeError("no", "không", "no");
  });
  store->read([](ReadTx& tx) {
    auto entries = tx.auditEntries(1, 100);
    EXPECT_EQ(entries.size(), 5u);
    core::audit::ChainVerifier v;
    for (const auto& e : entries) EXPECT_TRUE(v.feed(e)) << v.reason();
    EXPECT_EQ(entries.front().prev_hash, core::audit::genesisHash());
    return Status::Ok();
  });
}

TEST_F(SqliteStoreTest, AuditLogRefusesUpdatesAndDeletes) {
  auto store = open();
  store->writeSync([](WriteTx& tx) {
    core::audit::Entry e;
    e.action = "a";
    tx.appendAudit(e);
    return Status::Ok();
  });
  store->close();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit_log SET action='b'", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit_log", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, CaseSearchIsAccentInsensitiveAndFiltered) {
  auto store = open();
  std::int64_t uid = 0;
  store->writeSync([&](WriteTx& tx) {
    uid = addUser(tx, "op");
    tx.upsertCategory({"the.tien_do", "Tiến độ", "Status", "A", true, 1});
    for (int i = 0; i < 3; ++i) {
      core::cases::Case c;
      c.channel = i == 2 ? core::cases::Channel::zalo : core::cases::Channel::phone;
      c.contact.name = i == 0 ? "Trần Đức Anh" : "Lê Thị Hoà";
      c.contact.phone = "+8491234567" + std::to_string(i);
      c.category = "the.tien_do";
      c.description = i == 1 ? "Chưa nhận được thẻ căn cước" : "Hỏi lệ phí";
      c.created_by = uid;
      c.created_at = c.updated_at = core::fromUnix(1000 + i);
      tx.insertCase(c);
    }
    return Status::Ok();
  });
  store->read([&](ReadTx& tx) {
    core::store::CaseQuery q;
    q.text_tokens = core::text::foldedTokens("duc");
    EXPECT_EQ(tx.searchCases(q).total, 1);
    q.text_tokens = core::text::foldedTokens("chua nhan duoc the");
    auto page = tx.searchCases(q);
    EXPECT_EQ(page.total, 1);
    EXPECT_EQ(page.items.at(0).description, "Chưa nhận được thẻ căn cước");
    q.text_tokens = core::text::foldedTokens("hòa");  // new tone placement finds "Hoà"
    EXPECT_EQ(tx.searchCases(q).total, 2);
    q.channel = core::cases::Channel::zalo;
    EXPECT_EQ(tx.searchCases(q).total, 1);
    core::store::CaseQuery by_phone;
    by_phone.phone = "+84912345671";
    EXPECT_EQ(tx.searchCases(by_phone).total, 1);
    core::store::CaseQuery paged;
    paged.per_page = 2;
    paged.page = 2;
    auto p2 = tx.searchCases(paged);
    EXPECT_EQ(p2.total, 3);
    EXPECT_EQ(p2.items.size(), 1u);
    return Status::Ok();
  });
}

TEST_F(SqliteStoreTest, ConcurrentReadersSeeCommittedWritesOnly) {
  auto store = open();
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!stop) {
      store->read([&](ReadTx& tx) {
        // Users and their settings row are written together: a reader sees both or neither.
        auto users = tx.users();
        auto n = tx.setting("count");
        if (std::to_string(users.size()) != n.value_or("0")) bad++;
        return Status::Ok();
      });
    }
  });
  for (int i = 0; i < 50; ++i) {
    store->writeSync([i](WriteTx& tx) {
      addUser(tx, "u" + std::to_string(i));
      tx.putSetting("count", std::to_string(i + 1));
      return Status::Ok();
    });
  }
  stop = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace tongdai::sqlite
