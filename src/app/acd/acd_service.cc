#include "app/acd/acd_service.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/context.h"
#include "core/metrics/metrics.h"

namespace tongdai::app {

using namespace core::routing;
using nlohmann::json;

namespace {

Millis nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Media mediaFrom(const std::string& s) {
  if (s == "chat") return Media::chat;
  if (s == "email") return Media::email;
  if (s == "callback") return Media::callback;
  return Media::call;
}

}  // namespace

std::optional<AgentConfig> agentConfigFor(const std::string& login, core::auth::Role role) {
  if (role == core::auth::Role::operator_) return AgentConfig{login, {{"vi", 5}, {kFrontDeskSkill, 5}}, 3, 2};
  if (role == core::auth::Role::officer) return AgentConfig{login, {{"vi", 5}, {kOfficerSkill, 5}}, 3, 2};
  return std::nullopt;
}

core::Status applyQueueSettings(const std::vector<QueueSettings>& settings, core::routing::Config& config) {
  auto find = [&](const std::string& id) -> QueueConfig* {
    for (auto& q : config.queues) {
      if (q.id == id) return &q;
    }
    return nullptr;
  };
  auto bad = [](const std::string& what) {
    return core::makeError("config", "Cấu hình hàng chờ không hợp lệ: " + what, "Invalid queue settings: " + what);
  };
  for (const auto& s : settings) {
    QueueConfig* q = find(s.id);
    if (!q) return bad("[queues." + s.id + "]: no such queue");
    if (!s.overflow_to.empty() && (s.overflow_to == s.id || !find(s.overflow_to))) {
      return bad("[queues." + s.id + "] overflow_to = \"" + s.overflow_to + "\": no such other queue");
    }
    if (s.ring_timeout_s == 0) return bad("[queues." + s.id + "] ring_timeout_s must be at least 1");
    if (s.ring_timeout_s > 0) q->ring_timeout = s.ring_timeout_s * 1000LL;
    if (s.wrap_up_s >= 0) q->wrap_up = s.wrap_up_s * 1000LL;
    if (s.max_waiting >= 0) q->max_length = s.max_waiting;
    if (s.overflow_after_s >= 0) q->overflow_after = s.overflow_after_s * 1000LL;
    if (!s.overflow_to.empty()) q->overflow_to = s.overflow_to;
  }
  return core::Status::Ok();
}

core::routing::Config defaultAcdConfig() {
  core::routing::Config c;
  QueueConfig calls;
  calls.id = "hotline";
  calls.skills = {{kFrontDeskSkill, 1}};
  calls.priority = 2;
  calls.ring_timeout = 15000;
  calls.wrap_up = 30000;
  calls.overflow_after = 0;
  QueueConfig callback = calls;
  callback.id = "callback";
  callback.priority = 1;
  callback.media = Media::callback;
  QueueConfig zalo;
  zalo.id = "zalo";
  zalo.skills = {{kFrontDeskSkill, 1}};
  zalo.media = Media::chat;
  zalo.priority = 1;
  zalo.wrap_up = 10000;
  QueueConfig facebook = zalo;
  facebook.id = "facebook";
  QueueConfig email;
  email.id = "email";
  email.skills = {{kFrontDeskSkill, 1}};
  email.media = Media::email;
  email.priority = 0;
  email.wrap_up = 0;
  email.ring_timeout = 60000;
  // Calls an operator hands on to the back office ("chuyển cán bộ nghiệp vụ").
  QueueConfig officers = calls;
  officers.id = kOfficersQueue;
  officers.skills = {{kOfficerSkill, 1}};
  officers.priority = 3;
  c.queues = {calls, callback, zalo, facebook, email, officers};
  return c;
}

json eventToJson(const Event& e) {
  return std::visit(
      [](const auto& v) -> json {
        using E = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<E, AgentLogin>) return {{"type", "agent_login"}, {"agent", v.agent}};
        if constexpr (std::is_same_v<E, AgentLogout>) return {{"type", "agent_logout"}, {"agent", v.agent}};
        if constexpr (std::is_same_v<E, AgentReady>) return {{"type", "agent_ready"}, {"agent", v.agent}};
        if constexpr (std::is_same_v<E, AgentNotReady>)
          return {{"type", "agent_not_ready"}, {"agent", v.agent}, {"reason", v.reason}};
        if constexpr (std::is_same_v<E, ContactArrived>)
          return {{"type", "contact_arrived"}, {"contact", v.contact}, {"queue", v.queue},
                  {"priority", v.priority}, {"media", toString(v.media)}};
        if constexpr (std::is_same_v<E, OfferAnswered>)
          return {{"type", "offer_answered"}, {"contact", v.contact}, {"agent", v.agent}};
        if constexpr (std::is_same_v<E, OfferDeclined>)
          return {{"type", "offer_declined"}, {"contact", v.contact}, {"agent", v.agent}};
        if constexpr (std::is_same_v<E, ContactEnded>) return {{"type", "contact_ended"}, {"contact", v.contact}};
        if constexpr (std::is_same_v<E, ContactAbandoned>)
          return {{"type", "contact_abandoned"}, {"contact", v.contact}};
        if constexpr (std::is_same_v<E, CallbackRequested>)
          return {{"type", "callback_requested"}, {"contact", v.contact}};
        if constexpr (std::is_same_v<E, WrapUpDone>) return {{"type", "wrap_up_done"}, {"agent", v.agent}};
        if constexpr (std::is_same_v<E, Tick>) return {{"type", "tick"}};
        if constexpr (std::is_same_v<E, QueueOpen>)
          return {{"type", "queue_open"}, {"queue", v.queue}, {"open", v.open}};
        return {};
      },
      e);
}

