// SLA targets in business minutes and the due times they give. Pausing (a
// case waiting on the citizen) pushes the resolution due time by the business
// minutes spent paused.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include <nlohmann/json_fwd.hpp>

#include "core/calendar/business_calendar.h"
#include "core/cases/case.h"
#include "core/common/status.h"

namespace tongdai::core::sla {

struct Target {
  std::int64_t first_response_minutes;
  std::int64_t resolution_minutes;
};

struct SlaPolicy {
  // Indexed by cases::Priority (low, normal, high, urgent).
  std::array<Target, 4> targets{{{240, 2400}, {60, 960}, {30, 480}, {15, 120}}};
  std::int64_t lookup_minutes = 30;  // back-office look-up requests
  const Target& forPriority(cases::Priority p) const { return targets[static_cast<int>(p)]; }
};

Result<SlaPolicy> policyFromJson(const nlohmann::json& j);
nlohmann::json policyToJson(const SlaPolicy& p);

// Sets first_response_due and resolution_due on a newly created case.
void startClock(cases::Case& c, const SlaPolicy& policy, const calendar::BusinessCalendar& cal);
// Recomputes resolution_due after a priority change or a pause ends.
void recompute(cases::Case& c, const SlaPolicy& policy, const calendar::BusinessCalendar& cal);
// Status change bookkeeping: pauses on waiting_citizen, resumes when leaving it.
void onStatusChange(cases::Case& c, cases::CaseStatus to, TimePoint now, const SlaPolicy& policy,
                    const calendar::BusinessCalendar& cal);

struct SlaState {
  bool paused = false;
  bool first_response_breached = false;
  bool resolution_breached = false;
  std::optional<std::int64_t> resolution_remaining_minutes;  // business minutes, negative = late
};
SlaState evaluate(const cases::Case& c, TimePoint now, const calendar::BusinessCalendar& cal);

}  // namespace tongdai::core::sla
