#include "core/planning/erlang.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace tongdai::core::planning {
namespace {

// The textbook example (e.g. Call Centre Helper's Erlang C worked example):
// 100 calls per 30 minutes, AHT 3 minutes, 20 s target — 10 Erlangs.
Load example() {
  Load load;
  load.arrivals_per_hour = 200;
  load.aht_s = 180;
  load.target_s = 20;
  return load;
}

Metrics ok(const Result<Metrics>& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().code + ": " + r.error().message_en);
  return r.ok() ? r.value() : Metrics{};
}

bool finite(const Metrics& m) {
  return std::isfinite(m.service_level) && std::isfinite(m.service_level_answered) &&
         std::isfinite(m.p_wait) && std::isfinite(m.asa_s) && std::isfinite(m.occupancy) &&
         std::isfinite(m.abandon_rate.value_or(0));
}

TEST(ErlangB, KnownValue) {
  // 10 Erlangs on 14 trunks: 0.0568 in every Erlang B table.
  EXPECT_NEAR(erlangB(14, 10), 0.0568, 5e-5);
  EXPECT_DOUBLE_EQ(erlangB(0, 3), 1.0);
}

TEST(ErlangC, PublishedExample) {
  Metrics m = ok(erlangC(example(), 14));
  EXPECT_EQ(m.model, Model::kErlangC);
  EXPECT_EQ(m.agents, 14);
  EXPECT_DOUBLE_EQ(m.offered_erlangs, 10.0);
  EXPECT_NEAR(m.p_wait, 0.1741, 5e-4);
  EXPECT_NEAR(m.service_level, 0.888, 5e-4);
  EXPECT_NEAR(m.asa_s, 7.8, 0.05);
  EXPECT_NEAR(m.occupancy, 10.0 / 14.0, 1e-12);
  EXPECT_EQ(m.service_level_answered, m.service_level);
  EXPECT_FALSE(m.abandon_rate.has_value());
  EXPECT_FALSE(m.unstable);
}

TEST(ErlangC, SmallestAgentsFor80In20) {
  Metrics m = ok(smallestAgents(example(), Goal{}));
  EXPECT_EQ(m.agents, 14);
  EXPECT_NEAR(m.service_level, 0.888, 5e-4);
  // 13 agents fall short of 80 %.
  Metrics below = ok(erlangC(example(), 13));
  EXPECT_LT(below.service_level, 0.8);
  EXPECT_NEAR(below.service_level, 0.796, 5e-4);
}

TEST(ErlangC, SmallestAgentsWithAsaAndStricterTargets) {
  Goal goal;
  goal.service_level = 0.95;
  Metrics m = ok(smallestAgents(example(), goal));
  EXPECT_GE(m.service_level, 0.95);
  EXPECT_LT(ok(erlangC(example(), m.agents - 1)).service_level, 0.95);

  goal = Goal{};
  goal.max_asa_s = 2;
  m = ok(smallestAgents(example(), goal));
  EXPECT_LE(m.asa_s, 2);
  EXPECT_GT(ok(erlangC(example(), m.agents - 1)).asa_s, 2);
}

TEST(ErlangC, MonotoneInAgents) {
  Metrics prev = ok(erlangC(example(), 11));
  for (int n = 12; n <= 40; ++n) {
    Metrics m = ok(erlangC(example(), n));
    EXPECT_GT(m.service_level, prev.service_level) << n;
    EXPECT_LT(m.p_wait, prev.p_wait) << n;
    EXPECT_LT(m.asa_s, prev.asa_s) << n;
    EXPECT_LT(m.occupancy, prev.occupancy) << n;
    prev = m;
  }
}

TEST(ErlangC, UnstableWhenAgentsDoNotExceedLoad) {
  for (int n : {0, 5, 10}) {
    Metrics m = ok(erlangC(example(), n));
    EXPECT_TRUE(m.unstable) << n;
    EXPECT_EQ(m.p_wait, 1);
    EXPECT_EQ(m.service_level, 0);
    EXPECT_TRUE(std::isinf(m.asa_s));
  }
}