bool eventFromJson(const json& j, Event& out) {
  if (!j.is_object() || !j.contains("type")) return false;
  std::string t = j.value("type", "");
  auto s = [&](const char* k) { return j.value(k, std::string()); };
  if (t == "agent_login") out = AgentLogin{s("agent")};
  else if (t == "agent_logout") out = AgentLogout{s("agent")};
  else if (t == "agent_ready") out = AgentReady{s("agent")};
  else if (t == "agent_not_ready") out = AgentNotReady{s("agent"), s("reason")};
  else if (t == "contact_arrived") out = ContactArrived{s("contact"), s("queue"), j.value("priority", 0), mediaFrom(s("media"))};
  else if (t == "offer_answered") out = OfferAnswered{s("contact"), s("agent")};
  else if (t == "offer_declined") out = OfferDeclined{s("contact"), s("agent")};
  else if (t == "contact_ended") out = ContactEnded{s("contact")};
  else if (t == "contact_abandoned") out = ContactAbandoned{s("contact")};
  else if (t == "callback_requested") out = CallbackRequested{s("contact")};
  else if (t == "wrap_up_done") out = WrapUpDone{s("agent")};
  else if (t == "tick") out = Tick{};
  else if (t == "queue_open") out = QueueOpen{s("queue"), j.value("open", true)};
  else return false;
  return true;
}

AcdService::AcdService(AppContext& ctx, core::routing::Config config)
    : ctx_(ctx), config_(config), engine_(std::move(config)) {}

