#include "core/sla/sla.h"

#include <nlohmann/json.hpp>

namespace tongdai::core::sla {

namespace {
const char* kPriorityNames[4] = {"low", "normal", "high", "urgent"};

Error slaError(const std::string& field) {
  return makeError("invalid_sla",
                   "Chỉ tiêu SLA phải là số phút làm việc dương (tối đa 100 000).",
                   "SLA targets must be positive business minutes (at most 100000).", field);
}

bool validMinutes(const nlohmann::json& v) {
  return v.is_number_integer() && v.get<std::int64_t>() > 0 && v.get<std::int64_t>() <= 100000;
}
}  // namespace

Result<SlaPolicy> policyFromJson(const nlohmann::json& j) {
  SlaPolicy p;
  if (!j.is_object()) return slaError("");
  // Unknown keys are refused: a typo ("urgnet") must not silently keep the old target.
  for (auto& [k, v] : j.items()) {
    if (k != "targets" && k != "lookup_minutes") return slaError(k);
  }
  if (j.contains("targets")) {
    const auto& t = j["targets"];
    if (!t.is_object()) return slaError("targets");
    for (auto& [k, v] : t.items()) {
      if (k != "low" && k != "normal" && k != "high" && k != "urgent") return slaError("targets." + k);
    }
    for (int i = 0; i < 4; ++i) {
      if (!t.contains(kPriorityNames[i])) continue;
      const auto& e = t[kPriorityNames[i]];
      std::string field = std::string("targets.") + kPriorityNames[i];
      if (!e.is_object() || !e.contains("first_response_minutes") ||
          !e.contains("resolution_minutes")) {
        return slaError(field);
      }
      if (!validMinutes(e["first_response_minutes"])) return slaError(field + ".first_response_minutes");
      if (!validMinutes(e["resolution_minutes"])) return slaError(field + ".resolution_minutes");
      p.targets[i] = {e["first_response_minutes"].get<std::int64_t>(),
                      e["resolution_minutes"].get<std::int64_t>()};
      if (p.targets[i].first_response_minutes > p.targets[i].resolution_minutes) {
        return makeError("invalid_sla",
                         "Thời hạn phản hồi đầu tiên không được dài hơn thời hạn giải quyết.",
                         "The first-response target cannot exceed the resolution target.",
                         field + ".first_response_minutes");
      }
    }
  }
  if (j.contains("lookup_minutes")) {
    if (!validMinutes(j["lookup_minutes"])) return slaError("lookup_minutes");
    p.lookup_minutes = j["lookup_minutes"].get<std::int64_t>();
  }
  return p;
}

nlohmann::json policyToJson(const SlaPolicy& p) {
  nlohmann::json t = nlohmann::json::object();
  for (int i = 0; i < 4; ++i) {
    t[kPriorityNames[i]] = {{"first_response_minutes", p.targets[i].first_response_minutes},
                            {"resolution_minutes", p.targets[i].resolution_minutes}};
  }
  return {{"targets", t}, {"lookup_minutes", p.lookup_minutes}};
}

void startClock(cases::Case& c, const SlaPolicy& policy, const calendar::BusinessCalendar& cal) {
  const Target& t = policy.forPriority(c.priority);
  c.first_response_due = cal.addBusinessMinutes(c.created_at, t.first_response_minutes);
  recompute(c, policy, cal);
}

void recompute(cases::Case& c, const SlaPolicy& policy, const calendar::BusinessCalendar& cal) {
  const Target& t = policy.forPriority(c.priority);
  if (!c.first_response_at) {
    c.first_response_due = cal.addBusinessMinutes(c.created_at, t.first_response_minutes);
  }
  if (c.paused_since) {
    c.resolution_due.reset();  // unknown until the citizen answers
    return;
  }
  c.resolution_due = cal.addBusinessMinutes(c.created_at, t.resolution_minutes + c.paused_minutes);
}

void onStatusChange(cases::Case& c, cases::CaseStatus to, TimePoint now, const SlaPolicy& policy,
                    const calendar::BusinessCalendar& cal) {
  using S = cases::CaseStatus;
  if (to == S::waiting_citizen && !c.paused_since) {
    c.paused_since = now;
  } else if (to != S::waiting_citizen && c.paused_since) {
    c.paused_minutes += cal.businessMinutesBetween(*c.paused_since, now);
    c.paused_since.reset();
  }
  recompute(c, policy, cal);
}

SlaState evaluate(const cases::Case& c, TimePoint now, const calendar::BusinessCalendar& cal) {
  SlaState s;
  s.paused = c.paused_since.has_value();
  TimePoint first_at = c.first_response_at.value_or(now);
  s.first_response_breached = c.first_response_due && first_at > *c.first_response_due;
  if (c.resolution_due) {
    TimePoint end = c.answered_at.value_or(c.closed_at.value_or(now));
    s.resolution_breached = end > *c.resolution_due;
    if (!c.answered_at && !c.closed_at) {
      s.resolution_remaining_minutes =
          end <= *c.resolution_due ? cal.businessMinutesBetween(end, *c.resolution_due)
                                   : -cal.businessMinutesBetween(*c.resolution_due, end);
    }
  }
  return s;
}

}  // namespace tongdai::core::sla
