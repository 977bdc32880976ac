// Administration: users, categories, business hours and holidays, SLA
// targets, the audit log.
#include "app/acd/acd_service.h"
#include "app/api/router.h"
#include "app/api/views.h"
#include "app/security.h"
#include "app/users.h"

namespace tongdai::app {

using core::Status;
using core::store::WriteTx;
using nlohmann::json;
using Role = core::auth::Role;
using core::auth::bit;

namespace {

core::Error userNotFound() {
  return core::makeError("not_found", "Không tìm thấy người dùng.", "User not found.");
}

void listUsers(const CallPtr& call) {
  std::vector<core::store::User> users;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    users = tx.users();
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  json items = json::array();
  for (const auto& u : users) items.push_back(userView(u));
  call->respond(200, {{"items", items}});
}

void createUser(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  NewUser input;
  for (auto [name, out] : {std::pair{"login", &input.login}, {"name", &input.name},
                           {"role", &input.role}, {"password", &input.password}}) {
    auto v = stringField(*body, name, true);
    if (!v.ok()) return call->fail(422, v.error());
    *out = *v;
  }
  call->ctx.workers().post([call, input] {
    auto now = call->ctx.now();
    auto prepared = prepareUser(input, now);
    if (!prepared.ok()) return call->fail(422, prepared.error());
    auto user = std::make_shared<core::store::User>(prepared.value());
    Principal who = *call->who;
    commit(call, [user, who, now](WriteTx& tx) { return insertUserTx(tx, *user, &who, now); },
           [call, user] { call->respond(201, userView(*user)); });
  });
}

void patchUser(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  auto body = call->jsonBody();
  if (!body) return;
  std::optional<std::string> name;
  std::optional<Role> role;
  std::optional<bool> disabled;
  bool unlock = false;
  if (body->contains("name")) {
    auto v = stringField(*body, "name", true);
    if (!v.ok()) return call->fail(422, v.error());
    auto t = core::cases::validateText(*v, "name", 200, true);
    if (!t.ok()) return call->fail(422, t.error());
    name = *t;
  }
  if (body->contains("role")) {
    auto v = stringField(*body, "role", true);
    if (!v.ok()) return call->fail(422, v.error());
    role = core::auth::roleFromString(*v);
    if (!role) {
      return call->fail(422, "invalid_role", "Vai trò phải là operator, officer, supervisor hoặc admin.",
                        "role must be operator, officer, supervisor or admin.", "role");
    }
  }
  for (auto [key, out] : {std::pair{"disabled", &disabled}}) {
    if (!body->contains(key)) continue;
    if (!(*body)[key].is_boolean()) {
      return call->fail(422, "invalid_type", "Trường này phải là true hoặc false.",
                        "This field must be true or false.", key);
    }
    *out = (*body)[key].get<bool>();
  }
  if (body->contains("unlock")) unlock = (*body)["unlock"] == true;
  Principal who = *call->who;
  if (*id == who.user_id && ((disabled && *disabled) || (role && *role != Role::admin))) {
    return call->fail(409, "conflict", "Bạn không thể tự khóa hoặc tự hạ quyền tài khoản của mình.",
                      "You cannot disable or demote your own account.");
  }
  auto now = call->ctx.now();
  auto result = std::make_shared<core::store::User>();
  std::int64_t user_id = *id;
  commit(call, [=](WriteTx& tx) -> Status {
    auto u = tx.userById(user_id);
    if (!u) return userNotFound();
    json fields = json::array();
    if (name) u->name = *name, fields.push_back("name");
    if (role) u->role = *role, fields.push_back("role");
    if (disabled) u->disabled = *disabled, fields.push_back("disabled");
    if (unlock) u->failed_logins = 0, u->locked_until.reset(), fields.push_back("unlock");
    u->updated_at = core::toUnix(now);
    tx.updateUser(*u);
    if (u->disabled || role) tx.deleteSessionsOfUser(u->id);
    tx.appendAudit(auditEntry(&who, "user.update", "user", std::to_string(u->id), std::nullopt, "",
                              json{{"fields", fields}}.dump(), now));
    *result = *u;
    return Status::Ok();
  }, [call, result, role] {
    if (result->disabled || role) call->ctx.sessions().eraseUser(result->id);
    call->respond(200, userView(*result));
  });
}

void resetPassword(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  auto body = call->jsonBody();
  if (!body) return;
  auto password = stringField(*body, "password", true);
  if (!password.ok()) return call->fail(422, password.error());
  std::int64_t user_id = *id;
  call->ctx.workers().post([call, user_id, password = *password] {
    std::optional<core::store::User> user;
    call->ctx.store().read([&](core::store::ReadTx& tx) {
      user = tx.userById(user_id);
      return Status::Ok();
    });
    if (!user) return call->fail(404, userNotFound());
    auto policy = core::auth::checkPasswordPolicy(password, user->login);
    if (!policy.ok()) return call->fail(422, policy.error());
    std::string hash = hashPassword(password);
    auto now = call->ctx.now();
    Principal who = *call->who;
    commit(call, [=](WriteTx& tx) -> Status {
      auto u = tx.userById(user_id);
      if (!u) return userNotFound();
      u->password_hash = hash;
      u->failed_logins = 0;
      u->locked_until.reset();
      u->updated_at = core::toUnix(now);
      tx.updateUser(*u);
      tx.deleteSessionsOfUser(u->id);
      tx.appendAudit(auditEntry(&who, "user.password_reset", "user", std::to_string(u->id), std::nullopt,
                                "", "", now));
      return Status::Ok();
    }, [call, user_id] {
      call->ctx.sessions().eraseUser(user_id);
      call->respond(204, nullptr);
    });
  });
}

void listCategories(const CallPtr& call) {
  std::vector<core::store::Category> cats;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    cats = tx.categories();
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  bool all = call->req.queryParam("all") == "1";
  json items = json::array();
  for (const auto& c : cats) {
    if (c.active || all) items.push_back(categoryView(c));
  }
  call->respond(200, {{"items", items}});
}

core::Result<core::store::Category> categoryFromJson(const json& b, const std::string& code) {
  core::store::Category c;
  c.code = code;
  bool ok = code.size() >= 2 && code.size() <= 48 &&
            std::all_of(code.begin(), code.end(), [](unsigned char ch) {
              return std::islower(ch) || std::isdigit(ch) || ch == '_' || ch == '.';
            });
  if (!ok) {
    return core::makeError("invalid_code", "Mã lĩnh vực gồm 2–48 ký tự: chữ thường không dấu, số, '_' hoặc '.'.",
                           "A category code has 2–48 characters: a-z, 0-9, '_' or '.'.", "code");
  }
  for (auto [name, out, max] : {std::tuple{"name", &c.name_vi, 200}, {"name_en", &c.name_en, 200},
                                {"group", &c.group, 8}}) {
    auto v = stringField(b, name, std::string(name) == "name");
    if (!v.ok()) return v.error();
    auto t = core::cases::validateText(*v, name, static_cast<std::size_t>(max), std::string(name) == "name");
    if (!t.ok()) return t.error();
    *out = *t;
  }
  if (c.name_en.empty()) c.name_en = c.name_vi;
  if (b.contains("active")) {
    if (!b["active"].is_boolean()) {
      return core::makeError("invalid_type", "Trường này phải là true hoặc false.",
                             "This field must be true or false.", "active");
    }
    c.active = b["active"].get<bool>();
  }
  if (b.contains("sort")) {
    if (!b["sort"].is_number_integer()) {
      return core::makeError("invalid_type", "Trường này phải là số nguyên.", "This field must be an integer.",
                             "sort");
    }
    c.sort = b["sort"].get<int>();
  }
  return c;
}

void saveCategory(const CallPtr& call, const std::string& code, bool must_exist) {
  auto body = call->jsonBody();
  if (!body) return;
  auto cat = categoryFromJson(*body, code);
  if (!cat.ok()) return call->fail(422, cat.error());
  auto now = call->ctx.now();
  Principal who = *call->who;
  core::store::Category c = cat.value();
  commit(call, [=](WriteTx& tx) -> Status {
    bool exists = false;
    for (const auto& e : tx.categories()) exists = exists || e.code == c.code;
    if (must_exist && !exists) {
      return core::makeError("not_found", "Không tìm thấy lĩnh vực.", "Category not found.");
    }
    if (!must_exist && exists) {
      return core::makeError("conflict", "Mã lĩnh vực đã tồn tại.", "The category code exists.", "code");
    }
    tx.upsertCategory(c);
    tx.appendAudit(auditEntry(&who, must_exist ? "category.update" : "category.create", "category", c.code,
                              std::nullopt, "", "", now));
    return Status::Ok();
  }, [call, c, must_exist] {
    call->ctx.refreshCategories();
    call->respond(must_exist ? 200 : 201, categoryView(c));
  });
}

void createCategory(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  auto code = stringField(*body, "code", true);
  if (!code.ok()) return call->fail(422, code.error());
  saveCategory(call, *code, false);
}

void updateCategory(const CallPtr& call) { saveCategory(call, call->params["code"], true); }

void getCalendar(const CallPtr& call) {
  call->respond(200, core::calendar::calendarSpecToJson(call->ctx.settings().calendar->spec()));
}

void putCalendar(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  auto spec = core::calendar::calendarSpecFromJson(*body);
  if (!spec.ok()) return call->fail(422, spec.error());
  auto cal = core::calendar::BusinessCalendar::create(spec.value());
  if (!cal.ok()) return call->fail(422, cal.error());
  auto shared = std::make_shared<const core::calendar::BusinessCalendar>(std::move(cal).value());
  auto now = call->ctx.now();
  Principal who = *call->who;
  std::string text = core::calendar::calendarSpecToJson(shared->spec()).dump();
  commit(call, [=](WriteTx& tx) {
    tx.putSetting("calendar", text);
    tx.appendAudit(auditEntry(&who, "settings.calendar", "settings", "calendar", std::nullopt, "", "", now));
    return Status::Ok();
  }, [call, shared] {
    call->ctx.setCalendar(shared);
    if (auto* acd = call->ctx.acd()) acd->calendarChanged();
    call->respond(200, core::calendar::calendarSpecToJson(shared->spec()));
  });
}

void getSla(const CallPtr& call) { call->respond(200, core::sla::policyToJson(*call->ctx.settings().sla)); }

void putSla(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  auto policy = core::sla::policyFromJson(*body);
  if (!policy.ok()) return call->fail(422, policy.error());
  auto shared = std::make_shared<const core::sla::SlaPolicy>(policy.value());
  auto now = call->ctx.now();
  Principal who = *call->who;
  std::string text = core::sla::policyToJson(*shared).dump();
  commit(call, [=](WriteTx& tx) {
    tx.putSetting("sla", text);
    tx.appendAudit(auditEntry(&who, "settings.sla", "settings", "sla", std::nullopt, "", text, now));
    return Status::Ok();
  }, [call, shared] {
    call->ctx.setSla(shared);
    call->respond(200, core::sla::policyToJson(*shared));
  });
}

json auditView(const core::audit::Entry& e) {
  return {{"seq", e.seq}, {"at", core::formatLocalIso(core::fromUnix(e.at))}, {"actor_id", e.actor_id},
          {"actor_login", e.actor_login}, {"action", e.action}, {"object_type", e.object_type},
          {"object_id", e.object_id}, {"case_id", e.case_id ? json(*e.case_id) : json(nullptr)},
          {"reason", e.reason}, {"details", json::parse(e.details, nullptr, false)},
          {"prev_hash", e.prev_hash}, {"hash", e.hash}};
}

void listAudit(const CallPtr& call) {
  std::string from = call->req.queryParam("from", "1");
  std::string limit = call->req.queryParam("limit", "100");
  auto isNum = [](const std::string& s) {
    return !s.empty() && s.size() < 12 && std::all_of(s.begin(), s.end(), ::isdigit);
  };
  if (!isNum(from) || !isNum(limit) || std::stoll(limit) < 1) {
    return call->fail(422, "invalid_query", "from và limit phải là số nguyên dương.",
                      "from and limit must be positive integers.");
  }
  std::vector<core::audit::Entry> entries;
  std::int64_t total = 0;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    entries = tx.auditEntries(std::stoll(from), static_cast<int>(std::min<long long>(std::stoll(limit), 1000)));
    total = tx.auditCount();
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  json items = json::array();
  for (const auto& e : entries) items.push_back(auditView(e));
  call->respond(200, {{"items", items}, {"total", total}});
}

void verifyAudit(const CallPtr& call) {
  core::audit::ChainVerifier v;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    std::int64_t next = 1;
    for (;;) {
      auto batch = tx.auditEntries(next, 5000);
      if (batch.empty()) break;
      for (const auto& e : batch) {
        if (!v.feed(e)) return Status::Ok();
      }
      next = batch.back().seq + 1;
    }
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  json out = {{"intact", v.ok()}, {"checked", v.checked()}};
  if (!v.ok()) out["first_broken_seq"] = *v.brokenSeq(), out["reason"] = v.reason();
  call->respond(200, out);
}

}  // namespace

void registerAdminRoutes(Router& r) {
  auto admin = bit(Role::admin);
  r.add("GET", "/api/v1/users", admin | bit(Role::supervisor), listUsers);
  r.add("POST", "/api/v1/users", admin, createUser);
  r.add("PATCH", "/api/v1/users/{id}", admin, patchUser);
  r.add("POST", "/api/v1/users/{id}/password", admin, resetPassword);
  r.add("GET", "/api/v1/categories", core::auth::kAllRoles, listCategories);
  r.add("POST", "/api/v1/categories", admin, createCategory);
  r.add("PUT", "/api/v1/categories/{code}", admin, updateCategory);
  r.add("GET", "/api/v1/settings/calendar", core::auth::kAllRoles, getCalendar);
  r.add("PUT", "/api/v1/settings/calendar", admin, putCalendar);
  r.add("GET", "/api/v1/settings/sla", core::auth::kAllRoles, getSla);
  r.add("PUT", "/api/v1/settings/sla", admin, putSla);
  r.add("GET", "/api/v1/audit", admin, listAudit);
  r.add("GET", "/api/v1/audit/verify", admin, verifyAudit);
}

void registerSystemRoutes(Router& r) {
  r.addPublic("GET", "/healthz", [](const CallPtr& call) {
    call->respond(200, {{"status", "ok"}});
  });
  r.addPublic("GET", "/api/v1/openapi.json", [](const CallPtr& call) {
    http::Response res;
    call->respond(200, json::parse(openapiDocument(), nullptr, false));
  });
  // The WebSocket route is served by the HTTP adapter; a plain GET explains itself.
  r.add("GET", "/api/v1/events", core::auth::kCaseWorkers, [](const CallPtr& call) {
    call->fail(426, "upgrade_required", "Địa chỉ này dùng WebSocket.", "This endpoint speaks WebSocket.");
  });
}

}  // namespace tongdai::app
