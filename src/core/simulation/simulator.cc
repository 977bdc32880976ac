#include "core/simulation/simulator.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <limits>
#include <random>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tongdai::core::simulation {
namespace {

using routing::AgentState;
using routing::Decision;
using routing::Event;

constexpr Millis kHalfHourMs = 30 * 60 * 1000;
constexpr Millis kInfinite = std::numeric_limits<Millis>::max();

// ---- randomness -------------------------------------------------------------
// Own transforms on top of mt19937_64 (whose output the standard fixes), not
// std::*_distribution (whose algorithms are up to each library), so a seed
// means the same run everywhere.

std::uint64_t splitMix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class Stream {
 public:
  Stream(std::uint64_t seed, std::uint64_t stream) : g_(splitMix64(seed ^ splitMix64(stream))) {}
  double uniform() { return static_cast<double>(g_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }
  double normal() {                     // Box-Muller; one value per call keeps the stream simple
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  double lognormal(double mean, double cv) {
    const double s2 = std::log1p(cv * cv);
    return std::exp(std::log(mean) - s2 / 2 + std::sqrt(s2) * normal());
  }

 private:
  std::mt19937_64 g_;
};

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

Millis toMillis(double seconds) { return static_cast<Millis>(std::llround(seconds * 1000.0)); }

Error fieldError(const std::string& field, const std::string& vi, const std::string& en) {
  return makeError("simulation_invalid", vi, en, field);
}

// ---- business hours as spans ------------------------------------------------------

struct Span {
  Millis start, end;  // [start, end) open
};

// The calendar answers "is it open" and "next opening"; the closing of an open
// stretch is the longest k with k open minutes in the next k minutes
// (monotone, so a binary search), capped at a week (then the next stretch
// starts right there and merges).
std::vector<Span> openSpans(const calendar::BusinessCalendar& cal, Millis start, Millis end) {
  using std::chrono::minutes;
  using std::chrono::seconds;
  constexpr std::int64_t kMaxMinutes = 7 * 1440;
  std::vector<Span> spans;
  calendar::TimePoint t{seconds{floorDiv(start, 1000)}};
  const calendar::TimePoint stop{seconds{floorDiv(end, 1000) + 1}};
  while (t < stop) {
    const auto o = cal.nextOpening(t);
    if (!o || *o >= stop) break;
    std::int64_t lo = 0, hi = kMaxMinutes;
    if (cal.businessMinutesBetween(*o, *o + minutes(hi)) == hi) {
      lo = hi;
    } else {
      while (hi - lo > 1) {
        const std::int64_t mid = (lo + hi) / 2;
        (cal.businessMinutesBetween(*o, *o + minutes(mid)) == mid ? lo : hi) = mid;
      }
    }
    const calendar::TimePoint closing = *o + minutes(std::max<std::int64_t>(lo, 1));
    const Millis s = std::max(start, o->time_since_epoch().count() * 1000);
    const Millis e = closing.time_since_epoch().count() * 1000;
    if (!spans.empty() && spans.back().end >= s) {
      spans.back().end = std::max(spans.back().end, e);
    } else {
      spans.push_back({s, e});
    }
    t = closing;
  }
  return spans;
}

// ---- the simulation ------------------------------------------------------------------

enum class Kind : std::uint8_t { arrival, patience, answer, end, tick, open, close, staffing };

struct Pending {
  Millis at;
  std::uint64_t order;  // ties in time: first scheduled, first served (deterministic)
  std::uint64_t contact;
  std::uint32_t gen;
  Kind kind;
  bool operator>(const Pending& o) const { return at != o.at ? at > o.at : order > o.order; }
};

struct Caller {
  enum class Phase : std::uint8_t { waiting, ringing, talking };
  Millis arrived = 0;
  Millis talk = 0;
  std::uint32_t offer_gen = 0;  // which offer a scheduled answer belongs to
  std::uint32_t agent = 0;      // index of the agent it rings at or talks to
  Phase phase = Phase::waiting;
  bool callback = false;
};

struct SimAgent {
  std::string id;
  AgentState state = AgentState::logged_out;
  bool leaving = false;  // asked to log out after the current contact
};

class Simulation {
 public:
  Simulation(const SimConfig& cfg, Millis start, Millis end, std::vector<Span> spans)
      : cfg_(cfg),
        start_(start),
        end_(end),
        spans_(std::move(spans)),
        engine_(engineConfig(cfg)),
        collector_(cfg.metrics),
        arrivals_rng_(cfg.seed, 1),
        talk_rng_(cfg.seed, 2),
        patience_rng_(cfg.seed, 3),
        ivr_rng_(cfg.seed, 4) {
    int n = cfg.agents;
    if (cfg.roster) n = *std::max_element(cfg.roster->begin(), cfg.roster->end());
    const int width = n >= 100 ? 3 : 2;
    for (int i = 0; i < n; ++i) {
      std::string digits = std::to_string(i + 1);
      SimAgent a;
      a.id = "a" +
             std::string(static_cast<std::size_t>(std::max<int>(0, width - digits.size())), '0') +
             digits;
      routing::AgentConfig ac;
      ac.id = a.id;
      engine_.setAgent(ac);
      agents_.push_back(std::move(a));
    }
    answer_delay_ = toMillis(cfg.answer_delay_s);
    callback_after_ = toMillis(cfg.callback_after_s);
    talk_mean_s_ = cfg.aht_s - cfg.wrap_up_s;
  }

  SimResult run() {
    now_ = start_;
    open_ = !cfg_.calendar || (!spans_.empty() && spans_.front().start <= start_);
    if (!open_) feed(routing::QueueOpen{cfg_.queue, false});
    scheduleCalendar();
    applyStaffing();
    if (cfg_.roster) push(nextHalfHour(start_), Kind::staffing);
    scheduleNextArrival(static_cast<double>(start_));
    scheduleTick();
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
      const Pending p = heap_.back();
      heap_.pop_back();
      if (p.at >= end_) break;
      now_ = p.at;
      ++steps_;
      dispatch(p);
      scheduleTick();
    }
    SimResult r;
    r.metrics = collector_.finish(end_);
    r.start = start_;
    r.end = end_;
    r.events = events_;
    r.steps = steps_;
    r.decisions = decisions_;
    r.calls = calls_;
    return r;
  }

 private:
  static routing::Config engineConfig(const SimConfig& cfg) {
    routing::QueueConfig q;
    q.id = cfg.queue;
    q.ring_timeout = cfg.ring_timeout;
    q.wrap_up = toMillis(cfg.wrap_up_s);
    routing::Config c;
    c.queues = {q};
    return c;
  }

  void push(Millis at, Kind kind, std::uint64_t contact = 0, std::uint32_t gen = 0) {
    heap_.push_back({at, ++order_, contact, gen, kind});
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
  }

  Millis nextHalfHour(Millis t) const {
    const int off = cfg_.metrics.utc_offset_minutes;
    return metrics::halfHourStart(metrics::halfHourOf(t, off) + 1, off);
  }

  int halfHourOfDay(Millis t) const {
    const std::int64_t h = metrics::halfHourOf(t, cfg_.metrics.utc_offset_minutes);
    return static_cast<int>(((h % 48) + 48) % 48);
  }

  void dispatch(const Pending& p) {
    switch (p.kind) {
      case Kind::arrival:
        return arrive();
      case Kind::patience:
        return patienceRanOut(p.contact);
      case Kind::answer:
        return answer(p.contact, p.gen);
      case Kind::end:
        return feed(routing::ContactEnded{contactId(p.contact)});
      case Kind::tick:
        if (p.at == tick_at_) tick_at_ = kInfinite;
        if (auto d = engine_.nextDeadline(); d && *d <= now_) {
          last_tick_ = now_;
          feed(routing::Tick{});
        }
        return;
      case Kind::open:
        open_ = true;
        feed(routing::QueueOpen{cfg_.queue, true});
        applyStaffing();
        return scheduleCalendar();
      case Kind::close:
        close();
        return scheduleCalendar();
      case Kind::staffing:
        applyStaffing();
        return push(nextHalfHour(now_), Kind::staffing);
    }
  }

  // ---- arrivals ----

  // Rate (calls per ms) at t and the next instant it may change: a
  // piecewise-constant Poisson rate is sampled exactly by spending one unit
  // exponential across the pieces (memorylessness), no thinning needed.
  std::pair<double, double> rateAt(double t) {
    if (cfg_.demand) {
      const Millis ms = static_cast<Millis>(std::floor(t));
      return {(*cfg_.demand)[halfHourOfDay(ms)] / kHalfHourMs,
              static_cast<double>(nextHalfHour(ms))};
    }
    if (!cfg_.calendar) {
      return {cfg_.arrivals_per_hour / 3.6e6, std::numeric_limits<double>::infinity()};
    }
    while (arrival_span_ < spans_.size() && spans_[arrival_span_].end <= t) ++arrival_span_;
    const bool has = arrival_span_ < spans_.size();
    const bool open = has && spans_[arrival_span_].start <= t;
    const double next = open  ? static_cast<double>(spans_[arrival_span_].end)
                        : has ? static_cast<double>(spans_[arrival_span_].start)
                              : std::numeric_limits<double>::infinity();
    return {(open ? cfg_.arrivals_per_hour : cfg_.closed_arrivals_per_hour) / 3.6e6, next};
  }

  void scheduleNextArrival(double from) {
    double budget = arrivals_rng_.exponential(1.0);
    double t = from;
    while (t < static_cast<double>(end_)) {
      const auto [rate, next] = rateAt(t);
      if (rate > 0 && budget <= rate * (next - t)) {
        arrival_clock_ = t + budget / rate;
        return push(static_cast<Millis>(std::floor(arrival_clock_)), Kind::arrival);
      }
      if (std::isinf(next)) return;  // no more arrivals
      if (rate > 0) budget -= rate * (next - t);
      t = next;
    }
  }

  void arrive() {
    ++calls_;
    // Every caller's draws are made whatever happens to the call, so runs
    // that differ in staffing see the same callers.
    const bool deflected = cfg_.self_service > 0 && ivr_rng_.uniform() < cfg_.self_service;
    const double talk_s = cfg_.distribution == HandleDistribution::lognormal
                              ? talk_rng_.lognormal(talk_mean_s_, cfg_.aht_cv)
                              : talk_rng_.exponential(talk_mean_s_);
    const double patience_s = cfg_.patience_s > 0 ? patience_rng_.exponential(cfg_.patience_s) : 0;
    const std::uint64_t seq = ++next_contact_;
    if (deflected && open_) {
      metrics::Record r;
      r.at = now_;
      r.kind = metrics::RecordKind::self_service;
      r.contact = contactId(seq);
      r.queue = cfg_.queue;
      collector_.add(r);
    } else {
      Caller& c = callers_[seq];
      c.arrived = now_;
      c.talk = std::max<Millis>(1, toMillis(talk_s));
      if (patience_s > 0) {
        push(now_ + std::max<Millis>(1, toMillis(patience_s)), Kind::patience, seq);
      }
      feed(routing::ContactArrived{contactId(seq), cfg_.queue});
    }
    scheduleNextArrival(arrival_clock_);
  }

  void patienceRanOut(std::uint64_t seq) {
    auto it = callers_.find(seq);
    if (it == callers_.end()) return;
    Caller& c = it->second;
    if (c.phase == Caller::Phase::talking || c.callback) return;
    const bool wants_callback = callback_after_ > 0 && now_ - c.arrived > callback_after_;
    if (wants_callback) {
      // Ringing already: the caller does not know and is connected in a moment.
      if (c.phase == Caller::Phase::ringing) return;
      c.callback = true;
      return feed(routing::CallbackRequested{contactId(seq)});
    }
    feed(routing::ContactAbandoned{contactId(seq)});
  }

  void answer(std::uint64_t seq, std::uint32_t gen) {
    auto it = callers_.find(seq);
    if (it == callers_.end()) return;
    Caller& c = it->second;
    if (c.phase != Caller::Phase::ringing || c.offer_gen != gen) return;  // offer withdrawn
    answering_ = seq;
    feed(routing::OfferAnswered{contactId(seq), agents_[c.agent].id});
    answering_ = 0;
  }

  // ---- business hours and staffing ----

  // Only the next opening or closing sits in the heap: a year of them would
  // make every push and pop deeper.
  void scheduleCalendar() {
    while (calendar_span_ < spans_.size()) {
      const Span& s = spans_[calendar_span_];
      if (now_ < s.start && s.start > start_) return push(s.start, Kind::open);
      ++calendar_span_;
      if (s.end < end_ && s.end > now_) return push(s.end, Kind::close);
    }
  }

  void close() {
    open_ = false;
    feed(routing::QueueOpen{cfg_.queue, false});
    // Callers still in line hear that the hotline is closed and hang up
    // (the engine no longer routes them); sorted so the order is the same on
    // every run.
    std::vector<std::uint64_t> in_line;
    for (const auto& [seq, c] : callers_) {
      if (c.phase == Caller::Phase::waiting && !c.callback) in_line.push_back(seq);
    }
    std::sort(in_line.begin(), in_line.end());
    for (auto seq : in_line) feed(routing::ContactAbandoned{contactId(seq)});
    applyStaffing();
  }

  void applyStaffing() {
    int target = cfg_.roster ? (*cfg_.roster)[halfHourOfDay(now_)] : cfg_.agents;
    if (cfg_.calendar && !open_) target = 0;
    int on = 0;
    for (const auto& a : agents_) on += a.state != AgentState::logged_out && !a.leaving;
    // More agents: those about to leave stay, then others log in (lowest ids first).
    for (auto& a : agents_) {
      if (on >= target) break;
      if (a.state != AgentState::logged_out && a.leaving) {
        a.leaving = false;
        ++on;
      }
    }
    for (auto& a : agents_) {
      if (on >= target) break;
      if (a.state == AgentState::logged_out) {
        feed(routing::AgentLogin{a.id});  // not_ready "login", then ready (see onDecision)
        ++on;
      }
    }
    // Fewer: idle agents log out at once, the others after their contact (highest ids first).
    for (int pass = 0; pass < 2 && on > target; ++pass) {
      for (auto it = agents_.rbegin(); it != agents_.rend() && on > target; ++it) {
        SimAgent& a = *it;
        if (a.state == AgentState::logged_out || a.leaving) continue;
        const bool idle = a.state == AgentState::ready || a.state == AgentState::not_ready;
        if (pass == 0 && !idle) continue;
        a.leaving = true;
        --on;
        // A ringing agent answers first (a not-ready now would put the caller
        // back in line): it is told when it turns busy (see onDecision).
        if (idle) {
          feed(routing::AgentLogout{a.id});
        } else if (a.state != AgentState::reserved) {
          feed(routing::AgentNotReady{a.id, "end_of_shift"});
        }
      }
    }
  }

  // ---- the engine ----

  // Hands an event to the engine, then the follow-ups its decisions call for
  // (an agent getting ready after login, leaving after a call...).
  void feed(const Event& event) {
    handleOne(event);
    while (!follow_ups_.empty()) {
      const Event e = std::move(follow_ups_.front());
      follow_ups_.pop_front();
      handleOne(e);
    }
  }

  void handleOne(const Event& e) {
    if (cfg_.on_event) cfg_.on_event(e, now_);
    const std::vector<Decision> ds = engine_.handle(e, now_);
    ++events_;
    decisions_ += ds.size();
    collector_.addStep(e, ds, now_);
    if (answering_ != 0) {  // the OfferAnswered of answer(): the conversation starts
      bool refused = false;
      for (const auto& d : ds) {
        refused = refused || std::holds_alternative<routing::EventRefused>(d);
      }
      if (auto it = callers_.find(answering_); !refused && it != callers_.end()) {
        it->second.phase = Caller::Phase::talking;
        push(now_ + it->second.talk, Kind::end, answering_);
      }
      answering_ = 0;
    }
    for (const auto& d : ds) onDecision(d);
  }

  void onDecision(const Decision& d) {
    if (auto* o = std::get_if<routing::Offer>(&d)) {
      const std::uint64_t seq = contactSeq(o->contact);
      auto it = callers_.find(seq);
      if (it == callers_.end()) return;
      it->second.phase = Caller::Phase::ringing;
      it->second.agent = agentIndex(o->agent);
      push(now_ + answer_delay_, Kind::answer, seq, ++it->second.offer_gen);
    } else if (auto* c = std::get_if<routing::OfferCancelled>(&d)) {
      if (auto it = callers_.find(contactSeq(c->contact)); it != callers_.end()) {
        it->second.phase = Caller::Phase::waiting;
      }
    } else if (auto* s = std::get_if<routing::AgentStateChanged>(&d)) {
      SimAgent& a = agents_[agentIndex(s->agent)];
      a.state = s->to;
      switch (s->to) {
        case AgentState::logged_out:
          a.leaving = false;
          break;
        case AgentState::not_ready:
          // After login, a missed offer or a contact: a leaving agent logs
          // out, the others get ready again.
          if (a.leaving) {
            follow_ups_.push_back(routing::AgentLogout{a.id});
          } else {
            follow_ups_.push_back(routing::AgentReady{a.id});
          }
          break;
        case AgentState::ready:  // e.g. its offer was abandoned while it was leaving
          if (a.leaving) follow_ups_.push_back(routing::AgentLogout{a.id});
          break;
        case AgentState::busy:  // answered while leaving: not ready after this call
          if (a.leaving) follow_ups_.push_back(routing::AgentNotReady{a.id, "end_of_shift"});
          break;
        default:
          break;
      }
    } else if (auto* f = std::get_if<routing::ContactFinished>(&d)) {
      callers_.erase(contactSeq(f->contact));
    } else if (auto* j = std::get_if<routing::ContactRejected>(&d)) {
      callers_.erase(contactSeq(j->contact));
    }
  }

  void scheduleTick() {
    const auto d = engine_.nextDeadline();
    if (!d || *d >= tick_at_) return;
    tick_at_ = std::max(*d, now_);
    // A deadline still due right after its Tick would spin here forever: the
    // engine clears what it handles, but the simulation must end regardless.
    if (tick_at_ == last_tick_) tick_at_ = now_ + 1;
    push(tick_at_, Kind::tick);
  }

  static std::string contactId(std::uint64_t seq) { return "c" + std::to_string(seq); }
  // Ids are ours: "a07" is agents_[6], "c42" is caller 42 (no look-up tables).
  static std::uint32_t agentIndex(const std::string& id) {
    std::uint32_t v = 0;
    std::from_chars(id.data() + 1, id.data() + id.size(), v);
    return v - 1;
  }
  static std::uint64_t contactSeq(const std::string& id) {
    std::uint64_t v = 0;
    std::from_chars(id.data() + 1, id.data() + id.size(), v);
    return v;
  }

  const SimConfig& cfg_;
  const Millis start_, end_;
  const std::vector<Span> spans_;
  routing::Engine engine_;
  metrics::MetricsCollector collector_;
  Stream arrivals_rng_, talk_rng_, patience_rng_, ivr_rng_;
  Millis answer_delay_ = 0, callback_after_ = 0;
  double talk_mean_s_ = 0;

  Millis now_ = 0;
  bool open_ = true;
  std::vector<Pending> heap_;
  std::uint64_t order_ = 0;
  Millis tick_at_ = kInfinite;  // earliest tick in the heap
  Millis last_tick_ = -1;       // when Tick was last fed
  double arrival_clock_ = 0;    // exact (fractional) time of the last arrival
  std::size_t arrival_span_ = 0;
  std::size_t calendar_span_ = 0;  // the span whose opening or closing comes next
  std::uint64_t next_contact_ = 0;
  std::uint64_t answering_ = 0;  // the contact whose OfferAnswered is being fed
  std::unordered_map<std::uint64_t, Caller> callers_;
  std::vector<SimAgent> agents_;
  std::deque<Event> follow_ups_;
  std::uint64_t events_ = 0, steps_ = 0, decisions_ = 0, calls_ = 0;
};

}  // namespace

Status validate(const SimConfig& c) {
  auto bad = [](const std::string& field, const std::string& vi, const std::string& en) {
    return Status(fieldError(field, vi, en));
  };
  auto finite = [](double v) { return std::isfinite(v); };
  if (!finite(c.arrivals_per_hour) || c.arrivals_per_hour < 0) {
    return bad("arrivals_per_hour", "Số cuộc gọi mỗi giờ phải là số không âm.",
               "Arrivals per hour must be a non-negative number.");
  }
  if (!finite(c.closed_arrivals_per_hour) || c.closed_arrivals_per_hour < 0) {
    return bad("closed_arrivals_per_hour", "Số cuộc gọi ngoài giờ phải là số không âm.",
               "Arrivals per hour while closed must be a non-negative number.");
  }
  if (c.demand) {
    for (double v : *c.demand) {
      if (!finite(v) || v < 0) {
        return bad("demand", "Nhu cầu mỗi nửa giờ phải là số không âm.",
                   "Demand per half hour must be non-negative.");
      }
    }
  }
  if (!finite(c.self_service) || c.self_service < 0 || c.self_service > 1) {
    return bad("self_service", "Tỉ lệ tự phục vụ phải trong khoảng 0–1.",
               "The self-service share must be between 0 and 1.");
  }
  if (!finite(c.aht_s) || c.aht_s <= 0 || c.aht_s > 86400) {
    return bad("aht_s", "Thời gian xử lý trung bình (AHT) phải lớn hơn 0 và không quá 24 giờ.",
               "The average handling time must be positive and at most 24 hours.");
  }
  if (c.distribution == HandleDistribution::lognormal &&
      (!finite(c.aht_cv) || c.aht_cv <= 0 || c.aht_cv > 10)) {
    return bad("aht_cv", "Hệ số biến thiên của AHT phải trong khoảng (0, 10].",
               "The coefficient of variation must be in (0, 10].");
  }
  if (!finite(c.wrap_up_s) || c.wrap_up_s < 0 || c.wrap_up_s >= c.aht_s) {
    return bad("wrap_up_s", "Thời gian xử lý sau cuộc gọi phải không âm và nhỏ hơn AHT.",
               "Wrap-up must be non-negative and less than the AHT.");
  }
  if (c.roster) {
    for (int v : *c.roster) {
      if (v < 0 || v > 10000) {
        return bad("roster", "Số tổng đài viên mỗi nửa giờ phải trong khoảng 0–10000.",
                   "Agents per half hour must be between 0 and 10000.");
      }
    }
  } else if (c.agents < 0 || c.agents > 10000) {
    return bad("agents", "Số tổng đài viên phải trong khoảng 0–10000.",
               "The number of agents must be between 0 and 10000.");
  }
  if (!finite(c.patience_s) || c.patience_s < 0) {
    return bad("patience_s", "Thời gian kiên nhẫn phải không âm (0 = chờ mãi).",
               "Patience must be non-negative (0 = infinite).");
  }
  if (!finite(c.answer_delay_s) || c.answer_delay_s < 0 || c.answer_delay_s > 3600) {
    return bad("answer_delay_s", "Độ trễ nhấc máy phải trong khoảng 0–3600 giây.",
               "The answer delay must be between 0 and 3600 s.");
  }
  if (!finite(c.callback_after_s) || c.callback_after_s < 0) {
    return bad("callback_after_s", "Ngưỡng gọi lại phải không âm (0 = tắt).",
               "The callback threshold must be non-negative (0 = off).");
  }
  if (c.end == 0 && (!finite(c.hours) || c.hours <= 0 || c.hours > 24.0 * 366 * 10)) {
    return bad("hours", "Số giờ mô phỏng phải lớn hơn 0 và không quá 10 năm.",
               "Simulated hours must be positive and at most 10 years.");
  }
  if (c.end != 0 && c.end <= c.start) {
    return bad("end", "Thời điểm kết thúc phải sau thời điểm bắt đầu.",
               "The end must be after the start.");
  }
  if (c.ring_timeout <= 0) {
    return bad("ring_timeout", "Thời gian đổ chuông phải lớn hơn 0.",
               "The ring timeout must be positive.");
  }
  if (toMillis(c.answer_delay_s) >= c.ring_timeout) {
    // Every offer would time out before its answer: nobody would ever be served.
    return bad("answer_delay_s", "Độ trễ nhấc máy phải ngắn hơn thời gian đổ chuông.",
               "The answer delay must be shorter than the ring timeout.");
  }
  if (c.queue.empty()) {
    return bad("queue", "Tên hàng chờ không được để trống.", "The queue id must not be empty.");
  }
  return Status::Ok();
}

Result<SimResult> simulate(const SimConfig& config) {
  if (Status s = validate(config); !s) return s.error();
  const Millis end = config.end != 0 ? config.end : config.start + toMillis(config.hours * 3600.0);
  std::vector<Span> spans;
  if (config.calendar) spans = openSpans(*config.calendar, config.start, end);
  Simulation sim(config, config.start, end, std::move(spans));
  return sim.run();
}

Result<HalfHourly> parseHalfHourlyCsv(const std::string& text) {
  HalfHourly out{};
  std::array<bool, 48> seen{};
  std::size_t pos = 0;
  int line_no = 0;
  bool any = false;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    auto trim = [](std::string s) {
      const char* ws = " \t\r\xEF\xBB\xBF";  // a UTF-8 BOM from spreadsheet exports too
      s.erase(0, s.find_first_not_of(ws));
      s.erase(s.find_last_not_of(" \t\r") + 1);
      return s;
    };
    line = trim(line);
    if (line.empty()) continue;
    const std::string where = "dòng " + std::to_string(line_no);
    const std::string where_en = "line " + std::to_string(line_no);
    auto bad = [&](const std::string& vi, const std::string& en) {
      return fieldError(where_en, where + ": " + vi, where_en + ": " + en);
    };
    const auto comma = line.find_first_of(",;");
    if (comma == std::string::npos) {
      return bad("cần dạng \"HH:MM,giá trị\".", "expected \"HH:MM,value\".");
    }
    const std::string time = trim(line.substr(0, comma));
    const std::string value = trim(line.substr(comma + 1));
    char* endp = nullptr;
    const double v = std::strtod(value.c_str(), &endp);
    const bool numeric = !value.empty() && endp == value.c_str() + value.size() && std::isfinite(v);
    if (!numeric && !any && line_no == 1) continue;  // a header such as "time,calls"
    any = true;
    int h = -1, m = -1;
    if (time.size() == 5 && time[2] == ':' && std::isdigit(static_cast<unsigned char>(time[0])) &&
        std::isdigit(static_cast<unsigned char>(time[1])) &&
        std::isdigit(static_cast<unsigned char>(time[3])) &&
        std::isdigit(static_cast<unsigned char>(time[4]))) {
      h = (time[0] - '0') * 10 + (time[1] - '0');
      m = (time[3] - '0') * 10 + (time[4] - '0');
    }
    if (h < 0 || h > 23 || (m != 0 && m != 30)) {
      return bad("giờ phải là mốc nửa giờ HH:00 hoặc HH:30.",
                 "the time must be a half-hour boundary, HH:00 or HH:30.");
    }
    if (!numeric || v < 0) {
      return bad("giá trị phải là số không âm.", "the value must be a non-negative number.");
    }
    const int slot = h * 2 + m / 30;
    if (seen[slot]) {
      return bad("nửa giờ này đã có ở dòng trước.", "this half hour is listed twice.");
    }
    seen[slot] = true;
    out[slot] = v;
  }
  return out;
}

}  // namespace tongdai::core::simulation
