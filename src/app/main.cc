// tongdai: one binary, several subcommands.
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <date/date.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "adapters/postgres/pg_store.h"
#include "adapters/sqlite/sqlite_store.h"
#include "app/cli_plan.h"
#include "app/cli_registry.h"
#include "app/cli_simulate.h"
#include "app/context.h"
#include "app/demo.h"
#include "app/registry_open.h"
#include "app/security.h"
#include "app/seed.h"
#include "app/serve.h"
#include "app/users.h"
#include "core/audit/chain.h"
#include "core/identity/citizen_id.h"
#include "version.h"

using namespace tongdai;

namespace {

core::TimePoint now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// Opens the store of a data directory (creating it) and seeds it.
// A database URL (PostgreSQL) wins over the data directory (SQLite).
std::string g_database_url;

std::unique_ptr<core::store::Store> openStore(const std::string& data_dir) {
  std::error_code ec;
  if (g_database_url.empty()) std::filesystem::create_directories(data_dir, ec);
  auto opened = g_database_url.empty() ? sqlite::openSqliteStore({app::storePath(data_dir)})
                                       : postgres::openPgStore(g_database_url);
  if (!opened.ok()) {
    std::cerr << opened.error().message_vi << "\n";
    return nullptr;
  }
  auto store = std::move(opened).value();
  if (auto st = app::seedStore(*store, now()); !st.ok()) {
    std::cerr << st.error().message_vi << "\n";
    return nullptr;
  }
  return store;
}

int runDemo(const std::string& data_dir) {
  auto store = openStore(data_dir);
  if (!store) return 3;
  bool created = false;
  auto logins = app::createDemo(*store, now(), created);
  if (!logins.ok()) {
    std::cerr << logins.error().message_vi << "\n";
    return 3;
  }
  // A small population for the look-up desks, with the demo cases' callers in
  // it, next to the store: a SQLite file in the data directory, or PostgreSQL.
  std::string registry_url = app::defaultRegistryUrl(data_dir, g_database_url);
  if (!app::openRegistry(registry_url).ok()) {
    std::cout << "Đang tạo cơ sở dữ liệu dân cư mẫu (20.000 người)…\n";
    auto today = date::format("%F", date::floor<date::days>(now() + std::chrono::hours{7}));
    int rc = app::generatePopulation(20000, 2026, registry_url, today, true,
                                     app::demoCitizenRecords(now(), app::shippedWorkingDays()));
    if (rc != 0) return rc;
  }
  std::cout << (created ? "Đã tạo dữ liệu mẫu" : "Dữ liệu mẫu đã có sẵn") << " trong " << data_dir
            << "\nTài khoản mẫu (mật khẩu chung: " << app::demoPassword() << "):\n";
  std::cout << "  quantri   quản trị viên (admin)\n"
               "  giamsat   giám sát viên (supervisor)\n"
               "  tdv01 … tdv20   tổng đài viên (operator)\n"
               "  cbnv01 … cbnv20 cán bộ nghiệp vụ (officer)\n";
  store->close();
  return 0;
}

int runUserAdd(const std::string& data_dir, app::NewUser input) {
  std::string password;
  if (!std::getline(std::cin, password)) {
    std::cerr << "Không đọc được mật khẩu từ stdin (--password-stdin).\n";
    return 2;
  }
  input.password = password;
  auto store = openStore(data_dir);
  if (!store) return 3;
  auto user = app::addUserSync(*store, input, nullptr, now());
  store->close();
  if (!user.ok()) {
    std::cerr << user.error().message_vi << " [" << user.error().code << "]\n";
    return 1;
  }
  std::cout << nlohmann::json{{"id", user->id}, {"login", user->login}, {"role", core::auth::toString(user->role)}}
            << "\n";
  return 0;
}

int runAuditVerify(const std::string& data_dir) {
  if (!std::filesystem::exists(app::storePath(data_dir))) {
    std::cerr << "Không có kho dữ liệu tại " << app::storePath(data_dir) << "\n";
    return 3;
  }
  auto opened = sqlite::openSqliteStore({app::storePath(data_dir)});
  if (!opened.ok()) {
    std::cerr << opened.error().message_vi << "\n";
    return 3;
  }
  auto store = std::move(opened).value();
  core::audit::ChainVerifier verifier;
  std::optional<core::audit::Entry> broken;
  auto st = store->read([&](core::store::ReadTx& tx) {
    std::int64_t next = 1;
    for (;;) {
      auto batch = tx.auditEntries(next, 5000);
      if (batch.empty()) break;
      for (const auto& e : batch) {
        if (!verifier.feed(e)) {
          broken = e;
          return core::Status::Ok();
        }
      }
      next = batch.back().seq + 1;
    }
    return core::Status::Ok();
  });
  store->close();
  if (!st.ok()) {
    std::cerr << st.error().message_vi << "\n";
    return 3;
  }
  if (verifier.ok()) {
    std::cout << nlohmann::json{{"intact", true}, {"checked", verifier.checked()}} << "\n";
    return 0;
  }
  std::cout << nlohmann::json{{"intact", false},
                              {"checked", verifier.checked()},
                              {"first_broken_seq", *verifier.brokenSeq()},
                              {"reason", verifier.reason()},
                              {"action", broken ? broken->action : ""}}
            << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (!app::initCrypto()) {
    std::cerr << "libsodium failed to start\n";
    return 1;
  }
  CLI::App cli{"tongdai — hệ thống tổng đài 1900 0368 (contact center)"};
  cli.require_subcommand(1);

  app::Config cfg;
  std::string config_file, data_flag, listen_flag, web_flag, database_flag, sip_flag;
  auto* serve = cli.add_subcommand("serve", "Chạy máy chủ HTTP / serve the desks and the API");
  serve->add_option("--data", data_flag, "Thư mục dữ liệu / data directory");
  serve->add_option("--listen", listen_flag, "HOST:PORT (mặc định 127.0.0.1:8080)");
  serve->add_option("--config", config_file, "Tệp cấu hình TOML / TOML config file");
  serve->add_option("--web-root", web_flag, "Thư mục giao diện web / web front-end directory");
  serve->add_option("--sip", sip_flag, "HOST:PORT nhận cuộc gọi SIP (UDP và TCP) / SIP listen address");
  serve->add_option("--database-url", database_flag,
                    "PostgreSQL (conninfo hoặc URL) thay cho SQLite / use PostgreSQL instead of SQLite");

  std::string demo_data;
  auto* demo = cli.add_subcommand("demo", "Tạo dữ liệu mẫu / create demo data");
  demo->add_option("--data", demo_data, "Thư mục dữ liệu")->required();
  demo->add_option("--database-url", g_database_url, "PostgreSQL thay cho SQLite");

  auto* user = cli.add_subcommand("user", "Quản lý người dùng / manage users");
  user->require_subcommand(1);
  app::NewUser new_user;
  std::string user_data;
  bool password_stdin = false;
  auto* user_add = user->add_subcommand("add", "Thêm người dùng / add a user");
  user_add->add_option("--data", user_data, "Thư mục dữ liệu")->required();
  user_add->add_option("--database-url", g_database_url, "PostgreSQL thay cho SQLite");
  user_add->add_option("--login", new_user.login, "Tên đăng nhập")->required();
  user_add->add_option("--role", new_user.role, "operator|officer|supervisor|admin")->required();
  user_add->add_option("--name", new_user.name, "Họ tên")->required();
  user_add->add_flag("--password-stdin", password_stdin, "Đọc mật khẩu từ stdin")->required();

  auto* audit = cli.add_subcommand("audit", "Nhật ký truy cập / audit log");
  audit->require_subcommand(1);
  std::string audit_data;
  auto* verify = audit->add_subcommand("verify", "Kiểm tra chuỗi băm / verify the hash chain");
  verify->add_option("--data", audit_data, "Thư mục dữ liệu")->required();

  auto* registry = app::addRegistryCommand(cli);

  cli.add_subcommand("version", "In phiên bản / print the version");

  auto* plan = app::addPlanCommand(cli);
  auto* sim = app::addSimulateCommand(cli);
  CLI11_PARSE(cli, argc, argv);

  if (cli.got_subcommand("version")) {
    std::cout << "tongdai " << TONGDAI_VERSION << "\n";
    return 0;
  }
  if (cli.got_subcommand(plan)) return app::runPlan();
  if (cli.got_subcommand(sim)) return app::runSimulate();
  if (cli.got_subcommand(demo)) return runDemo(demo_data);
  if (cli.got_subcommand(registry)) return app::runRegistry();
  if (user->got_subcommand(user_add)) return runUserAdd(user_data, new_user);
  if (audit->got_subcommand(verify)) return runAuditVerify(audit_data);

  // serve: defaults < file < environment < flags
  if (auto st = app::loadConfigFile(config_file, cfg); !st.ok()) {
    std::cerr << st.error().message_vi << "\n";
    return 2;
  }
  if (auto st = app::applyEnvironment(cfg); !st.ok()) {
    std::cerr << st.error().message_vi << "\n";
    return 2;
  }
  if (!data_flag.empty()) cfg.data_dir = data_flag;
  if (!listen_flag.empty()) cfg.listen = listen_flag;
  if (!web_flag.empty()) cfg.web_root = web_flag;
  if (!database_flag.empty()) cfg.database_url = database_flag;
  if (!sip_flag.empty()) cfg.sip_listen = sip_flag;
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  return app::serve(cfg);
}