json AcdService::dayMetrics(const std::string& day, Millis target_ms) const {
  core::TimePoint start;
  core::parseIso(day, start);  // local midnight; the caller validated the date
  Millis from = core::toUnix(start) * 1000, to = from + 86400 * 1000;
  std::vector<std::pair<std::int64_t, std::string>> log;
  std::map<std::string, AgentConfig> agents;
  ctx_.store().read([&](core::store::ReadTx& tx) {
    log = tx.acdEvents(from);
    for (const auto& u : tx.users()) {
      if (auto a = agentConfigFor(u.login, u.role)) agents[u.login] = *a;
    }
    return core::Status::Ok();
  });
  Engine replay(config_);
  for (const auto& [login, a] : agents) replay.setAgent(a);
  core::metrics::MetricsOptions options;
  options.service_target = target_ms;
  core::metrics::MetricsCollector collector(options);
  Millis last = from;
  for (const auto& [at, text] : log) {
    if (at >= to) break;
    Event e;
    if (!eventFromJson(json::parse(text, nullptr, false), e)) continue;
    if (auto* a = std::get_if<AgentLogin>(&e); a && !replay.agent(a->agent)) {
      replay.setAgent(*agentConfigFor(a->agent, core::auth::Role::operator_));  // a login since deleted
    }
    // Deadlines that fell between logged events happened then, not later.
    while (auto d = replay.nextDeadline()) {
      if (*d > at) break;
      collector.addStep(Tick{}, replay.handle(Tick{}, *d), *d);
    }
    collector.addStep(e, replay.handle(e, at), at);
    last = at;
  }
  Millis end = std::min<Millis>(to, std::max(last, nowMillis()));
  return core::metrics::metricsToJson(collector.finish(end));
}

AcdService::~AcdService() { stop(); }

void AcdService::ensureAgent(const std::string& id, core::auth::Role role) {
  auto config = agentConfigFor(id, role);
  if (!config) return;
  std::lock_guard lock(mutex_);
  if (!engine_.agent(id)) engine_.setAgent(*config);
}

void AcdService::start() {
  std::vector<AgentConfig> agents;
  std::vector<std::pair<std::int64_t, std::string>> log;
  // Today's log (local midnight, UTC+7): yesterday's agents are gone home.
  std::int64_t midnight_ms = (core::toUnix(ctx_.now()) + 7 * 3600) / 86400 * 86400 * 1000 - 7 * 3600 * 1000LL;
  ctx_.store().read([&](core::store::ReadTx& tx) {
    for (const auto& u : tx.users()) {
      if (u.disabled) continue;
      if (auto a = agentConfigFor(u.login, u.role)) agents.push_back(*a);
    }
    log = tx.acdEvents(midnight_ms);
    return core::Status::Ok();
  });
  {
    std::lock_guard lock(mutex_);
    for (const auto& a : agents) engine_.setAgent(a);
    std::size_t replayed = 0;
    for (const auto& [at, text] : log) {
      Event e;
      auto j = json::parse(text, nullptr, false);
      if (!eventFromJson(j, e)) continue;
      if (auto* a = std::get_if<AgentLogin>(&e); a && !engine_.agent(a->agent)) continue;  // disabled since
      engine_.handle(e, at);
      replayed++;
    }
    if (replayed) spdlog::info("acd: replayed {} events of today", replayed);
    followBusinessHoursLocked();  // queues closed outside business hours from the start
  }
  timer_ = std::thread([this] { timerLoop(); });
}

void AcdService::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (timer_.joinable()) timer_.join();
}

std::vector<Decision> AcdService::applyLocked(const Event& e, Millis now, bool log) {
  auto ds = engine_.handle(e, now);
  if (log && !std::holds_alternative<Tick>(e)) {
    std::string text = eventToJson(e).dump();
    ctx_.store().write([now, text](core::store::WriteTx& tx) {
      tx.appendAcdEvent(now, text);
      return core::Status::Ok();
    }, nullptr);
  }
  return ds;
}

std::vector<Decision> AcdService::apply(const Event& e) {
  std::vector<Decision> ds;
  {
    std::lock_guard lock(mutex_);
    ds = applyLocked(e, nowMillis(), true);
    nudged_ = true;  // the next deadline may have moved: the timer re-reads it
  }
  cv_.notify_all();
  publish(ds);
  return ds;
}

