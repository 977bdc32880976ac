// Benchmarks of the reference registry (build/registry_bench):
//
//  1. Generation: the synthetic population streamed into the embedded SQLite
//     registry (and, with --pg, into PostgreSQL with COPY), rows and indexes,
//     people per minute, bytes on disk.
//  2. Look-ups in-process on the same data, SQLite and PostgreSQL side by side:
//     by personal ID (whole record: person, applications, cards), by
//     application code, by full name + birth date; p50/p99 over random
//     samples, one thread, after the load (page cache warm, as on a server
//     that has been up a while).
//
// Usage: registry_bench --people 1000000[,10000000] --dir DIR [--pg CONNINFO]
//                       [--samples 20000] [--out BENCHMARKS.md]
// With --out, writes or replaces the section "## Registry ..." of that file.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/postgres/pg.h"
#include "adapters/postgres/registry_pg.h"
#include "adapters/sqlite/registry_sqlite.h"
#include "bench/bench_report.h"
#include "core/registry/generator.h"
#include "core/registry/match.h"

namespace {

namespace fs = std::filesystem;
namespace reg = tongdai::core::registry;
using Clock = std::chrono::steady_clock;

struct Args {
  std::vector<std::int64_t> sizes;
  std::string dir = "/tmp/tongdai-registry-bench";
  std::string pg;
  int samples = 20000;
  std::string out;
};

struct LoadResult {
  double seconds = 0;
  double load_seconds = 0;
  std::int64_t people = 0, applications = 0, cards = 0;
  double bytes = 0;
};

struct Latency {
  double p50_us = 0, p99_us = 0, mean_us = 0;
  int found = 0, total = 0;
};

struct Row {
  std::int64_t size;
  std::string backend;
  LoadResult load;
  Latency by_id, by_code, by_name;
};

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

LoadResult loadInto(reg::RegistryLoader& loader, std::int64_t people) {
  reg::GeneratorOptions o;
  o.seed = 2026;
  o.people = people;
  reg::PopulationGenerator gen(o);
  reg::PersonRecord r;
  LoadResult res;
  auto t0 = Clock::now();
  while (gen.next(r)) {
    if (!loader.add(r).ok()) throw std::runtime_error("load failed");
    res.applications += std::int64_t(r.applications.size());
    res.cards += std::int64_t(r.cards.size());
    if (gen.produced() % 1000000 == 0) std::cerr << "  " << gen.produced() << " people\n";
  }
  auto t1 = Clock::now();
  if (!loader.finish().ok()) throw std::runtime_error("finish failed");
  auto t2 = Clock::now();
  res.people = people;
  res.load_seconds = seconds(t0, t1);
  res.seconds = seconds(t0, t2);
  return res;
}

// What the look-ups ask for: random people and applications of the loaded registry.
struct Samples {
  std::vector<std::string> ids, codes;
  std::vector<reg::NameQuery> names;
};

Samples sample(const std::string& path, int n) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  auto count = [&](const char* table) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, (std::string("SELECT max(rowid) FROM ") + table).c_str(), -1, &s, nullptr);
    sqlite3_step(s);
    auto v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
  };
  std::int64_t people = count("person"), apps = count("application");
  std::mt19937_64 rng(7);
  Samples out;
  sqlite3_stmt* p = nullptr;
  sqlite3_prepare_v2(db, "SELECT id, full_name, birth_year, birth_month, birth_day FROM person WHERE rowid = ?", -1,
                     &p, nullptr);
  sqlite3_stmt* a = nullptr;
  sqlite3_prepare_v2(db, "SELECT code FROM application WHERE rowid = ?", -1, &a, nullptr);
  auto text = [](sqlite3_stmt* s, int c) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, c))); };
  for (int i = 0; i < n; ++i) {
    sqlite3_bind_int64(p, 1, std::int64_t(rng() % std::uint64_t(people)) + 1);
    if (sqlite3_step(p) == SQLITE_ROW) {
      out.ids.push_back(text(p, 0));
      reg::NameQuery q;
      // Half as written, half typed without accents (folded), as operators often do.
      q.full_name = i % 2 ? reg::nameKey(text(p, 1)) : text(p, 1);
      q.birth_date = {sqlite3_column_int(p, 2), sqlite3_column_int(p, 3), sqlite3_column_int(p, 4)};
      out.names.push_back(q);
    }
    sqlite3_reset(p);
    sqlite3_bind_int64(a, 1, std::int64_t(rng() % std::uint64_t(apps)) + 1);
    if (sqlite3_step(a) == SQLITE_ROW) out.codes.push_back(text(a, 0));
    sqlite3_reset(a);
  }
  sqlite3_finalize(p);
  sqlite3_finalize(a);
  sqlite3_close(db);
  return out;
}

