// Callbacks in the routing engine: a caller who pressed 1 in the queue (or
// waited the maximum) keeps their place as a callback contact. When its turn
// comes the engine offers it to an agent like a call; here that offer goes to
// the agent's desk ("callback.offered"), where the agent accepts it (busy, the
// callback case becomes theirs), declines it, or marks it called back.
// With the carrier's trunk for calls out configured (sip_outbound_trunk),
// accepting it makes tongdai call: the agent's phone first, then the citizen
// through the trunk, bridged and recorded like a call in, with its own CDR
// (direction "outbound"). Without one, the agent calls back by other means
// and marks it done.
#include <spdlog/spdlog.h>

#include "app/acd/acd_service.h"
#include "app/api/views.h"
#include "app/context.h"
#include "app/telephony/call_service.h"

namespace tongdai::app {

namespace tel = core::telephony;
namespace routing = core::routing;
using nlohmann::json;

namespace {

bool refused(const std::vector<routing::Decision>& ds) {
  for (const auto& d : ds) {
    if (std::holds_alternative<routing::EventRefused>(d)) return true;
  }
  return false;
}

core::Error notOffered() {
  return core::makeError(
      "callback_not_offered",
      "Yêu cầu gọi lại này không (còn) được giao cho bạn; có thể đã hết thời gian nhận.",
      "This callback is not (or no longer) offered to you; the offer may have timed out.",
      "contact");
}

}  // namespace

// One call back to a citizen: the agent's leg, then the citizen's.
struct CallService::Outbound {
  std::string contact, agent, number;
  sip::CallId agent_leg = 0, citizen_leg = 0;
  bool connected = false, finished = false;
  std::int64_t citizen_deadline = 0;
  tel::CallRecord cdr;
  std::shared_ptr<Persisted> persisted = std::make_shared<Persisted>();
};

// After a restart the engine replays today's callbacks but this table is
// empty: the CDR (disposition "callback", with the contact id) has the rest.
std::optional<CallService::PendingCallback> CallService::recallCallback(
    const std::string& contact) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = callbacks_.find(contact); it != callbacks_.end()) return it->second;
  }
  std::optional<PendingCallback> found;
  ctx_.store().read([&](core::store::ReadTx& tx) {
    for (const auto& c : tx.calls(nowMs() - 86400 * 1000LL, 100000)) {
      if (c.contact != contact || c.disposition != "callback") continue;
      PendingCallback cb;
      cb.number = c.callback_number.empty() ? c.caller : c.callback_number;
      cb.case_id = c.case_id;
      cb.requested_at = c.ended_at;
      found = cb;
      break;
    }
    return core::Status::Ok();
  });
  if (found) {
    std::lock_guard lock(mutex_);
    callbacks_.emplace(contact, *found);
  }
  return found;
}

void CallService::offerNotOnLine(const std::string& contact, const std::string& agent) {
  auto cb = recallCallback(contact);
  if (!cb) {
    // A call contact with no caller and no callback behind it (it cannot
    // happen unless state was lost): drop it rather than ring agents for nobody.
    if (contact.rfind("call-", 0) == 0) {
      spdlog::warn("call {} offered to {} but nobody is on the line: dropped", contact, agent);
      acd_.apply(routing::ContactAbandoned{contact});
    }
    return;
  }
  {
    std::lock_guard lock(mutex_);
    auto& pending = callbacks_[contact];
    pending.offered_to = agent;
    pending.accepted = false;
  }
  spdlog::info("callback {} offered to {}", contact, agent);
  json pop{{"type", "callback.offered"},
           {"agent", agent},
           {"contact", contact},
           {"number", cb->number},
           {"case_id", cb->case_id ? json(*cb->case_id) : json(nullptr)},
           {"requested_at", core::formatLocalIso(core::fromUnix(cb->requested_at / 1000))}};
  ctx_.publishTo(agent, pop);
}

