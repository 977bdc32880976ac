// Citizen look-ups in the reference registry. Every look-up names the case it
// serves and a reason, passes the per-user limits, and is written to the audit
// log (actor, case, reason, what was returned) before anything is answered.
// Officers see whole records; operators only verify a caller and then read a
// status summary; lists show masked ID numbers; nothing pages the registry.
#include "app/api/router.h"
#include "app/api/views.h"
#include "app/registry/registry_service.h"
#include "app/registry_open.h"
#include "core/identity/citizen_id.h"
#include "core/registry/match.h"
#include "core/registry/rules.h"
#include "core/text/fold.h"

namespace tongdai::app {

using core::Status;
using core::registry::Application;
using core::registry::PersonRecord;
using nlohmann::json;
using Role = core::auth::Role;
namespace reg = core::registry;

namespace {

constexpr core::auth::RoleSet kOfficers = core::auth::bit(Role::officer);

// Who asks, for which case, why: checked before any registry call.
struct Purpose {
  Principal who;
  std::int64_t case_id = 0;
  std::string reason;
};

core::Error caseNotYours() {
  return core::makeError("case_not_yours",
                         "Phiếu này không do bạn xử lý: chỉ tra cứu cho phiếu được giao cho bạn hoặc "
                         "yêu cầu tra cứu bạn đã nhận.",
                         "This case is not yours: look up only for cases assigned to you or look-up "
                         "requests you claimed.");
}

// An operator works on cases assigned to or opened by them; an officer on
// cases whose look-up request they claimed.
Status checkCaseAccess(core::store::ReadTx& tx, const Principal& who, std::int64_t case_id) {
  auto c = tx.caseById(case_id);
  if (!c) {
    return core::makeError("not_found", "Không tìm thấy phiếu yêu cầu mà tra cứu này phục vụ.",
                           "The case this look-up serves was not found.", "case_id");
  }
  if (c->status == core::cases::CaseStatus::closed) {
    return core::makeError("case_closed", "Phiếu đã đóng: không tra cứu cho phiếu đã đóng.",
                           "The case is closed: no look-ups for closed cases.", "case_id");
  }
  if (who.role == Role::operator_) {
    bool mine = c->created_by == who.user_id || (c->assignee_id && *c->assignee_id == who.user_id);
    return mine ? Status::Ok() : Status(caseNotYours());
  }
  for (const auto& l : tx.lookupsForCase(case_id)) {
    if (l.claimed_by && *l.claimed_by == who.user_id) return Status::Ok();
  }
  if (c->assignee_id && *c->assignee_id == who.user_id) return Status::Ok();
  return caseNotYours();
}

// Reads case_id and reason (required unless `reason_optional`) and checks the
// case; replies and returns nullopt on failure.
std::optional<Purpose> purposeOf(const CallPtr& call, const json& body, bool reason_optional) {
  if (!body.contains("case_id") || !body["case_id"].is_number_integer() || body["case_id"].get<std::int64_t>() <= 0) {
    call->fail(422, "case_required", "Tra cứu phải gắn với một phiếu yêu cầu: hãy chọn phiếu (case_id).",
               "A look-up must name the case it serves (case_id).", "case_id");
    return std::nullopt;
  }
  auto reason = stringField(body, "reason", false);
  if (!reason.ok()) {
    call->fail(422, reason.error());
    return std::nullopt;
  }
  std::string why = core::text::toNfc(*reason);
  if (why.find_first_not_of(" \t\r\n") == std::string::npos) why.clear();
  if (why.empty() && !reason_optional) {
    call->fail(422, "reason_required", "Hãy ghi lý do tra cứu (ví dụ: công dân hỏi tiến độ cấp thẻ).",
               "Give the reason for the look-up.", "reason");
    return std::nullopt;
  }
  if (why.size() > 500) {
    call->fail(422, "reason_too_long", "Lý do tra cứu tối đa 500 ký tự.", "The reason is at most 500 bytes.",
               "reason");
    return std::nullopt;
  }
  Purpose p{*call->who, body["case_id"].get<std::int64_t>(), why};
  auto st = call->ctx.store().read(
      [&](core::store::ReadTx& tx) { return checkCaseAccess(tx, p.who, p.case_id); });
  if (!st.ok()) {
    call->fail(st.error());
    return std::nullopt;
  }
  return p;
}

// The 12-digit ID in body[name] (separators allowed); replies 422 and returns nullopt otherwise.
std::optional<std::string> citizenIdField(const CallPtr& call, const json& body) {
  auto raw = stringField(body, "citizen_id", true);
  if (!raw.ok()) {
    call->fail(422, raw.error());
    return std::nullopt;
  }
  auto parsed = core::identity::parseCitizenId(*raw, call->ctx.currentYear(), true);
  if (!parsed.ok()) {
    auto e = parsed.error();
    e.field = "citizen_id";
    call->fail(422, e);
    return std::nullopt;
  }
  return parsed->number;
}

// body.birth_date as dd/mm/yyyy, mm/yyyy, yyyy or ISO; replies 422 and returns nullopt otherwise.
std::optional<reg::PartialDate> birthDateField(const CallPtr& call, const json& body) {
  auto text = stringField(body, "birth_date", true);
  if (!text.ok()) {
    call->fail(422, text.error());
    return std::nullopt;
  }
  auto dob = reg::PartialDate::parse(*text);
  if (!dob) {
    call->fail(422, "birth_date_format", "Ngày sinh dạng dd/mm/yyyy, mm/yyyy hoặc yyyy.",
               "Birth date as dd/mm/yyyy, mm/yyyy or yyyy.", "birth_date");
  }
  return dob;
}

// Counts the attempt; on refusal replies 429. Raises the supervisors' alert.
bool admit(const CallPtr& call, const Purpose& p) {
  auto* svc = call->ctx.registry();
  auto now = call->ctx.now();
  auto d = svc->attempt(p.who.user_id, core::toUnix(now));
  if (d.alert) {
    json alert = {{"type", "registry.alert"},
                  {"user_id", p.who.user_id},
                  {"login", p.who.login},
                  {"name", p.who.name},
                  {"last_hour", d.last_hour},
                  {"at", core::formatLocalIso(now)}};
    svc->addAlert(alert);
    call->ctx.publish(alert, core::auth::bit(Role::supervisor));
    call->ctx.store().write(
        [who = p.who, alert, now](core::store::WriteTx& tx) {
          tx.appendAudit(auditEntry(&who, "registry.alert", "user", std::to_string(who.user_id), std::nullopt,
                                    "unusual look-up volume", json{{"last_hour", alert["last_hour"]}}.dump(),
                                    now));
          return Status::Ok();
        },
        [](Status) {});
  }
  if (d.allowed) return true;
  bool minute = std::string(d.refused_by) == "minute";
  call->respond(429,
                {{"error",
                  {{"code", "lookup_rate_limited"},
                   {"message", call->english ? (minute ? "Too many look-ups this minute; wait and try again."
                                                       : "Daily look-up limit reached.")
                                             : (minute ? "Bạn đã tra cứu quá số lần cho phép trong một phút. "
                                                         "Vui lòng chờ rồi thử lại."
                                                       : "Bạn đã hết số lần tra cứu cho phép trong ngày.")},
                   {"retry_after_s", d.retry_after_s}}}},
                {{"Retry-After", std::to_string(d.retry_after_s)}});
  return false;
}

std::string localIso(std::int64_t unix_s) { return unix_s ? core::formatLocalIso(core::fromUnix(unix_s)) : ""; }

json summaryView(const reg::StatusSummary& s) {
  return {{"application_code", s.application_code}, {"type", s.type},         {"stage", s.stage},
          {"stage_vi", s.stage_vi},                 {"stage_en", s.stage_en}, {"since", s.since},
          {"due_date", s.due_date},                 {"overdue", s.overdue},   {"collect_vi", s.collect_vi},
          {"collect_en", s.collect_en},             {"missing_vi", s.missing_vi}};
}

json applicationView(const Application& a, date::year_month_day today) {
  json stages = json::array();
  auto add = [&](const char* name, std::int64_t at) {
    if (at) stages.push_back({{"stage", name}, {"at", localIso(at)}});
  };
  add("received", a.received_at);
  add("approved", a.approved_at);
  add("printing", a.printing_at);
  add("printed", a.printed_at);
  add("dispatched", a.dispatched_at);
  add("handed_over", a.handed_over_at);
  add("returned", a.returned_at);
  return {{"code", a.code},
          {"type", reg::applicationTypeName(a.type)},
          {"type_reason", a.type_reason},
          {"office", a.office},
          {"office_province", a.office_province},
          {"stage", reg::stageName(a.stage)},
          {"stages", stages},
          {"returned_reason", a.returned_reason},
          {"due_date", a.due_date},
          {"delivery", a.delivery},
          {"summary", summaryView(reg::summarise(a, today))}};
}

json personView(const reg::Person& p) {
  auto province = core::identity::provinceName(p.former_province_code);
  return {{"id", p.id},
          {"masked_id", reg::maskId(p.id)},
          {"full_name", p.full_name},
          {"birth_date", p.birth_date.toString()},
          {"gender", core::identity::genderName(p.gender)},
          {"ethnicity", p.ethnicity},
          {"hometown", p.hometown},
          {"permanent", {{"commune", p.permanent.commune}, {"province", p.permanent.province}}},
          {"current", {{"commune", p.current.commune}, {"province", p.current.province}}},
          {"former_province_code", p.former_province_code},
          {"former_province", province ? std::string(*province) : ""},
          {"vneid_level", p.vneid_level}};
}

// The officer's whole view of a record.
json recordView(const PersonRecord& r, date::year_month_day today) {
  json apps = json::array(), cards = json::array();
  for (const auto& a : r.applications) apps.push_back(applicationView(a, today));
  for (const auto& c : r.cards) {
    cards.push_back({{"number", c.number},
                     {"application_code", c.application_code},
                     {"issue_date", c.issue_date},
                     {"expiry_date", c.expiry_date.empty() ? json(nullptr) : json(c.expiry_date)}});
  }
  return {{"person", personView(r.person)}, {"applications", apps}, {"cards", cards}};
}

// Writes the audit entry, then answers: a look-up nobody can trace is never shown.
void auditThenRespond(const CallPtr& call, const Purpose& p, std::string action, std::string object_id,
                      json details, json response) {
  auto now = call->ctx.now();
  commit(
      call,
      [who = p.who, case_id = p.case_id, reason = p.reason, action, object_id, details,
       now](core::store::WriteTx& tx) -> Status {
        tx.appendAudit(auditEntry(&who, action, object_id.empty() ? "registry" : "person", object_id, case_id,
                                  reason, details.dump(), now));
        return Status::Ok();
      },
      [call, response] { call->respond(200, response); });
}

core::Error unavailable() {
  return core::makeError("registry_unavailable",
                         "Không truy cập được cơ sở dữ liệu dân cư, vui lòng thử lại sau.",
                         "The population registry cannot be reached; try again later.");
}

// Runs `fetch` on a worker (registry calls may block), then `finish` there too.
// The purpose travels to the national service as X-Purpose (registry_open.h).
template <typename T>
void onWorker(const CallPtr& call, const Purpose& purpose, std::function<core::Result<T>(reg::Registry&)> fetch,
              std::function<void(T)> finish) {
  auto* svc = call->ctx.registry();
  if (!svc || !svc->registry()) return call->fail(503, unavailable());
  std::string why = "case=" + std::to_string(purpose.case_id) + "; reason=" + purpose.reason;
  call->ctx.workers().post([call, svc, fetch, finish, why] {
    setLookupPurpose(why);
    auto r = fetch(*svc->registry());
    setLookupPurpose("");
    if (!r.ok()) return call->fail(503, r.error());
    finish(std::move(r).value());
  });
}

date::year_month_day today(const CallPtr& call) { return reg::localDay(core::toUnix(call->ctx.now())); }

void lookupPerson(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  auto p = purposeOf(call, *body, false);
  if (!p) return;
  std::string id;
  std::string by = "id";
  if (body->contains("ref")) {
    auto ref = stringField(*body, "ref", true);
    if (!ref.ok()) return call->fail(422, ref.error());
    auto resolved = call->ctx.registry() ? call->ctx.registry()->resolveRef(p->who.user_id, *ref,
                                                                             core::toUnix(call->ctx.now()))
                                         : std::nullopt;
    if (!resolved) {
      return call->fail(422, "ref_expired", "Kết quả tìm kiếm đã hết hạn, hãy tìm lại.",
                        "The search result has expired; search again.", "ref");
    }
    id = *resolved;
    by = "search_result";
  } else {
    auto parsed = citizenIdField(call, *body);
    if (!parsed) return;
    id = *parsed;
  }
  if (!admit(call, *p)) return;
  Purpose purpose = *p;
  onWorker<std::optional<PersonRecord>>(
      call, purpose, [id](reg::Registry& r) { return r.personById(id); },
      [call, purpose, id, by](std::optional<PersonRecord> rec) {
        json details = {{"by", by}, {"found", rec.has_value()}};
        if (!rec) {
          auditThenRespond(call, purpose, "registry.person", id, details,
                           {{"found", false},
                            {"message", call->english ? "No citizen has this personal ID number."
                                                      : "Không tìm thấy công dân có số định danh này."}});
          return;
        }
        details["applications"] = rec->applications.size();
        auditThenRespond(call, purpose, "registry.person", id, details,
                         json{{"found", true}, {"record", recordView(*rec, today(call))}});
      });
}

void lookupApplication(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  auto p = purposeOf(call, *body, false);
  if (!p) return;
  auto raw = stringField(*body, "application_code", true);
  if (!raw.ok()) return call->fail(422, raw.error());
  auto code = reg::normaliseApplicationCode(*raw);
  if (!code) {
    return call->fail(422, "application_code_format",
                      "Mã hồ sơ gồm 17 chữ số, dạng 079-261105-00004213.",
                      "An application code has 17 digits, like 079-261105-00004213.", "application_code");
  }
  if (!admit(call, *p)) return;
  Purpose purpose = *p;
  std::string c = *code;
  onWorker<std::optional<PersonRecord>>(
      call, purpose, [c](reg::Registry& r) { return r.personByApplication(c); },
      [call, purpose, c](std::optional<PersonRecord> rec) {
        json details = {{"by", "application_code"}, {"application_code", c}, {"found", rec.has_value()}};
        if (!rec) {
          auditThenRespond(call, purpose, "registry.application", "", details,
                           {{"found", false},
                            {"message", call->english ? "No application has this code."
                                                      : "Không tìm thấy hồ sơ có mã này."}});
          return;
        }
        auditThenRespond(call, purpose, "registry.application", rec->person.id, details,
                         json{{"found", true}, {"application_code", c}, {"record", recordView(*rec, today(call))}});
      });
}

// "Nguyễn Văn An" -> "N.V.A.": enough for a supervisor to match a complaint, not a name.
std::string initials(const std::string& name) {
  std::string out;
  for (const auto& t : core::text::foldedTokens(name)) out += std::string(1, char(std::toupper(t[0]))) + ".";
  return out;
}

void searchByName(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  auto p = purposeOf(call, *body, false);
  if (!p) return;
  auto name = stringField(*body, "full_name", true);
  if (!name.ok()) return call->fail(422, name.error());
  if (core::text::foldedTokens(*name).size() < 2) {
    return call->fail(422, "full_name_required", "Nhập đủ họ và tên (ít nhất hai chữ).",
                      "Give the full name (at least two words).", "full_name");
  }
  auto dob = birthDateField(call, *body);
  if (!dob) return;
  auto province = stringField(*body, "province_code", false);
  if (!province.ok()) return call->fail(422, province.error());
  if (!province->empty() && !core::identity::provinceName(*province)) {
    return call->fail(422, "province_code_unknown", "Mã tỉnh không có trong danh mục 63 mã tỉnh.",
                      "Unknown province code.", "province_code");
  }
  if (!admit(call, *p)) return;
  reg::NameQuery q{core::text::toNfc(*name), *dob, *province, 10};
  Purpose purpose = *p;
  onWorker<std::vector<reg::Candidate>>(
      call, purpose, [q](reg::Registry& r) { return r.findByName(q); },
      [call, purpose, q](std::vector<reg::Candidate> found) {
        auto* svc = call->ctx.registry();
        auto now = core::toUnix(call->ctx.now());
        json items = json::array(), returned = json::array();
        for (const auto& c : found) {
          auto province = core::identity::provinceName(c.person.former_province_code);
          items.push_back({{"ref", svc->issueRef(purpose.who.user_id, c.person.id, now)},
                           {"masked_id", reg::maskId(c.person.id)},
                           {"full_name", c.person.full_name},
                           {"birth_date", c.person.birth_date.toString()},
                           {"gender", core::identity::genderName(c.person.gender)},
                           {"former_province", province ? std::string(*province) : ""},
                           {"permanent_province", c.person.permanent.province},
                           {"score", c.score}});
          returned.push_back(c.person.id);
        }
        json details = {{"by", "name"},
                        {"query", {{"initials", initials(q.full_name)},
                                   {"birth_date", q.birth_date.toString()},
                                   {"province_code", q.province_code}}},
                        {"returned", returned}};
        auditThenRespond(call, purpose, "registry.search", "", details, {{"items", items}});
      });
}

void verifyCaller(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  auto p = purposeOf(call, *body, true);
  if (!p) return;
  if (p->reason.empty()) p->reason = "xác minh người gọi";
  auto parsed = citizenIdField(call, *body);
  if (!parsed) return;
  auto name = stringField(*body, "full_name", true);
  if (!name.ok()) return call->fail(422, name.error());
  auto dob = birthDateField(call, *body);
  if (!dob) return;
  if (!admit(call, *p)) return;
  Purpose purpose = *p;
  std::string id = *parsed, stated_name = *name;
  reg::PartialDate stated_dob = *dob;
  onWorker<std::optional<PersonRecord>>(
      call, purpose, [id](reg::Registry& r) { return r.personById(id); },
      [call, purpose, id, stated_name, stated_dob](std::optional<PersonRecord> rec) {
        bool ok = rec && reg::nameKey(rec->person.full_name) == reg::nameKey(stated_name) &&
                  reg::birthDateVerifies(stated_dob, rec->person.birth_date);
        json details = {{"by", "verify"}, {"verified", ok}};
        if (!ok) {
          // Never say which part differed: that would let a caller guess a record field by field.
          auditThenRespond(call, purpose, "registry.verify", id, details,
                           {{"verified", false},
                            {"message", call->english
                                            ? "The ID number, full name and birth date do not match one record."
                                            : "Số định danh, họ tên và ngày sinh không khớp với hồ sơ."}});
          return;
        }
        json response = {{"verified", true},
                         {"masked_id", reg::maskId(id)},
                         {"full_name", rec->person.full_name},
                         {"applications", rec->applications.size()}};
        const Application* current = reg::currentApplication(*rec);
        response["summary"] = current ? summaryView(reg::summarise(*current, today(call))) : json(nullptr);
        auditThenRespond(call, purpose, "registry.verify", id, details, response);
      });
}

json auditEntryView(const core::audit::Entry& e, bool show_ids) {
  json details = json::parse(e.details, nullptr, false);
  if (details.is_discarded()) details = json::object();
  if (!show_ids && details.contains("returned")) {
    for (auto& r : details["returned"]) r = reg::maskId(r.get<std::string>());
  }
  bool is_person = e.object_type == "person";
  return {{"seq", e.seq},
          {"at", core::formatLocalIso(core::fromUnix(e.at))},
          {"actor_id", e.actor_id},
          {"actor_login", e.actor_login},
          {"action", e.action},
          {"citizen_id", is_person ? (show_ids ? e.object_id : reg::maskId(e.object_id)) : ""},
          {"case_id", e.case_id ? json(*e.case_id) : json(nullptr)},
          {"reason", e.reason},
          {"details", details}};
}

// Supervisors: the look-up trail, newest first, filtered by user, case or the
// citizen looked up (the question "who looked at my record?").
void lookupAudit(const CallPtr& call) {
  std::string citizen = call->req.queryParam("citizen_id");
  if (!citizen.empty()) {
    auto parsed = core::identity::parseCitizenId(citizen, call->ctx.currentYear(), true);
    if (!parsed.ok()) {
      auto e = parsed.error();
      e.field = "citizen_id";
      return call->fail(422, e);
    }
    citizen = parsed->number;
  }
  auto number = [&](const char* name) -> std::optional<std::int64_t> {
    auto v = call->req.queryParam(name);
    if (v.empty()) return std::nullopt;
    try {
      return std::stoll(v);
    } catch (...) {
      return std::int64_t{-1};
    }
  };
  auto user = number("user_id"), case_id = number("case_id");
  json items = json::array();
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    // The newest 20,000 audit entries: the trail of recent weeks at this desk's volume.
    std::int64_t count = tx.auditCount();
    auto entries = tx.auditEntries(std::max<std::int64_t>(1, count - 20000 + 1), 20000);
    for (auto it = entries.rbegin(); it != entries.rend() && items.size() < 500; ++it) {
      if (it->action.rfind("registry.", 0) != 0) continue;
      if (user && it->actor_id != *user) continue;
      if (case_id && (!it->case_id || *it->case_id != *case_id)) continue;
      if (!citizen.empty()) {
        bool hit = it->object_id == citizen || it->details.find(citizen) != std::string::npos;
        if (!hit) continue;
      }
      items.push_back(auditEntryView(*it, !citizen.empty()));
    }
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  call->respond(200, {{"items", items}});
}

void alerts(const CallPtr& call) {
  auto* svc = call->ctx.registry();
  call->respond(200, {{"items", svc ? svc->alerts() : json::array()}});
}

void status(const CallPtr& call) {
  auto* svc = call->ctx.registry();
  if (!svc || !svc->registry()) return call->respond(200, {{"available", false}});
  call->ctx.workers().post([call, svc] {
    auto st = svc->registry()->stats();
    if (!st.ok()) return call->respond(200, {{"available", false}});
    call->respond(200, {{"available", true},
                        {"people", st->people},
                        {"applications", st->applications},
                        {"cards", st->cards}});
  });
}

}  // namespace

void registerRegistryRoutes(Router& r) {
  r.add("POST", "/api/v1/registry/person", kOfficers, lookupPerson);
  r.add("POST", "/api/v1/registry/application", kOfficers, lookupApplication);
  r.add("POST", "/api/v1/registry/search", kOfficers, searchByName);
  r.add("POST", "/api/v1/registry/verify", kOfficers | core::auth::bit(Role::operator_), verifyCaller);
  r.add("GET", "/api/v1/registry/audit", core::auth::bit(Role::supervisor), lookupAudit);
  r.add("GET", "/api/v1/registry/alerts", core::auth::bit(Role::supervisor), alerts);
  r.add("GET", "/api/v1/registry/status",
        kOfficers | core::auth::bit(Role::operator_) | core::auth::bit(Role::supervisor), status);
}

}  // namespace tongdai::app
