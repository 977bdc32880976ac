// Contact-center metrics from an event log, with the industry's standard
// definitions, per queue, per agent and per half hour of the hotline's local day.
//
// Input is a stream of timestamped records (unix ms): a contact's arrival,
// offers, answer, end, abandonment, callback request, rejection or deflection
// by self-service, and agents' state changes. toRecords() derives them from
// what the routing engine was told (an Event) and what it answered (its
// Decisions), so the live shell, the event log and the simulator all measure
// the same way. MetricsCollector consumes records one by one (a simulated
// year is millions of records: they are not kept) and finish() gives Metrics.
//
// Definitions (counts go to the queue the contact arrived at, and to the half
// hour in which it arrived, as ACD interval reports do):
//  - short abandon: abandoned after waiting less than short_abandon (default
//    5 s): a misdial or a caller who hung up on the greeting. Excluded from
//    offered and from abandoned.
//  - offered = answered + abandoned + callback requests (a contact still
//    waiting when the log ends is "in_progress", not offered); rejected calls
//    (closed, queue full) and calls resolved by self-service are not offered.
//  - wait = answer (or abandonment) time - arrival time: queue and ringing.
//  - service level = answered within T / answered; variants answered within T
//    / (answered + abandoned), and answered within T / (answered + abandoned
//    after waiting more than T) (abandons before T neither help nor hurt).
//  - ASA = total wait of answered contacts / answered.
//  - AHT = (talk + hold + wrap-up) / handled, handled = answered contacts that
//    ended. The engine has no separate hold: hold is part of the conversation
//    (answer -> end). Wrap-up is the agent's time in wrap_up after the contact.
//  - abandonment rate = abandoned / offered.
//  - occupancy = time reserved, busy or in wrap-up / time logged in and not in
//    not_ready (i.e. ready + reserved + busy + wrap-up).
//  - a callback request ends the caller's wait: it counts as offered and as a
//    callback, not in SL or ASA; serving it later counts in AHT and occupancy.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/routing/routing.h"

namespace tongdai::core::metrics {

using routing::AgentState;
using routing::Millis;

enum class RecordKind {
  arrival,       // contact reached a queue (before the engine accepted or rejected it)
  offer,         // offered to (ringing at) an agent
  answer,        // the agent answered: the caller's wait ends
  end,           // conversation over (outcome "answered", "callback" or "lost")
  abandon,       // the caller left while waiting or ringing
  callback,      // the caller asked to be called back instead of waiting
  reject,        // the engine refused it: closed, queue_full, unknown_queue
  self_service,  // resolved by the IVR, never queued
  agent_state,   // an agent changed state (to `state`)
};
const char* toString(RecordKind kind);

struct Record {
  Millis at = 0;  // unix milliseconds
  RecordKind kind = RecordKind::arrival;
  std::string contact;
  std::string queue;                          // arrival, offer, reject, self_service
  std::string agent;                          // offer, answer, agent_state
  AgentState state = AgentState::logged_out;  // agent_state: the new state
  std::string reason;                         // reject reason, end outcome, agent_state reason
};

// Appends the records of one engine step: the event handed to
// Engine::handle(event, now) and the decisions it returned. Refused events
// give no record of their own.
void toRecords(const routing::Event& event, const std::vector<routing::Decision>& decisions,
               Millis now, std::vector<Record>& out);

struct MetricsOptions {
  Millis service_target = 20000;    // T of the service level ("answered within 20 s")
  Millis short_abandon = 5000;      // abandons quicker than this are not counted
  int utc_offset_minutes = 7 * 60;  // the hotline's local time (Asia/Ho_Chi_Minh, no DST)
  bool by_half_hour = true;         // output only: the figures are always computed
  bool by_agent = true;
};

// Raw sums of one group (a queue, an agent, a half hour or everything); the
// ratios are derived so groups can be added up exactly.
struct Stats {
  std::int64_t arrivals = 0;  // reached a queue, whatever happened next
  std::int64_t offered = 0;
  std::int64_t answered = 0;
  std::int64_t answered_within_target = 0;
  std::int64_t abandoned = 0;                // excluding short abandons
  std::int64_t abandoned_within_target = 0;  // of which waited at most T
  std::int64_t short_abandons = 0;
  std::int64_t rejected = 0;
  std::int64_t self_service = 0;
  std::int64_t callbacks_requested = 0;
  std::int64_t callbacks_served = 0;
  std::int64_t offers = 0;       // offers to agents (a contact can ring several)
  Millis answered_wait_ms = 0;   // sum over answered contacts
  Millis abandoned_wait_ms = 0;  // sum over (counted) abandoned contacts
  Millis max_wait_ms = 0;        // longest wait of an answered or abandoned contact
  std::int64_t handled = 0;      // answered contacts whose conversation ended
  Millis talk_ms = 0;            // answer -> end of handled contacts (hold included)
  Millis wrap_ms = 0;            // wrap-up after them
  // Agent time by state, for occupancy (per agent, per half hour, in total).
  Millis ready_ms = 0, reserved_ms = 0, busy_ms = 0, wrap_up_ms = 0, not_ready_ms = 0;

