#include "app/telephony/call_service.h"

#include <chrono>
#include <filesystem>
#include <limits>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/acd/acd_service.h"
#include "app/api/views.h"
#include "app/context.h"
#include "core/cases/case.h"
#include "core/sla/sla.h"
#include "core/registry/match.h"
#include "core/registry/rules.h"
#include "core/telephony/keypad.h"

namespace tongdai::app {

namespace fs = std::filesystem;
namespace tel = core::telephony;
namespace routing = core::routing;
using nlohmann::json;

namespace {

// Everything a dialogue can ask of the shell (the IVR's Command and the
// keypad dialogues' DialogCommand, which share most alternatives).
std::vector<CallService::Step> steps(std::vector<tel::Command> cmds) {
  std::vector<CallService::Step> out;
  for (auto& c : cmds) std::visit([&](auto&& v) { out.emplace_back(std::move(v)); }, c);
  return out;
}
std::vector<CallService::Step> steps(std::vector<tel::DialogCommand> cmds) {
  std::vector<CallService::Step> out;
  for (auto& c : cmds) std::visit([&](auto&& v) { out.emplace_back(std::move(v)); }, c);
  return out;
}

}  // namespace

tel::Millis CallService::nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string demoSipPassword() { return "demo-sip-2026"; }

// One caller's leg and where it is in its journey.
struct CallService::Call {
  enum class Phase { ivr, self_service, callback, queued, ringing, connected, ending };
  sip::CallId id = 0;
  tel::CallRecord cdr;
  std::unique_ptr<tel::IvrSession> ivr;
  std::unique_ptr<tel::SelfServiceDialog> self_service;
  std::unique_ptr<tel::CallbackDialog> callback;
  Phase phase = Phase::ivr;
  std::string contact;        // routing engine id
  sip::CallId agent_leg = 0;  // ringing or connected agent
  std::string agent;
  sip::CallId transfer_leg = 0;  // the extension a blind transfer is ringing
  std::string transfer_to;
  tel::Millis transfer_deadline = 0;  // the target's phone rings at most until then
  bool target_held = false;      // we set the transfer target not-ready while it has the call
  bool on_hold = false;          // music for the caller (desk or phone hold)
  tel::Millis connected_at = 0;  // to the current agent
  std::string transferred_from;  // the agent who handed it to the current one (extension transfer)
  std::string pool_from;         // the operator who handed the caller to the officers' pool
  // What the store's writer thread learnt: the CDR's row (inserted when the
  // call arrives, updated as it moves) and the case opened for the call. The
  // single writer runs writes in order, so a CDR update queued after the
  // insert or the case always sees them, even once the call is gone.
  std::shared_ptr<CallService::Persisted> persisted = std::make_shared<CallService::Persisted>();
  tel::Millis deadline = 0;   // dialogue time-out, 0 = none
  tel::Millis next_announce = 0;
  bool announcing = false;
  int self_service_failures = 0;
};

CallService::CallService(AppContext& ctx, AcdService& acd, core::registry::Registry* registry,
                         TelephonyOptions options, tel::IvrFlow flow)
    : ctx_(ctx), acd_(acd), registry_(registry), options_(std::move(options)), flow_(std::move(flow)) {
  if (options_.recordings_dir.empty()) options_.recordings_dir = ctx_.config().data_dir + "/recordings";
}

CallService::~CallService() { stop(); }

// Cases the hotline opens by itself (callbacks) need an author: a disabled
// account that can never log in ("!" is no argon2id hash).
core::Status CallService::ensureSystemUser() {
  return ctx_.store().writeSync([this](core::store::WriteTx& tx) {
    if (auto u = tx.userByLogin("tongdai")) {
      system_user_ = u->id;
      return core::Status::Ok();
    }
    core::store::User u;
    u.login = "tongdai";
    u.name = "Tổng đài tự động (IVR)";
    u.role = core::auth::Role::admin;
    u.password_hash = "!";
    u.disabled = true;
    u.created_at = u.updated_at = core::toUnix(ctx_.now());
    system_user_ = tx.insertUser(u);
    return core::Status::Ok();
  });
}

std::string CallService::start() {
  std::error_code ec;
  fs::create_directories(options_.recordings_dir, ec);
  if (auto st = ensureSystemUser(); !st.ok()) return st.error().message_en;
  closeInterruptedCalls();
  sip::EndpointOptions eo;
  eo.listen = options_.sip_listen;
  eo.hotline_number = options_.hotline;
  eo.trunk_allow = options_.trunk_allow;
  eo.rtp_address = options_.rtp_address;
  eo.rtp_port_min = std::uint16_t(options_.rtp_port_min);
  eo.rtp_port_max = std::uint16_t(options_.rtp_port_max);
  sip::Handler h;
  h.ha1_for = [this](const std::string& user) { return ha1For(user); };
  h.on_registration = [this](const sip::Registration& r) {
    spdlog::info("sip: extension {} {}", r.user, r.active ? "registered" : "unregistered");
    {
      std::lock_guard lock(mutex_);
      registered_[r.user] = r.active;
    }
    ctx_.publish({{"type", "phone.registration"}, {"agent", r.user}, {"registered", r.active}},
                 core::auth::kCaseWorkers);
  };
  h.on_incoming = [this](const sip::IncomingCall& in) { onIncoming(in); };
  h.on_digit = [this](sip::CallId id, char d) { onDigit(id, d); };
  h.on_play_done = [this](sip::CallId id, std::uint64_t p) { onPlayDone(id, p); };
  h.on_ringing = [](sip::CallId) {};
  h.on_answered = [this](sip::CallId leg) { onAnswered(leg); };
  h.on_ended = [this](sip::CallId id, const std::string& why) { onEnded(id, why); };
  h.on_hold = [this](sip::CallId leg, bool on) { onPhoneHold(leg, on); };
  h.on_refer = [this](sip::CallId leg, const std::string& target) { return onPhoneTransfer(leg, target); };
  auto started = sip::Endpoint::start(eo, h);
  if (!started.ok()) return started.error().message_en;
  endpoint_ = std::move(started).value();
  acd_.addListener([this](const std::vector<routing::Decision>& ds) { onDecisions(ds); });
  timer_ = std::thread([this] { timerLoop(); });
  spdlog::info("sip: listening on {} for {}", options_.sip_listen, options_.hotline);
  return "";
}

void CallService::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (timer_.joinable()) timer_.join();
  if (endpoint_) endpoint_->stop();
}

