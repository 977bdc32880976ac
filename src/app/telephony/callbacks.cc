// Callbacks in the routing engine: a caller who pressed 1 in the queue (or
// waited the maximum) keeps their place as a callback contact. When its turn
// comes the engine offers it to an agent like a call; here that offer goes to
// the agent's desk ("callback.offered"), where the agent accepts it (busy, the
// callback case becomes theirs), declines it, or marks it called back.
// There is no outbound trunk yet: the agent dials the number from their phone.
#include <spdlog/spdlog.h>

#include "app/acd/acd_service.h"
#include "app/api/views.h"
#include "app/context.h"
#include "app/telephony/call_service.h"

namespace tongdai::app {

namespace routing = core::routing;
using nlohmann::json;

namespace {

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool refused(const std::vector<routing::Decision>& ds) {
  for (const auto& d : ds) {
    if (std::holds_alternative<routing::EventRefused>(d)) return true;
  }
  return false;
}

core::Error notOffered() {
  return core::makeError("callback_not_offered",
                         "Yêu cầu gọi lại này không (còn) được giao cho bạn; có thể đã hết thời gian nhận.",
                         "This callback is not (or no longer) offered to you; the offer may have timed out.",
                         "contact");
}

}  // namespace

// After a restart the engine replays today's callbacks but this table is
// empty: the CDR (disposition "callback", with the contact id) has the rest.
std::optional<CallService::PendingCallback> CallService::recallCallback(const std::string& contact) {
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
  if (!agent.empty()) ctx_.publishTo(agent, {{"type", "callback.withdrawn"}, {"agent", agent}, {"contact", contact}});
}

core::Result<json> CallService::callbackAction(const std::string& agent, const std::string& contact,
                                               const std::string& action) {
  if (action != "accept" && action != "decline" && action != "done") {
    return core::makeError("invalid_action", "Thao tác phải là accept, decline hoặc done.",
                           "action must be accept, decline or done.", "action");
  }
  PendingCallback cb;
  {
    std::lock_guard lock(mutex_);
    auto it = callbacks_.find(contact);
    if (it == callbacks_.end() || it->second.offered_to != agent) return notOffered();
    cb = it->second;
  }
  json out{{"contact", contact}, {"number", cb.number}, {"case_id", cb.case_id ? json(*cb.case_id) : json(nullptr)}};
  if (action == "accept") {
    if (!cb.accepted) {
      if (refused(acd_.apply(routing::OfferAnswered{contact, agent}))) return notOffered();
      std::lock_guard lock(mutex_);
      if (auto it = callbacks_.find(contact); it != callbacks_.end()) it->second.accepted = true;
    }
    if (cb.case_id) assignCallbackCase(*cb.case_id, agent);
    out["state"] = "accepted";
    return out;
  }
  if (action == "decline") {
    if (cb.accepted) {
      return core::makeError("callback_accepted", "Bạn đã nhận yêu cầu gọi lại này; hãy gọi và bấm \"Đã gọi lại\".",
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
    return core::makeError("callback_not_accepted", "Hãy nhận yêu cầu gọi lại trước khi đánh dấu đã gọi.",
                           "Accept the callback before marking it done.", "action");
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
          ctx_.publish({{"type", "case.updated"}, {"case", caseSummary(**updated)}}, core::auth::kCaseWorkers);
        }
      });
}

}  // namespace tongdai::app