template <typename T, typename F>
Latency measure(const std::vector<T>& keys, F&& call) {
  std::vector<double> us;
  us.reserve(keys.size());
  Latency l;
  for (const auto& k : keys) {
    auto t0 = Clock::now();
    bool found = call(k);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    l.found += found ? 1 : 0;
  }
  std::sort(us.begin(), us.end());
  l.total = int(us.size());
  if (us.empty()) return l;
  l.p50_us = us[us.size() / 2];
  l.p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  double sum = 0;
  for (double v : us) sum += v;
  l.mean_us = sum / double(us.size());
  return l;
}

void lookUps(reg::Registry& r, const Samples& s, Row& row) {
  // A short warm-up so that prepared statements and connections exist.
  for (std::size_t i = 0; i < std::min<std::size_t>(200, s.ids.size()); ++i) (void)r.personById(s.ids[i]);
  row.by_id = measure(s.ids, [&](const std::string& id) {
    auto x = r.personById(id);
    return x.ok() && x->has_value();
  });
  row.by_code = measure(s.codes, [&](const std::string& c) {
    auto x = r.personByApplication(c);
    return x.ok() && x->has_value();
  });
  row.by_name = measure(s.names, [&](const reg::NameQuery& q) {
    auto x = r.findByName(q);
    return x.ok() && !x->empty();
  });
}

double pgBytes(const std::string& conninfo) {
  tongdai::postgres::Conn c(conninfo);
  auto r = c.query(
      "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c JOIN pg_namespace n "
      "ON n.oid = c.relnamespace WHERE n.nspname = 'registry' AND c.relkind = 'r'");
  return double(r.i64(0, 0));
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string ms(double us) { return fmt("%.3f", us / 1000.0); }

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (k == "--people") {
      std::stringstream ss(next());
      for (std::string part; std::getline(ss, part, ',');) a.sizes.push_back(std::stoll(part));
    } else if (k == "--dir") {
      a.dir = next();
    } else if (k == "--pg") {
      a.pg = next();
    } else if (k == "--samples") {
      a.samples = std::stoi(next());
    } else if (k == "--out") {
      a.out = next();
    } else {
      throw std::runtime_error("unknown argument " + k);
    }
  }
  if (a.sizes.empty()) a.sizes = {1000000};
  return a;
}