sip::EndpointStats CallService::stats() { return endpoint_ ? endpoint_->stats() : sip::EndpointStats{}; }

core::Status CallService::hold(const std::string& agent, bool on) {
  sip::CallId caller = 0;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, c] : calls_) {
      if (c->phase == Call::Phase::connected && c->agent == agent) {
        caller = id;
        c->on_hold = on;
      }
    }
  }
  if (!caller) {
    return core::makeError("no_active_call", "Bạn không có cuộc gọi nào đang kết nối.",
                           "You have no connected call.");
  }
  playHold(caller, agent, on);
  return core::Status::Ok();
}

// While a bridged leg plays, the bridge mutes its peer towards it: music on
// hold for the caller. The desk is told (the hold may come from the phone).
void CallService::playHold(sip::CallId caller, const std::string& agent, bool on) {
  if (on) endpoint_->play(caller, {promptPath("moh")}, true);
  else endpoint_->stopPlayback(caller);
  ctx_.publishTo(agent, {{"type", "call.hold"}, {"agent", agent}, {"on", on}});
}

// The caller's leg and the agent of the call connected on the agent's phone
// leg `leg`, if any (the phone's own buttons act on that call).
std::optional<std::pair<sip::CallId, std::string>> CallService::connectedOnAgentLeg(sip::CallId leg) {
  auto it = agent_legs_.find(leg);
  if (it == agent_legs_.end()) return std::nullopt;
  auto call = calls_.find(it->second);
  if (call == calls_.end() || call->second->phase != Call::Phase::connected || call->second->agent_leg != leg) {
    return std::nullopt;
  }
  return std::pair{it->second, call->second->agent};
}

json CallService::agentCall(const std::string& agent) {
  std::lock_guard lock(mutex_);
  for (const auto& [id, c] : calls_) {
    if (c->agent != agent || (c->phase != Call::Phase::connected && c->phase != Call::Phase::ringing)) continue;
    std::string from = !c->pool_from.empty() ? c->pool_from : c->transferred_from;
    tel::Millis since = c->connected_at;
    return {{"contact", c->contact},
            {"state", c->phase == Call::Phase::connected ? "connected" : "ringing"},
            {"caller", c->cdr.caller},
            {"ivr_path", c->cdr.ivr_path},
            {"case_id", c->cdr.case_id ? json(*c->cdr.case_id) : json(nullptr)},
            {"from", from.empty() ? json(nullptr) : json(from)},
            {"connected_at", c->phase == Call::Phase::connected && since
                                 ? json(core::formatLocalIso(core::fromUnix(since / 1000)))
                                 : json(nullptr)},
            {"on_hold", c->on_hold},
            {"transferring_to", c->transfer_leg ? json(c->transfer_to) : json(nullptr)}};
  }
  return nullptr;
}

bool CallService::phoneRegistered(const std::string& extension) {
  std::lock_guard lock(mutex_);
  auto it = registered_.find(extension);
  return it != registered_.end() && it->second;
}

// The agent's own phone pressed hold (or resume): the caller hears music, as
// with the desk's hold button; the desk is told.
void CallService::onPhoneHold(sip::CallId leg, bool on) {
  std::optional<std::pair<sip::CallId, std::string>> found;
  {
    std::lock_guard lock(mutex_);
    found = connectedOnAgentLeg(leg);
    if (!found) return;
    calls_[found->first]->on_hold = on;
  }
  spdlog::info("call on {}'s phone: {} from the phone", found->second, on ? "hold" : "resume");
  playHold(found->first, found->second, on);
}

// The agent's own phone's transfer button (REFER): the same blind transfer
// as the desk's, to an extension or (Refer-To: sip:officers@…) the pool.
bool CallService::onPhoneTransfer(sip::CallId leg, const std::string& target) {
  std::string agent;
  {
    std::lock_guard lock(mutex_);
    auto found = connectedOnAgentLeg(leg);
    if (!found) return false;
    agent = found->second;
  }
  auto st = transfer(agent, target);
  spdlog::info("call on {}'s phone: transfer to {} from the phone: {}", agent, target,
               st.ok() ? "started" : st.error().code);
  if (!st.ok()) ctx_.publishTo(agent, {{"type", "call.transfer_failed"}, {"agent", agent}, {"to", target}});
  return st.ok();
}

core::Status CallService::transfer(const std::string& agent, const std::string& target) {
  if (target == kOfficersQueue) return transferToOfficers(agent);
  sip::CallId caller = 0;
  {
    std::lock_guard lock(mutex_);
    auto reg = registered_.find(target);
    if (target == agent || reg == registered_.end() || !reg->second) {
      return core::makeError("transfer_target", "Máy nhánh nhận chuyển không hợp lệ hoặc chưa đăng ký điện thoại.",
                             "The target extension is invalid or its phone is not registered.", "to");
    }
    for (auto& [id, c] : calls_) {
      if (c->phase == Call::Phase::connected && c->agent == agent && !c->transfer_leg) {
        caller = id;
        c->transfer_to = target;
        c->transfer_deadline = nowMs() + std::int64_t(options_.transfer_ring_s) * 1000;
        c->transfer_leg = endpoint_->dial(target, c->cdr.caller, "1900 0368");
        agent_legs_[c->transfer_leg] = id;
      }
    }
  }
  if (!caller) {
    return core::makeError("no_active_call", "Bạn không có cuộc gọi nào đang kết nối.",
                           "You have no connected call.");
  }
  spdlog::info("call on {}'s phone: blind transfer to {}", agent, target);
  endpoint_->play(caller, {promptPath("moh")}, true);
  return core::Status::Ok();
}

