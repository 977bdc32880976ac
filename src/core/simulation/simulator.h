// Discrete-event simulation of the hotline, driving the real routing engine.
//
// The simulator plays callers, agents and the clock around the same Engine the
// server runs: Poisson arrivals (a constant rate or a half-hourly demand
// curve), handling times (exponential or lognormal), caller patience, the
// agents' answer delay, callback requests, IVR self-service and business
// hours. Future events sit in a binary heap; the engine's own timers are
// served by Engine::handle(Tick{}) at nextDeadline(). What the engine decides
// is measured by core::metrics exactly as live traffic would be.
//
// Deterministic: the same config (seed included) gives the same result on the
// same standard library. Independent random streams for arrivals, handling
// times, patience and self-service, and every caller's handling time and
// patience drawn at arrival, so two runs that differ only in staffing see the
// same callers (common random numbers: comparisons are less noisy).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/calendar/business_calendar.h"
#include "core/common/status.h"
#include "core/metrics/metrics.h"
#include "core/routing/routing.h"

namespace tongdai::core::simulation {

using routing::Millis;

// One value per local half hour of the day: index 0 = 00:00-00:30 ... 15 =
// 07:30-08:00 ... 47 = 23:30-24:00 (the hotline's UTC offset, see metrics).
using HalfHourly = std::array<double, 48>;

enum class HandleDistribution { exponential, lognormal };

// Monday 2026-01-05 07:30 in Hà Nội (UTC+7), as unix milliseconds.
inline constexpr Millis kDefaultStart = 1767573000000;

struct SimConfig {
  std::uint64_t seed = 1;

  // Arrivals: a constant rate, or a demand curve when `demand` is set.
  double arrivals_per_hour = 0;
  // Expected calls in each half hour of every day (not a rate per hour). Used
  // as given at all times: with business hours, calls in closed half hours
  // are rejected by the engine.
  std::optional<HalfHourly> demand;
  // With business hours, a constant rate applies while open; this rate while
  // closed (those calls are rejected: "closed").
  double closed_arrivals_per_hour = 0;
  double self_service = 0;  // fraction of calls resolved by the IVR while open, never queued

  // Handling time = talk (answer -> end) + wrap-up; aht_s is its mean.
  double aht_s = 180;
  HandleDistribution distribution = HandleDistribution::exponential;
  double aht_cv = 1;     // coefficient of variation of the talk time (lognormal only)
  double wrap_up_s = 0;  // fixed after-call work, part of aht_s (talk mean = aht_s - wrap_up_s)

  // Staffing: a fixed number of agents, or agents per half hour of the day.
  int agents = 20;
  std::optional<std::array<int, 48>> roster;

  // Callers and agents.
  double patience_s = 0;      // mean of an exponential patience; 0 = infinite
  double answer_delay_s = 2;  // from an offer (ringing) to the answer; < ring_timeout
  // 0 = off. A caller whose patience runs out after waiting more than this
  // asks for a callback instead of abandoning; it keeps its place in line and
  // is served later like any contact.
  double callback_after_s = 0;

  // Simulated period: [start, end), unix ms; end = 0 means start + hours.
  Millis start = kDefaultStart;
  Millis end = 0;
  double hours = 10;
  // Business hours (not owned; must outlive simulate()). nullptr = always
  // open. Open and close become QueueOpen events; agents log in at opening and
  // leave at closing after their current call; callers still waiting at
  // closing are told so and hang up (counted as abandoned); callbacks wait
  // for the next opening.
  const calendar::BusinessCalendar* calendar = nullptr;

  // Engine settings of the simulated queue.
  std::string queue = "hotline";
  Millis ring_timeout = 15000;

  metrics::MetricsOptions metrics;

  // Optional: sees every event handed to the engine, with its time (event
  // logs, replays for benchmarks, debugging).
  std::function<void(const routing::Event&, Millis)> on_event;
};

struct SimResult {
  metrics::Metrics metrics;
  Millis start = 0, end = 0;
  std::uint64_t events = 0;     // Engine::handle() calls (the wall time is the caller's to measure)
  std::uint64_t steps = 0;      // simulator events taken from its heap (arrivals, answers, ends...)
  std::uint64_t decisions = 0;  // decisions the engine returned
  std::uint64_t calls = 0;      // calls generated, self-service and rejected included
};

// Field-level validation; the error's `field` is the SimConfig member.
Status validate(const SimConfig& config);
Result<SimResult> simulate(const SimConfig& config);

// "HH:MM,value" lines (a half-hour boundary of the local day), e.g.
// "07:30,45". Blank lines, '#' comments and a first line that is a header
// (its value is not a number) are skipped; half hours not listed are 0.
// Negative values, duplicates and malformed lines are errors naming the line.
Result<HalfHourly> parseHalfHourlyCsv(const std::string& text);

}  // namespace tongdai::core::simulation