TEST(ErlangC, NoCallsNeedNoAgents) {
  Load load = example();
  load.arrivals_per_hour = 0;
  Metrics m = ok(smallestAgents(load, Goal{}));
  EXPECT_EQ(m.agents, 0);
  EXPECT_EQ(m.service_level, 1);
  EXPECT_EQ(m.p_wait, 0);
  EXPECT_EQ(m.occupancy, 0);
}

TEST(ErlangC, StableForAThousandAgentsAt95PercentOccupancy) {
  Load load = example();
  load.arrivals_per_hour = 950.0 * 3600.0 / 180.0;  // 950 Erlangs
  Metrics m = ok(erlangC(load, 1000));
  EXPECT_TRUE(finite(m));
  EXPECT_NEAR(m.occupancy, 0.95, 1e-12);
  EXPECT_GT(m.p_wait, 0);
  EXPECT_LT(m.p_wait, 1);
  EXPECT_GT(m.service_level, 0);
  EXPECT_LT(m.service_level, 1);
  // Economies of scale: at 95 % occupancy a large pool still answers most
  // calls at once, which a naive A^N/N! would never get to say.
  // Reference values from the factorial formula in exact arithmetic.
  EXPECT_NEAR(m.p_wait, 0.06825, 5e-5);
  EXPECT_NEAR(m.service_level, 0.99974, 5e-5);
  EXPECT_NEAR(m.asa_s, 0.2457, 5e-4);

  Metrics n = ok(smallestAgents(load, Goal{}));
  EXPECT_GT(n.agents, 950);
  EXPECT_LT(n.agents, 1000);
  EXPECT_TRUE(finite(n));

  load.patience_s = 120;
  Metrics a = ok(erlangA(load, 1000));
  EXPECT_TRUE(finite(a));
  // Simulated M/M/1000+M, 3 × 10^8 calls: p_wait 0.0520, abandon 0.00096.
  EXPECT_NEAR(a.p_wait, 0.0520, 1e-3);
  EXPECT_NEAR(*a.abandon_rate, 0.00096, 5e-5);
  // Callers who hang up within 20 s count against SL, so it sits below Erlang C's.
  EXPECT_LT(a.service_level, m.service_level);
}

TEST(ErlangA, HugePatienceIsErlangC) {
  for (int n : {11, 14, 20}) {
    Load load = example();
    Metrics c = ok(erlangC(load, n));
    load.patience_s = 1e12;
    Metrics a = ok(erlangA(load, n));
    EXPECT_EQ(a.model, Model::kErlangA);
    EXPECT_NEAR(a.p_wait, c.p_wait, 1e-6) << n;
    EXPECT_NEAR(a.service_level, c.service_level, 1e-6) << n;
    EXPECT_NEAR(a.service_level_answered, c.service_level, 1e-6) << n;
    EXPECT_NEAR(a.asa_s, c.asa_s, 1e-6) << n;
    EXPECT_NEAR(a.occupancy, c.occupancy, 1e-6) << n;
    EXPECT_NEAR(*a.abandon_rate, 0, 1e-6) << n;
  }
  Load load = example();
  load.arrivals_per_hour = 950.0 * 3600.0 / 180.0;
  Metrics c = ok(erlangC(load, 1000));
  load.patience_s = 1e12;
  Metrics a = ok(erlangA(load, 1000));
  EXPECT_NEAR(a.p_wait, c.p_wait, 1e-6);
  EXPECT_NEAR(a.service_level, c.service_level, 1e-6);
  EXPECT_NEAR(a.asa_s, c.asa_s, 1e-6);
}