// Blind transfer to the officers' pool: the operator is released at once (to
// wrap-up), the caller hears music and waits in the engine's "officers" queue
// under a new contact id; the officer it is offered to gets the screen pop
// with the case the operator opened.
core::Status CallService::transferToOfficers(const std::string& agent) {
  if (!officerOnDuty()) {
    return core::makeError("no_officer_available",
                           "Hiện không có cán bộ nghiệp vụ nào trực điện thoại; hãy tạo yêu cầu tra cứu cho vụ việc.",
                           "No officer is signed in with a registered phone; file a look-up request on the case.", "to");
  }
  sip::CallId caller = 0, old_leg = 0;
  std::string old_contact, contact;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, c] : calls_) {
      if (c->phase != Call::Phase::connected || c->agent != agent || c->transfer_leg) continue;
      caller = id;
      old_leg = c->agent_leg;
      agent_legs_.erase(old_leg);  // its end must not end the caller's leg
      old_contact = c->contact;
      contact = c->contact + "-nv";
      by_contact_.erase(old_contact);
      by_contact_[contact] = id;
      c->contact = contact;
      c->pool_from = agent;
      c->on_hold = false;
      c->agent_leg = 0;
      c->agent.clear();
      c->phase = Call::Phase::queued;
      c->announcing = false;
      c->next_announce = std::numeric_limits<tel::Millis>::max();  // music only: no callback offer here
      c->cdr.transferred_to = kOfficersQueue;
    }
  }
  if (!caller) {
    return core::makeError("no_active_call", "Bạn không có cuộc gọi nào đang kết nối.",
                           "You have no connected call.");
  }
  spdlog::info("call {}: {} transferred it to the officers' pool", old_contact, agent);
  endpoint_->unbridge(caller);
  endpoint_->play(caller, {promptPath("moh")}, true);
  endpoint_->hangup(old_leg);
  saveCdr(caller);
  acd_.apply(routing::ContactEnded{old_contact});
  acd_.apply(routing::ContactArrived{contact, kOfficersQueue, 0, routing::Media::call});
  return core::Status::Ok();
}

// An officer signed in to the routing engine whose phone is registered.
bool CallService::officerOnDuty() {
  std::vector<std::string> officers;
  ctx_.store().read([&](core::store::ReadTx& tx) {
    for (const auto& u : tx.users()) {
      if (u.role == core::auth::Role::officer && !u.disabled) officers.push_back(u.login);
    }
    return core::Status::Ok();
  });
  for (const auto& login : officers) {
    auto view = acd_.agent(login);
    if (view && view->state != routing::AgentState::logged_out && phoneRegistered(login)) return true;
  }
  return false;
}

// The transfer target answered: caller and target talk, the first agent is released.
void CallService::completeTransfer(sip::CallId caller, sip::CallId leg) {
  sip::CallId old_leg = 0;
  std::string contact, first, target, recording, caller_number;
  std::optional<std::int64_t> case_id;
  {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(caller);
    if (it == calls_.end()) return;
    Call& c = *it->second;
    old_leg = c.agent_leg;
    agent_legs_.erase(old_leg);  // its end must not end the caller's leg
    first = c.agent;
    target = c.transfer_to;
    contact = c.contact;
    c.agent_leg = leg;
    c.agent = target;
    c.transferred_from = first;
    c.connected_at = nowMs();
    c.on_hold = false;
    c.transfer_leg = 0;
    c.cdr.transferred_to = target;
    caller_number = c.cdr.caller;
    case_id = c.cdr.case_id;
    recording = options_.recordings_dir + "/" + c.contact + "-transfer.wav";
  }
  endpoint_->stopPlayback(caller);
  endpoint_->bridge(caller, leg, recording);
  endpoint_->hangup(old_leg);
  saveCdr(caller);
  // The engine: the first agent's contact is over (to wrap-up); the target is
  // kept from new offers while on this call.
  acd_.apply(routing::ContactEnded{contact});
  auto view = acd_.agent(target);
  if (view && view->state == routing::AgentState::ready) {
    acd_.apply(routing::AgentNotReady{target, "transferred_call"});
    std::lock_guard lock(mutex_);
    if (auto it = calls_.find(caller); it != calls_.end()) it->second->target_held = true;
  }
  json moved{{"type", "call.transferred"}, {"agent", target}, {"from", first}, {"caller", caller_number}};
  moved["case_id"] = case_id ? json(*case_id) : json(nullptr);
  ctx_.publishTo(target, moved);
}

std::optional<std::string> CallService::ha1For(const std::string& user) {
  std::optional<std::string> text;
  ctx_.store().read([&](core::store::ReadTx& tx) {
    text = tx.setting("sip_accounts");
    return core::Status::Ok();
  });
  if (!text) return std::nullopt;
  auto j = json::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains(user) || !j[user].is_string()) return std::nullopt;
  return j[user].get<std::string>();
}

std::string CallService::promptPath(const std::string& name) const {
  return options_.prompts_dir + "/" + name + ".wav";
}

std::vector<std::string> CallService::promptPaths(const std::vector<std::string>& names) const {
  std::vector<std::string> out;
  for (const auto& n : names) out.push_back(promptPath(n));
  return out;
}

// ---- the caller's journey ------------------------------------------------------

void CallService::onIncoming(const sip::IncomingCall& in) {
  auto call = std::make_unique<Call>();
  call->id = in.id;
  call->cdr.caller = in.from_user;
  call->cdr.dialled = in.to_user;
  call->cdr.arrived_at = nowMs();
  call->contact = "call-" + std::to_string(call->cdr.arrived_at) + "-" + std::to_string(in.id);
  call->cdr.contact = call->contact;
  bool open = ctx_.settings().calendar->isOpen(ctx_.now());
  call->ivr = std::make_unique<tel::IvrSession>(flow_, open);
  {
    std::lock_guard lock(mutex_);
    calls_[in.id] = std::move(call);
  }
  saveCdr(in.id);
  endpoint_->answer(in.id);
  tel::Millis now = nowMs();
  std::vector<Step> cmds;
  {
    std::lock_guard lock(mutex_);
    cmds = steps(calls_[in.id]->ivr->start(now));
  }
  run(in.id, std::move(cmds));
}

