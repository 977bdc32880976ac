#include "core/planning/erlang.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace tongdai::core::planning {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Relative mass below which the queue tail and the Poisson sums are cut.
constexpr double kTailTolerance = 1e-15;
// Uniformisation steps are cut so that e^{-x} stays far from underflow.
constexpr double kMaxJumpsPerStep = 50.0;
// Unnormalised state masses are rescaled past this to stay finite.
constexpr double kRescaleAbove = 1e200;
constexpr double kRescaleBy = 1e-200;
// A metric computed as 0.79999999999999 must still meet a 0.8 target.
constexpr double kGoalSlack = 1e-12;

constexpr const char* kStateLimitCode = "planning_state_limit";

Status checkLoad(const Load& load) {
  if (!(load.arrivals_per_hour >= 0) || !std::isfinite(load.arrivals_per_hour)) {
    return makeError("planning_arrivals_negative", "Số cuộc gọi đến phải là số không âm.",
                     "Arrivals must be a non-negative number.", "arrivals_per_hour");
  }
  if (!(load.aht_s > 0) || !std::isfinite(load.aht_s)) {
    return makeError("planning_aht_not_positive",
                     "Thời gian xử lý trung bình (AHT) phải lớn hơn 0 giây.",
                     "Average handling time (AHT) must be greater than 0 seconds.", "aht_s");
  }
  if (!(load.target_s >= 0) || !std::isfinite(load.target_s)) {
    return makeError("planning_target_negative",
                     "Ngưỡng thời gian chờ của mức phục vụ không được âm.",
                     "The service-level time threshold must not be negative.", "target_s");
  }
  // +∞ patience is allowed: it is exactly Erlang C.
  if (load.patience_s && !(*load.patience_s > 0)) {
    return makeError("planning_patience_not_positive",
                     "Thời gian kiên nhẫn trung bình của người gọi phải lớn hơn 0 giây.",
                     "Mean caller patience must be greater than 0 seconds.", "patience_s");
  }
  return Status::Ok();
}

Status checkAgents(int agents) {
  if (agents < 0) {
    return makeError("planning_agents_negative", "Số tổng đài viên không được âm.",
                     "The number of agents must not be negative.", "agents");
  }
  return Status::Ok();
}

Status checkGoal(const Goal& goal) {
  if (!(goal.service_level > 0 && goal.service_level < 1)) {
    return makeError("planning_service_level_range",
                     "Mức phục vụ mục tiêu phải nằm trong khoảng (0, 1), ví dụ 0.8.",
                     "The target service level must be in (0, 1), e.g. 0.8.", "service_level");
  }
  if (goal.max_abandon_rate && !(*goal.max_abandon_rate > 0 && *goal.max_abandon_rate < 1)) {
    return makeError("planning_abandon_range", "Tỷ lệ bỏ máy tối đa phải nằm trong khoảng (0, 1).",
                     "The maximum abandonment rate must be in (0, 1).", "max_abandon_rate");
  }
  if (goal.max_asa_s && !(*goal.max_asa_s > 0)) {
    return makeError(
        "planning_asa_not_positive", "Thời gian chờ trung bình tối đa (ASA) phải lớn hơn 0 giây.",
        "The maximum average speed of answer must be greater than 0 seconds.", "max_asa_s");
  }
  return Status::Ok();
}

double offeredErlangs(const Load& load) { return load.arrivals_per_hour * load.aht_s / 3600.0; }

// No calls: nothing waits, nothing is missed; the agents are idle.
Metrics idleMetrics(Model model, int agents) {
  Metrics m;
  m.model = model;
  m.agents = agents;
  m.service_level = 1;
  m.service_level_answered = 1;
  if (model == Model::kErlangA) m.abandon_rate = 0;
  return m;
}

// Erlang C without validation; the caller has checked the load.
Metrics erlangCUnchecked(const Load& load, int agents) {
  const double a = offeredErlangs(load);
  if (load.arrivals_per_hour == 0) return idleMetrics(Model::kErlangC, agents);
  Metrics m;
  m.model = Model::kErlangC;
  m.agents = agents;
  m.offered_erlangs = a;
  const double n = agents;
  if (n <= a) {
    // The queue grows without bound: every caller waits, none within T.
    m.unstable = true;
    m.p_wait = 1;
    m.service_level = 0;
    m.service_level_answered = 0;
    m.asa_s = kInf;
    m.occupancy = 1;
    return m;
  }
  const double b = erlangB(agents, a);
  const double c = n * b / (n - a * (1 - b));
  m.p_wait = c;
  m.service_level = 1 - c * std::exp(-(n - a) * load.target_s / load.aht_s);
  m.service_level_answered = m.service_level;
  m.asa_s = c * load.aht_s / (n - a);
  m.occupancy = a / n;
  return m;
}