json CallService::agentCallback(const std::string& agent) {
  std::lock_guard lock(mutex_);
  for (const auto& [contact, cb] : callbacks_) {
    if (cb.offered_to != agent) continue;
    bool dialling = false;
    for (const auto& [leg, o] : outbound_) dialling = dialling || o->contact == contact;
    return {{"contact", contact},
            {"number", cb.number},
            {"case_id", cb.case_id ? json(*cb.case_id) : json(nullptr)},
            {"requested_at", core::formatLocalIso(core::fromUnix(cb.requested_at / 1000))},
            {"state", cb.accepted ? "accepted" : "offered"},
            {"dialling", dialling}};
  }
  return nullptr;
}

void CallService::callbackWithdrawn(const std::string& contact) {
  std::string agent;
  {
    std::lock_guard lock(mutex_);
    auto it = callbacks_.find(contact);
    if (it == callbacks_.end()) return;
    agent = it->second.offered_to;
    it->second.offered_to.clear();
    it->second.accepted = false;
  }
  if (!agent.empty())
    ctx_.publishTo(agent, {{"type", "callback.withdrawn"}, {"agent", agent}, {"contact", contact}});
}

core::Result<json> CallService::callbackAction(const std::string& agent, const std::string& contact,
                                               const std::string& action) {
  if (action != "accept" && action != "decline" && action != "done" && action != "dial") {
    return core::makeError("invalid_action", "Thao tác phải là accept, dial, decline hoặc done.",
                           "action must be accept, dial, decline or done.", "action");
  }
  PendingCallback cb;
  {
    std::lock_guard lock(mutex_);
    auto it = callbacks_.find(contact);
    if (it == callbacks_.end() || it->second.offered_to != agent) return notOffered();
    cb = it->second;
  }
  json out{{"contact", contact},
           {"number", cb.number},
           {"case_id", cb.case_id ? json(*cb.case_id) : json(nullptr)}};
  if (action == "accept") {
    if (!cb.accepted) {
      if (refused(acd_.apply(routing::OfferAnswered{contact, agent}))) return notOffered();
      std::lock_guard lock(mutex_);
      if (auto it = callbacks_.find(contact); it != callbacks_.end()) it->second.accepted = true;
    }
    if (cb.case_id) assignCallbackCase(*cb.case_id, agent);
    out["state"] = "accepted";
    // tongdai places the call when it can; otherwise the agent calls by other means.
    out["dialling"] = !options_.outbound_trunk.empty() && phoneRegistered(agent) &&
                      dialCallback(agent, contact).ok();
    return out;
  }
  if (action == "dial") {
    if (!cb.accepted) {
      return core::makeError("callback_not_accepted", "Hãy nhận yêu cầu gọi lại trước khi gọi.",
                             "Accept the callback before calling.", "action");
    }
    if (auto st = dialCallback(agent, contact); !st.ok()) return st.error();
    out["state"] = "accepted";
    out["dialling"] = true;
    return out;
  }
  if (action == "decline") {
    if (cb.accepted) {
      return core::makeError("callback_accepted",
                             "Bạn đã nhận yêu cầu gọi lại này; hãy gọi và bấm \"Đã gọi lại\".",
                             "You accepted this callback: call back, then mark it done.", "action");
    }
    acd_.apply(routing::OfferDeclined{contact, agent});
    {
      std::lock_guard lock(mutex_);
      if (auto it = callbacks_.find(contact); it != callbacks_.end()) it->second.offered_to.clear();
    }
    out["state"] = "declined";
    return out;
  }
  if (!cb.accepted) {
    return core::makeError("callback_not_accepted",
                           "Hãy nhận yêu cầu gọi lại trước khi đánh dấu đã gọi.",
                           "Accept the callback before marking it done.", "action");
  }
  {
    std::lock_guard lock(mutex_);
    for (const auto& [leg, o] : outbound_) {
      if (o->contact == contact) {
        return core::makeError("callback_dialling",
                               "Cuộc gọi lại đang diễn ra; hãy kết thúc cuộc gọi trước.",
                               "The call back is in progress; end it first.", "action");
      }
    }
  }
  acd_.apply(routing::ContactEnded{contact});
  {
    std::lock_guard lock(mutex_);
    callbacks_.erase(contact);
  }
  spdlog::info("callback {} done by {}", contact, agent);
  out["state"] = "done";
  return out;
}