// A non-empty answer supersedes what was running (ivr.h's protocol): the
// playback stops (a new Play replaces it anyway) and the time-out is disarmed.
void CallService::run(sip::CallId id, std::vector<Step> cmds) {
  if (cmds.empty()) return;
  bool plays = false;
  for (const auto& c : cmds) plays = plays || std::holds_alternative<tel::Play>(c);
  {
    std::lock_guard lock(mutex_);
    if (auto it = calls_.find(id); it != calls_.end()) it->second->deadline = 0;
  }
  if (!plays) endpoint_->stopPlayback(id);
  for (auto& cmd : cmds) {
    if (auto* play = std::get_if<tel::Play>(&cmd)) {
      endpoint_->play(id, promptPaths(play->prompts), false);
    } else if (auto* wait = std::get_if<tel::WaitForDigit>(&cmd)) {
      std::lock_guard lock(mutex_);
      if (auto it = calls_.find(id); it != calls_.end()) it->second->deadline = wait->until;
      cv_.notify_all();
    } else if (auto* transfer = std::get_if<tel::Transfer>(&cmd)) {
      enqueue(id, transfer->queue);
    } else if (std::holds_alternative<tel::Hangup>(cmd)) {
      endpoint_->hangup(id);
    } else if (std::holds_alternative<tel::StartSelfService>(cmd)) {
      startSelfService(id);
    } else if (std::holds_alternative<tel::StartCallbackOffer>(cmd)) {
      startCallbackOffer(id);
    } else if (auto* verify = std::get_if<tel::VerifyIdentity>(&cmd)) {
      verifyIdentity(id, verify->id, verify->birth_date);
    } else if (auto* cb = std::get_if<tel::CreateCallback>(&cmd)) {
      createCallback(id, cb->number);
    }
  }
}

// Which dialogue owns the caller's keys and prompts right now.
std::vector<CallService::Step> CallService::dispatch(Call& c, const Event& e, tel::Millis now) {
  auto feed = [&](auto& dialog) {
    if (e.digit) return steps(dialog.digit(e.digit, now));
    if (e.prompts_done) return steps(dialog.promptsDone(now));
    return steps(dialog.timeout(now));
  };
  switch (c.phase) {
    case Call::Phase::ivr: return feed(*c.ivr);
    case Call::Phase::self_service: return feed(*c.self_service);
    case Call::Phase::callback: return feed(*c.callback);
    default: return {};
  }
}

void CallService::onDigit(sip::CallId id, char d) {
  std::vector<Step> cmds;
  bool request_callback = false;
  {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    Call& c = *it->second;
    if (c.phase == Call::Phase::queued && !c.pool_from.empty()) {
      return;  // waiting for an officer: no keypad menu
    } else if (c.phase == Call::Phase::queued && d == '1') {
      request_callback = true;  // "press 1 to be called back"
    } else {
      c.deadline = 0;
      cmds = dispatch(c, Event{d, false}, nowMs());
      if (c.phase == Call::Phase::ivr) c.cdr.ivr_path = c.ivr->path();
    }
  }
  if (request_callback) return callbackFromQueue(id, "queue_callback_ok", 9000);
  run(id, std::move(cmds));
}

void CallService::callbackFromQueue(sip::CallId id, const std::string& prompt, tel::Millis hangup_after) {
  std::string contact;
  {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(id);
    if (it == calls_.end() || it->second->phase != Call::Phase::queued) return;
    Call& c = *it->second;
    contact = c.contact;
    c.cdr.disposition = "callback";
    c.cdr.callback_number = c.cdr.caller;
    c.cdr.queue_wait_ms = nowMs() - c.cdr.queued_at;
    c.phase = Call::Phase::ending;
    auto& cb = callbacks_[contact];
    cb.number = c.cdr.caller;
    cb.requested_at = nowMs();
  }
  acd_.apply(routing::CallbackRequested{contact});
  createCallback(id, "");
  endpoint_->play(id, {promptPath(prompt)}, false);
  hangupAfter(id, hangup_after);  // once the prompt has been heard
}

void CallService::onPlayDone(sip::CallId id, std::uint64_t) {
  std::vector<Step> cmds;
  bool resume_music = false;
  {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    Call& c = *it->second;
    if (c.phase == Call::Phase::queued) {
      resume_music = c.announcing;
      c.announcing = false;
    } else {
      cmds = dispatch(c, Event{0, true}, nowMs());
    }
  }
  if (resume_music) endpoint_->play(id, {promptPath("moh")}, true);
  run(id, std::move(cmds));
}

void CallService::enqueue(sip::CallId id, const std::string& queue) {
  std::string contact;
  {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    Call& c = *it->second;
    c.phase = Call::Phase::queued;
    c.deadline = 0;
    c.cdr.queue = queue;
    c.cdr.queued_at = nowMs();
    // "Please hold" first, then music; position and wait every announce_every_s.
    c.announcing = true;
    c.next_announce = c.cdr.queued_at + std::int64_t(options_.announce_every_s) * 1000;
    contact = c.contact;
    by_contact_[contact] = id;
  }
  endpoint_->play(id, {promptPath("queue_hold")}, false);
  saveCdr(id);
  spdlog::info("call {} queued in {}", contact, queue);
  acd_.apply(routing::ContactArrived{contact, queue, 0, routing::Media::call});
}