// Probability that the pure death process with rate service + k·gamma in state
// k ≥ 1 (state 0 absorbing) is absorbed by time t, from the (sub-)distribution
// `p` over states 0..K. Uniformisation: p(t) = Σ_m Poisson(m; Λt)·Pᵐ p with
// P = I + Q/Λ, Λ the largest rate. Every term is non-negative.
double absorbedBy(std::vector<double> p, double service, double gamma, double t) {
  const std::size_t top = p.size() - 1;
  const double uniform_rate = service + static_cast<double>(top) * gamma;
  if (t <= 0 || top == 0 || uniform_rate <= 0) return p[0];
  std::vector<double> leave(p.size());  // P(jump to k − 1 | uniformised event in k)
  for (std::size_t k = 1; k <= top; ++k) {
    leave[k] = (service + static_cast<double>(k) * gamma) / uniform_rate;
  }
  const double jumps = uniform_rate * t;
  const int steps = std::max(1, static_cast<int>(std::ceil(jumps / kMaxJumpsPerStep)));
  const double x = jumps / steps;
  std::vector<double> acc(p.size()), cur(p.size());
  for (int step = 0; step < steps; ++step) {
    std::fill(acc.begin(), acc.end(), 0.0);
    cur = p;
    double weight = std::exp(-x);
    for (int m = 0;; ++m) {
      for (std::size_t k = 0; k <= top; ++k) acc[k] += weight * cur[k];
      // Past the mode the weights fall faster than the geometric series of
      // ratio r, which bounds what is left.
      const double r = x / (m + 1);
      if (r < 1 && weight * r / (1 - r) < kTailTolerance * 1e-2) break;
      // cur ← P·cur, ascending so cur[k + 1] is still the old value.
      for (std::size_t k = 0; k < top; ++k) {
        cur[k] = cur[k] * (1 - leave[k]) + cur[k + 1] * leave[k + 1];
      }
      cur[top] *= 1 - leave[top];
      weight *= r;
    }
    p.swap(acc);
  }
  return p[0];
}

Error stateLimitError() {
  return makeError(kStateLimitCode,
                   "Hàng đợi quá dài để tính theo Erlang A (tải vượt số tổng đài viên và người "
                   "gọi kiên nhẫn quá lâu); hãy tăng số tổng đài viên.",
                   "The queue is too long for Erlang A (load above the agents and very long "
                   "patience); add agents.");
}

Result<Metrics> erlangAUnchecked(const Load& load, int agents) {
  const double patience = *load.patience_s;
  if (std::isinf(patience)) {
    // Nobody ever hangs up: this is Erlang C, reported as the model asked for.
    Metrics m = erlangCUnchecked(load, agents);
    m.model = Model::kErlangA;
    m.abandon_rate = 0;
    return m;
  }
  if (load.arrivals_per_hour == 0) return idleMetrics(Model::kErlangA, agents);

  const double lambda = load.arrivals_per_hour / 3600.0;
  const double mu = 1.0 / load.aht_s;
  const double gamma = 1.0 / patience;
  const double service = agents * mu;  // departure rate to agents when all are busy
  const double a = offeredErlangs(load);
  // The masses peak where service + iγ reaches λ; past the limit, fail now
  // rather than after two million terms.
  if (lambda > service && (lambda - service) / gamma > kMaxQueueStates) return stateLimitError();

  // Unnormalised masses: states below N carry 1 − B, state N + i carries
  // tail[i] (tail[0] = B), so that π_N / Σ_{n≤N} π_n = B as in Erlang B.
  const double b = erlangB(agents, a);
  double below = 1 - b;
  std::vector<double> tail{b};
  double tail_sum = b;
  for (int i = 1;; ++i) {
    const double ratio = lambda / (service + i * gamma);
    // The ratios only shrink from here, so the rest is at most a geometric tail.
    if (ratio < 1 && tail.back() * ratio / (1 - ratio) < kTailTolerance * (below + tail_sum)) {
      break;
    }
    if (i > kMaxQueueStates) return stateLimitError();
    double next = tail.back() * ratio;
    if (next > kRescaleAbove) {
      // Overloaded with long patience: the masses climb before they fall.
      for (double& t : tail) t *= kRescaleBy;
      below *= kRescaleBy;
      tail_sum *= kRescaleBy;
      next *= kRescaleBy;
    }
    tail.push_back(next);
    tail_sum += next;
  }
  const double total = below + tail_sum;

  // Per queue position j = i + 1 of an arriving caller (see the header):
  // answered with probability service/(service + jγ), after a tilted wait of
  // mean Σ_{k=1..j} 1/(service + kγ).
  const std::size_t queue = tail.size();
  std::vector<double> race(queue + 1, 0.0);  // P(arrive at j and be answered), by j
  double abandon = 0;
  double answered_wait = 0;  // E[wait; answered]
  double mean_race = 0;
  for (std::size_t i = 0; i < queue; ++i) {
    const double j = static_cast<double>(i + 1);
    const double pi = tail[i] / total;
    const double answer = service / (service + j * gamma);
    mean_race += 1.0 / (service + j * gamma);
    race[i + 1] = pi * answer;
    abandon += pi * (1 - answer);
    answered_wait += pi * answer * mean_race;
  }
  abandon = std::min(abandon, 1.0);  // rounding in the sum can pass 1 with no agents
  const double answered = 1 - abandon;
  const double no_wait = below / total;
  const double in_time =
      no_wait + (service > 0 ? absorbedBy(std::move(race), service, gamma, load.target_s) : 0.0);

  Metrics m;
  m.model = Model::kErlangA;
  m.agents = agents;
  m.offered_erlangs = a;
  m.p_wait = tail_sum / total;
  m.abandon_rate = abandon;
  m.service_level = std::clamp(in_time, 0.0, 1.0);
  if (answered > 0) {
    m.service_level_answered = std::clamp(in_time / answered, 0.0, 1.0);
    m.asa_s = answered_wait / answered;
  } else {
    m.asa_s = kInf;  // no agents: nobody is ever answered
  }
  // Agents are busy serving the answered share of the offered load.
  m.occupancy = agents > 0 ? std::min(1.0, a * answered / agents) : 0.0;
  return m;
}

