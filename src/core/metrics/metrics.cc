#include "core/metrics/metrics.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <variant>

namespace tongdai::core::metrics {
namespace {

constexpr Millis kHalfHour = 30 * 60 * 1000;
constexpr Millis kDay = 24 * 3600 * 1000;

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::optional<double> ratio(double num, double den) {
  if (den <= 0) return std::nullopt;
  return num / den;
}

// Days since 1970-01-01 to a civil date (H. Hinnant's algorithm), so the
// labels need no time-zone database: the hotline's offset is fixed.
void civilFromDays(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

nlohmann::json optionalJson(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

double seconds(Millis ms) { return static_cast<double>(ms) / 1000.0; }

}  // namespace

const char* toString(RecordKind kind) {
  switch (kind) {
    case RecordKind::arrival:
      return "arrival";
    case RecordKind::offer:
      return "offer";
    case RecordKind::answer:
      return "answer";
    case RecordKind::end:
      return "end";
    case RecordKind::abandon:
      return "abandon";
    case RecordKind::callback:
      return "callback";
    case RecordKind::reject:
      return "reject";
    case RecordKind::self_service:
      return "self_service";
    case RecordKind::agent_state:
      return "agent_state";
  }
  return "";
}

// ---- records from the engine ------------------------------------------------

namespace {

// Calls sink(record) for each record of one engine step, filling one Record
// whose strings keep their buffers from call to call.
template <typename Sink>
void forEachRecord(const routing::Event& event, const std::vector<routing::Decision>& decisions,
                   Millis now, Record& r, Sink&& sink) {
  bool refused = false;
  for (const auto& d : decisions) {
    refused = refused || std::holds_alternative<routing::EventRefused>(d);
  }
  auto emit = [&](RecordKind kind, const std::string& contact, const std::string* queue,
                  const std::string* agent, const std::string* reason,
                  AgentState state = AgentState::logged_out) {
    r.at = now;
    r.kind = kind;
    r.contact = contact;
    auto set = [](std::string& field, const std::string* value) {
      if (value) {
        field.assign(*value);
      } else {
        field.clear();
      }
    };
    set(r.queue, queue);
    set(r.agent, agent);
    set(r.reason, reason);
    r.state = state;
    sink(r);
  };
  static const std::string kNone;
  // The event's own record first: an arrival precedes its offer or rejection.
  if (!refused) {
    if (auto* e = std::get_if<routing::ContactArrived>(&event)) {
      emit(RecordKind::arrival, e->contact, &e->queue, nullptr, nullptr);
    } else if (auto* e = std::get_if<routing::OfferAnswered>(&event)) {
      emit(RecordKind::answer, e->contact, nullptr, &e->agent, nullptr);
    } else if (auto* e = std::get_if<routing::CallbackRequested>(&event)) {
      emit(RecordKind::callback, e->contact, nullptr, nullptr, nullptr);
    }
  }
  for (const auto& d : decisions) {
    if (auto* o = std::get_if<routing::Offer>(&d)) {
      emit(RecordKind::offer, o->contact, &o->queue, &o->agent, nullptr);
    } else if (auto* s = std::get_if<routing::AgentStateChanged>(&d)) {
      emit(RecordKind::agent_state, kNone, nullptr, &s->agent, &s->reason, s->to);
    } else if (auto* j = std::get_if<routing::ContactRejected>(&d)) {
      emit(RecordKind::reject, j->contact, nullptr, nullptr, &j->reason);
    } else if (auto* f = std::get_if<routing::ContactFinished>(&d)) {
      emit(f->outcome == "abandoned" ? RecordKind::abandon : RecordKind::end, f->contact, nullptr,
           nullptr, &f->outcome);
    }
  }
}

}  // namespace

void toRecords(const routing::Event& event, const std::vector<routing::Decision>& decisions,
               Millis now, std::vector<Record>& out) {
  Record r;
  forEachRecord(event, decisions, now, r, [&](const Record& rec) { out.push_back(rec); });
}

void MetricsCollector::addStep(const routing::Event& event,
                               const std::vector<routing::Decision>& decisions, Millis now) {
  forEachRecord(event, decisions, now, scratch_, [this](const Record& rec) { add(rec); });
}

// ---- stats ---------------------------------------------------------------------

std::optional<double> Stats::serviceLevel() const {
  return ratio(static_cast<double>(answered_within_target), static_cast<double>(answered));
}

std::optional<double> Stats::serviceLevelWithAbandons() const {
  return ratio(static_cast<double>(answered_within_target),
               static_cast<double>(answered + abandoned));
}

std::optional<double> Stats::serviceLevelAbandonsAfterTarget() const {
  return ratio(static_cast<double>(answered_within_target),
               static_cast<double>(answered + abandoned - abandoned_within_target));
}

std::optional<double> Stats::asaSeconds() const {
  return ratio(seconds(answered_wait_ms), static_cast<double>(answered));
}

std::optional<double> Stats::ahtSeconds() const {
  return ratio(seconds(talk_ms + wrap_ms), static_cast<double>(handled));
}

std::optional<double> Stats::abandonmentRate() const {
  return ratio(static_cast<double>(abandoned), static_cast<double>(offered));
}

std::optional<double> Stats::occupancy() const {
  return ratio(static_cast<double>(reserved_ms + busy_ms + wrap_up_ms),
               static_cast<double>(staffedMs()));
}

Stats& Stats::operator+=(const Stats& o) {
  arrivals += o.arrivals;
  offered += o.offered;
  answered += o.answered;
  answered_within_target += o.answered_within_target;
  abandoned += o.abandoned;
  abandoned_within_target += o.abandoned_within_target;
  short_abandons += o.short_abandons;
  rejected += o.rejected;
  self_service += o.self_service;
  callbacks_requested += o.callbacks_requested;
  callbacks_served += o.callbacks_served;
  offers += o.offers;
  answered_wait_ms += o.answered_wait_ms;
  abandoned_wait_ms += o.abandoned_wait_ms;
  max_wait_ms = std::max(max_wait_ms, o.max_wait_ms);
  handled += o.handled;
  talk_ms += o.talk_ms;
  wrap_ms += o.wrap_ms;
  ready_ms += o.ready_ms;
  reserved_ms += o.reserved_ms;
  busy_ms += o.busy_ms;
  wrap_up_ms += o.wrap_up_ms;
  not_ready_ms += o.not_ready_ms;
  return *this;
}

// ---- half hours --------------------------------------------------------------------

std::int64_t halfHourOf(Millis unix_ms, int utc_offset_minutes) {
  return floorDiv(unix_ms + static_cast<Millis>(utc_offset_minutes) * 60000, kHalfHour);
}

Millis halfHourStart(std::int64_t half_hour, int utc_offset_minutes) {
  return half_hour * kHalfHour - static_cast<Millis>(utc_offset_minutes) * 60000;
}

std::string halfHourLabel(std::int64_t half_hour, int utc_offset_minutes) {
  const Millis local = half_hour * kHalfHour;
  const std::int64_t day = floorDiv(local, kDay);
  const Millis in_day = local - day * kDay;
  int y;
  unsigned m, d;
  civilFromDays(day, y, m, d);
  const int off = std::abs(utc_offset_minutes);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d%c%02d:%02d", y, m, d,
                static_cast<int>(in_day / 3600000), static_cast<int>(in_day / 60000 % 60),
                utc_offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

// ---- the collector ----------------------------------------------------------------

MetricsCollector::MetricsCollector(MetricsOptions options) : options_(options) {}

MetricsCollector::BucketMap::iterator MetricsCollector::bucketOf(Millis at) {
  return bucket_cache_.get(half_hours_, halfHourOf(at, options_.utc_offset_minutes));
}

MetricsCollector::StatsMap::iterator MetricsCollector::queueOf(const std::string& id) {
  return queues_.try_emplace(id).first;
}

MetricsCollector::AgentTrack& MetricsCollector::agentTrack(const std::string& id) {
  auto [it, added] = agent_tracks_.try_emplace(id);
  if (added) it->second.stats = agents_.try_emplace(id).first;
  return it->second;
}

// A contact we did not see arrive (the log started while it was in progress)
// is taken as arriving now in its queue, so later records still count.
MetricsCollector::Live& MetricsCollector::liveOf(const Record& r) {
  auto [it, added] = live_.try_emplace(r.contact);
  if (added) {
    it->second.queue = queueOf(r.queue);
    it->second.bucket = bucketOf(r.at);
    it->second.arrived = r.at;
  }
  return it->second;
}

void MetricsCollector::addStateTime(AgentState state, Millis from, Millis to, Stats& total,
                                    Stats& agent, BucketMap& buckets, BucketCache& cache,
                                    int utc_offset_minutes) {
  if (to <= from) return;
  auto field = [state](Stats& s) -> Millis* {
    switch (state) {
      case AgentState::ready:
        return &s.ready_ms;
      case AgentState::reserved:
        return &s.reserved_ms;
      case AgentState::busy:
        return &s.busy_ms;
      case AgentState::wrap_up:
        return &s.wrap_up_ms;
      case AgentState::not_ready:
        return &s.not_ready_ms;
      case AgentState::logged_out:
        return nullptr;
    }
    return nullptr;
  };
  if (!field(total)) return;
  *field(total) += to - from;
  *field(agent) += to - from;
  // Occupancy per interval: split the time at half-hour boundaries.
  for (Millis t = from; t < to;) {
    const std::int64_t h = halfHourOf(t, utc_offset_minutes);
    const Millis end = std::min(to, halfHourStart(h + 1, utc_offset_minutes));
    *field(cache.get(buckets, h)->second) += end - t;
    t = end;
  }
}

void MetricsCollector::add(const Record& r) {
  if (first_ < 0) first_ = r.at;
  const Millis target = options_.service_target;
  switch (r.kind) {
    case RecordKind::arrival: {
      Live& c = live_[r.contact];
      c = Live{};
      c.queue = queueOf(r.queue);
      c.bucket = bucketOf(r.at);
      c.arrived = r.at;
      for (Stats* s : {&total_, &c.queue->second, &c.bucket->second}) s->arrivals++;
      break;
    }
    case RecordKind::self_service: {
      for (Stats* s : {&total_, &queueOf(r.queue)->second, &bucketOf(r.at)->second}) {
        s->arrivals++;
        s->self_service++;
      }
      break;
    }
    case RecordKind::offer: {
      Live& c = liveOf(r);
      AgentTrack& a = agentTrack(r.agent);
      for (Stats* s : {&total_, &c.queue->second, &c.bucket->second, &a.stats->second}) {
        s->offers++;
      }
      break;
    }
    case RecordKind::answer: {
      Live& c = liveOf(r);
      AgentTrack& a = agentTrack(r.agent);
      c.answered = true;
      c.answered_at = r.at;
      c.agent = &a;
      a.has_wrap_target = true;
      a.wrap_queue = c.queue;
      a.wrap_bucket = c.bucket;
      if (c.callback) {
        for (Stats* s : {&total_, &c.queue->second, &c.bucket->second, &a.stats->second}) {
          s->callbacks_served++;
        }
        break;
      }
      const Millis wait = r.at - c.arrived;
      for (Stats* s : {&total_, &c.queue->second, &c.bucket->second}) {
        s->offered++;
        s->answered++;
        s->answered_within_target += wait <= target;
        s->answered_wait_ms += wait;
        s->max_wait_ms = std::max(s->max_wait_ms, wait);
      }
      a.stats->second.answered++;
      break;
    }
    case RecordKind::end: {
      auto it = live_.find(r.contact);
      if (it == live_.end()) break;
      Live& c = it->second;
      if (c.answered) {
        const Millis talk = r.at - c.answered_at;
        for (Stats* s : {&total_, &c.queue->second, &c.bucket->second}) {
          s->handled++;
          s->talk_ms += talk;
        }
        if (c.agent) {
          c.agent->stats->second.handled++;
          c.agent->stats->second.talk_ms += talk;
        }
      }
      live_.erase(it);
      break;
    }
    case RecordKind::abandon: {
      auto it = live_.find(r.contact);
      if (it == live_.end()) break;
      Live& c = it->second;
      if (!c.callback) {  // a callback was counted when it was requested
        const Millis wait = r.at - c.arrived;
        for (Stats* s : {&total_, &c.queue->second, &c.bucket->second}) {
          if (wait < options_.short_abandon) {
            s->short_abandons++;
            continue;
          }
          s->offered++;
          s->abandoned++;
          s->abandoned_within_target += wait <= target;
          s->abandoned_wait_ms += wait;
          s->max_wait_ms = std::max(s->max_wait_ms, wait);
        }
      }
      live_.erase(it);
      break;
    }
    case RecordKind::callback: {
      Live& c = liveOf(r);
      if (c.callback || c.answered) break;
      c.callback = true;
      for (Stats* s : {&total_, &c.queue->second, &c.bucket->second}) {
        s->offered++;
        s->callbacks_requested++;
      }
      break;
    }
    case RecordKind::reject: {
      Live& c = liveOf(r);
      for (Stats* s : {&total_, &c.queue->second, &c.bucket->second}) s->rejected++;
      live_.erase(r.contact);
      break;
    }
    case RecordKind::agent_state: {
      AgentTrack& a = agentTrack(r.agent);
      addStateTime(a.state, a.since, r.at, total_, a.stats->second, half_hours_, bucket_cache_,
                   options_.utc_offset_minutes);
      if (a.state == AgentState::wrap_up && a.has_wrap_target) {
        const Millis wrap = std::max<Millis>(0, r.at - a.since);
        for (Stats* s :
             {&total_, &a.wrap_queue->second, &a.wrap_bucket->second, &a.stats->second}) {
          s->wrap_ms += wrap;
        }
      }
      a.state = r.state;
      a.since = r.at;
      break;
    }
  }
}

Metrics MetricsCollector::finish(Millis end) const {
  Metrics m;
  m.options = options_;
  m.from = first_ < 0 ? end : first_;
  m.to = end;
  m.total = total_;
  m.queues = queues_;
  m.agents = agents_;
  m.half_hours = half_hours_;
  m.in_progress = static_cast<std::int64_t>(live_.size());
  // Agents are still in some state at `end`: count that time too (on copies,
  // by key, as the collector's iterators point into its own maps).
  BucketCache cache;  // into m.half_hours, not ours
  for (const auto& [id, a] : agent_tracks_) {
    Stats& agent = m.agents[id];
    addStateTime(a.state, a.since, end, m.total, agent, m.half_hours, cache,
                 options_.utc_offset_minutes);
    if (a.state == AgentState::wrap_up && a.has_wrap_target && end > a.since) {
      for (Stats* s : {&m.total, &m.queues[a.wrap_queue->first],
                       &m.half_hours[a.wrap_bucket->first], &agent}) {
        s->wrap_ms += end - a.since;
      }
    }
  }
  if (!options_.by_agent) m.agents.clear();
  if (!options_.by_half_hour) m.half_hours.clear();
  return m;
}

Metrics computeMetrics(const std::vector<Record>& records, Millis end, MetricsOptions options) {
  MetricsCollector collector(options);
  for (const auto& r : records) collector.add(r);
  return collector.finish(end);
}

// ---- JSON -----------------------------------------------------------------------------

nlohmann::json statsToJson(const Stats& s) {
  return {
      {"arrivals", s.arrivals},
      {"offered", s.offered},
      {"answered", s.answered},
      {"answered_within_target", s.answered_within_target},
      {"abandoned", s.abandoned},
      {"abandoned_within_target", s.abandoned_within_target},
      {"short_abandons", s.short_abandons},
      {"rejected", s.rejected},
      {"self_service", s.self_service},
      {"callbacks_requested", s.callbacks_requested},
      {"callbacks_served", s.callbacks_served},
      {"offers", s.offers},
      {"handled", s.handled},
      {"service_level", optionalJson(s.serviceLevel())},
      {"service_level_with_abandons", optionalJson(s.serviceLevelWithAbandons())},
      {"service_level_abandons_after_target", optionalJson(s.serviceLevelAbandonsAfterTarget())},
      {"asa_s", optionalJson(s.asaSeconds())},
      {"aht_s", optionalJson(s.ahtSeconds())},
      {"abandonment_rate", optionalJson(s.abandonmentRate())},
      {"occupancy", optionalJson(s.occupancy())},
      {"average_abandon_wait_s",
       optionalJson(ratio(seconds(s.abandoned_wait_ms), static_cast<double>(s.abandoned)))},
      {"max_wait_s", seconds(s.max_wait_ms)},
      {"talk_s", seconds(s.talk_ms)},
      {"wrap_s", seconds(s.wrap_ms)},
      {"agent_time_s",
       {{"ready", seconds(s.ready_ms)},
        {"reserved", seconds(s.reserved_ms)},
        {"busy", seconds(s.busy_ms)},
        {"wrap_up", seconds(s.wrap_up_ms)},
        {"not_ready", seconds(s.not_ready_ms)}}},
  };
}

nlohmann::json metricsToJson(const Metrics& m) {
  nlohmann::json queues = nlohmann::json::object(), agents = nlohmann::json::object();
  for (const auto& [id, s] : m.queues) queues[id] = statsToJson(s);
  for (const auto& [id, s] : m.agents) agents[id] = statsToJson(s);
  nlohmann::json halves = nlohmann::json::array();
  for (const auto& [h, s] : m.half_hours) {
    nlohmann::json j = statsToJson(s);
    j["start"] = halfHourLabel(h, m.options.utc_offset_minutes);
    halves.push_back(std::move(j));
  }
  return {
      {"options",
       {{"service_target_s", seconds(m.options.service_target)},
        {"short_abandon_s", seconds(m.options.short_abandon)},
        {"utc_offset_minutes", m.options.utc_offset_minutes}}},
      {"from_ms", m.from},
      {"to_ms", m.to},
      {"total", statsToJson(m.total)},
      {"queues", std::move(queues)},
      {"agents", std::move(agents)},
      {"half_hours", std::move(halves)},
      {"in_progress", m.in_progress},
  };
}

std::string metricsToJsonString(const Metrics& m, int indent) {
  return metricsToJson(m).dump(indent);
}

}  // namespace tongdai::core::metrics
