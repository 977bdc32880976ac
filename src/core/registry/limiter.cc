#include "core/registry/limiter.h"

#include <algorithm>

namespace tongdai::core::registry {

LimitDecision LookupLimiter::attempt(std::int64_t user, std::int64_t now, std::int64_t day_start) {
  UserState& u = users_[user];
  while (!u.last_hour.empty() && u.last_hour.front() <= now - 3600) u.last_hour.pop_front();
  if (u.day_start != day_start) {
    u.day_start = day_start;
    u.today = 0;
  }
  LimitDecision d;
  // The deque is ordered: count the tail within the last minute.
  auto in_minute = std::count_if(u.last_hour.rbegin(), u.last_hour.rend(),
                                 [&](std::int64_t t) { return t > now - 60; });
  if (in_minute >= policy_.per_minute) {
    auto oldest_in_minute = *(u.last_hour.end() - in_minute);
    d.allowed = false;
    d.refused_by = "minute";
    d.retry_after_s = int(std::max<std::int64_t>(1, oldest_in_minute + 60 - now));
  } else if (u.today >= policy_.per_day) {
    d.allowed = false;
    d.refused_by = "day";
    d.retry_after_s = int(std::max<std::int64_t>(1, day_start + 86400 - now));
  }
  if (!d.allowed) {
    d.last_hour = int(u.last_hour.size());
    return d;
  }
  u.last_hour.push_back(now);
  ++u.today;
  d.last_hour = int(u.last_hour.size());
  bool recently_alerted = u.alerted_at >= 0 && u.alerted_at > now - 3600;
  if (d.last_hour >= policy_.alert_per_hour && !recently_alerted) {
    d.alert = true;
    u.alerted_at = now;
  }
  return d;
}

}  // namespace tongdai::core::registry