bool meets(const Metrics& m, const Goal& goal) {
  if (m.unstable) return false;
  if (m.service_level < goal.service_level - kGoalSlack) return false;
  if (goal.max_abandon_rate && m.abandon_rate.value_or(0) > *goal.max_abandon_rate + kGoalSlack) {
    return false;
  }
  if (goal.max_asa_s && m.asa_s > *goal.max_asa_s + kGoalSlack) return false;
  return true;
}

Error prefixRow(Error e, std::size_t row) {
  const std::string n = std::to_string(row + 1);
  e.message_vi = "Dòng " + n + ": " + e.message_vi;
  e.message_en = "Row " + n + ": " + e.message_en;
  return e;
}

bool isTwoDigits(const std::string& s, std::size_t at, int max) {
  const char hi = s[at], lo = s[at + 1];
  if (hi < '0' || hi > '9' || lo < '0' || lo > '9') return false;
  return (hi - '0') * 10 + (lo - '0') <= max;
}

bool validStart(const std::string& s) {
  return s.size() == 5 && s[2] == ':' && isTwoDigits(s, 0, 23) && isTwoDigits(s, 3, 59);
}

}  // namespace

double erlangB(int agents, double erlangs) {
  double b = 1;
  for (int k = 1; k <= agents; ++k) b = erlangs * b / (k + erlangs * b);
  return b;
}

Result<Metrics> erlangC(const Load& load, int agents) {
  if (auto st = checkLoad(load); !st.ok()) return st.error();
  if (auto st = checkAgents(agents); !st.ok()) return st.error();
  return erlangCUnchecked(load, agents);
}

Result<Metrics> erlangA(const Load& load, int agents) {
  if (auto st = checkLoad(load); !st.ok()) return st.error();
  if (auto st = checkAgents(agents); !st.ok()) return st.error();
  if (!load.patience_s) {
    return makeError("planning_patience_missing",
                     "Erlang A cần thời gian kiên nhẫn trung bình của người gọi.",
                     "Erlang A needs the callers' mean patience.", "patience_s");
  }
  return erlangAUnchecked(load, agents);
}

Result<Metrics> evaluate(const Load& load, int agents) {
  return load.patience_s ? erlangA(load, agents) : erlangC(load, agents);
}

