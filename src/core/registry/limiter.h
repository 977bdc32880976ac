// Per-user look-up limits and the unusual-volume alert, as a pure function of
// the look-up times it is told about (the core reads no clock).
//
// A look-up is refused when the user already made per_minute look-ups in the
// last 60 s or per_day since local midnight; an alert is raised (once per
// user per rolling hour) when the last hour reaches alert_per_hour.
#pragma once

#include <cstdint>
#include <deque>
#include <map>

namespace tongdai::core::registry {

struct LimitPolicy {
  int per_minute = 20;
  int per_day = 400;
  int alert_per_hour = 60;
};

struct LimitDecision {
  bool allowed = true;
  const char* refused_by = "";  // "minute" or "day" when refused
  int retry_after_s = 0;
  bool alert = false;           // raise an alert now (the first time the hour reaches the threshold)
  int last_hour = 0;            // look-ups in the last hour including this one
};

class LookupLimiter {
 public:
  explicit LookupLimiter(LimitPolicy policy) : policy_(policy) {}
  // Records an attempt by `user` at `now` (unix seconds) whose local day
  // starts at `day_start`; refused attempts are not counted.
  LimitDecision attempt(std::int64_t user, std::int64_t now, std::int64_t day_start);
  const LimitPolicy& policy() const { return policy_; }

 private:
  struct UserState {
    std::deque<std::int64_t> last_hour;  // times of allowed look-ups within the last hour
    std::int64_t day_start = 0;
    int today = 0;
    std::int64_t alerted_at = -1;
  };
  LimitPolicy policy_;
  std::map<std::int64_t, UserState> users_;
};

}  // namespace tongdai::core::registry