  std::optional<double> serviceLevel() const;              // within T / answered
  std::optional<double> serviceLevelWithAbandons() const;  // within T / (answered + abandoned)
  std::optional<double> serviceLevelAbandonsAfterTarget() const;  // ... + abandoned after T
  std::optional<double> asaSeconds() const;
  std::optional<double> ahtSeconds() const;
  std::optional<double> abandonmentRate() const;  // abandoned / offered
  std::optional<double> occupancy() const;
  Millis staffedMs() const { return ready_ms + reserved_ms + busy_ms + wrap_up_ms; }

  Stats& operator+=(const Stats& other);
};

struct Metrics {
  MetricsOptions options;
  Millis from = 0, to = 0;  // first record and end of the measured period
  Stats total;
  std::map<std::string, Stats> queues;
  std::map<std::string, Stats> agents;
  std::map<std::int64_t, Stats> half_hours;  // key: local half-hour number (see halfHourStart)
  std::int64_t in_progress = 0;              // contacts still waiting, ringing or talking at `to`
};

// The local half hour a unix-ms instant falls in, and back to its first instant.
std::int64_t halfHourOf(Millis unix_ms, int utc_offset_minutes);
Millis halfHourStart(std::int64_t half_hour, int utc_offset_minutes);
// "2026-01-05T07:30+07:00" for the local start of a half hour.
std::string halfHourLabel(std::int64_t half_hour, int utc_offset_minutes);

class MetricsCollector {
 public:
  explicit MetricsCollector(MetricsOptions options = {});
  // It keeps iterators into its own maps: movable, not copyable.
  MetricsCollector(const MetricsCollector&) = delete;
  MetricsCollector& operator=(const MetricsCollector&) = delete;
  MetricsCollector(MetricsCollector&&) = default;
  MetricsCollector& operator=(MetricsCollector&&) = default;

  // Records must come in time order (ties in any order).
  void add(const Record& record);
  // The records of one engine step (see toRecords), without building them
  // all: the simulator's path, millions of steps.
  void addStep(const routing::Event& event, const std::vector<routing::Decision>& decisions,
               Millis now);
  // Closes the agents' open state intervals at `end` and returns the figures;
  // the collector can go on afterwards (finish() does not change it).
  Metrics finish(Millis end) const;

 private:
  using StatsMap = std::map<std::string, Stats>;
  using BucketMap = std::map<std::int64_t, Stats>;
  struct AgentTrack {
    StatsMap::iterator stats;  // this agent's group
    AgentState state = AgentState::logged_out;
    Millis since = 0;
    // Where the wrap-up after its last answered contact counts (for AHT).
    bool has_wrap_target = false;
    StatsMap::iterator wrap_queue;
    BucketMap::iterator wrap_bucket;
  };
  struct Live {  // a contact between its arrival and its outcome
    StatsMap::iterator queue;
    BucketMap::iterator bucket;
    AgentTrack* agent = nullptr;  // who answered it
    Millis arrived = 0;
    Millis answered_at = 0;
    bool callback = false;  // asked for a callback: the caller's wait is over
    bool answered = false;
  };

  // The last half hour looked up: nearly every record falls in it, and a
  // year of half hours makes the map 13 levels deep.
  struct BucketCache {
    bool valid = false;
    std::int64_t key = 0;
    BucketMap::iterator it;
    BucketMap::iterator get(BucketMap& buckets, std::int64_t h) {
      if (!valid || key != h) {
        it = buckets.try_emplace(h).first;
        key = h;
        valid = true;
      }
      return it;
    }
  };

  BucketMap::iterator bucketOf(Millis at);
  StatsMap::iterator queueOf(const std::string& id);
  AgentTrack& agentTrack(const std::string& id);
  Live& liveOf(const Record& r);
  // Time [from, to) spent in `state`, into the totals, the agent and the half hours.
  static void addStateTime(AgentState state, Millis from, Millis to, Stats& total, Stats& agent,
                           BucketMap& buckets, BucketCache& cache, int utc_offset_minutes);

  MetricsOptions options_;
  Millis first_ = -1;
  Stats total_;
  StatsMap queues_;
  StatsMap agents_;
  BucketMap half_hours_;
  BucketCache bucket_cache_;
  Record scratch_;  // addStep() reuses its strings' buffers
  std::unordered_map<std::string, Live, routing::IdHash> live_;
  // std::unordered_map never moves its elements: Live::agent pointers stay valid.
  std::unordered_map<std::string, AgentTrack, routing::IdHash> agent_tracks_;
};

// Convenience: all records at once.
Metrics computeMetrics(const std::vector<Record>& records, Millis end, MetricsOptions options = {});

// JSON: {"options":{...},"from":..,"to":..,"total":{...},"queues":{id:{...}},
// "agents":{id:{...}},"half_hours":[{"start":"2026-01-05T07:30+07:00",...}],"in_progress":n}.
// Ratios are null when their denominator is zero; times in seconds.
nlohmann::json statsToJson(const Stats& stats);
nlohmann::json metricsToJson(const Metrics& metrics);
std::string metricsToJsonString(const Metrics& metrics, int indent = -1);

}  // namespace tongdai::core::metrics