// The callback case becomes the agent's (it was opened by the IVR's system user).
void CallService::assignCallbackCase(std::int64_t case_id, const std::string& agent) {
  auto now = ctx_.now();
  auto updated = std::make_shared<std::optional<core::cases::Case>>();
  ctx_.store().write(
      [case_id, agent, now, updated](core::store::WriteTx& tx) -> core::Status {
        auto user = tx.userByLogin(agent);
        auto c = tx.caseById(case_id);
        if (!user || !c || c->assignee_id == user->id) return core::Status::Ok();
        c->assignee_id = user->id;
        c->version++;
        c->updated_at = now;
        tx.updateCase(*c);
        tx.appendCaseEvent({0, case_id, core::toUnix(now), user->id, "updated",
                            json{{"assignee_id", user->id}, {"callback", true}}.dump()});
        *updated = *c;
        return core::Status::Ok();
      },
      [this, updated](core::Status st) {
        if (st.ok() && *updated) {
          publishCase(ctx_, "case.updated", **updated);
        }
      });
}

// ---- calling back through the trunk --------------------------------------------

core::Status CallService::dialCallback(const std::string& agent, const std::string& contact) {
  if (options_.outbound_trunk.empty()) {
    return core::makeError(
        "no_outbound_trunk",
        "Chưa cấu hình đường gọi ra; hãy gọi lại bằng cách khác rồi bấm \"Đã gọi lại\".",
        "No outbound trunk is configured: call back by other means, then mark it done.");
  }
  if (!phoneRegistered(agent)) {
    return core::makeError("phone_not_registered",
                           "Điện thoại bàn của bạn chưa đăng ký với tổng đài.",
                           "Your desk phone is not registered.");
  }
  auto o = std::make_shared<Outbound>();
  {
    std::lock_guard lock(mutex_);
    auto it = callbacks_.find(contact);
    if (it == callbacks_.end() || it->second.offered_to != agent || !it->second.accepted)
      return notOffered();
    for (const auto& [leg, other] : outbound_) {
      if (other->contact == contact || other->agent == agent) {
        return core::makeError("callback_dialling", "Bạn đang có một cuộc gọi lại.",
                               "You are already calling back.", "action");
      }
    }
    o->contact = contact;
    o->agent = agent;
    o->number = it->second.number;
    o->cdr.direction = "outbound";
    o->cdr.caller = it->second.number;
    o->cdr.dialled = it->second.number;
    o->cdr.arrived_at = nowMs();
    o->cdr.queue = "callback";
    o->cdr.agent = agent;
    o->cdr.case_id = it->second.case_id;
    o->cdr.contact = contact;
    // The agent's phone first: it shows the number it is about to call.
    o->agent_leg = endpoint_->dial(agent, o->number, "Gọi lại " + o->number);
    outbound_[o->agent_leg] = o;
  }
  spdlog::info("callback {}: ringing {}'s phone", contact, agent);
  saveCdr(o->cdr, o->persisted);
  return core::Status::Ok();
}