Result<Metrics> smallestAgents(const Load& load, const Goal& goal) {
  if (auto st = checkLoad(load); !st.ok()) return st.error();
  if (auto st = checkGoal(goal); !st.ok()) return st.error();
  const bool abandons = load.patience_s && std::isfinite(*load.patience_s);
  const Model model = load.patience_s ? Model::kErlangA : Model::kErlangC;
  if (load.arrivals_per_hour == 0) return idleMetrics(model, 0);
  const double a = offeredErlangs(load);
  const Error unreachable = makeError(
      "planning_goal_unreachable",
      "Không đạt được mục tiêu với tối đa " + std::to_string(kMaxAgents) + " tổng đài viên.",
      "The goal cannot be met with up to " + std::to_string(kMaxAgents) + " agents.");
  if (a >= kMaxAgents) return unreachable;

  // Every metric improves with N, so: bracket the answer by galloping from a
  // guess near A, then bisect. Without abandonment N ≤ A is known to fail;
  // with it, a lax goal can be met below A, so the search may go down to 0.
  const int floor_fail = abandons ? -1 : static_cast<int>(std::floor(a));
  std::optional<Metrics> found;
  auto tryAgents = [&](int n) -> Result<bool> {
    if (n <= floor_fail) return false;
    Result<Metrics> m =
        load.patience_s ? erlangAUnchecked(load, n) : Result<Metrics>(erlangCUnchecked(load, n));
    if (!m.ok()) {
      // A queue too long to compute is one that misses any goal.
      if (m.error().code == kStateLimitCode) return false;
      return m.error();
    }
    if (!meets(*m, goal)) return false;
    found = std::move(m).value();
    return true;
  };

  int fail = floor_fail;  // largest N known to fail (-1: none)
  int pass = -1;          // smallest N known to pass (-1: none yet)
  const int guess = std::max(floor_fail + 1, static_cast<int>(std::ceil(a)));
  const int first_step = std::max(1, static_cast<int>(std::sqrt(a)));
  Result<bool> at_guess = tryAgents(guess);
  if (!at_guess.ok()) return at_guess.error();
  if (*at_guess) {
    pass = guess;
    for (int step = first_step; pass - 1 > fail;) {
      const int n = std::max(fail + 1, pass - step);
      Result<bool> r = tryAgents(n);
      if (!r.ok()) return r.error();
      if (*r) {
        pass = n;
      } else {
        fail = n;
        break;
      }
      step *= 2;
    }
  } else {
    fail = guess;
    for (int step = first_step; pass < 0; step *= 2) {
      const int n = fail + step;
      if (n > kMaxAgents) {
        Result<bool> r = tryAgents(kMaxAgents);
        if (!r.ok()) return r.error();
        if (!*r) return unreachable;
        pass = kMaxAgents;
        break;
      }
      Result<bool> r = tryAgents(n);
      if (!r.ok()) return r.error();
      if (*r) {
        pass = n;
      } else {
        fail = n;
      }
    }
  }
  while (pass - fail > 1) {
    const int mid = fail + (pass - fail) / 2;
    Result<bool> r = tryAgents(mid);
    if (!r.ok()) return r.error();
    if (*r) {
      pass = mid;
    } else {
      fail = mid;
    }
  }
  // `found` holds the last passing evaluation, which may be a larger N.
  if (found->agents != pass) {
    Result<bool> r = tryAgents(pass);
    if (!r.ok()) return r.error();
  }
  return *found;
}

Result<StaffingRow> staffInterval(const DemandRow& demand, const StaffingOptions& options) {
  if (options.interval_minutes <= 0) {
    return makeError("planning_interval_not_positive", "Độ dài khung giờ phải lớn hơn 0 phút.",
                     "The interval length must be greater than 0 minutes.", "interval_minutes");
  }
  if (!(options.shrinkage >= 0 && options.shrinkage < 1)) {
    return makeError("planning_shrinkage_range",
                     "Tỷ lệ hao hụt (shrinkage) phải nằm trong khoảng [0, 1).",
                     "Shrinkage must be in [0, 1).", "shrinkage");
  }
  if (!validStart(demand.start)) {
    return makeError("planning_start_format", "Giờ bắt đầu phải có dạng HH:MM, ví dụ 07:30.",
                     "The start time must look like HH:MM, e.g. 07:30.", "start");
  }
  // Checked here to name the column of the file, not the hourly rate derived from it.
  if (!(demand.arrivals >= 0) || !std::isfinite(demand.arrivals)) {
    return makeError("planning_arrivals_negative", "Số cuộc gọi đến phải là số không âm.",
                     "Arrivals must be a non-negative number.", "arrivals");
  }
  Load load;
  load.arrivals_per_hour = demand.arrivals * 60.0 / options.interval_minutes;
  load.aht_s = demand.aht_s;
  load.target_s = options.target_s;
  load.patience_s = options.patience_s;
  Result<Metrics> m = smallestAgents(load, options.goal);
  if (!m.ok()) return m.error();
  StaffingRow row;
  row.demand = demand;
  row.agents = m->agents;
  // The epsilon keeps 14 / 0.7 = 20.000000000000004 at 20, not 21.
  row.scheduled_agents = static_cast<int>(std::ceil(m->agents / (1 - options.shrinkage) - 1e-9));
  row.metrics = std::move(m).value();
  return row;
}

Result<std::vector<StaffingRow>> staffDemand(const std::vector<DemandRow>& demand,
                                             const StaffingOptions& options) {
  std::vector<StaffingRow> rows;
  rows.reserve(demand.size());
  for (std::size_t i = 0; i < demand.size(); ++i) {
    Result<StaffingRow> row = staffInterval(demand[i], options);
    if (!row.ok()) return prefixRow(row.error(), i);
    rows.push_back(std::move(row).value());
  }
  return rows;
}

}  // namespace tongdai::core::planning
