#include "app/cli_registry.h"

#include <chrono>
#include <iostream>
#include <set>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/registry_open.h"
#include "app/registry_stub.h"
#include "app/seed.h"
#include "core/identity/citizen_id.h"
#include "core/registry/generator.h"
#include "core/registry/json.h"

namespace tongdai::app {
namespace {

struct Options {
  CLI::App* parse_id = nullptr;
  CLI::App* generate = nullptr;
  CLI::App* stub = nullptr;
  std::string number, birth_date, gender;
  std::int64_t people = 0;
  std::uint64_t seed = 1;
  std::string into = "sqlite:var/data/registry.db";
  std::string as_of = "2026-07-01";
  bool quiet = false;
  std::string stub_registry = "sqlite:var/data/registry.db", stub_listen = "127.0.0.1:8090", stub_token;
};
Options& opts() {
  static Options o;
  return o;
}

int currentYear() {
  auto local = std::chrono::system_clock::now() + std::chrono::hours{7};
  return int(date::year_month_day{date::floor<date::days>(local)}.year());
}

nlohmann::json errorJson(const core::Error& e) {
  return {{"code", e.code}, {"message", e.message_vi}, {"message_en", e.message_en}};
}

// The same rules as the case form and the API (core/identity).
int runParseId() {
  auto& o = opts();
  auto parsed = core::identity::parseCitizenId(o.number, currentYear());
  nlohmann::json out;
  if (!parsed.ok()) {
    std::cout << nlohmann::json{{"valid", false}, {"error", errorJson(parsed.error())}}.dump(2) << "\n";
    return 1;
  }
  const auto& id = parsed.value();
  out = {{"valid", true},
         {"number", id.number},
         {"province_code", id.province_code},
         {"province", id.province},
         {"gender", core::identity::genderName(id.gender)},
         {"birth_year", id.birth_year},
         {"century_digit", id.century_digit}};
  if (!o.birth_date.empty() || !o.gender.empty()) {
    auto dob = core::registry::PartialDate::parse(o.birth_date);
    if (!dob || (o.gender != "male" && o.gender != "female")) {
      std::cerr << "Cần --birth-date (dd/mm/yyyy hoặc yyyy) và --gender (male|female) cùng nhau.\n";
      return 2;
    }
    auto g = o.gender == "male" ? core::identity::Gender::male : core::identity::Gender::female;
    auto st = core::identity::checkBirthAndGender(id, dob->year, g);
    out["matches_stated"] = st.ok();
    if (!st.ok()) out["mismatch"] = errorJson(st.error());
  }
  std::cout << out.dump(2) << "\n";
  return out.value("matches_stated", true) ? 0 : 1;
}

}  // namespace

core::registry::WorkingDayFn shippedWorkingDays() {
  auto cal = shippedCalendar();
  if (!cal.ok()) return core::registry::mondayToFriday;
  auto shared = std::make_shared<core::calendar::BusinessCalendar>(std::move(cal).value());
  return [shared](date::year_month_day d) { return shared->isWorkingDay(d); };
}

namespace {

int runGenerate() {
  auto& o = opts();
  return generatePopulation(o.people, o.seed, o.into, o.as_of, o.quiet);
}

int runStub() {
  auto& o = opts();
  return runRegistryStubCli(o.stub_registry, o.stub_listen, o.stub_token);
}

}  // namespace

int generatePopulation(std::int64_t people, std::uint64_t seed, const std::string& url, const std::string& as_of,
                       bool quiet, const std::vector<core::registry::PersonRecord>& extra) {
  core::registry::GeneratorOptions g;
  g.seed = seed;
  g.people = people;
  std::istringstream in(as_of);
  date::year_month_day day{};
  in >> date::parse("%F", day);
  if (in.fail() || !day.ok()) {
    std::cerr << "--as-of phải có dạng YYYY-MM-DD\n";
    return 2;
  }
  g.as_of = day;
  g.working_day = shippedWorkingDays();
  core::registry::PopulationGenerator gen(g);
  core::registry::PersonRecord rec;
  auto started = std::chrono::steady_clock::now();
  std::int64_t apps = 0, cards = 0;
  if (url == "-") {
    while (gen.next(rec)) std::cout << core::registry::toJson(rec).dump() << "\n";
    return 0;
  }
  std::string description = "generated: people=" + std::to_string(people) + " seed=" + std::to_string(seed) +
                            " as_of=" + as_of;
  auto loader = createRegistryLoader(url, description);
  if (!loader.ok()) {
    std::cerr << loader.error().message_vi << " (" << loader.error().message_en << ")\n";
    return 3;
  }
  std::set<std::string> extra_ids;
  for (const auto& e : extra) extra_ids.insert(e.person.id);
  auto add = [&](const core::registry::PersonRecord& r) {
    auto st = (*loader)->add(r);
    if (!st.ok()) std::cerr << st.error().message_vi << " (" << st.error().message_en << ")\n";
    return st.ok();
  };
  for (const auto& e : extra) {
    if (!add(e)) return 3;
  }
  while (gen.next(rec)) {
    if (extra_ids.count(rec.person.id)) continue;
    if (!add(rec)) return 3;
    apps += std::int64_t(rec.applications.size());
    cards += std::int64_t(rec.cards.size());
    if (!quiet && gen.produced() % 1000000 == 0) {
      std::cerr << "… " << gen.produced() << " người\n";
    }
  }
  auto loaded = std::chrono::steady_clock::now();
  if (auto st = (*loader)->finish(); !st.ok()) {
    std::cerr << st.error().message_vi << " (" << st.error().message_en << ")\n";
    return 3;
  }
  auto done = std::chrono::steady_clock::now();
  double secs = std::chrono::duration<double>(done - started).count();
  double load_secs = std::chrono::duration<double>(loaded - started).count();
  if (!quiet) {
    std::cerr << nlohmann::json{{"people", people},
                                {"applications", apps},
                                {"cards", cards},
                                {"seconds", secs},
                                {"load_seconds", load_secs},
                                {"index_seconds", secs - load_secs},
                                {"people_per_minute", secs > 0 ? double(people) * 60.0 / secs : 0.0}}
                     .dump()
              << "\n";
  }
  return 0;
}

CLI::App* addRegistryCommand(CLI::App& app) {
  auto& o = opts();
  auto* registry = app.add_subcommand("registry", "Dữ liệu công dân / citizen registry");
  registry->require_subcommand(1);
  o.parse_id = registry->add_subcommand("parse-id", "Phân tích số định danh 12 số / parse a personal ID");
  o.parse_id->add_option("NUMBER", o.number, "Số định danh cá nhân")->required();
  o.parse_id->add_option("--birth-date", o.birth_date, "Ngày sinh khai báo (dd/mm/yyyy hoặc yyyy)");
  o.parse_id->add_option("--gender", o.gender, "Giới tính khai báo: male | female");

  o.generate = registry->add_subcommand("generate", "Tạo dân số tổng hợp / generate a synthetic population");
  o.generate->add_option("--people", o.people, "Số người")->required()->check(CLI::Range(std::int64_t{1}, std::int64_t{200000000}));
  o.generate->add_option("--seed", o.seed, "Hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu)");
  o.generate->add_option("--into", o.into, "sqlite:PATH | postgresql://... | - (JSON từng dòng)");
  o.generate->add_option("--as-of", o.as_of, "Ngày chốt dữ liệu YYYY-MM-DD (mặc định 2026-07-01)");
  o.generate->add_flag("--quiet", o.quiet, "Không in tiến độ");

  o.stub = registry->add_subcommand("serve-stub",
                                    "Dịch vụ CSDL quốc gia giả lập / local stand-in of the national registry");
  o.stub->add_option("--registry", o.stub_registry, "sqlite:PATH | postgresql://...");
  o.stub->add_option("--listen", o.stub_listen, "HOST:PORT");
  o.stub->add_option("--token", o.stub_token, "Bearer token")->required();
  return registry;
}

int runRegistry() {
  auto& o = opts();
  if (o.parse_id->parsed()) return runParseId();
  if (o.generate->parsed()) return runGenerate();
  if (o.stub->parsed()) return runStub();
  return 2;
}

}  // namespace tongdai::app