bool CallService::outboundAnswered(sip::CallId leg) {
  std::shared_ptr<Outbound> o;
  bool citizen = false;
  std::string recording;
  {
    std::lock_guard lock(mutex_);
    auto it = outbound_.find(leg);
    if (it == outbound_.end()) return false;
    o = it->second;
    citizen = leg == o->citizen_leg;
    if (!citizen) {
      o->citizen_leg = endpoint_->dialOut(o->number, options_.outbound_trunk, options_.hotline,
                                          "Tong dai 1900 0368");
      o->citizen_deadline = nowMs() + std::int64_t(options_.callback_ring_s) * 1000;
      outbound_[o->citizen_leg] = o;
    } else {
      o->connected = true;
      o->citizen_deadline = 0;
      o->cdr.answered_at = nowMs();
      o->cdr.recording = o->contact + "-callback-" + std::to_string(o->cdr.answered_at) + ".wav";
      o->cdr.recording_expires_at =
          o->cdr.answered_at / 1000 + std::int64_t(options_.recording_retention_days) * 86400;
      recording = options_.recordings_dir + "/" + o->cdr.recording;
    }
  }
  if (!citizen) {
    spdlog::info("callback {}: {} picked up, calling the citizen", o->contact, o->agent);
    endpoint_->play(leg, {promptPath("moh")}, true);  // while the citizen's phone rings
    return true;
  }
  spdlog::info("callback {}: the citizen answered", o->contact);
  endpoint_->stopPlayback(o->agent_leg);
  endpoint_->bridge(o->agent_leg, o->citizen_leg, recording);
  saveCdr(o->cdr, o->persisted);
  ctx_.publishTo(o->agent,
                 {{"type", "callback.connected"}, {"agent", o->agent}, {"contact", o->contact}});
  return true;
}

bool CallService::outboundEnded(sip::CallId leg, const std::string& why) {
  std::shared_ptr<Outbound> o;
  sip::CallId other = 0;
  bool first_end = false;
  {
    std::lock_guard lock(mutex_);
    auto it = outbound_.find(leg);
    if (it == outbound_.end()) return false;
    o = it->second;
    outbound_.erase(o->agent_leg);
    if (o->citizen_leg) outbound_.erase(o->citizen_leg);
    other = leg == o->agent_leg ? o->citizen_leg : o->agent_leg;
    first_end = !o->finished;
    o->finished = true;
  }
  if (!first_end) return true;
  if (other)
    endpoint_->hangup(other);  // a bridged peer ends by itself; hanging up again is harmless
  o->cdr.ended_at = nowMs();
  o->cdr.disposition = o->connected ? "answered" : "unreached";
  spdlog::info("callback {}: call ended ({}): {}", o->contact, why, o->cdr.disposition);
  if (o->connected) {
    // Called back: the callback is over, the agent goes to wrap-up.
    acd_.apply(routing::ContactEnded{o->contact});
    std::lock_guard lock(mutex_);
    callbacks_.erase(o->contact);
  }
  auto cdr = o->cdr;
  saveCdr(o->cdr, o->persisted, [this, cdr, why](std::int64_t row) {
    json ended{{"type", "call.ended"},
               {"agent", cdr.agent},
               {"call_id", row},
               {"case_id", cdr.case_id ? json(*cdr.case_id) : json(nullptr)},
               {"disposition", cdr.disposition}};
    ctx_.publishTo(cdr.agent, ended);
    ctx_.publish(ended, core::auth::bit(core::auth::Role::supervisor));
    if (cdr.disposition == "unreached") {
      ctx_.publishTo(cdr.agent, {{"type", "callback.unreached"},
                                 {"agent", cdr.agent},
                                 {"contact", cdr.contact},
                                 {"why", why}});
    }
  });
  return true;
}

void CallService::outboundTimeouts(std::int64_t now) {
  std::vector<sip::CallId> legs;
  {
    std::lock_guard lock(mutex_);
    for (auto& [leg, o] : outbound_) {
      if (leg == o->citizen_leg && o->citizen_deadline && now >= o->citizen_deadline) {
        o->citizen_deadline = 0;
        legs.push_back(leg);
      }
    }
  }
  for (auto leg : legs) endpoint_->hangup(leg);  // nobody picked up: ends as unreached
}

}  // namespace tongdai::app
