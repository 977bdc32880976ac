// Cases: create, read, search, update, status changes, replies and notes,
// history, escalation to the back office.
#include <algorithm>

#include "app/api/router.h"
#include "app/api/views.h"
#include "core/text/fold.h"

namespace tongdai::app {

using core::Status;
using core::cases::Case;
using core::cases::CaseStatus;
using core::store::WriteTx;
using nlohmann::json;
using Role = core::auth::Role;

namespace {

core::Error notFound() {
  return core::makeError("not_found", "Không tìm thấy phiếu yêu cầu.", "Case not found.");
}

core::Error typeError(const std::string& field, const char* vi_type, const char* en_type) {
  return core::makeError("invalid_type", std::string("Trường này phải là ") + vi_type + ".",
                         std::string("This field must be ") + en_type + ".", field);
}

// Reads the draft from JSON with type checks; the core validates the values.
core::Result<core::cases::CaseDraft> draftFromJson(const json& b) {
  core::cases::CaseDraft d;
  for (auto [name, out] : {std::pair{"channel", &d.channel}, {"citizen_id", &d.citizen_id},
                           {"category", &d.category}, {"description", &d.description},
                           {"priority", &d.priority}}) {
    auto v = stringField(b, name, false);
    if (!v.ok()) return v.error();
    *out = *v;
  }
  if (b.contains("contact") && !b["contact"].is_null()) {
    if (!b["contact"].is_object()) return typeError("contact", "một đối tượng", "an object");
    const json& c = b["contact"];
    for (auto [name, out] : {std::pair{"name", &d.contact.name}, {"phone", &d.contact.phone},
                             {"email", &d.contact.email}, {"zalo_id", &d.contact.zalo_id},
                             {"facebook_id", &d.contact.facebook_id}}) {
      auto v = stringField(c, name, false);
      if (!v.ok()) {
        core::Error e = v.error();
        e.field = std::string("contact.") + name;
        return e;
      }
      *out = *v;
    }
  }
  if (b.contains("tags") && !b["tags"].is_null()) {
    if (!b["tags"].is_array()) return typeError("tags", "một danh sách chuỗi", "a list of strings");
    for (const auto& t : b["tags"]) {
      if (!t.is_string()) return typeError("tags", "một danh sách chuỗi", "a list of strings");
      d.tags.push_back(t.get<std::string>());
    }
  }
  return d;
}

bool categoryExists(AppContext& ctx, const std::string& code) { return ctx.categoryActive(code); }

void appendEvent(WriteTx& tx, std::int64_t case_id, core::TimePoint at, std::int64_t actor,
                 const std::string& kind, const json& data) {
  tx.appendCaseEvent({0, case_id, core::toUnix(at), actor, kind, data.dump()});
}

void createCase(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  auto draft = draftFromJson(*body);
  if (!draft.ok()) return call->fail(422, draft.error());
  AppContext& ctx = call->ctx;
  core::cases::ValidationContext vctx;
  vctx.current_year = ctx.currentYear();
  vctx.category_ctx = &ctx;
  vctx.category_exists = [](const void* p, const std::string& code) {
    return categoryExists(*const_cast<AppContext*>(static_cast<const AppContext*>(p)), code);
  };
  auto validated = core::cases::validateDraft(*draft, vctx);
  if (!validated.ok()) return call->fail(422, validated.error());
  Case c = validated.value();
  auto now = ctx.now();
  Principal who = *call->who;
  c.created_by = who.user_id;
  c.created_at = c.updated_at = now;
  if (who.role == Role::operator_) c.assignee_id = who.user_id;  // the call-taker owns what they open
  auto settings = ctx.settings();
  core::sla::startClock(c, *settings.sla, *settings.calendar);
  auto stored = std::make_shared<Case>(c);
  commit(call, [stored, who, now](WriteTx& tx) {
    stored->id = tx.insertCase(*stored);
    appendEvent(tx, stored->id, now, who.user_id, "created",
                {{"channel", core::cases::toString(stored->channel)}, {"category", stored->category}});
    tx.appendAudit(auditEntry(&who, "case.create", "case", std::to_string(stored->id), stored->id, "", "", now));
    return Status::Ok();
  }, [call, stored, settings, now] {
    call->respond(201, caseView(*stored, *settings.calendar, now, false),
                  {{"Location", "/api/v1/cases/" + std::to_string(stored->id)}});
    publishCase(call->ctx, "case.created", *stored);
  });
}

void getCase(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  std::optional<Case> c;
  std::vector<core::store::Lookup> lookups;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    c = tx.caseById(*id);
    if (c) lookups = tx.lookupsForCase(*id);
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  if (!c) return call->fail(404, notFound());
  auto settings = call->ctx.settings();
  json view = caseView(*c, *settings.calendar, call->ctx.now(), false);
  view["lookups"] = json::array();
  for (const auto& l : lookups) view["lookups"].push_back(lookupView(l));
  call->respond(200, view);
}

// Parses the search parameters; replies with an error and returns nullopt on bad input.
std::optional<core::store::CaseQuery> parseQuery(const CallPtr& call) {
  core::store::CaseQuery q;
  const auto& r = call->req;
  auto bad = [&](const std::string& field, const std::string& vi, const std::string& en) {
    call->fail(422, "invalid_query", vi, en, field);
    return std::nullopt;
  };
  if (r.hasQuery("status")) {
    q.status = core::cases::statusFromString(r.queryParam("status"));
    if (!q.status) return bad("status", "Trạng thái lọc không hợp lệ.", "Unknown status filter.");
  }
  if (r.hasQuery("channel")) {
    q.channel = core::cases::channelFromString(r.queryParam("channel"));
    if (!q.channel) return bad("channel", "Kênh lọc không hợp lệ.", "Unknown channel filter.");
  }
  q.category = r.queryParam("category");
  std::string assignee = r.queryParam("assignee");
  if (assignee == "me") {
    q.assignee_id = call->who->user_id;
  } else if (assignee == "none") {
    q.unassigned = true;
  } else if (!assignee.empty()) {
    if (assignee.size() > 15 || !std::all_of(assignee.begin(), assignee.end(), ::isdigit)) {
      return bad("assignee", "Người xử lý phải là số, \"me\" hoặc \"none\".",
                 "assignee must be an id, \"me\" or \"none\".");
    }
    q.assignee_id = std::stoll(assignee);
  }
  for (auto [name, out] : {std::pair{"from", &q.created_from}, {"to", &q.created_to}}) {
    if (!r.hasQuery(name)) continue;
    core::TimePoint t;
    if (!core::parseIso(r.queryParam(name), t)) {
      return bad(name, "Ngày không hợp lệ (dạng 2026-11-28 hoặc 2026-11-28T08:00:00+07:00).",
                 "Invalid date (2026-11-28 or 2026-11-28T08:00:00+07:00).");
    }
    *out = core::toUnix(t);
  }
  if (r.hasQuery("phone")) {
    auto p = core::cases::validatePhone(r.queryParam("phone"));
    if (!p.ok()) return call->fail(422, p.error()), std::nullopt;
    q.phone = *p;
  }
  if (r.hasQuery("citizen_id")) {
    std::string id = r.queryParam("citizen_id");
    if (id.size() != 12 || !std::all_of(id.begin(), id.end(), ::isdigit)) {
      return bad("citizen_id", "Số định danh phải gồm đúng 12 chữ số.",
                 "A personal ID number has exactly 12 digits.");
    }
    q.citizen_id = id;
  }
  std::string text = r.queryParam("q");
  if (!core::text::isValidUtf8(text)) return bad("q", "Từ khóa không hợp lệ.", "Invalid search text.");
  q.text_tokens = core::text::foldedTokens(text);
  if (q.text_tokens.size() > 12) q.text_tokens.resize(12);
  auto intParam = [&](const char* name, int def, int max, int& out) {
    std::string v = r.queryParam(name);
    if (v.empty()) {
      out = def;
      return true;
    }
    if (v.size() > 6 || !std::all_of(v.begin(), v.end(), ::isdigit) || std::stoi(v) < 1) return false;
    out = std::min(std::stoi(v), max);
    return true;
  };
  if (!intParam("page", 1, 100000, q.page)) {
    return bad("page", "Số trang phải là số nguyên dương.", "page must be a positive integer.");
  }
  if (!intParam("per_page", 25, 100, q.per_page)) {
    return bad("per_page", "Số dòng mỗi trang từ 1 đến 100.", "per_page must be 1 to 100.");
  }
  return q;
}

void searchCases(const CallPtr& call) {
  auto q = parseQuery(call);
  if (!q) return;
  core::store::CasePage page;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    page = tx.searchCases(*q);
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  auto settings = call->ctx.settings();
  auto now = call->ctx.now();
  json items = json::array();
  for (const auto& c : page.items) items.push_back(caseView(c, *settings.calendar, now, true));
  call->respond(200, {{"items", items}, {"total", page.total}, {"page", q->page},
                      {"per_page", q->per_page}});
}

// Validated changes of a PATCH, applied later inside the transaction.
struct CasePatch {
  std::optional<std::string> category, description, citizen_id;
  std::optional<core::cases::Priority> priority;
  std::optional<std::optional<std::int64_t>> assignee;
  std::optional<std::vector<std::string>> tags;
  std::optional<core::cases::Contact> contact;
  std::optional<std::int64_t> expected_version;
};

core::Result<CasePatch> parsePatch(const CallPtr& call, const json& b) {
  CasePatch p;
  AppContext& ctx = call->ctx;
  static const std::vector<std::string> known = {"category", "description", "citizen_id", "priority",
                                                 "assignee_id", "tags", "contact", "version"};
  for (auto& [k, v] : b.items()) {
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      return core::makeError("unknown_field", "Trường \"" + k + "\" không thể sửa.",
                             "Field \"" + k + "\" cannot be changed.", k);
    }
  }
  if (b.contains("version")) {
    if (!b["version"].is_number_integer()) return typeError("version", "một số nguyên", "an integer");
    p.expected_version = b["version"].get<std::int64_t>();
  }
  if (b.contains("category")) {
    auto v = stringField(b, "category", true);
    if (!v.ok()) return v.error();
    if (!categoryExists(ctx, *v)) {
      return core::makeError("unknown_category", "Lĩnh vực \"" + *v + "\" không tồn tại.",
                             "Unknown category \"" + *v + "\".", "category");
    }
    p.category = *v;
  }
  if (b.contains("description")) {
    auto v = stringField(b, "description", true);
    if (!v.ok()) return v.error();
    auto t = core::cases::validateText(*v, "description", 20000, true);
    if (!t.ok()) return t.error();
    p.description = *t;
  }
  if (b.contains("citizen_id")) {
    auto v = stringField(b, "citizen_id", false);
    if (!v.ok()) return v.error();
    auto t = core::cases::validateCitizenId(*v, ctx.currentYear());
    if (!t.ok()) return t.error();
    p.citizen_id = *t;
  }
  if (b.contains("priority")) {
    auto v = stringField(b, "priority", true);
    if (!v.ok()) return v.error();
    p.priority = core::cases::priorityFromString(*v);
    if (!p.priority) {
      return core::makeError("invalid_priority", "Mức ưu tiên không hợp lệ (low, normal, high, urgent).",
                             "Unknown priority (low, normal, high, urgent).", "priority");
    }
  }
  if (b.contains("assignee_id")) {
    if (b["assignee_id"].is_null()) {
      p.assignee = std::optional<std::int64_t>{};
    } else if (b["assignee_id"].is_number_integer()) {
      p.assignee = b["assignee_id"].get<std::int64_t>();
    } else {
      return typeError("assignee_id", "một số nguyên hoặc null", "an integer or null");
    }
    bool self = p.assignee->has_value() && **p.assignee == call->who->user_id;
    if (call->who->role != Role::supervisor && !self && p.assignee->has_value()) {
      return core::makeError("forbidden", "Chỉ giám sát viên được giao phiếu cho người khác.",
                             "Only supervisors may assign a case to someone else.", "assignee_id");
    }
  }
  if (b.contains("tags")) {
    core::cases::CaseDraft d;
    auto parsed = draftFromJson(json{{"tags", b["tags"]}});
    if (!parsed.ok()) return parsed.error();
    auto t = core::cases::validateTags(parsed->tags);
    if (!t.ok()) return t.error();
    p.tags = *t;
  }
  if (b.contains("contact")) {
    auto parsed = draftFromJson(json{{"contact", b["contact"]}});
    if (!parsed.ok()) return parsed.error();
    core::cases::Contact c = parsed->contact;
    auto phone = core::cases::validatePhone(c.phone);
    if (!phone.ok()) {
      core::Error e = phone.error();
      e.field = "contact.phone";
      return e;
    }
    c.phone = *phone;
    auto name = core::cases::validateText(c.name, "contact.name", 200, false);
    if (!name.ok()) return name.error();
    c.name = *name;
    p.contact = c;
  }
  return p;
}

json changed(const std::string& from, const std::string& to) { return {{"from", from}, {"to", to}}; }

void patchCase(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  auto body = call->jsonBody();
  if (!body) return;
  auto patch = parsePatch(call, *body);
  if (!patch.ok()) return call->fail(patch.error());
  auto now = call->ctx.now();
  auto settings = call->ctx.settings();
  Principal who = *call->who;
  auto result = std::make_shared<Case>();
  CasePatch p = patch.value();
  std::int64_t case_id = *id;
  commit(call, [=](WriteTx& tx) -> Status {
    auto found = tx.caseById(case_id);
    if (!found) return notFound();
    Case c = *found;
    if (p.expected_version && *p.expected_version != c.version) {
      return core::makeError("conflict", "Phiếu vừa được người khác sửa. Hãy tải lại rồi thử lại.",
                             "The case was changed by someone else. Reload and retry.", "version");
    }
    json diff = json::object();
    if (p.category && *p.category != c.category) diff["category"] = changed(c.category, *p.category), c.category = *p.category;
    if (p.description && *p.description != c.description) diff["description"] = changed(c.description, *p.description), c.description = *p.description;
    if (p.citizen_id && *p.citizen_id != c.citizen_id) diff["citizen_id"] = changed(c.citizen_id, *p.citizen_id), c.citizen_id = *p.citizen_id;
    if (p.priority && *p.priority != c.priority) {
      diff["priority"] = changed(core::cases::toString(c.priority), core::cases::toString(*p.priority));
      c.priority = *p.priority;
      core::sla::recompute(c, *settings.sla, *settings.calendar);
    }
    if (p.assignee && *p.assignee != c.assignee_id) {
      if (p.assignee->has_value()) {
        auto u = tx.userById(**p.assignee);
        if (!u || u->disabled || u->role == Role::admin) {
          return core::makeError("invalid_assignee", "Người được giao không tồn tại hoặc không xử lý phiếu.",
                                 "The assignee does not exist or does not handle cases.", "assignee_id");
        }
      }
      diff["assignee_id"] = {{"from", c.assignee_id ? json(*c.assignee_id) : json(nullptr)},
                             {"to", p.assignee->has_value() ? json(**p.assignee) : json(nullptr)}};
      c.assignee_id = *p.assignee;
    }
    if (p.tags && *p.tags != c.tags) diff["tags"] = {{"from", c.tags}, {"to", *p.tags}}, c.tags = *p.tags;
    if (p.contact) {
      c.contact = *p.contact;
      diff["contact"] = "changed";
    }
    if (!diff.empty()) {
      c.version++;
      c.updated_at = now;
      tx.updateCase(c);
      appendEvent(tx, c.id, now, who.user_id, "updated", diff);
      json fields = json::array();
      for (auto& [k, v] : diff.items()) fields.push_back(k);
      tx.appendAudit(auditEntry(&who, "case.update", "case", std::to_string(c.id), c.id, "",
                                json{{"fields", fields}}.dump(), now));
    }
    *result = c;
    return Status::Ok();
  }, [call, result, settings, now] {
    call->respond(200, caseView(*result, *settings.calendar, now, false));
    publishCase(call->ctx, "case.updated", *result);
  });
}

// Applies a status change to `c` with its bookkeeping. Shared with look-ups.
}  // namespace