std::vector<Decision> AcdService::followBusinessHoursLocked() {
  bool open = ctx_.settings().calendar->isOpen(ctx_.now());
  if (open_ == open) return {};
  open_ = open;
  std::vector<Decision> all;
  for (const auto& q : config_.queues) {
    auto ds = applyLocked(QueueOpen{q.id, open}, nowMillis(), true);
    all.insert(all.end(), ds.begin(), ds.end());
  }
  return all;
}

void AcdService::timerLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // Wake for the engine's next deadline, and at least every 20 s to follow
    // business hours (openings and closings are minute-aligned).
    auto wake = std::chrono::system_clock::now() + std::chrono::seconds(20);
    if (auto next = engine_.nextDeadline()) {
      wake = std::min(wake, std::chrono::system_clock::time_point(std::chrono::milliseconds(*next)));
    }
    cv_.wait_until(lock, wake, [this] { return stopping_ || nudged_; });
    if (stopping_) break;
    nudged_ = false;
    if (auto ds = followBusinessHoursLocked(); !ds.empty()) {
      lock.unlock();
      publish(ds);
      lock.lock();
    }
    auto due = engine_.nextDeadline();
    if (due && *due <= nowMillis()) {
      auto ds = applyLocked(Tick{}, nowMillis(), false);
      lock.unlock();
      publish(ds);
      lock.lock();
    }
  }
}

void AcdService::addListener(Listener l) { listeners_.push_back(std::move(l)); }

void AcdService::calendarChanged() {
  {
    std::lock_guard lock(mutex_);
    nudged_ = true;
  }
  cv_.notify_all();
}

std::optional<core::routing::WaitingInfo> AcdService::waitingInfo(const std::string& contact) const {
  std::lock_guard lock(mutex_);
  for (const auto& w : engine_.waiting(nowMillis())) {
    if (w.contact == contact) return w;
  }
  return std::nullopt;
}

void AcdService::publish(const std::vector<Decision>& ds) {
  for (const auto& l : listeners_) l(ds);
  bool queues_changed = false;
  for (const auto& d : ds) {
    if (auto* s = std::get_if<AgentStateChanged>(&d)) {
      ctx_.publish({{"type", "agent.state"}, {"agent", s->agent}, {"from", toString(s->from)},
                    {"state", toString(s->to)}, {"reason", s->reason}},
                   core::auth::kCaseWorkers);
    } else {
      queues_changed = true;
    }
  }
  if (queues_changed) ctx_.publish({{"type", "queue.updated"}, {"queues", queuesJson()}}, core::auth::kCaseWorkers);
}

json AcdService::agentsJson() const {
  std::lock_guard lock(mutex_);
  json items = json::array();
  for (const auto& a : engine_.agents()) {
    items.push_back({{"agent", a.id}, {"state", toString(a.state)}, {"reason", a.reason},
                     {"since", core::formatLocalIso(core::fromUnix(a.since / 1000))},
                     {"contacts", a.contacts}, {"handled", a.handled}});
  }
  return items;
}

json AcdService::queuesJson() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, json> by_queue;
  Millis now = nowMillis();
  for (const auto& w : engine_.waiting(now)) {
    auto& q = by_queue[w.queue];
    if (q.is_null()) q = {{"queue", w.queue}, {"waiting", 0}, {"oldest_wait_s", 0}, {"contacts", json::array()}};
    q["waiting"] = q["waiting"].get<int>() + 1;
    q["oldest_wait_s"] = std::max<std::int64_t>(q["oldest_wait_s"].get<std::int64_t>(), w.waited / 1000);
    q["contacts"].push_back({{"contact", w.contact}, {"position", w.position}, {"waited_s", w.waited / 1000},
                             {"estimated_wait_s", w.estimated_wait / 1000}});
  }
  json items = json::array();
  for (auto& [id, q] : by_queue) items.push_back(q);
  return items;
}

std::optional<AgentView> AcdService::agent(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return engine_.agent(id);
}

}  // namespace tongdai::app