std::string report(const Args& args, const std::vector<Row>& rows) {
  std::ostringstream md;
  char when[32];
  std::time_t t = std::time(nullptr);
  std::strftime(when, sizeof when, "%Y-%m-%d", std::gmtime(&t));
  md << "## Registry: generation and look-ups (`make bench` → build/registry_bench)\n\n"
     << "Run " << when << " on " << tongdai::bench::machine() << ". Command: `build/registry_bench --people ";
  for (std::size_t i = 0; i < args.sizes.size(); ++i) md << (i ? "," : "") << args.sizes[i];
  md << (args.pg.empty() ? "" : " --pg CONNINFO") << " --samples " << args.samples
     << "` (bench/run.sh starts a private PostgreSQL 15 on a loopback port for it). The synthetic population "
        "(seed 2026) is generated and loaded, then looked up in-process, one thread, the page cache warm "
        "after the load; each look-up returns the whole record (person, applications, cards); half of the name queries are typed without accents. PostgreSQL is "
        "reached over loopback TCP, so its figures include a round trip per statement (3 per record).\n\n"
     << "| people | backend | load (people/min) | load + index (s) | size on disk | by ID p50 / p99 (ms) | "
        "by application p50 / p99 (ms) | by name + birth date p50 / p99 (ms) |\n"
     << "|---:|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& r : rows) {
    md << "| " << r.size << " | " << r.backend << " | " << fmt("%.0f", double(r.load.people) * 60 / r.load.seconds)
       << " | " << fmt("%.0f", r.load.seconds) << " | " << fmt("%.2f GB", r.load.bytes / 1e9) << " | "
       << ms(r.by_id.p50_us) << " / " << ms(r.by_id.p99_us) << " | " << ms(r.by_code.p50_us) << " / "
       << ms(r.by_code.p99_us) << " | " << ms(r.by_name.p50_us) << " / " << ms(r.by_name.p99_us) << " |\n";
  }
  md << "\n";
  for (const auto& r : rows) {
    md << "- " << r.size << " people, " << r.backend << ": " << r.load.applications << " applications, "
       << r.load.cards << " cards; rows loaded in " << fmt("%.0f", r.load.load_seconds) << " s, indexes built in "
       << fmt("%.0f", r.load.seconds - r.load.load_seconds) << " s; found " << r.by_id.found << "/"
       << r.by_id.total << " by ID, " << r.by_code.found << "/" << r.by_code.total << " by code, "
       << r.by_name.found << "/" << r.by_name.total << " by name.\n";
  }
  const Row* big = nullptr;
  for (const auto& r : rows) {
    if (r.backend == "SQLite" && (!big || r.size > big->size)) big = &r;
  }
  if (big) {
    double per_person = big->load.bytes / double(big->size);
    md << "\nExtrapolated to 100 million people (the country) on the embedded backend: "
       << fmt("%.0f", per_person) << " bytes a person → about " << fmt("%.0f GB", per_person * 1e8 / 1e9)
       << " on disk. Look-ups walk B-tree indexes (depth grows with log N), so their cost grows with the "
          "index depth and with how much of the file the page cache holds, not with N itself.\n";
  }
  return md.str();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Args args = parse(argc, argv);
    fs::create_directories(args.dir);
    std::vector<Row> rows;
    for (auto n : args.sizes) {
      std::string path = args.dir + "/registry-" + std::to_string(n) + ".db";
      std::cerr << "SQLite, " << n << " people\n";
      auto loader = tongdai::sqlite::createSqliteRegistry(path, "bench");
      if (!loader.ok()) throw std::runtime_error(loader.error().message_en);
      Row sq{n, "SQLite", loadInto(**loader, n), {}, {}, {}};
      loader.value().reset();
      sq.load.bytes = double(fs::file_size(path));
      Samples s = sample(path, args.samples);
      auto opened = tongdai::sqlite::openSqliteRegistry(path);
      if (!opened.ok()) throw std::runtime_error(opened.error().message_en);
      lookUps(**opened, s, sq);
      rows.push_back(sq);
      if (!args.pg.empty()) {
        std::cerr << "PostgreSQL, " << n << " people\n";
        auto pl = tongdai::postgres::createPgRegistry(args.pg, "bench");
        if (!pl.ok()) throw std::runtime_error(pl.error().message_en);
        Row pg{n, "PostgreSQL", loadInto(**pl, n), {}, {}, {}};
        pl.value().reset();
        pg.load.bytes = pgBytes(args.pg);
        auto po = tongdai::postgres::openPgRegistry(args.pg);
        if (!po.ok()) throw std::runtime_error(po.error().message_en);
        lookUps(**po, s, pg);
        rows.push_back(pg);
      }
      fs::remove(path);
    }
    std::string md = report(args, rows);
    std::cout << md;
    if (!args.out.empty()) tongdai::bench::writeSection(args.out, "## Registry", md);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "registry_bench: " << e.what() << "\n";
    return 1;
  }
}