// Reference: a discrete-event simulation of M/M/N+M (2 × 10^8 calls), which
// agrees with the formulas to the 4th decimal; tolerances are a few times its
// sampling error.
TEST(ErlangA, MatchesSimulation) {
  Load load = example();
  load.patience_s = 120;
  Metrics m = ok(erlangA(load, 12));
  EXPECT_NEAR(m.p_wait, 0.2798, 5e-4);
  EXPECT_NEAR(*m.abandon_rate, 0.0616, 5e-4);
  EXPECT_NEAR(m.service_level, 0.8256, 5e-4);
  EXPECT_NEAR(m.service_level_answered, 0.8798, 5e-4);
  EXPECT_NEAR(m.asa_s, 6.33, 0.02);
  EXPECT_NEAR(m.occupancy, 0.7820, 5e-4);

  load.patience_s = 30;
  load.target_s = 10;
  m = ok(erlangA(load, 9));
  EXPECT_NEAR(m.p_wait, 0.4468, 5e-4);
  EXPECT_NEAR(*m.abandon_rate, 0.2318, 5e-4);
  EXPECT_NEAR(m.service_level, 0.6416, 5e-4);
  EXPECT_NEAR(m.service_level_answered, 0.8352, 5e-4);
  EXPECT_NEAR(m.asa_s, 4.71, 0.02);
}

TEST(ErlangA, InfinitePatienceIsErlangC) {
  Load load = example();
  load.patience_s = INFINITY;
  Metrics a = ok(erlangA(load, 14));
  EXPECT_NEAR(a.p_wait, 0.1741, 5e-4);
  EXPECT_EQ(*a.abandon_rate, 0);
}

TEST(ErlangA, AbandonmentRisesAsPatienceFalls) {
  double prev = 0;
  for (double patience : {3600.0, 600.0, 300.0, 120.0, 60.0, 30.0, 10.0}) {
    Load load = example();
    load.patience_s = patience;
    Metrics m = ok(erlangA(load, 12));
    ASSERT_TRUE(m.abandon_rate);
    EXPECT_GT(*m.abandon_rate, prev) << patience;
    EXPECT_LT(*m.abandon_rate, 1);
    EXPECT_LE(m.service_level, m.service_level_answered);
    EXPECT_TRUE(finite(m));
    prev = *m.abandon_rate;
  }
}

TEST(ErlangA, StableBelowTheLoad) {
  // Abandonment keeps the queue finite even with fewer agents than Erlangs.
  Load load = example();
  load.patience_s = 60;
  for (int n : {0, 5, 9, 10}) {
    Metrics m = ok(erlangA(load, n));
    EXPECT_FALSE(m.unstable);
    EXPECT_TRUE(finite(m) || n == 0) << n;
    EXPECT_GT(*m.abandon_rate, 0) << n;
    EXPECT_LE(m.occupancy, 1);
  }
  Metrics none = ok(erlangA(load, 0));
  EXPECT_EQ(none.service_level, 0);
  EXPECT_NEAR(*none.abandon_rate, 1, 1e-12);
}

TEST(ErlangA, MonotoneInAgents) {
  Load load = example();
  load.patience_s = 90;
  Metrics prev = ok(erlangA(load, 6));
  for (int n = 7; n <= 25; ++n) {
    Metrics m = ok(erlangA(load, n));
    EXPECT_GT(m.service_level, prev.service_level) << n;
    EXPECT_LT(*m.abandon_rate, *prev.abandon_rate) << n;
    EXPECT_LT(m.asa_s, prev.asa_s) << n;
    prev = m;
  }
}

TEST(ErlangA, SmallestAgentsMeetsEveryBound) {
  Load load = example();
  load.patience_s = 120;
  Goal goal;
  goal.max_abandon_rate = 0.01;
  Metrics m = ok(smallestAgents(load, goal));
  EXPECT_GE(m.service_level, 0.8);
  EXPECT_LE(*m.abandon_rate, 0.01);
  Metrics fewer = ok(erlangA(load, m.agents - 1));
  EXPECT_TRUE(fewer.service_level < 0.8 || *fewer.abandon_rate > 0.01);
}

TEST(ErlangA, OverloadWithLongPatienceIsRefusedNotOverflowed) {
  Load load = example();
  load.patience_s = 1e12;
  Result<Metrics> r = erlangA(load, 9);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "planning_state_limit");
  // ... while the search simply steps past such headcounts.
  Metrics m = ok(smallestAgents(load, Goal{}));
  EXPECT_EQ(m.agents, 14);
}

