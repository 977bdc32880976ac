// The back office's pool of look-up requests: list, claim, answer.
#include "app/api/router.h"
#include "app/api/views.h"

namespace tongdai::app {

using core::Status;
using core::cases::Case;
using core::cases::CaseStatus;
using core::store::Lookup;
using core::store::WriteTx;
using nlohmann::json;
using Role = core::auth::Role;

Status applyStatus(Case& c, CaseStatus to, core::TimePoint now, const Settings& settings);

namespace {

core::Error lookupNotFound() {
  return core::makeError("not_found", "Không tìm thấy yêu cầu tra cứu.", "Look-up request not found.");
}

void listLookups(const CallPtr& call) {
  std::string status = call->req.queryParam("status");
  if (!status.empty() && status != "open" && status != "claimed" && status != "answered") {
    return call->fail(422, "invalid_query", "Trạng thái lọc phải là open, claimed hoặc answered.",
                      "status must be open, claimed or answered.", "status");
  }
  std::vector<Lookup> items;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    items = tx.lookups(status, 500);
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  json out = json::array();
  for (const auto& l : items) out.push_back(lookupView(l));
  call->respond(200, {{"items", out}});
}

void getLookup(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  std::optional<Lookup> l;
  auto st = call->ctx.store().read([&](core::store::ReadTx& tx) {
    l = tx.lookupById(*id);
    return Status::Ok();
  });
  if (!st.ok()) return call->fail(st.error());
  if (!l) return call->fail(404, lookupNotFound());
  call->respond(200, lookupView(*l));
}

void publishLookup(AppContext& ctx, const char* type, const Lookup& l) {
  ctx.publish({{"type", type}, {"lookup", lookupView(l)}}, core::auth::kCaseWorkers);
}

void claim(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  auto now = call->ctx.now();
  Principal who = *call->who;
  std::int64_t lookup_id = *id;
  auto result = std::make_shared<Lookup>();
  // The single writer makes check-and-set atomic: a second claim sees "claimed".
  commit(call, [=](WriteTx& tx) -> Status {
    auto l = tx.lookupById(lookup_id);
    if (!l) return lookupNotFound();
    if (l->status != "open") {
      std::string by;
      if (l->claimed_by) {
        if (auto u = tx.userById(*l->claimed_by)) by = u->name;
      }
      return core::makeError("already_claimed",
                             "Yêu cầu tra cứu này đã được " + (by.empty() ? "người khác" : by) + " nhận xử lý.",
                             "This look-up was already claimed" + (by.empty() ? "" : " by " + by) + ".");
    }
    l->status = "claimed";
    l->claimed_by = who.user_id;
    l->claimed_at = core::toUnix(now);
    tx.updateLookup(*l);
    tx.appendCaseEvent({0, l->case_id, core::toUnix(now), who.user_id, "lookup_claimed",
                        json{{"lookup_id", l->id}}.dump()});
    tx.appendAudit(auditEntry(&who, "lookup.claim", "lookup", std::to_string(l->id), l->case_id, "", "", now));
    *result = *l;
    return Status::Ok();
  }, [call, result] {
    call->respond(200, lookupView(*result));
    publishLookup(call->ctx, "lookup.updated", *result);
  });
}

void answer(const CallPtr& call) {
  auto id = call->idParam("id");
  if (!id) return;
  auto body = call->jsonBody();
  if (!body) return;
  auto text = stringField(*body, "answer", true);
  if (!text.ok()) return call->fail(422, text.error());
  auto clean = core::cases::validateText(*text, "answer", 20000, true);
  if (!clean.ok()) return call->fail(422, clean.error());
  bool to_citizen = false;
  if (body->contains("reply_to_citizen")) {
    if (!(*body)["reply_to_citizen"].is_boolean()) {
      return call->fail(422, "invalid_type", "Trường này phải là true hoặc false.",
                        "This field must be true or false.", "reply_to_citizen");
    }
    to_citizen = (*body)["reply_to_citizen"].get<bool>();
  }
  auto now = call->ctx.now();
  auto settings = call->ctx.settings();
  Principal who = *call->who;
  std::int64_t lookup_id = *id;
  std::string answer_text = *clean;
  auto result = std::make_shared<Lookup>();
  auto updated_case = std::make_shared<Case>();
  commit(call, [=](WriteTx& tx) -> Status {
    auto l = tx.lookupById(lookup_id);
    if (!l) return lookupNotFound();
    if (l->status != "claimed") {
      return core::makeError("lookup_state",
                             l->status == "open" ? "Hãy nhận xử lý yêu cầu trước khi trả lời."
                                                 : "Yêu cầu tra cứu này đã được trả lời.",
                             l->status == "open" ? "Claim the look-up before answering it."
                                                 : "This look-up was already answered.");
    }
    if (l->claimed_by != who.user_id) {
      return core::makeError("lookup_not_claimed_by_you", "Yêu cầu này do cán bộ khác đang xử lý.",
                             "Another officer holds this look-up.");
    }
    auto found = tx.caseById(l->case_id);
    if (!found) return lookupNotFound();
    Case c = *found;
    auto st = applyStatus(c, to_citizen ? CaseStatus::answered : CaseStatus::in_progress, now, settings);
    if (!st.ok()) return st;
    l->status = "answered";
    l->answer = answer_text;
    l->answered_by = who.user_id;
    l->answered_at = core::toUnix(now);
    l->replied_to_citizen = to_citizen;
    tx.updateLookup(*l);
    if (to_citizen) {
      tx.insertMessage({0, c.id, "reply", answer_text, who.user_id, core::toUnix(now)});
    }
    tx.updateCase(c);
    tx.appendCaseEvent({0, c.id, core::toUnix(now), who.user_id, "lookup_answered",
                        json{{"lookup_id", l->id}, {"reply_to_citizen", to_citizen}}.dump()});
    tx.appendAudit(auditEntry(&who, "lookup.answer", "lookup", std::to_string(l->id), c.id, "",
                              json{{"reply_to_citizen", to_citizen}}.dump(), now));
    *result = *l;
    *updated_case = c;
    return Status::Ok();
  }, [call, result, updated_case] {
    call->respond(200, lookupView(*result));
    publishLookup(call->ctx, "lookup.updated", *result);
    publishCase(call->ctx, "case.updated", *updated_case);
  });
}

}  // namespace

void registerLookupRoutes(Router& r) {
  using core::auth::bit;
  auto readers = bit(Role::officer) | bit(Role::supervisor);
  r.add("GET", "/api/v1/lookups", readers, listLookups);
  r.add("GET", "/api/v1/lookups/{id}", readers, getLookup);
  r.add("POST", "/api/v1/lookups/{id}/claim", bit(Role::officer), claim);
  r.add("POST", "/api/v1/lookups/{id}/answer", bit(Role::officer), answer);
}

}  // namespace tongdai::app
