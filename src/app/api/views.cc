#include "app/api/views.h"

#include "core/registry/rules.h"

namespace tongdai::app {

using core::cases::Case;

nlohmann::json timeOrNull(const std::optional<core::TimePoint>& t) {
  return t ? nlohmann::json(core::formatLocalIso(*t)) : nlohmann::json(nullptr);
}

nlohmann::json unixOrNull(const std::optional<std::int64_t>& t) {
  return t ? nlohmann::json(core::formatLocalIso(core::fromUnix(*t))) : nlohmann::json(nullptr);
}

nlohmann::json userView(const core::store::User& u) {
  return {{"id", u.id},
          {"login", u.login},
          {"name", u.name},
          {"role", core::auth::toString(u.role)},
          {"role_name", core::auth::roleNameVi(u.role)},
          {"disabled", u.disabled},
          {"locked_until", unixOrNull(u.locked_until)},
          {"created_at", core::formatLocalIso(core::fromUnix(u.created_at))}};
}

nlohmann::json principalView(const Principal& p) {
  return {{"id", p.user_id},
          {"login", p.login},
          {"name", p.name},
          {"role", core::auth::toString(p.role)},
          {"role_name", core::auth::roleNameVi(p.role)}};
}

std::string maskCitizenId(const std::string& id) {
  return id.empty() ? "" : core::registry::maskId(id);
}

std::string maskPhone(const std::string& p) {
  if (p.size() < 8) return p.empty() ? "" : "****";
  return p.substr(0, 5) + std::string(p.size() - 8, '*') + p.substr(p.size() - 3);
}

nlohmann::json caseView(const Case& c, const core::calendar::BusinessCalendar& cal,
                        core::TimePoint now, bool masked) {
  auto sla = core::sla::evaluate(c, now, cal);
  nlohmann::json slaj = {{"first_response_due", timeOrNull(c.first_response_due)},
                         {"resolution_due", timeOrNull(c.resolution_due)},
                         {"paused", sla.paused},
                         {"paused_minutes", c.paused_minutes},
                         {"first_response_breached", sla.first_response_breached},
                         {"resolution_breached", sla.resolution_breached},
                         {"resolution_remaining_minutes",
                          sla.resolution_remaining_minutes ? nlohmann::json(*sla.resolution_remaining_minutes)
                                                           : nlohmann::json(nullptr)}};
  return {{"id", c.id},
          {"channel", core::cases::toString(c.channel)},
          {"contact",
           {{"name", c.contact.name},
            {"phone", masked ? maskPhone(c.contact.phone) : c.contact.phone},
            {"email", c.contact.email},
            {"zalo_id", c.contact.zalo_id},
            {"facebook_id", c.contact.facebook_id}}},
          {"citizen_id", masked ? maskCitizenId(c.citizen_id) : c.citizen_id},
          {"category", c.category},
          {"description", c.description},
          {"priority", core::cases::toString(c.priority)},
          {"assignee_id", c.assignee_id ? nlohmann::json(*c.assignee_id) : nlohmann::json(nullptr)},
          {"status", core::cases::toString(c.status)},
          {"tags", c.tags},
          {"created_by", c.created_by},
          {"created_at", core::formatLocalIso(c.created_at)},
          {"updated_at", core::formatLocalIso(c.updated_at)},
          {"first_response_at", timeOrNull(c.first_response_at)},
          {"answered_at", timeOrNull(c.answered_at)},
          {"closed_at", timeOrNull(c.closed_at)},
          {"sla", slaj},
          {"version", c.version}};
}

void publishCase(AppContext& ctx, const char* type, const core::cases::Case& c) {
  ctx.publish({{"type", type}, {"case", caseSummary(c)}}, core::auth::kCaseWorkers);
}

nlohmann::json caseSummary(const Case& c) {
  return {{"id", c.id},
          {"channel", core::cases::toString(c.channel)},
          {"category", c.category},
          {"priority", core::cases::toString(c.priority)},
          {"status", core::cases::toString(c.status)},
          {"assignee_id", c.assignee_id ? nlohmann::json(*c.assignee_id) : nlohmann::json(nullptr)},
          {"created_by", c.created_by},
          {"created_at", core::formatLocalIso(c.created_at)},
          {"updated_at", core::formatLocalIso(c.updated_at)},
          {"resolution_due", timeOrNull(c.resolution_due)},
          {"version", c.version}};
}

nlohmann::json lookupView(const core::store::Lookup& l) {
  return {{"id", l.id},
          {"case_id", l.case_id},
          {"status", l.status},
          {"what", l.what},
          {"reason", l.reason},
          {"requested_by", l.requested_by},
          {"requested_at", core::formatLocalIso(core::fromUnix(l.requested_at))},
          {"claimed_by", l.claimed_by ? nlohmann::json(*l.claimed_by) : nlohmann::json(nullptr)},
          {"claimed_at", unixOrNull(l.claimed_at)},
          {"answer", l.answer},
          {"answered_by", l.answered_by ? nlohmann::json(*l.answered_by) : nlohmann::json(nullptr)},
          {"answered_at", unixOrNull(l.answered_at)},
          {"replied_to_citizen", l.replied_to_citizen},
          {"due_at", core::formatLocalIso(core::fromUnix(l.due_at))}};
}

nlohmann::json categoryView(const core::store::Category& c) {
  return {{"code", c.code}, {"name", c.name_vi}, {"name_en", c.name_en},
          {"group", c.group}, {"active", c.active}, {"sort", c.sort}};
}

core::Result<std::string> stringField(const nlohmann::json& body, const char* name, bool required) {
  if (!body.contains(name) || body[name].is_null()) {
    if (required) {
      return core::makeError("required", "Thiếu trường bắt buộc.", "A required field is missing.", name);
    }
    return std::string();
  }
  if (!body[name].is_string()) {
    return core::makeError("invalid_type", "Trường này phải là chuỗi ký tự.", "This field must be a string.",
                           name);
  }
  return body[name].get<std::string>();
}

}  // namespace tongdai::app
