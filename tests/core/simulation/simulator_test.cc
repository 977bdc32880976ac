// The simulator against queueing theory (Erlang C without abandonment,
// Erlang A with it) and its own features. Long runs are deterministic (fixed
// seeds); the tolerances leave room for the statistical noise of their length.
#include "core/simulation/simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

// The planners' Erlang formulas, when present (written alongside this work);
// the small references below stand in for them otherwise and must agree.
#if __has_include("core/planning/erlang.h")
#include "core/planning/erlang.h"
#define TONGDAI_HAVE_PLANNING 1
#endif

namespace tongdai::core::simulation {
namespace {

// Small references for the models, so these tests stand on their own.
// Erlang C (M/M/n): probability of waiting, by the Erlang B recursion.
double erlangC(int n, double a) {
  double b = 1.0;
  for (int k = 1; k <= n; ++k) b = a * b / (k + a * b);
  return n * b / (n - a * (1 - b));
}

// Erlang A (M/M/n+M), from its birth-death chain: P(abandon) = θ·E[queue]/λ.
double erlangAAbandonment(int n, double lambda, double mu, double theta) {
  double p = 1, sum = 1, queue = 0;
  for (int k = 1; k < 1000000; ++k) {
    p *= lambda / (std::min(k, n) * mu + std::max(0, k - n) * theta);
    sum += p;
    queue += std::max(0, k - n) * p;
    if (k > n && p < sum * 1e-17) break;
  }
  return theta * queue / sum / lambda;
}

// The models' figures for 200 calls/h and AHT 180 s.
struct Model {
  double service_level = 0, asa_s = 0, abandon_rate = 0;
};

Model erlangCModel(int agents) {
  const double c = erlangC(agents, 10.0);
  Model m{1 - c * std::exp(-(agents - 10.0) * 20 / 180), c * 180 / (agents - 10.0), 0};
#ifdef TONGDAI_HAVE_PLANNING
  planning::Load load;
  load.arrivals_per_hour = 200;
  load.aht_s = 180;
  load.target_s = 20;
  auto p = planning::erlangC(load, agents);
  EXPECT_TRUE(p.ok());
  EXPECT_NEAR(p->service_level, m.service_level, 1e-9);
  EXPECT_NEAR(p->asa_s, m.asa_s, 1e-9);
  m = {p->service_level, p->asa_s, 0};
#endif
  return m;
}

double erlangAModel(int agents, double patience_s) {
  double rate = erlangAAbandonment(agents, 200 / 3600.0, 1 / 180.0, 1 / patience_s);
#ifdef TONGDAI_HAVE_PLANNING
  planning::Load load;
  load.arrivals_per_hour = 200;
  load.aht_s = 180;
  load.patience_s = patience_s;
  auto p = planning::erlangA(load, agents);
  EXPECT_TRUE(p.ok() && p->abandon_rate.has_value());
  EXPECT_NEAR(*p->abandon_rate, rate, 1e-9);
  rate = *p->abandon_rate;
#endif
  return rate;
}

SimConfig mmn(int agents, double hours) {
  SimConfig c;
  c.arrivals_per_hour = 200;
  c.aht_s = 180;
  c.agents = agents;
  c.answer_delay_s = 0;  // the models have no ringing time
  c.hours = hours;
  return c;
}

SimResult run(const SimConfig& c) {
  auto r = simulate(c);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message_en);
  return std::move(r).value();
}

TEST(Simulator, SameSeedSameResult) {
  SimConfig c = mmn(14, 100);
  c.patience_s = 90;
  c.answer_delay_s = 2;
  c.callback_after_s = 60;
  c.self_service = 0.1;
  c.distribution = HandleDistribution::lognormal;
  c.aht_cv = 0.8;
  c.wrap_up_s = 15;
  const auto a = metrics::metricsToJsonString(run(c).metrics);
  const auto b = metrics::metricsToJsonString(run(c).metrics);
  EXPECT_EQ(a, b);
  c.seed = 2;
  EXPECT_NE(a, metrics::metricsToJsonString(run(c).metrics));
}

// 200 calls/h, AHT 180 s (10 erlangs), 14 agents, exponential times, nobody
// hangs up: Erlang C gives SL(20 s) = 0.888 and ASA = 7.84 s. 3,000 hours
// (600,000 calls): waits are strongly correlated, 200 hours would leave
// ASA ±25% to chance.
TEST(Simulator, MatchesErlangCWithoutAbandonment) {
  const SimResult r = run(mmn(14, 3000));
  const metrics::Stats& t = r.metrics.total;
  const Model model = erlangCModel(14);
  const double sl = model.service_level;
  const double asa = model.asa_s;
  EXPECT_NEAR(sl, 0.888, 0.001);
  EXPECT_NEAR(asa, 7.84, 0.01);
  EXPECT_NEAR(*t.serviceLevel(), sl, 0.02);
  EXPECT_NEAR(*t.asaSeconds(), asa, 0.10 * asa);
  EXPECT_NEAR(*t.ahtSeconds(), 180, 2);
  EXPECT_NEAR(*t.occupancy(), 10.0 / 14, 0.01);
  EXPECT_EQ(t.abandoned, 0);
  RecordProperty("sim_service_level", std::to_string(*t.serviceLevel()));
  RecordProperty("sim_asa_s", std::to_string(*t.asaSeconds()));
  std::printf("Erlang C: SL %.4f ASA %.2f s | simulated: SL %.4f ASA %.2f s (%lld answered)\n", sl,
              asa, *t.serviceLevel(), *t.asaSeconds(), static_cast<long long>(t.answered));
}

// With exponential patience the abandonment rate is Erlang A's; and it goes
// down with more agents and up with less patience (same callers in every
// run: common random numbers make the comparison exact, not noisy).
TEST(Simulator, AbandonmentMatchesErlangA) {
  auto rate = [](int agents, double patience) {
    SimConfig c = mmn(agents, 600);
    c.patience_s = patience;
    c.metrics.short_abandon = 0;  // Erlang A counts every abandonment
    return *run(c).metrics.total.abandonmentRate();
  };
  double previous = 1;
  for (int n : {10, 11, 12}) {
    const double sim = rate(n, 120);
    const double model = erlangAModel(n, 120);
    std::printf("Erlang A, %d agents, patience 120 s: model %.4f, simulated %.4f\n", n, model, sim);
    EXPECT_NEAR(sim, model, 0.10 * model) << n << " agents";
    EXPECT_LT(sim, previous) << "more agents, fewer abandons";
    previous = sim;
  }
  const double impatient = rate(11, 60);
  EXPECT_NEAR(impatient, erlangAModel(11, 60), 0.10 * erlangAModel(11, 60));
  EXPECT_GT(impatient, rate(11, 120)) << "less patience, more abandons";
}

TEST(Simulator, InfinitePatienceAndEnoughAgentsLoseNobody) {
  SimConfig c = mmn(12, 50);
  const auto r = run(c);
  EXPECT_EQ(r.metrics.total.abandoned + r.metrics.total.short_abandons, 0);
  EXPECT_EQ(r.metrics.total.rejected, 0);
  EXPECT_GT(r.events, 3 * static_cast<std::uint64_t>(r.metrics.total.answered));
}

TEST(Simulator, BusinessHoursRejectOutsideAndStaffOnlyWhileOpen) {
  auto cal = calendar::BusinessCalendar::create(calendar::CalendarSpec::hotlineDefault());
  ASSERT_TRUE(cal.ok());
  SimConfig c = mmn(14, 7 * 24);  // Monday 07:30 to next Monday 07:30
  c.calendar = &*cal;
  c.closed_arrivals_per_hour = 20;
  c.patience_s = 300;
  const auto r = run(c);
  const auto& t = r.metrics.total;
  // 5 days of 10 open hours; the rest (118 h) closed at 20 calls/h.
  EXPECT_NEAR(static_cast<double>(t.offered + t.short_abandons), 200.0 * 50,
              4 * std::sqrt(200.0 * 50));
  EXPECT_NEAR(static_cast<double>(t.rejected), 20.0 * 118, 4 * std::sqrt(20.0 * 118));
  // Agents are logged in only while open (they may finish a call after closing).
  const double staffed_h = static_cast<double>(t.staffedMs()) / 3.6e6;
  EXPECT_GT(staffed_h, 14 * 50 * 0.99);
  EXPECT_LT(staffed_h, 14 * 50 * 1.01);
  // Nothing is offered at night: every answered call arrived in an open half hour.
  for (const auto& [h, s] : r.metrics.half_hours) {
    const Millis start = metrics::halfHourStart(h, 420);
    const bool open = cal->isOpen(calendar::TimePoint{std::chrono::seconds{start / 1000}});
    if (!open) {
      EXPECT_EQ(s.answered, 0) << metrics::halfHourLabel(h, 420);
    }
  }
  ASSERT_FALSE(r.metrics.half_hours.empty());
  EXPECT_EQ(metrics::halfHourLabel(r.metrics.half_hours.begin()->first, 420),
            "2026-01-05T07:30+07:00");
}

TEST(Simulator, SelfServiceDeflectsItsShare) {
  SimConfig c = mmn(12, 200);
  c.self_service = 0.25;
  const auto t = run(c).metrics.total;
  EXPECT_NEAR(static_cast<double>(t.self_service) / static_cast<double>(t.arrivals), 0.25, 0.01);
  EXPECT_EQ(t.offered + t.self_service, t.arrivals);
  // A quarter less traffic: occupancy 7.5 / 12 erlangs.
  EXPECT_NEAR(*t.occupancy(), 7.5 / 12, 0.02);
}

// A caller whose patience runs out after 30 s asks for a callback instead of
// hanging up. The callback keeps its place in line, so the workload stays:
// only abandons after 30 s disappear (the quicker ones are as before or more).
TEST(Simulator, CallbacksReplaceLateAbandonsAndAreServedLater) {
  SimConfig c = mmn(11, 300);
  c.patience_s = 120;
  c.metrics.service_target = 30000;  // "within target" = within the 30 s
  const auto without = run(c).metrics.total;
  c.callback_after_s = 30;
  const auto with = run(c).metrics.total;
  EXPECT_EQ(without.callbacks_requested, 0);
  EXPECT_GT(without.abandoned - without.abandoned_within_target, 1000);
  EXPECT_GT(with.callbacks_requested, 1000);
  EXPECT_EQ(with.abandoned, with.abandoned_within_target) << "nobody hangs up after 30 s";
  // Served later, in line: all but those still waiting when the run ends.
  EXPECT_GT(with.callbacks_served, with.callbacks_requested * 99 / 100);
  EXPECT_EQ(with.offered, with.answered + with.abandoned + with.callbacks_requested);
}

TEST(Simulator, LognormalHandlingTimeKeepsItsMeanAndWrapUp) {
  SimConfig c = mmn(14, 300);
  c.distribution = HandleDistribution::lognormal;
  c.aht_cv = 0.6;
  c.wrap_up_s = 30;
  c.answer_delay_s = 2;
  const auto t = run(c).metrics.total;
  EXPECT_NEAR(*t.ahtSeconds(), 180, 3);
  EXPECT_NEAR(static_cast<double>(t.wrap_ms) / static_cast<double>(t.handled), 30000, 1);
  // Every answer comes 2 s after the offer.
  EXPECT_GE(*t.asaSeconds(), 2.0);
}

TEST(Simulator, DemandCurveAndRosterPerHalfHour) {
  HalfHourly demand{};
  std::array<int, 48> roster{};
  for (int slot = 16; slot < 20; ++slot) {  // 08:00-10:00
    demand[slot] = 100;                     // calls per half hour, i.e. 200 per hour
    roster[slot] = 14;
  }
  SimConfig c;
  c.demand = demand;
  c.roster = roster;
  c.answer_delay_s = 0;
  c.aht_s = 180;
  c.hours = 24 * 20;  // 20 days
  const auto r = run(c);
  const auto& t = r.metrics.total;
  // 20 days x 400 calls, all between 08:00 and 10:00.
  EXPECT_NEAR(static_cast<double>(t.arrivals), 8000, 4 * std::sqrt(8000.0));
  for (const auto& [h, s] : r.metrics.half_hours) {
    const int slot = static_cast<int>(((h % 48) + 48) % 48);
    if (slot < 16 || slot >= 20) {
      EXPECT_EQ(s.arrivals, 0) << metrics::halfHourLabel(h, 420);
    }
  }
  // 14 agents for 2 hours a day (plus calls that run past 10:00: they finish them).
  const double staffed_h = static_cast<double>(t.staffedMs()) / 3.6e6;
  EXPECT_GT(staffed_h, 14 * 2 * 20 * 0.99);
  EXPECT_LT(staffed_h, 14 * 2 * 20 * 1.05);
}

TEST(Simulator, NobodyStaffedEveryoneHangsUp) {
  SimConfig c = mmn(0, 20);
  c.patience_s = 60;
  const auto r = run(c);
  const auto& t = r.metrics.total;
  EXPECT_EQ(t.answered, 0);
  EXPECT_EQ(t.abandoned + t.short_abandons + r.metrics.in_progress, t.arrivals);
  EXPECT_FALSE(t.occupancy().has_value());
}

TEST(Simulator, RosterWithBusinessHours) {
  auto cal = calendar::BusinessCalendar::create(calendar::CalendarSpec::hotlineDefault());
  ASSERT_TRUE(cal.ok());
  std::array<int, 48> roster{};
  for (int slot = 0; slot < 48; ++slot) roster[slot] = slot < 24 ? 12 : 16;  // more after noon
  SimConfig c = mmn(0, 24);  // Monday 07:30 to Tuesday 07:30: one open day
  c.roster = roster;
  c.calendar = &*cal;
  c.patience_s = 180;
  const auto r = run(c);
  // 07:30-12:00 with 12 agents, 12:00-17:30 with 16: 4.5 x 12 + 5.5 x 16 = 142 agent-hours.
  const double staffed_h = static_cast<double>(r.metrics.total.staffedMs()) / 3.6e6;
  EXPECT_GT(staffed_h, 142 * 0.99);
  EXPECT_LT(staffed_h, 142 * 1.02);
  EXPECT_NEAR(static_cast<double>(r.metrics.total.arrivals), 2000, 4 * std::sqrt(2000.0));
}

TEST(Simulator, ObserverSeesEveryEngineEvent) {
  SimConfig c = mmn(5, 5);
  std::uint64_t seen = 0;
  c.on_event = [&](const routing::Event&, Millis) { ++seen; };
  const auto r = run(c);
  EXPECT_EQ(seen, r.events);
  EXPECT_GT(r.steps, 0u);
}

TEST(Simulator, ValidationNamesTheField) {
  SimConfig c;
  c.self_service = 1.5;
  auto s = validate(c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "self_service");
  c = SimConfig{};
  c.wrap_up_s = 200;  // more than the AHT
  EXPECT_EQ(validate(c).error().field, "wrap_up_s");
  c = SimConfig{};
  c.hours = 0;
  EXPECT_EQ(validate(c).error().field, "hours");
  c = SimConfig{};
  c.distribution = HandleDistribution::lognormal;
  c.aht_cv = 0;
  EXPECT_EQ(validate(c).error().field, "aht_cv");
  EXPECT_FALSE(simulate(c).ok());
  c = SimConfig{};
  c.answer_delay_s = 15;  // the ring timeout is 15 s: no offer could be answered
  EXPECT_EQ(validate(c).error().field, "answer_delay_s");
  EXPECT_TRUE(validate(SimConfig{}).ok());
}

TEST(Simulator, ParsesHalfHourlyCsv) {
  auto ok = parseHalfHourlyCsv("thoi_gian,so_cuoc\n07:30,40\n08:00, 55.5 # cao điểm\n\n17:00;3\n");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)[15], 40);
  EXPECT_EQ((*ok)[16], 55.5);
  EXPECT_EQ((*ok)[34], 3);
  EXPECT_EQ((*ok)[0], 0);
  auto bad = parseHalfHourlyCsv("07:30,40\n07:45,10\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "line 2");
  EXPECT_FALSE(parseHalfHourlyCsv("07:30,-1\n").ok());
  EXPECT_FALSE(parseHalfHourlyCsv("07:30,1\n07:30,2\n").ok());
  EXPECT_FALSE(parseHalfHourlyCsv("07:30\n").ok());
}

}  // namespace
}  // namespace tongdai::core::simulation