Status applyStatus(Case& c, CaseStatus to, core::TimePoint now, const Settings& settings) {
  auto st = core::cases::checkTransition(c.status, to);
  if (!st.ok()) return st;
  if (to == CaseStatus::answered) {
    c.answered_at = now;
    if (!c.first_response_at) c.first_response_at = now;
  }
  if (to == CaseStatus::closed) c.closed_at = now;
  if (to == CaseStatus::in_progress && (c.status == CaseStatus::closed || c.status == CaseStatus::answered)) {
    c.answered_at.reset();  // reopened: the resolution clock runs again
    c.closed_at.reset();
  }
  core::sla::onStatusChange(c, to, now, *settings.sla, *settings.calendar);
  c.status = to;
  c.updated_at = now;
  c.version++;
  return Status::Ok();
}

namespace {

void changeStatus(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  auto body = call->jsonBody();
  if (!body) return;
  auto status_text = stringField(*body, "status", true);
  if (!status_text.ok()) return call->fail(422, status_text.error());
  auto to = core::cases::statusFromString(*status_text);
  if (!to) {
    return call->fail(422, "invalid_status", "Trạng thái không hợp lệ.", "Unknown status.", "status");
  }
  if (*to == CaseStatus::waiting_lookup) {
    return call->fail(409, "use_escalate",
                      "Để chuyển cán bộ nghiệp vụ, hãy dùng chức năng \"Chuyển tra cứu\".",
                      "Use the escalate action to send a case to the back office.", "status");
  }
  auto reason = stringField(*body, "reason", false);
  if (!reason.ok()) return call->fail(422, reason.error());
  auto reason_text = core::cases::validateText(*reason, "reason", 2000, false);
  if (!reason_text.ok()) return call->fail(422, reason_text.error());
  auto now = call->ctx.now();
  auto settings = call->ctx.settings();
  Principal who = *call->who;
  auto result = std::make_shared<Case>();
  std::int64_t case_id = *id;
  CaseStatus target = *to;
  std::string why = *reason_text;
  commit(call, [=](WriteTx& tx) -> Status {
    auto found = tx.caseById(case_id);
    if (!found) return notFound();
    Case c = *found;
    if (c.status == CaseStatus::waiting_lookup) {
      return core::makeError("invalid_transition",
                             "Phiếu đang chờ cán bộ nghiệp vụ tra cứu; trạng thái sẽ đổi khi có kết quả.",
                             "The case waits on a back-office look-up; it moves when that is answered.",
                             "status");
    }
    std::string from = core::cases::toString(c.status);
    auto st = applyStatus(c, target, now, settings);
    if (!st.ok()) return st;
    if (!c.assignee_id && who.role != Role::supervisor && target == CaseStatus::in_progress) {
      c.assignee_id = who.user_id;  // taking a case up makes it yours
    }
    tx.updateCase(c);
    appendEvent(tx, c.id, now, who.user_id, "status",
                {{"from", from}, {"to", core::cases::toString(target)}, {"reason", why}});
    tx.appendAudit(auditEntry(&who, "case.status", "case", std::to_string(c.id), c.id, why,
                              json{{"from", from}, {"to", core::cases::toString(target)}}.dump(), now));
    *result = c;
    return Status::Ok();
  }, [call, result, settings, now] {
    call->respond(200, caseView(*result, *settings.calendar, now, false));
    publishCase(call->ctx, "case.updated", *result);
  });
}

void addMessage(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  auto body = call->jsonBody();
  if (!body) return;
  auto kind = stringField(*body, "kind", true);
  if (!kind.ok()) return call->fail(422, kind.error());
  if (*kind != "reply" && *kind != "note") {
    return call->fail(422, "invalid_kind",
                      "Loại tin phải là \"reply\" (trả lời công dân) hoặc \"note\" (ghi chú nội bộ).",
                      "kind must be \"reply\" (to the citizen) or \"note\" (internal).", "kind");
  }
  auto text = stringField(*body, "body", true);
  if (!text.ok()) return call->fail(422, text.error());
  auto clean = core::cases::validateText(*text, "body", 20000, true);
  if (!clean.ok()) return call->fail(422, clean.error());
  auto now = call->ctx.now();
  auto settings = call->ctx.settings();
  Principal who = *call->who;
  std::int64_t case_id = *id;
  std::string k = *kind, b = *clean;
  auto message = std::make_shared<core::store::Message>();
  auto result = std::make_shared<Case>();
  commit(call, [=](WriteTx& tx) -> Status {
    auto found = tx.caseById(case_id);
    if (!found) return notFound();
    Case c = *found;
    *message = {0, case_id, k, b, who.user_id, core::toUnix(now)};
    message->id = tx.insertMessage(*message);
    if (k == "reply" && !c.first_response_at) c.first_response_at = now;
    c.updated_at = now;
    c.version++;
    tx.updateCase(c);
    appendEvent(tx, case_id, now, who.user_id, k, {{"message_id", message->id}});
    tx.appendAudit(auditEntry(&who, "case." + k, "case", std::to_string(case_id), case_id, "", "", now));
    *result = c;
    return Status::Ok();
  }, [call, message, result] {
    call->respond(201, {{"id", message->id}, {"case_id", message->case_id}, {"kind", message->kind},
                        {"body", message->body}, {"author_id", message->author_id},
                        {"at", core::formatLocalIso(core::fromUnix(message->at))}});
    publishCase(call->ctx, "case.updated", *result);
  });
}

void history(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  bool exists = false;
  std::vector<core::store::CaseEvent> events;
  std::vector<core::store::Message> messages;
  std::map<std::int64_t, std::string> names;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    exists = tx.caseById(*id).has_value();
    if (!exists) return Status::Ok();
    events = tx.caseEvents(*id);
    messages = tx.caseMessages(*id);
    for (const auto& u : tx.users()) names[u.id] = u.name;
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  if (!exists) return call->fail(404, notFound());
  json ev = json::array(), ms = json::array();
  for (const auto& e : events) {
    ev.push_back({{"id", e.id}, {"at", core::formatLocalIso(core::fromUnix(e.at))}, {"actor_id", e.actor_id},
                  {"actor_name", names[e.actor_id]}, {"kind", e.kind},
                  {"data", json::parse(e.data, nullptr, false)}});
  }
  for (const auto& m : messages) {
    ms.push_back({{"id", m.id}, {"kind", m.kind}, {"body", m.body}, {"author_id", m.author_id},
                  {"author_name", names[m.author_id]}, {"at", core::formatLocalIso(core::fromUnix(m.at))}});
  }
  call->respond(200, {{"events", ev}, {"messages", ms}});
}

void escalate(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  auto body = call->jsonBody();
  if (!body) return;
  auto what = stringField(*body, "what", true);
  if (!what.ok()) return call->fail(422, what.error());
  auto what_text = core::cases::validateText(*what, "what", 4000, true);
  if (!what_text.ok()) return call->fail(422, what_text.error());
  auto reason = stringField(*body, "reason", true);
  if (!reason.ok()) return call->fail(422, reason.error());
  auto reason_text = core::cases::validateText(*reason, "reason", 2000, true);
  if (!reason_text.ok()) return call->fail(422, reason_text.error());
  auto now = call->ctx.now();
  auto settings = call->ctx.settings();
  Principal who = *call->who;
  std::int64_t case_id = *id;
  std::string w = *what_text, r = *reason_text;
  auto lookup = std::make_shared<core::store::Lookup>();
  auto result = std::make_shared<Case>();
  commit(call, [=](WriteTx& tx) -> Status {
    auto found = tx.caseById(case_id);
    if (!found) return notFound();
    Case c = *found;
    auto st = applyStatus(c, CaseStatus::waiting_lookup, now, settings);
    if (!st.ok()) return st;
    tx.updateCase(c);
    lookup->case_id = case_id;
    lookup->status = "open";
    lookup->what = w;
    lookup->reason = r;
    lookup->requested_by = who.user_id;
    lookup->requested_at = core::toUnix(now);
    lookup->due_at = core::toUnix(settings.calendar->addBusinessMinutes(now, settings.sla->lookup_minutes));
    lookup->id = tx.insertLookup(*lookup);
    appendEvent(tx, case_id, now, who.user_id, "escalated", {{"lookup_id", lookup->id}, {"what", w}});
    tx.appendAudit(auditEntry(&who, "case.escalate", "lookup", std::to_string(lookup->id), case_id, r, "", now));
    *result = c;
    return Status::Ok();
  }, [call, lookup, result] {
    call->respond(201, lookupView(*lookup));
    publishCase(call->ctx, "case.updated", *result);
    call->ctx.publish({{"type", "lookup.created"}, {"lookup", lookupView(*lookup)}},
                      core::auth::kCaseWorkers);
  });
}

}  // namespace

void registerCaseRoutes(Router& r) {
  using core::auth::bit;
  auto workers = core::auth::kCaseWorkers;
  r.add("GET", "/api/v1/cases", workers, searchCases);
  r.add("POST", "/api/v1/cases", workers, createCase);
  r.add("GET", "/api/v1/cases/{id}", workers, getCase);
  r.add("PATCH", "/api/v1/cases/{id}", workers, patchCase);
  r.add("POST", "/api/v1/cases/{id}/status", workers, changeStatus);
  r.add("POST", "/api/v1/cases/{id}/messages", workers, addMessage);
  r.add("GET", "/api/v1/cases/{id}/history", workers, history);
  r.add("POST", "/api/v1/cases/{id}/escalate", bit(Role::operator_) | bit(Role::supervisor), escalate);
}

}  // namespace tongdai::app
