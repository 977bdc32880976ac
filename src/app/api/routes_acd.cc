// Live agent and queue state of the routing engine: the operator's state
// switch (sẵn sàng / tạm nghỉ / xử lý sau cuộc gọi) and supervisors forcing a
// state with a reason (audited).
#include <algorithm>

#include <nlohmann/json.hpp>

#include "app/acd/acd_service.h"
#include "app/api/router.h"
#include "app/telephony/call_service.h"
#include "app/api/views.h"

namespace tongdai::app {

using core::Status;
using namespace core::routing;
using nlohmann::json;
using Role = core::auth::Role;
using core::auth::bit;

namespace {

AcdService* acdOf(const CallPtr& call) {
  AcdService* acd = call->ctx.acd();
  if (!acd) {
    call->fail(503, "acd_unavailable", "Bộ định tuyến cuộc gọi chưa sẵn sàng.", "The routing engine is not running.");
  }
  return acd;
}

// The hotline's call service, or a 409 telephony_off answered.
CallService* callsOf(const CallPtr& call) {
  auto* calls = call->ctx.calls();
  if (!calls) {
    call->fail(409, "telephony_off", "Tổng đài SIP chưa được bật trên máy chủ này.",
               "Telephony is not enabled on this server.");
  }
  return calls;
}

json agentJson(const CallPtr& call, const AgentView& a) {
  auto* calls = call->ctx.calls();
  return {{"agent", a.id}, {"state", toString(a.state)}, {"reason", a.reason},
          {"since", core::formatLocalIso(core::fromUnix(a.since / 1000))}, {"contacts", a.contacts},
          {"handled", a.handled}, {"phone_registered", calls && calls->phoneRegistered(a.id)}};
}

// The caller's own view adds their current call and callback (a desk
// reloaded mid-call rebuilds its phone panel from them).
json myJson(const CallPtr& call, const AgentView& a) {
  json out = agentJson(call, a);
  auto* calls = call->ctx.calls();
  out["call"] = calls ? calls->agentCall(a.id) : json(nullptr);
  out["callback"] = calls ? calls->agentCallback(a.id) : json(nullptr);
  return out;
}

// Drives the engine to the requested state; the first refusal is returned.
std::optional<std::string> driveTo(AcdService& acd, const std::string& login, Role role, const std::string& state,
                                   const std::string& reason) {
  acd.ensureAgent(login, role);
  auto current = acd.agent(login)->state;
  std::vector<Event> events;
  if (state == "ready") {
    if (current == AgentState::logged_out) events.push_back(AgentLogin{login});
    if (current != AgentState::ready) events.push_back(AgentReady{login});
  } else if (state == "not_ready") {
    if (current == AgentState::logged_out) events.push_back(AgentLogin{login});
    events.push_back(AgentNotReady{login, reason.empty() ? "break" : reason});
  } else if (state == "wrap_up_done") {
    events.push_back(WrapUpDone{login});
  } else if (state == "logged_out") {
    if (current != AgentState::logged_out) events.push_back(AgentLogout{login});
  }
  for (const auto& e : events) {
    for (const auto& d : acd.apply(e)) {
      if (auto* r = std::get_if<EventRefused>(&d)) return r->what;
    }
  }
  return std::nullopt;
}

std::optional<std::pair<std::string, std::string>> stateBody(const CallPtr& call, bool reason_required) {
  auto body = call->jsonBody();
  if (!body) return std::nullopt;
  auto state = stringField(*body, "state", true);
  if (!state.ok()) return call->fail(422, state.error()), std::nullopt;
  if (*state != "ready" && *state != "not_ready" && *state != "wrap_up_done" && *state != "logged_out") {
    call->fail(422, "invalid_state", "Trạng thái phải là ready, not_ready, wrap_up_done hoặc logged_out.",
               "state must be ready, not_ready, wrap_up_done or logged_out.", "state");
    return std::nullopt;
  }
  auto reason = stringField(*body, "reason", reason_required);
  if (!reason.ok()) return call->fail(422, reason.error()), std::nullopt;
  auto clean = core::cases::validateText(*reason, "reason", 200, reason_required);
  if (!clean.ok()) return call->fail(422, clean.error()), std::nullopt;
  return std::pair{*state, *clean};
}

void refusedReply(const CallPtr& call, const std::string& what) {
  call->fail(409, "invalid_transition", "Không thể chuyển trạng thái lúc này (đang có cuộc gọi hoặc trạng thái không phù hợp).",
             "This state change is not possible now: " + what + ".", "state");
}

void listAgents(const CallPtr& call) {
  auto* acd = acdOf(call);
  if (!acd) return;
  json items = acd->agentsJson();
  auto* calls = call->ctx.calls();
  for (auto& a : items) a["phone_registered"] = calls && calls->phoneRegistered(a["agent"].get<std::string>());
  call->respond(200, {{"items", items}});
}

void listQueues(const CallPtr& call) {
  if (auto* acd = acdOf(call)) call->respond(200, {{"items", acd->queuesJson()}});
}

void myState(const CallPtr& call) {
  auto* acd = acdOf(call);
  if (!acd) return;
  acd->ensureAgent(call->who->login, call->who->role);
  call->respond(200, myJson(call, *acd->agent(call->who->login)));
}

void setMyState(const CallPtr& call) {
  auto* acd = acdOf(call);
  if (!acd) return;
  auto body = stateBody(call, false);
  if (!body) return;
  if (auto refused = driveTo(*acd, call->who->login, call->who->role, body->first, body->second)) {
    return refusedReply(call, *refused);
  }
  call->respond(200, myJson(call, *acd->agent(call->who->login)));
}

void holdMyCall(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  if (!body->contains("on") || !(*body)["on"].is_boolean()) {
    return call->fail(422, "invalid_type", "Trường này phải là true hoặc false.", "This field must be true or false.",
                      "on");
  }
  auto* calls = callsOf(call);
  if (!calls) return;
  bool on = (*body)["on"].get<bool>();
  if (auto st = calls->hold(call->who->login, on); !st.ok()) return call->fail(409, st.error());
  call->respond(200, {{"on_hold", on}});
}

void transferMyCall(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  auto to = stringField(*body, "to", true);
  if (!to.ok()) return call->fail(422, to.error());
  auto* calls = callsOf(call);
  if (!calls) return;
  auto st = calls->transfer(call->who->login, *to);
  if (!st.ok()) return call->fail(st.error().code == "transfer_target" ? 422 : 409, st.error());
  call->respond(202, {{"transferring_to", *to}});
}

// A callback's turn: the agent accepts it, declines it, or marks it called back.
void callbackMyOffer(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  auto contact = stringField(*body, "contact", true);
  if (!contact.ok()) return call->fail(422, contact.error());
  auto action = stringField(*body, "action", true);
  if (!action.ok()) return call->fail(422, action.error());
  auto* calls = callsOf(call);
  if (!calls) return;
  auto result = calls->callbackAction(call->who->login, *contact, *action);
  if (!result.ok()) return call->fail(result.error().code == "invalid_action" ? 422 : 409, result.error());
  call->respond(200, result.value());
}

void forceState(const CallPtr& call) {
  auto* acd = acdOf(call);
  if (!acd) return;
  std::string login = call->params["agent"];
  std::optional<Role> role;
  call->ctx.store().read([&](core::store::ReadTx& tx) {
    auto u = tx.userByLogin(login);
    if (u && agentConfigFor(login, u->role)) role = u->role;
    return Status::Ok();
  });
  if (!role) {
    return call->fail(404, "not_found", "Không tìm thấy tổng đài viên hoặc cán bộ nghiệp vụ.",
                      "No such call-taker or officer.");
  }
  auto body = stateBody(call, true);
  if (!body) return;
  auto before = acd->agent(login);
  std::string from = before ? toString(before->state) : "logged_out";
  if (auto refused = driveTo(*acd, login, *role, body->first, body->second)) return refusedReply(call, *refused);
  auto now = call->ctx.now();
  Principal who = *call->who;
  auto view = *acd->agent(login);
  std::string reason = body->second, to = body->first;
  commit(call, [=](core::store::WriteTx& tx) {
    tx.appendAudit(auditEntry(&who, "acd.force_state", "agent", login, std::nullopt, reason,
                              json{{"from", from}, {"to", to}}.dump(), now));
    return Status::Ok();
  }, [call, view] { call->respond(200, agentJson(call, view)); });
}

void dayMetrics(const CallPtr& call) {
  auto* acd = acdOf(call);
  if (!acd) return;
  std::string day = call->req.queryParam("date", call->ctx.today());
  core::TimePoint t;
  if (day.size() != 10 || !core::parseIso(day, t)) {
    return call->fail(422, "invalid_query", "Ngày không hợp lệ (dạng 2026-11-28).", "Invalid date (2026-11-28).",
                      "date");
  }
  std::string target = call->req.queryParam("target_s", "20");
  if (target.empty() || target.size() > 4 || !std::all_of(target.begin(), target.end(), ::isdigit)) {
    return call->fail(422, "invalid_query", "target_s phải là số giây.", "target_s must be seconds.", "target_s");
  }
  json out = acd->dayMetrics(day, std::stoll(target) * 1000);
  out["date"] = day;
  call->respond(200, out);
}

}  // namespace

void registerAcdRoutes(Router& r) {
  auto workers = core::auth::kCaseWorkers;
  r.add("GET", "/api/v1/acd/agents", workers, listAgents);
  r.add("GET", "/api/v1/acd/queues", workers, listQueues);
  // Officers take calls too: those operators transfer to their pool.
  auto agents = bit(Role::operator_) | bit(Role::officer);
  r.add("GET", "/api/v1/acd/me", agents, myState);
  r.add("GET", "/api/v1/acd/metrics", bit(Role::supervisor), dayMetrics);
  r.add("POST", "/api/v1/acd/me/state", agents, setMyState);
  r.add("POST", "/api/v1/acd/me/hold", agents, holdMyCall);
  r.add("POST", "/api/v1/acd/me/transfer", agents, transferMyCall);
  r.add("POST", "/api/v1/acd/me/callback", agents, callbackMyOffer);
  r.add("POST", "/api/v1/acd/agents/{agent}/state", bit(Role::supervisor), forceState);
}

}  // namespace tongdai::app
