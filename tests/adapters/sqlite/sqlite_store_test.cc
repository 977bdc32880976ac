// SQLite-specific behaviour of the store (the shared contract is in
// tests/adapters/store_contract_test.cc): schema refusal, triggers, reopen.
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

}  // namespace
}  // namespace tongdai::sqlite
