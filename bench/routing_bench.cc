// Benchmarks of the routing engine and the simulator (build/routing_bench).
//
//  1. Core throughput: the exact event stream of a realistic day-time load
//     (20 agents, 300 calls/h, AHT 180 s, recorded from the simulator) is
//     replayed into a fresh Engine; only handle() runs in the timed loop.
//  2. Latency of one handle() call with 1,000 contacts waiting (20 agents all
//     busy; arrivals, abandons, ends, answers and ticks keep the line at 1,000).
//  3. The simulator on one core: a simulated year, 250 business days of
//     07:30-17:30, of the 20-agent hotline at ~300 calls/h.
//
// Usage: routing_bench [--out BENCHMARKS.md] [--quick]
// With --out, writes or replaces the section "## Routing engine and
// simulator ..." of that Markdown file and keeps the other sections.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bench/bench_report.h"
#include "core/calendar/business_calendar.h"
#include "core/routing/routing.h"
#include "core/simulation/simulator.h"

namespace {

using tongdai::core::calendar::BusinessCalendar;
using tongdai::core::calendar::CalendarSpec;
using tongdai::core::routing::Millis;
namespace routing = tongdai::core::routing;
namespace simulation = tongdai::core::simulation;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The hotline of the brief: 20 agents, ~300 calls/h, AHT 180 s of which 20 s
// wrap-up, lognormal talk (CV 1), patience 120 s, 2 s to answer.
simulation::SimConfig hotline() {
  simulation::SimConfig cfg;
  cfg.seed = 2026;
  cfg.arrivals_per_hour = 300;
  cfg.aht_s = 180;
  cfg.wrap_up_s = 20;
  cfg.distribution = simulation::HandleDistribution::lognormal;
  cfg.aht_cv = 1.0;
  cfg.agents = 20;
  cfg.patience_s = 120;
  cfg.answer_delay_s = 2;
  return cfg;
}

struct Row {
  std::string what, value, note;
};

// ---- 1. core throughput -------------------------------------------------------------

struct Throughput {
  std::size_t events = 0, decisions = 0;
  double seconds = 0;
};

Throughput coreThroughput(double hours, int repeats) {
  std::vector<std::pair<routing::Event, Millis>> script;
  simulation::SimConfig cfg = hotline();
  cfg.hours = hours;  // always open: a steady day-time load
  cfg.on_event = [&](const routing::Event& e, Millis now) { script.emplace_back(e, now); };
  auto sim = simulation::simulate(cfg);
  if (!sim.ok()) {
    std::cerr << sim.error().message_en << "\n";
    std::exit(1);
  }
  routing::QueueConfig q;
  q.id = cfg.queue;
  q.ring_timeout = cfg.ring_timeout;
  q.wrap_up = static_cast<Millis>(cfg.wrap_up_s * 1000);
  Throughput best;
  for (int r = 0; r < repeats; ++r) {
    routing::Config ec;
    ec.queues = {q};
    routing::Engine engine(ec);
    for (int i = 1; i <= cfg.agents; ++i) {
      char id[16];
      std::snprintf(id, sizeof id, "a%02d", i);
      engine.setAgent({id, {}, 3, 2});
    }
    std::size_t decisions = 0;
    const auto t0 = Clock::now();
    for (const auto& [event, now] : script) decisions += engine.handle(event, now).size();
    const double s = secondsSince(t0);
    if (r == 0 || s < best.seconds) best = {script.size(), decisions, s};
  }
  return best;
}

// ---- 2. latency with a long line ---------------------------------------------------------

struct Latency {
  double p50 = 0, p99 = 0, p999 = 0, max = 0, mean = 0;
  std::size_t samples = 0, waiting = 0;
};

Latency latencyWithLine(std::size_t line, int rounds) {
  routing::QueueConfig q;
  q.id = "hotline";
  q.wrap_up = 0;
  routing::Config ec;
  ec.queues = {q};
  routing::Engine engine(ec);
  constexpr int kAgents = 20;
  std::vector<std::string> agents;
  Millis now = 0;
  for (int i = 1; i <= kAgents; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "a%02d", i);
    agents.push_back(id);
    engine.setAgent({id, {}, 3, 2});
    engine.handle(routing::AgentLogin{id}, now);
    engine.handle(routing::AgentReady{id}, now);
  }
  std::uint64_t next = 0;
  std::vector<std::string> talking;  // answered contacts
  // Waiting contacts, unordered, with their positions: O(1) random abandons.
  std::vector<std::string> pool;
  std::unordered_map<std::string, std::size_t> pos;
  auto join = [&](const std::string& id) {
    pos[id] = pool.size();
    pool.push_back(id);
  };
  auto leave = [&](const std::string& id) {
    auto it = pos.find(id);
    if (it == pos.end()) return;
    const std::size_t k = it->second;
    pos[pool.back()] = k;
    std::swap(pool[k], pool.back());
    pool.pop_back();
    pos.erase(id);
  };
  std::vector<std::pair<std::string, std::string>> ringing;  // (contact, agent)
  std::vector<double> ns;
  auto feed = [&](const routing::Event& e, bool timed) {
    const auto t0 = Clock::now();
    auto ds = engine.handle(e, now);
    const auto t1 = Clock::now();
    if (timed) ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
    for (const auto& d : ds) {
      if (auto* o = std::get_if<routing::Offer>(&d)) {
        ringing.emplace_back(o->contact, o->agent);
        leave(o->contact);
      }
    }
  };
  auto answerAll = [&](bool timed) {
    auto r = std::move(ringing);
    ringing.clear();
    for (auto& [c, a] : r) {
      feed(routing::OfferAnswered{c, a}, timed);
      talking.push_back(c);
    }
  };
  for (std::size_t i = 0; i < kAgents + line; ++i) {
    std::string id = "c" + std::to_string(++next);
    join(id);
    feed(routing::ContactArrived{id, "hotline"}, false);
    answerAll(false);
  }
  std::mt19937_64 rng(7);
  ns.reserve(static_cast<std::size_t>(rounds) * 4);
  for (int r = 0; r < rounds; ++r) {
    now += 100;
    std::string id = "c" + std::to_string(++next);
    join(id);
    feed(routing::ContactArrived{id, "hotline"}, true);  // joins the back of the line
    if (r % 2 == 0) {
      // A caller somewhere in the line hangs up, then the timer fires.
      std::string gone = pool[rng() % pool.size()];
      leave(gone);
      feed(routing::ContactAbandoned{gone}, true);
      feed(routing::Tick{}, true);
    } else {
      // A call ends: its agent takes the head of the line, then answers.
      const std::size_t k = rng() % talking.size();
      std::swap(talking[k], talking.back());
      const std::string ended = talking.back();
      talking.pop_back();
      feed(routing::ContactEnded{ended}, true);
      answerAll(true);
    }
  }
  Latency l;
  l.waiting = engine.waitingCount();
  l.samples = ns.size();
  double sum = 0;
  for (double v : ns) sum += v;
  l.mean = sum / static_cast<double>(ns.size());
  std::sort(ns.begin(), ns.end());
  auto pct = [&](double p) {
    return ns[static_cast<std::size_t>(p * static_cast<double>(ns.size() - 1))];
  };
  l.p50 = pct(0.50);
  l.p99 = pct(0.99);
  l.p999 = pct(0.999);
  l.max = ns.back();
  return l;
}

