// Metrics on hand-written event logs (every figure checked by hand), and on
// records derived from a real Engine run.
#include "core/metrics/metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace tongdai::core::metrics {
namespace {

using routing::AgentState;

// 2026-01-05 (a Monday) 00:00 in Hà Nội (UTC+7), as unix ms.
constexpr Millis kMidnight = 1767546000000;

Millis at(int h, int m, int s = 0) { return kMidnight + ((h * 60 + m) * 60 + s) * 1000LL; }

Record rec(Millis t, RecordKind kind, std::string contact, std::string queue = "",
           std::string agent = "") {
  Record r;
  r.at = t;
  r.kind = kind;
  r.contact = std::move(contact);
  r.queue = std::move(queue);
  r.agent = std::move(agent);
  return r;
}

Record state(Millis t, std::string agent, AgentState s) {
  Record r;
  r.at = t;
  r.kind = RecordKind::agent_state;
  r.agent = std::move(agent);
  r.state = s;
  return r;
}

// A call through its whole life: arrival, offer, answer, end.
void call(std::vector<Record>& log, const std::string& id, Millis arrive, Millis answer, Millis end,
          const std::string& agent) {
  log.push_back(rec(arrive, RecordKind::arrival, id, "q"));
  log.push_back(rec(answer, RecordKind::offer, id, "q", agent));
  log.push_back(rec(answer, RecordKind::answer, id, "", agent));
  log.push_back(rec(end, RecordKind::end, id));
}

void sortByTime(std::vector<Record>& log) {
  std::stable_sort(log.begin(), log.end(),
                   [](const Record& a, const Record& b) { return a.at < b.at; });
}

TEST(Metrics, ServiceLevelVariantsAsaAndShortAbandons) {
  std::vector<Record> log;
  call(log, "c1", at(8, 0, 0), at(8, 0, 10), at(8, 3, 10), "a1");  // waited 10 s: within 20 s
  call(log, "c2", at(8, 0, 5), at(8, 0, 35), at(8, 4, 0), "a2");   // waited 30 s
  log.push_back(rec(at(8, 1, 0), RecordKind::arrival, "c3", "q"));
  log.push_back(rec(at(8, 1, 3), RecordKind::abandon, "c3"));  // 3 s: a short abandon
  log.push_back(rec(at(8, 1, 0), RecordKind::arrival, "c4", "q"));
  log.push_back(rec(at(8, 1, 15), RecordKind::abandon, "c4"));  // 15 s: abandoned within T
  log.push_back(rec(at(8, 2, 0), RecordKind::arrival, "c5", "q"));
  log.push_back(rec(at(8, 2, 40), RecordKind::abandon, "c5"));  // 40 s: abandoned after T
  log.push_back(rec(at(8, 3, 0), RecordKind::arrival, "c6", "q"));
  log.push_back(rec(at(8, 3, 0), RecordKind::reject, "c6"));
  log.push_back(rec(at(8, 3, 30), RecordKind::self_service, "c7", "q"));
  sortByTime(log);

  const Metrics m = computeMetrics(log, at(8, 30));
  const Stats& t = m.total;
  EXPECT_EQ(t.arrivals, 7);
  EXPECT_EQ(t.offered, 4);  // 2 answered + 2 abandoned; not the short abandon, rejection, IVR
  EXPECT_EQ(t.answered, 2);
  EXPECT_EQ(t.abandoned, 2);
  EXPECT_EQ(t.short_abandons, 1);
  EXPECT_EQ(t.rejected, 1);
  EXPECT_EQ(t.self_service, 1);
  EXPECT_DOUBLE_EQ(*t.serviceLevel(), 1.0 / 2);                     // within T / answered
  EXPECT_DOUBLE_EQ(*t.serviceLevelWithAbandons(), 1.0 / 4);         // ... / (answered + abandoned)
  EXPECT_DOUBLE_EQ(*t.serviceLevelAbandonsAfterTarget(), 1.0 / 3);  // c4 left within T
  EXPECT_DOUBLE_EQ(*t.asaSeconds(), 20.0);                          // (10 + 30) / 2
  EXPECT_DOUBLE_EQ(*t.abandonmentRate(), 2.0 / 4);
  EXPECT_EQ(t.max_wait_ms, 40000);
  EXPECT_EQ(m.queues.at("q").offered, 4);
  EXPECT_EQ(m.in_progress, 0);

  // A longer short-abandon threshold turns c4 (15 s) into a short abandon as well.
  MetricsOptions lenient;
  lenient.short_abandon = 20000;
  const Metrics m2 = computeMetrics(log, at(8, 30), lenient);
  EXPECT_EQ(m2.total.short_abandons, 2);
  EXPECT_EQ(m2.total.offered, 3);
}

TEST(Metrics, RatiosAreEmptyWithoutADenominator) {
  const Metrics m = computeMetrics({}, at(9, 0));
  EXPECT_FALSE(m.total.serviceLevel().has_value());
  EXPECT_FALSE(m.total.asaSeconds().has_value());
  EXPECT_FALSE(m.total.occupancy().has_value());
  const auto j = metricsToJson(m);
  EXPECT_TRUE(j["total"]["service_level"].is_null());
  EXPECT_EQ(j["total"]["offered"], 0);
}

TEST(Metrics, AhtCountsTalkAndWrapUpAndOccupancyExcludesNotReady) {
  std::vector<Record> log;
  log.push_back(state(at(7, 50), "a1", AgentState::not_ready));  // logged in, not ready: 10 min
  log.push_back(state(at(8, 0), "a1", AgentState::ready));
  log.push_back(rec(at(8, 10), RecordKind::arrival, "c1", "q"));
  log.push_back(rec(at(8, 10), RecordKind::offer, "c1", "q", "a1"));
  log.push_back(state(at(8, 10), "a1", AgentState::reserved));
  log.push_back(rec(at(8, 10, 5), RecordKind::answer, "c1", "", "a1"));
  log.push_back(state(at(8, 10, 5), "a1", AgentState::busy));
  // The engine reports the agent's wrap-up before the contact's end: order must not matter.
  log.push_back(state(at(8, 13, 5), "a1", AgentState::wrap_up));
  log.push_back(rec(at(8, 13, 5), RecordKind::end, "c1"));
  log.push_back(state(at(8, 13, 35), "a1", AgentState::ready));
  log.push_back(state(at(8, 30), "a1", AgentState::logged_out));

  const Metrics m = computeMetrics(log, at(9, 0));
  const Stats& t = m.total;
  EXPECT_EQ(t.handled, 1);
  EXPECT_EQ(t.talk_ms, 180000);
  EXPECT_EQ(t.wrap_ms, 30000);
  EXPECT_DOUBLE_EQ(*t.ahtSeconds(), 210.0);
  EXPECT_DOUBLE_EQ(*t.asaSeconds(), 5.0);
  // Staffed 08:00-08:30 (1800 s): reserved 5 + busy 180 + wrap-up 30 = 215 s occupied.
  EXPECT_EQ(t.not_ready_ms, 600000);
  EXPECT_EQ(t.staffedMs(), 1800000);
  EXPECT_DOUBLE_EQ(*t.occupancy(), 215.0 / 1800);
  const Stats& a1 = m.agents.at("a1");
  EXPECT_DOUBLE_EQ(*a1.occupancy(), 215.0 / 1800);
  EXPECT_EQ(a1.answered, 1);
  EXPECT_DOUBLE_EQ(*a1.ahtSeconds(), 210.0);
  EXPECT_EQ(m.queues.at("q").wrap_ms, 30000);
}

TEST(Metrics, HalfHoursAreLocalAndStartAt0730) {
  EXPECT_EQ(halfHourStart(halfHourOf(at(7, 30), 420), 420), at(7, 30));
  EXPECT_EQ(halfHourStart(halfHourOf(at(7, 29, 59), 420), 420), at(7, 0));
  EXPECT_EQ(halfHourLabel(halfHourOf(at(7, 30), 420), 420), "2026-01-05T07:30+07:00");
  EXPECT_EQ(at(7, 30), 1767573000000);  // 00:30 UTC

  std::vector<Record> log;
  log.push_back(state(at(7, 20), "a1", AgentState::ready));  // ready 07:20-07:40: split 10 + 10 min
  log.push_back(rec(at(7, 29, 59), RecordKind::arrival, "early", "q"));
  log.push_back(rec(at(7, 30, 0), RecordKind::arrival, "open", "q"));
  log.push_back(rec(at(7, 30, 30), RecordKind::answer, "early", "", "a1"));
  log.push_back(state(at(7, 30, 30), "a1", AgentState::busy));
  log.push_back(rec(at(7, 31, 0), RecordKind::abandon, "open"));  // 60 s wait
  log.push_back(rec(at(7, 40, 0), RecordKind::end, "early"));
  log.push_back(state(at(7, 40), "a1", AgentState::ready));
  const Metrics m = computeMetrics(log, at(7, 40));
  ASSERT_EQ(m.half_hours.size(), 2u);
  const auto& first = *m.half_hours.begin();
  const auto& second = *std::next(m.half_hours.begin());
  EXPECT_EQ(halfHourLabel(first.first, 420), "2026-01-05T07:00+07:00");
  EXPECT_EQ(halfHourLabel(second.first, 420), "2026-01-05T07:30+07:00");
  // A contact counts in the half hour it arrived in, even if answered in the next one.
  EXPECT_EQ(first.second.answered, 1);
  EXPECT_EQ(first.second.handled, 1);
  EXPECT_EQ(second.second.abandoned, 1);
  EXPECT_EQ(second.second.answered, 0);
  // Agent time splits at 07:30.
  EXPECT_EQ(first.second.ready_ms, 600000);
  EXPECT_EQ(second.second.ready_ms, 30000);
  EXPECT_EQ(second.second.busy_ms, 570000);
  EXPECT_EQ(m.total.staffedMs(), 1200000);

  const auto j = metricsToJson(m);
  EXPECT_EQ(j["half_hours"][1]["start"], "2026-01-05T07:30+07:00");
  EXPECT_EQ(j["half_hours"][1]["abandoned"], 1);
}

TEST(Metrics, CallbacksCountOnceAndTheirServiceCountsInAht) {
  std::vector<Record> log;
  log.push_back(rec(at(9, 0), RecordKind::arrival, "c1", "q"));
  log.push_back(rec(at(9, 1), RecordKind::callback, "c1"));
  log.push_back(rec(at(9, 20), RecordKind::offer, "c1", "q", "a1"));
  log.push_back(rec(at(9, 20, 10), RecordKind::answer, "c1", "", "a1"));
  log.push_back(rec(at(9, 23, 10), RecordKind::end, "c1"));
  const Metrics m = computeMetrics(log, at(10, 0));
  EXPECT_EQ(m.total.offered, 1);
  EXPECT_EQ(m.total.callbacks_requested, 1);
  EXPECT_EQ(m.total.callbacks_served, 1);
  EXPECT_EQ(m.total.answered, 0);  // its wait ended with the request: not in SL or ASA
  EXPECT_EQ(m.total.handled, 1);
  EXPECT_DOUBLE_EQ(*m.total.ahtSeconds(), 180.0);
}

TEST(Metrics, FinishLeavesTheCollectorAsItWas) {
  MetricsCollector c;
  c.add(state(at(8, 0), "a1", AgentState::ready));
  c.add(rec(at(8, 0), RecordKind::arrival, "c1", "q"));
  const Metrics m1 = c.finish(at(8, 10));
  const Metrics m2 = c.finish(at(8, 10));
  EXPECT_EQ(metricsToJsonString(m1), metricsToJsonString(m2));
  EXPECT_EQ(m1.in_progress, 1);
  EXPECT_EQ(m1.total.ready_ms, 600000);
  c.add(rec(at(8, 20), RecordKind::abandon, "c1"));
  const Metrics m3 = c.finish(at(8, 30));
  EXPECT_EQ(m3.total.abandoned, 1);
  EXPECT_EQ(m3.total.ready_ms, 1800000);
}

// The same metrics from what the engine was told and what it decided.
TEST(Metrics, RecordsFromTheEngine) {
  routing::QueueConfig q;
  q.id = "q";
  q.wrap_up = 5000;
  routing::Config cfg;
  cfg.queues = {q};
  routing::Engine engine(cfg);
  engine.setAgent({"a1", {}, 3, 2});
  std::vector<Record> log;
  auto feed = [&](Millis t, const routing::Event& e) { toRecords(e, engine.handle(e, t), t, log); };
  const Millis t0 = at(10, 0);
  feed(t0, routing::AgentLogin{"a1"});
  feed(t0, routing::AgentReady{"a1"});
  feed(t0 + 1000, routing::ContactArrived{"c1", "q"});  // offered to a1 at once
  feed(t0 + 2000, routing::ContactArrived{"c2", "q"});  // waits
  feed(t0 + 3000, routing::OfferAnswered{"c1", "a1"});
  feed(t0 + 3000, routing::OfferAnswered{"c1", "a1"});  // refused: no second answer record
  feed(t0 + 30000, routing::ContactAbandoned{"c2"});    // waited 28 s
  feed(t0 + 63000, routing::ContactEnded{"c1"});        // talk 60 s, then 5 s wrap-up
  feed(t0 + 68000, routing::Tick{});
  feed(t0 + 70000, routing::ContactArrived{"c3", "nowhere"});  // rejected: unknown queue

  const Metrics m = computeMetrics(log, t0 + 70000);
  EXPECT_EQ(m.total.answered, 1);
  EXPECT_EQ(m.total.abandoned, 1);
  EXPECT_EQ(m.total.rejected, 1);
  EXPECT_EQ(m.total.offered, 2);
  EXPECT_DOUBLE_EQ(*m.total.asaSeconds(), 2.0);
  EXPECT_DOUBLE_EQ(*m.total.ahtSeconds(), 65.0);
  EXPECT_DOUBLE_EQ(*m.total.serviceLevel(), 1.0);
  // Ready 1 s, reserved 2 s, busy 60 s, wrap-up 5 s, ready 2 s.
  EXPECT_EQ(m.total.staffedMs(), 70000);
  EXPECT_DOUBLE_EQ(*m.total.occupancy(), 67.0 / 70);
  EXPECT_EQ(m.agents.at("a1").answered, 1);
  EXPECT_EQ(m.agents.at("a1").offers, 1);
}

}  // namespace
}  // namespace tongdai::core::metrics
