// Instants are UTC seconds. The core never reads a clock: callers pass `now`.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace tongdai::core {

using TimePoint = std::chrono::sys_seconds;

inline std::int64_t toUnix(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint fromUnix(std::int64_t s) { return TimePoint{std::chrono::seconds{s}}; }

// ISO 8601 in Asia/Ho_Chi_Minh's fixed offset (+07:00, no daylight saving
// since 1975), e.g. "2026-11-28T08:30:00+07:00". Used for API output.
std::string formatLocalIso(TimePoint t);
// Parses "2026-11-28T08:30:00+07:00", "...Z", "2026-11-28T08:30:00" (taken as
// local +07:00) or "2026-11-28" (local midnight). False on malformed input.
bool parseIso(const std::string& text, TimePoint& out);

}  // namespace tongdai::core