// Position and estimated wait, in Vietnamese, then the music again.
void CallService::announce(sip::CallId id, const std::string& contact) {
  auto w = acd_.waitingInfo(contact);
  if (!w) return;
  std::vector<std::string> names = tel::positionPrompts(w->position);
  int minutes = int((w->estimated_wait + 59'999) / 60'000);
  if (minutes > 0) {
    auto wait = tel::waitPrompts(minutes);
    names.insert(names.end(), wait.begin(), wait.end());
  }
  names.push_back("queue_callback_offer");
  {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(id);
    if (it == calls_.end() || it->second->phase != Call::Phase::queued) return;
    it->second->announcing = true;
  }
  endpoint_->play(id, promptPaths(names), false);
}

void CallService::onDecisions(const std::vector<routing::Decision>& ds) {
  std::vector<std::string> withdrawn;  // callbacks' offers that timed out
  for (const auto& d : ds) {
    if (auto* o = std::get_if<routing::Offer>(&d)) {
      offer(o->contact, o->agent);
    } else if (auto* c = std::get_if<routing::OfferCancelled>(&d)) {
      sip::CallId leg = 0;
      {
        std::lock_guard lock(mutex_);
        auto it = by_contact_.find(c->contact);
        if (it == by_contact_.end()) {
          if (callbacks_.count(c->contact)) withdrawn.push_back(c->contact);
          continue;
        }
        auto call = calls_.find(it->second);
        if (call == calls_.end() || call->second->phase != Call::Phase::ringing) continue;
        leg = call->second->agent_leg;
        agent_legs_.erase(leg);
        call->second->agent_leg = 0;
        call->second->agent.clear();
        call->second->phase = Call::Phase::queued;
      }
      if (leg) endpoint_->hangup(leg);  // ring time-out: the engine offers the next agent
    } else if (auto* r = std::get_if<routing::ContactRejected>(&d)) {
      spdlog::info("call {} refused by the queue: {}", r->contact, r->reason);
      sip::CallId id = 0;
      {
        std::lock_guard lock(mutex_);
        auto it = by_contact_.find(r->contact);
        if (it == by_contact_.end()) continue;
        id = it->second;
        if (auto call = calls_.find(id); call != calls_.end()) {
          call->second->cdr.disposition = r->reason == "closed" ? "out_of_hours" : "failed";
          call->second->phase = Call::Phase::ending;
        }
      }
      endpoint_->play(id, {promptPath("queue_full")}, false);
      hangupAfter(id, 6000);
    }
  }
  for (const auto& contact : withdrawn) callbackWithdrawn(contact);
}

void CallService::offer(const std::string& contact, const std::string& agent) {
  sip::CallId caller = 0;
  json pop;
  {
    std::unique_lock lock(mutex_);
    auto it = by_contact_.find(contact);
    if (it == by_contact_.end()) {
      lock.unlock();
      return offerNotOnLine(contact, agent);
    }
    caller = it->second;
    auto call = calls_.find(caller);
    if (call == calls_.end()) return;
    Call& c = *call->second;
    // Our own copy of the registrar's state: asking the SIP thread here could
    // wait on a SIP callback that waits on this mutex.
    auto reg = registered_.find(agent);
    if (reg == registered_.end() || !reg->second) {
      c.phase = Call::Phase::queued;
    } else {
      c.agent_leg = endpoint_->dial(agent, c.cdr.caller, "1900 0368");
      c.agent = agent;
      c.phase = Call::Phase::ringing;
      agent_legs_[c.agent_leg] = caller;
      pop = {{"type", "call.offered"},
             {"agent", agent},
             {"contact", contact},
             {"caller", c.cdr.caller},
             {"ivr_path", c.cdr.ivr_path},
             {"keyed_id", c.cdr.keyed_id},
             {"keyed_verified", c.cdr.keyed_verified},
             {"waited_s", (nowMs() - c.cdr.queued_at) / 1000}};
      if (!c.pool_from.empty()) {
        pop["transferred_from"] = c.pool_from;
        if (c.cdr.case_id) pop["case_id"] = *c.cdr.case_id;
      }
    }
  }
  spdlog::info("call {} offered to {} ({})", contact, agent, pop.is_null() ? "phone not registered" : "ringing");
  if (pop.is_null()) {
    // The agent's phone is not registered: decline, the engine tries someone else.
    acd_.apply(routing::OfferDeclined{contact, agent});
    return;
  }
  // From the officers' pool, the operator's case for this call is not an earlier one.
  pop["earlier_cases"] = earlierCases(pop["caller"].get<std::string>(), pop.value("case_id", std::int64_t{0}));
  ctx_.publishTo(agent, pop);
}

// The caller's earlier cases (by phone), newest first: the screen pop's history.
json CallService::earlierCases(const std::string& caller, std::int64_t except_case) {
  json out = json::array();
  auto phone = core::cases::validatePhone(caller);
  if (!phone.ok()) return out;
  ctx_.store().read([&](core::store::ReadTx& tx) {
    core::store::CaseQuery q;
    q.phone = phone.value();
    q.per_page = 5;
    for (const auto& c : tx.searchCases(q).items) {
      if (c.id == except_case) continue;
      out.push_back({{"id", c.id},
                     {"status", core::cases::toString(c.status)},
                     {"category", c.category},
                     {"created_at", core::formatLocalIso(c.created_at)}});
    }
    return core::Status::Ok();
  });
  return out;
}

void CallService::onAnswered(sip::CallId leg) {
  if (outboundAnswered(leg)) return;
  sip::CallId caller = 0;
  bool transfer_answered = false, pool_answered = false;
  std::string contact, agent, recording;
  std::optional<std::int64_t> case_id;
  {
    std::lock_guard lock(mutex_);
    auto it = agent_legs_.find(leg);
    if (it == agent_legs_.end()) return;
    caller = it->second;
    auto call = calls_.find(caller);
    if (call == calls_.end()) return;
    Call& c = *call->second;
    transfer_answered = c.transfer_leg == leg;
    pool_answered = !transfer_answered && !c.pool_from.empty();
    if (pool_answered) {
      // The officers' pool: the CDR keeps the operator who answered first.
      c.phase = Call::Phase::connected;
      c.connected_at = nowMs();
      c.cdr.transferred_to = c.agent;
      contact = c.contact;
      agent = c.agent;
      case_id = c.cdr.case_id;
      // The operator's part is <contact>.wav; the officer's is its "-transfer" part.
      recording = options_.recordings_dir + "/" + fs::path(c.cdr.recording).stem().string() + "-transfer.wav";
    } else if (!transfer_answered) {
      c.phase = Call::Phase::connected;
      c.cdr.answered_at = c.connected_at = nowMs();
      c.cdr.agent = c.agent;
      c.cdr.queue_wait_ms = c.cdr.answered_at - c.cdr.queued_at;
      c.cdr.recording = c.contact + ".wav";
      c.cdr.recording_expires_at =
          c.cdr.answered_at / 1000 + std::int64_t(options_.recording_retention_days) * 86400;
      contact = c.contact;
      agent = c.agent;
      recording = options_.recordings_dir + "/" + c.cdr.recording;
    }
  }
  if (transfer_answered) return completeTransfer(caller, leg);
  spdlog::info("call {} answered by {}", contact, agent);
  acd_.apply(routing::OfferAnswered{contact, agent});
  endpoint_->stopPlayback(caller);
  endpoint_->bridge(caller, leg, recording);
  saveCdr(caller);
  if (!pool_answered) return openCaseForAnsweredCall(caller);
  json answered{{"type", "call.answered"}, {"agent", agent}};
  if (case_id) answered["case_id"] = *case_id;
  ctx_.publishTo(agent, answered);
}

// A case for every answered call, prefilled from the call, assigned to the agent.
void CallService::openCaseForAnsweredCall(sip::CallId id) {
  core::cases::Case c;
  std::shared_ptr<Persisted> persisted;
  auto created = std::make_shared<core::cases::Case>();
  std::string agent, ivr_path, keyed;
  {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    const auto& cdr = it->second->cdr;
    persisted = it->second->persisted;
    agent = cdr.agent;
    ivr_path = cdr.ivr_path;
    keyed = cdr.keyed_verified ? cdr.keyed_id : "";
    auto phone = core::cases::validatePhone(cdr.caller);
    if (phone.ok()) c.contact.phone = phone.value();
  }
  c.channel = core::cases::Channel::phone;
  c.citizen_id = keyed;
  c.category = options_.case_category;
  c.description = "Cuộc gọi đến 1900 0368" + (ivr_path.empty() ? std::string() : "; lựa chọn IVR: " + ivr_path) +
                  ". Tổng đài viên bổ sung nội dung.";
  auto now = ctx_.now();
  auto settings = ctx_.settings();
  c.created_at = c.updated_at = now;
  ctx_.store().write(
      [this, c, agent, now, settings, id, persisted, created](core::store::WriteTx& tx) mutable -> core::Status {
        auto user = tx.userByLogin(agent);
        if (!user) return core::makeError("not_found", "Không tìm thấy tổng đài viên.", "Agent not found.");
        c.created_by = user->id;
        c.assignee_id = user->id;
        core::sla::startClock(c, *settings.sla, *settings.calendar);
        c.id = tx.insertCase(c);
        tx.appendCaseEvent({0, c.id, core::toUnix(now), user->id, "created", json{{"channel", "phone"}}.dump()});
        tx.appendAudit(auditEntry(nullptr, "case.create", "case", std::to_string(c.id), c.id, "cuộc gọi đến",
                                  json{{"agent", agent}}.dump(), now));
        persisted->case_id = c.id;
        *created = c;
        std::lock_guard lock(mutex_);
        if (auto it = calls_.find(id); it != calls_.end()) it->second->cdr.case_id = c.id;
        return core::Status::Ok();
      },
      [this, agent, id, created](core::Status st) {
        if (!st.ok()) return;
        publishCase(ctx_, "case.created", *created);
        std::optional<std::int64_t> case_id;
        {
          std::lock_guard lock(mutex_);
          if (auto it = calls_.find(id); it != calls_.end()) case_id = it->second->cdr.case_id;
        }
        if (case_id) ctx_.publishTo(agent, {{"type", "call.answered"}, {"agent", agent}, {"case_id", *case_id}});
        saveCdr(id);
      });
}

void CallService::onEnded(sip::CallId id, const std::string& why) {
  if (outboundEnded(id, why)) return;
  // An agent's leg ending.
  sip::CallId caller = 0;
  std::string contact, agent, failed_target;
  bool declined = false, hang_caller = false, resume = false;
  {
    std::lock_guard lock(mutex_);
    if (auto it = agent_legs_.find(id); it != agent_legs_.end()) {
      caller = it->second;
      agent_legs_.erase(it);
      auto call = calls_.find(caller);
      if (call == calls_.end()) return;
      Call& c = *call->second;
      contact = c.contact;
      agent = c.agent;
      if (c.transfer_leg == id) {
        // The transfer target did not answer: back to the first agent.
        failed_target = c.transfer_to;
        c.transfer_leg = 0;
        c.transfer_to.clear();
        resume = true;
      } else if (c.phase == Call::Phase::ringing && c.agent_leg == id) {
        // Busy, declined or unreachable: back to waiting, the engine re-offers.
        c.phase = Call::Phase::queued;
        c.agent_leg = 0;
        c.agent.clear();
        declined = true;
      } else if (c.phase == Call::Phase::connected) {
        hang_caller = true;
      }
    }
  }
  if (caller) {
    spdlog::info("call {}: {}'s phone leg ended ({})", contact, agent, why);
    if (resume) {
      endpoint_->stopPlayback(caller);
      ctx_.publishTo(agent, {{"type", "call.transfer_failed"}, {"agent", agent}, {"to", failed_target}});
    }
    if (declined) acd_.apply(routing::OfferDeclined{contact, agent});
    if (hang_caller) endpoint_->hangup(caller);
    return;
  }
  finish(id, why);
}

// The caller's leg ended: tell the engine, close the agent's leg, write the CDR.
void CallService::finish(sip::CallId id, const std::string& why) {
  std::unique_ptr<Call> call;
  {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    call = std::move(it->second);
    calls_.erase(it);
    by_contact_.erase(call->contact);
    if (call->agent_leg) agent_legs_.erase(call->agent_leg);
  }
  Call& c = *call;
  c.cdr.ended_at = nowMs();
  switch (c.phase) {
    case Call::Phase::ivr:
    case Call::Phase::self_service:
    case Call::Phase::callback:
      if (c.cdr.disposition.empty()) c.cdr.disposition = "abandoned_ivr";
      break;
    case Call::Phase::queued:
    case Call::Phase::ringing:
      if (c.pool_from.empty()) {
        c.cdr.disposition = "abandoned_queue";
        c.cdr.queue_wait_ms = c.cdr.ended_at - c.cdr.queued_at;
      } else {
        c.cdr.disposition = "answered";  // by the operator; it hung up waiting for an officer
      }
      acd_.apply(routing::ContactAbandoned{c.contact});
      break;
    case Call::Phase::connected:
      c.cdr.disposition = "answered";
      if (c.cdr.transferred_to.empty() || !c.pool_from.empty()) acd_.apply(routing::ContactEnded{c.contact});
      if (c.target_held) acd_.apply(routing::AgentReady{c.agent});
      break;
    case Call::Phase::ending:
      if (c.cdr.disposition.empty()) c.cdr.disposition = "failed";
      break;
  }
  if (c.agent_leg) endpoint_->hangup(c.agent_leg);
  if (c.transfer_leg) endpoint_->hangup(c.transfer_leg);
  spdlog::info("call {} ended ({}): {}", c.contact, why, c.cdr.disposition);
  // The desks hear that the call is over once its record says so.
  std::vector<std::string> agents;
  if (!c.cdr.agent.empty()) agents.push_back(c.cdr.agent);
  if (!c.cdr.transferred_to.empty() && c.cdr.transferred_to != kOfficersQueue) agents.push_back(c.cdr.transferred_to);
  saveCdr(c.cdr, c.persisted, [this, agents, cdr = c.cdr, current = c.contact](std::int64_t row) {
    json ended{{"type", "call.ended"},
               {"contact", cdr.contact},
               {"call_id", row},
               {"case_id", cdr.case_id ? json(*cdr.case_id) : json(nullptr)},
               {"disposition", cdr.disposition}};
    for (const auto& a : agents) {
      // Each desk knows the call by the routing id its offer carried: after a
      // transfer to the officers' pool, the officer's is the pool's contact.
      ended["agent"] = a;
      ended["contact"] = a == cdr.agent ? cdr.contact : current;
      ctx_.publishTo(a, ended);
    }
    ended["agent"] = cdr.agent;
    ended["contact"] = cdr.contact;
    ctx_.publish(ended, core::auth::bit(core::auth::Role::supervisor));
  });
}

void CallService::saveCdr(sip::CallId id) {
  tel::CallRecord cdr;
  std::shared_ptr<Persisted> persisted;
  {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    cdr = it->second->cdr;
    persisted = it->second->persisted;
  }
  saveCdr(cdr, persisted);
}

// Runs on the store's writer thread, in submission order: the first write of
// a call inserts its row, every later one updates it. `done` gets the row id.
void CallService::saveCdr(tel::CallRecord cdr, std::shared_ptr<Persisted> persisted,
                          std::function<void(std::int64_t)> done) {
  ctx_.store().write(
      [cdr = std::move(cdr), persisted](core::store::WriteTx& tx) mutable {
        if (!cdr.case_id) cdr.case_id = persisted->case_id;
        if (persisted->row == 0) {
          persisted->row = tx.insertCall(cdr);
        } else {
          cdr.id = persisted->row;
          tx.updateCall(cdr);
        }
        return core::Status::Ok();
      },
      [persisted, done = std::move(done)](core::Status st) {
        if (st.ok() && done) done(persisted->row);
      });
}

// Calls that were live when the server stopped (kill -9, power cut) keep
// their row with no end: close them as failed at the next start.
void CallService::closeInterruptedCalls() {
  std::vector<tel::CallRecord> open;
  auto since = nowMs() - 7 * 86400 * 1000LL;
  ctx_.store().read([&](core::store::ReadTx& tx) {
    for (auto& c : tx.calls(since, 100000)) {
      if (c.ended_at == 0) open.push_back(std::move(c));
    }
    return core::Status::Ok();
  });
  if (open.empty()) return;
  auto now = nowMs();
  ctx_.store().writeSync([&](core::store::WriteTx& tx) {
    for (auto& c : open) {
      c.ended_at = now;
      if (c.disposition.empty()) c.disposition = "failed";
      tx.updateCall(c);
    }
    return core::Status::Ok();
  });
  spdlog::warn("calls: {} call(s) live at the last stop closed as failed", open.size());
}

void CallService::hangupAfter(sip::CallId id, tel::Millis delay) {
  std::lock_guard lock(mutex_);
  if (auto it = calls_.find(id); it != calls_.end()) {
    it->second->deadline = nowMs() + delay;
    it->second->phase = Call::Phase::ending;
  }
  cv_.notify_all();
}

// ---- dialogues ---------------------------------------------------------------

void CallService::startSelfService(sip::CallId id) {
  std::vector<Step> cmds;
  {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    Call& c = *it->second;
    c.phase = Call::Phase::self_service;
    tel::SelfServiceOptions so;
    so.operator_queue = options_.queue;
    c.self_service = std::make_unique<tel::SelfServiceDialog>(so);
    cmds = steps(c.self_service->start(nowMs()));
  }
  run(id, std::move(cmds));
}

void CallService::startCallbackOffer(sip::CallId id) {
  std::vector<Step> cmds;
  {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    Call& c = *it->second;
    c.phase = Call::Phase::callback;
    c.callback = std::make_unique<tel::CallbackDialog>(c.cdr.caller);
    cmds = steps(c.callback->start(nowMs()));
  }
  run(id, std::move(cmds));
}

// Self-service: the registry look-up runs on a worker; it is audited as
// self-service (no staff actor, the call as the purpose).
void CallService::verifyIdentity(sip::CallId id, const std::string& citizen_id, const std::string& birth_date) {
  std::string contact;
  {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    it->second->cdr.keyed_id = citizen_id;
    contact = it->second->contact;
  }
  ctx_.workers().post([this, id, citizen_id, birth_date, contact] {
    std::optional<std::vector<std::string>> stage_prompts;
    if (registry_) stage_prompts = selfServiceStatus(citizen_id, birth_date);
    bool verified = stage_prompts.has_value();
    auto now = ctx_.now();
    ctx_.store().write(
        [citizen_id, contact, verified, now](core::store::WriteTx& tx) {
          core::audit::Entry e = auditEntry(nullptr, "registry.self_service", "person", citizen_id, std::nullopt,
                                            "tự phục vụ qua tổng đài", json{{"call", contact}, {"verified", verified}}.dump(),
                                            now);
          e.actor_login = "ivr";
          tx.appendAudit(e);
          return core::Status::Ok();
        },
        [this, id, stage_prompts](core::Status st) {
          std::vector<Step> cmds;
          {
            std::lock_guard lock(mutex_);
            auto it = calls_.find(id);
            if (it == calls_.end() || !it->second->self_service) return;
            Call& c = *it->second;
            bool ok = st.ok() && stage_prompts.has_value();
            c.cdr.keyed_verified = ok;
            if (!st.ok()) cmds = steps(c.self_service->lookupFailed());
            else cmds = steps(ok ? c.self_service->verified(*stage_prompts) : c.self_service->notVerified());
          }
          run(id, std::move(cmds));
        });
  });
}

// The stage prompts of the caller's current application, or nullopt when the
// ID and birth date (ddmmyyyy) do not match one person.
std::optional<std::vector<std::string>> CallService::selfServiceStatus(const std::string& citizen_id,
                                                                       const std::string& birth_date) {
  auto rec = registry_->personById(citizen_id);
  if (!rec.ok() || !rec->has_value()) return std::nullopt;
  const auto& p = (*rec)->person;
  auto stated = core::registry::PartialDate::parse(birth_date);  // "YYYY-MM-DD"
  if (!stated || !core::registry::birthDateVerifies(*stated, p.birth_date)) return std::nullopt;
  const auto* current = core::registry::currentApplication(**rec);
  if (!current) return tel::stagePrompts("none");
  auto today = core::registry::localDay(core::toUnix(ctx_.now()));
  auto summary = core::registry::summarise(*current, today);
  return tel::statusPrompts(summary.stage, current->delivery, summary.overdue);
}

// A callback case: out of hours (number confirmed by keypad) or "press 1" in the queue.
void CallService::createCallback(sip::CallId id, const std::string& number) {
  std::string caller, path;
  std::shared_ptr<Persisted> persisted;
  auto created = std::make_shared<core::cases::Case>();
  {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    Call& c = *it->second;
    persisted = c.persisted;
    if (!number.empty()) c.cdr.callback_number = number;
    if (c.cdr.disposition.empty()) c.cdr.disposition = c.phase == Call::Phase::callback ? "out_of_hours" : "callback";
    caller = c.cdr.callback_number.empty() ? c.cdr.caller : c.cdr.callback_number;
    path = c.cdr.ivr_path;
  }
  core::cases::Case c;
  c.channel = core::cases::Channel::phone;
  auto phone = core::cases::validatePhone(caller);
  if (phone.ok()) c.contact.phone = phone.value();
  c.category = options_.case_category;
  c.description = "Công dân đề nghị gọi lại qua tổng đài 1900 0368" +
                  (path.empty() ? std::string() : " (lựa chọn IVR: " + path + ")") + ".";
  c.tags = {"goi_lai"};
  auto now = ctx_.now();
  auto settings = ctx_.settings();
  c.created_at = c.updated_at = now;
  ctx_.store().write(
      [this, c, now, settings, id, persisted, created](core::store::WriteTx& tx) mutable {
        c.created_by = system_user_;
        core::sla::startClock(c, *settings.sla, *settings.calendar);
        c.id = tx.insertCase(c);
        tx.appendCaseEvent({0, c.id, core::toUnix(now), system_user_, "created",
                            json{{"channel", "phone"}, {"callback", true}}.dump()});
        tx.appendAudit(auditEntry(nullptr, "case.create", "case", std::to_string(c.id), c.id, "yêu cầu gọi lại", "", now));
        *created = c;
        if (persisted) persisted->case_id = c.id;
        std::lock_guard lock(mutex_);
        if (auto it = calls_.find(id); it != calls_.end()) {
          it->second->cdr.case_id = c.id;
          if (auto cb = callbacks_.find(it->second->contact); cb != callbacks_.end()) cb->second.case_id = c.id;
        }
        return core::Status::Ok();
      },
      [this, id, created](core::Status st) {
        if (st.ok()) publishCase(ctx_, "case.created", *created);
        saveCdr(id);
      });
}

// ---- time ---------------------------------------------------------------------

// Recordings are personal data with a retention period: files older than it
// go (the CDR keeps the call's facts). Runs at start and then hourly.
void CallService::sweepRecordings() {
  std::error_code ec;
  auto limit = fs::file_time_type::clock::now() - std::chrono::hours(24) * options_.recording_retention_days;
  int removed = 0;
  for (const auto& entry : fs::directory_iterator(options_.recordings_dir, ec)) {
    if (entry.path().extension() != ".wav") continue;
    if (entry.last_write_time(ec) < limit && fs::remove(entry.path(), ec)) ++removed;
  }
  if (removed) spdlog::info("recordings: {} past the {}-day retention deleted", removed, options_.recording_retention_days);
}

void CallService::timerLoop() {
  sweepRecordings();
  auto next_sweep = std::chrono::steady_clock::now() + std::chrono::hours(1);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (std::chrono::steady_clock::now() >= next_sweep) {
      next_sweep += std::chrono::hours(1);
      lock.unlock();
      sweepRecordings();
      lock.lock();
    }
    cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; });
    if (stopping_) break;
    tel::Millis now = nowMs();
    std::vector<sip::CallId> timed_out, hang, announce_ids, max_waited, unanswered_transfers;
    std::vector<std::string> announce_contacts;
    for (auto& [id, c] : calls_) {
      if (c->deadline && now >= c->deadline) {
        c->deadline = 0;
        (c->phase == Call::Phase::ending ? hang : timed_out).push_back(id);
      }
      if (c->transfer_leg && c->transfer_deadline && now >= c->transfer_deadline) {
        c->transfer_deadline = 0;
        unanswered_transfers.push_back(c->transfer_leg);  // its end brings the caller back
      }
      if (c->phase == Call::Phase::queued && c->pool_from.empty()) {
        auto max = options_.max_wait_ms.find(c->cdr.queue);
        if (max != options_.max_wait_ms.end() && now - c->cdr.queued_at >= max->second) {
          max_waited.push_back(id);
          continue;
        }
      }
      if (c->phase == Call::Phase::queued && !c->announcing && now >= c->next_announce) {
        c->next_announce = now + std::int64_t(options_.announce_every_s) * 1000;
        announce_ids.push_back(id);
        announce_contacts.push_back(c->contact);
      }
    }
    std::vector<std::pair<sip::CallId, std::vector<Step>>> work;
    for (auto id : timed_out) work.emplace_back(id, dispatch(*calls_[id], Event{0, false}, now));
    lock.unlock();
    for (auto id : hang) endpoint_->hangup(id);
    for (auto leg : unanswered_transfers) endpoint_->hangup(leg);
    for (auto& [id, cmds] : work) run(id, std::move(cmds));
    for (std::size_t i = 0; i < announce_ids.size(); ++i) announce(announce_ids[i], announce_contacts[i]);
    for (auto id : max_waited) callbackFromQueue(id, "queue_max_wait", 16000);
    outboundTimeouts(now);
    lock.lock();
  }
}

}  // namespace tongdai::app