// ---- 3. a simulated year ----------------------------------------------------------------------

struct YearRun {
  simulation::SimResult result;
  double seconds = 0;
};

YearRun simulatedYear(const BusinessCalendar& cal, int days) {
  simulation::SimConfig cfg = hotline();
  cfg.calendar = &cal;
  // Mon-Fri, no holidays in the default calendar: `days` business days = days/5 weeks.
  cfg.end = cfg.start + static_cast<Millis>(days / 5) * 7 * 86400000LL +
            static_cast<Millis>(days % 5) * 86400000LL;
  const auto t0 = Clock::now();
  auto r = simulation::simulate(cfg);
  const double s = secondsSince(t0);
  if (!r.ok()) {
    std::cerr << r.error().message_en << "\n";
    std::exit(1);
  }
  return {std::move(r).value(), s};
}

// ---- output
// ----------------------------------------------------------------------------------------

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--out") && i + 1 < argc) {
      out = argv[++i];
    } else if (!std::strcmp(argv[i], "--quick")) {
      quick = true;
    } else {
      std::cerr << "usage: routing_bench [--out FILE.md] [--quick]\n";
      return 2;
    }
  }
  auto cal = BusinessCalendar::create(CalendarSpec::hotlineDefault());
  if (!cal.ok()) {
    std::cerr << cal.error().message_en << "\n";
    return 1;
  }

  const double replay_hours = quick ? 100 : 500;
  const Throughput core = coreThroughput(replay_hours, quick ? 1 : 3);
  const Latency lat = latencyWithLine(1000, quick ? 20000 : 100000);
  const YearRun year = simulatedYear(*cal, 250);
  const auto& t = year.result.metrics.total;

  std::vector<Row> rows = {
      {"core: events handled per second", fmt("%.0f", core.events / core.seconds),
       std::to_string(core.events) + " events of " + fmt("%.0f", replay_hours) +
           " h replayed (20 agents, 300 calls/h, AHT 180 s), best of " + (quick ? "1" : "3")},
      {"core: decisions per second", fmt("%.0f", core.decisions / core.seconds),
       std::to_string(core.decisions) + " decisions"},
      {"core: mean time per event", fmt("%.0f ns", 1e9 * core.seconds / core.events), ""},
      {"handle() with 1,000 waiting: p50", fmt("%.0f ns", lat.p50),
       std::to_string(lat.samples) + " calls timed one by one (clock overhead included)"},
      {"handle() with 1,000 waiting: p99", fmt("%.0f ns", lat.p99), ""},
      {"handle() with 1,000 waiting: p99.9 / max",
       fmt("%.0f", lat.p999) + " / " + fmt("%.0f ns", lat.max),
       "still waiting at the end: " + std::to_string(lat.waiting)},
      {"simulated year: wall time", fmt("%.2f s", year.seconds),
       "250 business days 07:30-17:30, 20 agents, 300 calls/h, AHT 180 s (lognormal CV 1, "
       "20 s wrap-up), patience 120 s"},
      {"simulator: engine events per second", fmt("%.0f", year.result.events / year.seconds),
       std::to_string(year.result.events) + " handle() calls, metrics included"},
      {"simulator: heap events per second", fmt("%.0f", year.result.steps / year.seconds),
       std::to_string(year.result.steps) + " simulator events"},
      {"simulated year: calls / answered / abandoned",
       std::to_string(year.result.calls) + " / " + std::to_string(t.answered) + " / " +
           std::to_string(t.abandoned),
       "SL(20 s) " + fmt("%.3f", t.serviceLevel().value_or(0)) + ", ASA " +
           fmt("%.1f s", t.asaSeconds().value_or(0)) + ", AHT " +
           fmt("%.1f s", t.ahtSeconds().value_or(0)) + ", occupancy " +
           fmt("%.3f", t.occupancy().value_or(0))},
  };

  std::size_t w0 = 0, w1 = 0;
  for (const auto& r : rows) {
    w0 = std::max(w0, r.what.size());
    w1 = std::max(w1, r.value.size());
  }
  for (const auto& r : rows) {
    std::printf("%-*s  %*s  %s\n", static_cast<int>(w0), r.what.c_str(), static_cast<int>(w1),
                r.value.c_str(), r.note.c_str());
  }
  const bool core_ok = core.events / core.seconds > 2e6;
  const bool year_ok = year.seconds < 10;
  std::printf("targets: core > 2M events/s %s; simulated year < 10 s %s\n",
              core_ok ? "met" : "NOT met", year_ok ? "met" : "NOT met");

  if (!out.empty()) {
    std::time_t now = std::time(nullptr);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", std::localtime(&now));
    std::ostringstream md;
    md << "## Routing engine and simulator (`make bench` → build/routing_bench)\n\n"
       << "Run " << when << " on " << tongdai::bench::machine() << ", one thread, compiler " << __VERSION__
       << (quick ? ", --quick" : "") << ".\n\n| measure | value | notes |\n|---|---:|---|\n";
    for (const auto& r : rows) {
      md << "| " << r.what << " | " << r.value << " | " << r.note << " |\n";
    }
    md << "\nTargets: core over 2 million events per second (" << (core_ok ? "met" : "not met")
       << "); a simulated year in under 10 s (" << (year_ok ? "met" : "not met") << ").\n";
    tongdai::bench::writeSection(out, "## Routing engine and simulator", md.str());
    std::printf("wrote %s\n", out.c_str());
  }
  return 0;
}
