// Capacity planning for the hotline: how many operators (tổng đài viên) a load
// needs, and what service a given headcount gives. Pure functions, no I/O.
//
// Models
//   Erlang C (M/M/N): Poisson arrivals at λ per hour, exponential handling time
//   with mean AHT seconds, N agents, callers wait forever. With A = λ·AHT/3600
//   the offered load in Erlangs:
//     P(wait) = C(N, A)                       (Erlang C formula)
//     SL(T)   = 1 − C·exp(−(N − A)·T/AHT)     (answered within T seconds)
//     ASA     = C·AHT/(N − A)                 (mean wait over all calls)
//     occupancy = A/N
//   N ≤ A has no steady state: reported as unstable (p_wait 1, SL 0, ASA +∞,
//   occupancy 1) rather than as an error, because a staffing table legitimately
//   shows an under-staffed half hour.
//
//   Erlang A (M/M/N+M, Palm 1943; Garnett, Mandelbaum & Reiman 2002): as Erlang
//   C, but each waiting caller hangs up after an exponential patience with mean
//   θ seconds (rate γ = 1/θ). Always stable.
//
// Numerics
//   Erlang B by the recurrence B(0) = 1, B(k) = A·B(k−1)/(k + A·B(k−1)), and
//   C = N·B/(N − A·(1 − B)): every step is a ratio in [0, 1], so there are no
//   factorials or powers to overflow, and thousands of agents are fine.
//
//   Erlang A uses the stationary law of the birth–death chain (birth λ; death
//   n·μ for n ≤ N, N·μ + (n − N)·γ above; μ = 1/AHT). States up to N are
//   folded into Erlang B (π_N / Σ_{n≤N} π_n = B); the queue states are summed
//   term by term, r_j = r_{j−1}·λ/(Nμ + jγ), until a geometric bound on the
//   remaining tail is below 1e-15 of the mass so far. Terms are rescaled when
//   they grow large (an overloaded queue with long patience), so nothing
//   overflows. More than kMaxQueueStates queue states is refused
//   ("planning_state_limit") — that only happens when patience is so long and
//   the load so high that nobody would be answered in any useful time.
//
//   A caller who arrives to find n ≥ N in the system is at queue position
//   j = n − N + 1. Until served, the position drops at rate Nμ + (j − 1)γ and
//   the caller abandons at rate γ, independently of the others, so with V_j the
//   time to reach an agent (a sum of exponentials with rates Nμ + kγ,
//   k = 0 … j − 1) and τ the caller's own patience:
//     P(answered)               = E[e^{−γV_j}]          = Nμ/(Nμ + jγ)
//     P(answered within T)      = E[e^{−γV_j}; V_j ≤ T] = Nμ/(Nμ + jγ)·P(V'_j ≤ T)
//     E[wait; answered]         = Nμ/(Nμ + jγ)·E[V'_j]
//   where V'_j, the exponentially tilted V_j, is the absorption time of a pure
//   death process started in j with rate Nμ + kγ in state k (the "race" between
//   reaching an agent and hanging up). Its mean is Σ_{k=1..j} 1/(Nμ + kγ). The
//   probability of absorption by T, mixed over the arrival distribution of j
//   (PASTA), is one transient solution of that death process, computed by
//   uniformisation (Jensen's method): all terms are non-negative, so it is
//   accurate to the 1e-15 truncation with no cancellation — unlike the closed
//   hypoexponential sum, whose alternating coefficients lose all precision past
//   a few dozen states. T is cut into steps of at most 50 expected uniformised
//   jumps so the Poisson weights never underflow.
//
//   As θ → ∞ (γ → 0) every Erlang A figure tends to its Erlang C value; the
//   tests check agreement to 1e-6.
//
// Service level in Erlang A counts abandoned calls as not answered in time
// (service_level, over all arrivals); service_level_answered is the share of
// answered calls answered within T. Staffing targets use service_level, the
// stricter of the two.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/common/status.h"

namespace tongdai::core::planning {

enum class Model { kErlangC, kErlangA };

// The queue past the agents is truncated at this many states (see above).
inline constexpr int kMaxQueueStates = 2'000'000;
// smallestAgents() gives up above this headcount.
inline constexpr int kMaxAgents = 1'000'000;

struct Load {
  double arrivals_per_hour = 0;  // λ, calls offered per hour (>= 0)
  double aht_s = 0;              // mean handling time, seconds (> 0)
  double target_s = 20;          // service-level threshold T, seconds (>= 0)
  // Mean patience θ in seconds (> 0). Set: Erlang A; unset: Erlang C.
  std::optional<double> patience_s;
};

struct Metrics {
  Model model = Model::kErlangC;
  int agents = 0;
  double offered_erlangs = 0;          // A = λ·AHT/3600
  double service_level = 0;            // P(answered within T), over all arrivals
  double service_level_answered = 0;   // P(wait ≤ T | answered); = service_level in Erlang C
  double p_wait = 0;                   // P(all agents busy on arrival)
  double asa_s = 0;                    // mean wait of answered calls; +∞ when unstable
  double occupancy = 0;                // share of agent time spent on calls
  std::optional<double> abandon_rate;  // Erlang A only
  bool unstable = false;               // Erlang C with N ≤ A (and calls arriving)
};

// Erlang C for `agents` agents (patience_s ignored).
Result<Metrics> erlangC(const Load& load, int agents);
// Erlang A for `agents` agents; load.patience_s must be set.
Result<Metrics> erlangA(const Load& load, int agents);
// Erlang A when load.patience_s is set, else Erlang C.
Result<Metrics> evaluate(const Load& load, int agents);

// What a staffing level must achieve. Every set bound must hold.
struct Goal {
  double service_level = 0.8;              // in (0, 1)
  std::optional<double> max_abandon_rate;  // in (0, 1); Erlang A only (Erlang C never abandons)
  std::optional<double> max_asa_s;         // > 0
};

// The smallest headcount meeting the goal, with its metrics. No calls need no
// agents. Every metric improves with N, so this is a search over N.
Result<Metrics> smallestAgents(const Load& load, const Goal& goal);

// One interval of a demand forecast.
struct DemandRow {
  std::string start;    // "HH:MM", local time the interval begins
  double arrivals = 0;  // calls offered in the interval
  double aht_s = 0;
};

struct StaffingOptions {
  double target_s = 20;
  Goal goal;
  std::optional<double> patience_s;  // set: Erlang A
  // Share of paid time not on the phones (breaks, training, absence), in
  // [0, 1). Scheduled headcount = ceil(agents / (1 − shrinkage)).
  double shrinkage = 0;
  int interval_minutes = 30;
};

struct StaffingRow {
  DemandRow demand;
  int agents = 0;            // needed on the phones; metrics are for this N
  int scheduled_agents = 0;  // agents grossed up for shrinkage
  Metrics metrics;
};

// Staffing for one interval of the curve.
Result<StaffingRow> staffInterval(const DemandRow& demand, const StaffingOptions& options);
// Staffing per interval; errors name the row (1-based) in the messages.
Result<std::vector<StaffingRow>> staffDemand(const std::vector<DemandRow>& demand,
                                             const StaffingOptions& options);

// Erlang B blocking probability, exposed for tests and other planners.
double erlangB(int agents, double erlangs);

}  // namespace tongdai::core::planning