TEST(Planning, BadInputs) {
  auto code = [](const Result<Metrics>& r) { return r.ok() ? std::string("ok") : r.error().code; };
  Load load = example();
  load.aht_s = 0;
  EXPECT_EQ(code(erlangC(load, 14)), "planning_aht_not_positive");
  load.aht_s = -5;
  EXPECT_EQ(code(erlangC(load, 14)), "planning_aht_not_positive");
  load.aht_s = NAN;
  EXPECT_EQ(code(erlangC(load, 14)), "planning_aht_not_positive");

  load = example();
  load.arrivals_per_hour = -1;
  EXPECT_EQ(code(erlangC(load, 14)), "planning_arrivals_negative");
  Result<Metrics> r = erlangC(load, 14);
  EXPECT_EQ(r.error().field, "arrivals_per_hour");
  EXPECT_FALSE(r.error().message_vi.empty());

  load = example();
  load.target_s = -1;
  EXPECT_EQ(code(erlangC(load, 14)), "planning_target_negative");
  EXPECT_EQ(code(smallestAgents(load, Goal{})), "planning_target_negative");

  load = example();
  EXPECT_EQ(code(erlangC(load, -1)), "planning_agents_negative");
  EXPECT_EQ(code(erlangA(load, 14)), "planning_patience_missing");
  load.patience_s = 0;
  EXPECT_EQ(code(erlangA(load, 14)), "planning_patience_not_positive");

  load = example();
  for (double sl : {0.0, 1.0, -0.2, 80.0}) {
    Goal goal;
    goal.service_level = sl;
    EXPECT_EQ(code(smallestAgents(load, goal)), "planning_service_level_range") << sl;
  }
  Goal goal;
  goal.max_abandon_rate = 1.5;
  EXPECT_EQ(code(smallestAgents(load, goal)), "planning_abandon_range");
  goal = Goal{};
  goal.max_asa_s = 0;
  EXPECT_EQ(code(smallestAgents(load, goal)), "planning_asa_not_positive");
}

TEST(Staffing, HalfHourDemandCurve) {
  std::vector<DemandRow> demand{
      {"07:30", 0, 180}, {"08:00", 100, 180}, {"08:30", 150, 200}, {"09:00", 40, 240}};
  StaffingOptions options;
  options.target_s = 20;
  Result<std::vector<StaffingRow>> rows = staffDemand(demand, options);
  ASSERT_TRUE(rows.ok()) << rows.error().message_en;
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].agents, 0);
  EXPECT_EQ((*rows)[1].demand.start, "08:00");
  EXPECT_EQ((*rows)[1].agents, 14);  // the published example again
  EXPECT_EQ((*rows)[1].scheduled_agents, 14);
  for (const StaffingRow& row : *rows) {
    EXPECT_GE(row.metrics.service_level, 0.8);
    EXPECT_EQ(row.metrics.agents, row.agents);
  }

  options.shrinkage = 0.3;  // 14 / 0.7 is exactly 20 on paper
  rows = staffDemand(demand, options);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[1].agents, 14);
  EXPECT_EQ((*rows)[1].scheduled_agents, 20);
  EXPECT_EQ((*rows)[1].metrics.agents, 14);

  options.patience_s = 120;
  rows = staffDemand(demand, options);
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE((*rows)[1].metrics.abandon_rate.has_value());
}

TEST(Staffing, BadRowsNameTheRow) {
  StaffingOptions options;
  Result<std::vector<StaffingRow>> r =
      staffDemand({{"07:30", 10, 180}, {"7h30", 10, 180}}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "planning_start_format");
  EXPECT_NE(r.error().message_vi.find("Dòng 2"), std::string::npos);

  r = staffDemand({{"07:30", -3, 180}}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "planning_arrivals_negative");
  EXPECT_EQ(r.error().field, "arrivals");

  r = staffDemand({{"07:30", 3, 0}}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "planning_aht_not_positive");

  options.shrinkage = 1;
  r = staffDemand({{"07:30", 3, 180}}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "planning_shrinkage_range");
}

}  // namespace
}  // namespace tongdai::core::planning
