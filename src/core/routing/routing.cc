#include "core/routing/routing.h"

#include <algorithm>
#include <limits>
#include <tuple>

namespace tongdai::core::routing {

const char* toString(Media m) {
  switch (m) {
    case Media::call: return "call";
    case Media::chat: return "chat";
    case Media::email: return "email";
    case Media::callback: return "callback";
  }
  return "";
}

const char* toString(AgentState s) {
  switch (s) {
    case AgentState::logged_out: return "logged_out";
    case AgentState::ready: return "ready";
    case AgentState::reserved: return "reserved";
    case AgentState::busy: return "busy";
    case AgentState::wrap_up: return "wrap_up";
    case AgentState::not_ready: return "not_ready";
  }
  return "";
}

const char* toString(Strategy s) {
  switch (s) {
    case Strategy::longest_idle: return "longest_idle";
    case Strategy::fewest_contacts: return "fewest_contacts";
    case Strategy::round_robin: return "round_robin";
    case Strategy::skills_then_idle: return "skills_then_idle";
  }
  return "";
}

namespace {
constexpr Millis kNever = std::numeric_limits<Millis>::max();
constexpr Millis kDefaultHandle = 180000;
}  // namespace

Engine::Engine(Config config) : config_(std::move(config)) {
  for (const auto& q : config_.queues) {
    queue_index_[q.id] = queue_store_.size();
    Queue queue;
    queue.cfg = q;
    queue_store_.push_back(std::move(queue));
  }
  for (auto& q : queue_store_) queues_.push_back(&q);
}

void Engine::setAgent(const AgentConfig& cfg) {
  auto [it, added] = agents_.try_emplace(cfg.id);
  it->second.cfg = cfg;
  if (added) {
    it->second.registered = agents_.size();
    agent_order_.insert(std::upper_bound(agent_order_.begin(), agent_order_.end(), cfg.id,
                                         [](const std::string& id, const Agent* a) {
                                           return id < a->cfg.id;
                                         }),
                        &it->second);
  }
}

std::size_t Engine::waitingCount() const {
  std::size_t n = 0;
  for (const auto* q : queues_) n += q->waiting.size();
  return n;
}

void Engine::setState(Agent& a, AgentState to, Millis now, const std::string& reason,
                      std::vector<Decision>& out) {
  if (a.state == to && a.reason == reason) return;
  out.push_back(AgentStateChanged{a.cfg.id, a.state, to, reason});
  if (to == AgentState::ready && a.state != AgentState::ready) a.idle_since = now;
  a.state = to;
  a.reason = reason;
  a.since = now;
  if (to != AgentState::wrap_up) setWrapUntil(a, kNever);
}

void Engine::setDeadline(Contact& c, Millis when) {
  if (c.deadline == when) return;
  if (c.deadline != kNever) deadlines_.erase({c.deadline, c.seq, &c});
  c.deadline = when;
  if (when != kNever) deadlines_.insert({when, c.seq, &c});
}

void Engine::setWrapUntil(Agent& a, Millis when) {
  if (a.wrap_until == when) return;
  if (a.wrap_until != kNever) wrap_timers_.erase({a.wrap_until, a.registered, &a});
  a.wrap_until = when;
  if (when != kNever) wrap_timers_.insert({when, a.registered, &a});
}

void Engine::addWaiting(Contact& c) {
  Queue& q = *queues_[c.queue_index];
  q.waiting.insert({-c.priority, c.seq, &c});
  if (q.cfg.overflow_after > 0 && !q.cfg.overflow_to.empty()) {
    overflow_timers_.insert({c.queued_at + q.cfg.overflow_after, c.seq, &c});
  }
  if (q.cfg.relax_after > 0 && !q.cfg.skills.empty()) {
    relax_timers_.insert({c.queued_at + q.cfg.relax_after, c.seq, &c});
  }
}

void Engine::enqueue(Contact& c, const std::string& queue, Millis now, std::vector<Decision>& out) {
  c.queue_index = queue_index_.at(queue);
  auto& q = *queues_[c.queue_index];
  c.queue = queue;
  c.phase = Contact::Phase::waiting;
  c.agent.clear();
  setDeadline(c, kNever);
  addWaiting(c);
  // Usually the newest contact of its priority, hence last in line: no walk.
  const WaitKey key{-c.priority, c.seq, &c};
  int position = static_cast<int>(q.waiting.size());
  if (std::get<1>(*q.waiting.rbegin()) != c.seq) {
    position = 1;
    for (const auto& w : q.waiting) {
      if (w == key) break;
      position++;
    }
  }
  out.push_back(ContactQueued{c.id, queue, position});
  (void)now;
}

void Engine::dequeue(Contact& c) {
  const Queue& q = *queues_[c.queue_index];
  queues_[c.queue_index]->waiting.erase({-c.priority, c.seq, &c});
  if (q.cfg.overflow_after > 0 && !q.cfg.overflow_to.empty()) {
    overflow_timers_.erase({c.queued_at + q.cfg.overflow_after, c.seq, &c});
  }
  if (q.cfg.relax_after > 0 && !q.cfg.skills.empty()) {
    relax_timers_.erase({c.queued_at + q.cfg.relax_after, c.seq, &c});
  }
}

void Engine::finish(Contact& c, const std::string& outcome, std::vector<Decision>& out) {
  out.push_back(ContactFinished{c.id, outcome});
  if (c.phase == Contact::Phase::waiting) dequeue(c);  // maybe done already: a no-op then
  setDeadline(c, kNever);
  contacts_.erase(contacts_.find(c.id));  // c is dangling after this line
}

// The agent stops holding the contact; to wrap-up (after a conversation) or
// straight back to ready (a cancelled offer).
void Engine::releaseAgentOf(Contact& c, Millis now, bool to_wrap_up, std::vector<Decision>& out) {
  auto it = agents_.find(c.agent);
  if (it == agents_.end()) return;
  Agent& a = it->second;
  if (!a.contacts.erase(c.id)) return;
  (c.media == Media::chat ? a.chats : c.media == Media::email ? a.emails : a.calls)--;
  if (!a.contacts.empty()) return;  // still busy with other chats
  if (to_wrap_up) {
    auto& q = *queues_[c.queue_index];
    setState(a, AgentState::wrap_up, now, c.queue, out);
    setWrapUntil(a, now + q.cfg.wrap_up);
    if (q.cfg.wrap_up <= 0) {
      setWrapUntil(a, kNever);
      setState(a, a.pending_not_ready ? AgentState::not_ready : AgentState::ready, now,
               a.pending_not_ready ? a.pending_reason : "", out);
      a.pending_not_ready = false;
    }
  } else if (a.pending_not_ready) {
    setState(a, AgentState::not_ready, now, a.pending_reason, out);
    a.pending_not_ready = false;
  } else {
    setState(a, AgentState::ready, now, "", out);
  }
}

bool Engine::canTake(const Agent& a, const Queue& q, const Contact& c, Millis now) const {
  if (c.passed_over.count(a.cfg.id)) return false;
  bool media_ok = false;
  switch (c.media) {
    case Media::call:
    case Media::callback:
      media_ok = a.state == AgentState::ready && a.contacts.empty();
      break;
    case Media::chat:
      media_ok = (a.state == AgentState::ready || (a.state == AgentState::busy && a.calls == 0 &&
                                                   a.emails == 0)) &&
                 a.chats < a.cfg.chat_capacity && !a.pending_not_ready;
      break;
    case Media::email:
      media_ok = a.state == AgentState::ready && a.contacts.empty();
      break;
  }
  if (!media_ok) return false;
  bool relaxed = q.cfg.relax_after > 0 && now - c.queued_at >= q.cfg.relax_after;
  for (const auto& [skill, level] : q.cfg.skills) {
    auto it = a.cfg.skills.find(skill);
    if (it == a.cfg.skills.end()) return false;
    if (!relaxed && it->second < level) return false;
  }
  return true;
}

Engine::Agent* Engine::pickAgent(const Queue& q, const Contact& c, Millis now) {
  Agent* best = nullptr;
  auto skillScore = [&](const Agent& a) {
    int s = 0;
    for (const auto& [skill, level] : q.cfg.skills) {
      auto it = a.cfg.skills.find(skill);
      if (it != a.cfg.skills.end()) s += it->second;
    }
    return s;
  };
  auto better = [&](const Agent& x, const Agent& y) {  // is x better than y?
    switch (q.cfg.strategy) {
      case Strategy::fewest_contacts:
        if (x.handled != y.handled) return x.handled < y.handled;
        break;
      case Strategy::skills_then_idle: {
        int sx = skillScore(x), sy = skillScore(y);
        if (sx != sy) return sx > sy;
        break;
      }
      default:
        break;
    }
    if (x.idle_since != y.idle_since) return x.idle_since < y.idle_since;
    return x.cfg.id < y.cfg.id;
  };
  if (q.cfg.strategy == Strategy::round_robin) {
    // The first eligible agent after the last one served, in id order.
    std::vector<Agent*> eligible;
    for (Agent* a : agent_order_) {
      if (canTake(*a, q, c, now)) eligible.push_back(a);
    }
    if (eligible.empty()) return nullptr;
    std::size_t start = round_robin_ % eligible.size();
    round_robin_++;
    return eligible[start];
  }
  // Calls, callbacks and e-mails need a ready agent, chats a ready or busy
  // one: skip the rest before the full check (most agents are busy).
  const bool chat = c.media == Media::chat;
  for (Agent* a : agent_order_) {
    if (a->state != AgentState::ready && !(chat && a->state == AgentState::busy)) continue;
    if (canTake(*a, q, c, now) && (!best || better(*a, *best))) best = a;
  }
  return best;
}

void Engine::route(Millis now, std::vector<Decision>& out) {
  for (;;) {
    // Most events find nobody waiting: say so before looking at the agents.
    if (std::none_of(queues_.begin(), queues_.end(),
                     [](const Queue* q) { return q->open && !q->waiting.empty(); })) {
      return;
    }
    bool anyone = std::any_of(agent_order_.begin(), agent_order_.end(), [](const Agent* a) {
      return a->state == AgentState::ready || (a->state == AgentState::busy && a->chats > 0 &&
                                               a->chats < a->cfg.chat_capacity);
    });
    if (!anyone) return;
    // Queues in fairness order by their head contact.
    auto& order = order_scratch_;
    order.clear();
    for (std::size_t i = 0; i < queues_.size(); ++i) {
      const Queue& q = *queues_[i];
      if (!q.open || q.waiting.empty()) continue;
      const Contact& head = *std::get<2>(*q.waiting.begin());
      double key = config_.fairness == Fairness::strict_priority
                       ? static_cast<double>(q.cfg.priority) * 1e15 +
                             static_cast<double>(now - head.queued_at)
                       : static_cast<double>(now - head.queued_at + 1) * (1.0 + q.cfg.priority);
      order.push_back({-key, i});
    }
    std::sort(order.begin(), order.end());
    bool offered = false;
    for (auto [key, i] : order) {
      Queue& q = *queues_[i];
      for (const auto& w : q.waiting) {
        Contact& c = *std::get<2>(w);
        Agent* a = pickAgent(q, c, now);
        if (!a) continue;
        dequeue(c);  // invalidates w
        c.phase = Contact::Phase::offered;
        c.agent = a->cfg.id;
        setDeadline(c, now + q.cfg.ring_timeout);
        a->contacts.insert(c.id);
        (c.media == Media::chat ? a->chats : c.media == Media::email ? a->emails : a->calls)++;
        if (a->state == AgentState::ready) setState(*a, AgentState::reserved, now, c.id, out);
        out.push_back(Offer{c.id, a->cfg.id, q.cfg.id});
        offered = true;
        break;
      }
      if (offered) break;
    }
    if (!offered) return;
  }
}

void Engine::expire(Millis now, std::vector<Decision>& out) {
  if (auto next = nextDeadline(); !next || *next > now) return;  // the usual case: nothing due
  // Collect first (in firing order, ties by arrival): handlers below modify the sets.
  std::vector<Contact*> ring_out, lost, overflow;
  for (auto it = deadlines_.begin(); it != deadlines_.end() && std::get<0>(*it) <= now; ++it) {
    Contact* c = std::get<2>(*it);
    (c->phase == Contact::Phase::offered ? ring_out : lost).push_back(c);
  }
  for (auto it = overflow_timers_.begin();
       it != overflow_timers_.end() && std::get<0>(*it) <= now; ++it) {
    overflow.push_back(std::get<2>(*it));
  }
  // Relaxed skill levels need no action (route() checks the wait), only the
  // wake-up: spent ones go, or nextDeadline() would stay in the past.
  relax_timers_.erase(relax_timers_.begin(),
                      relax_timers_.lower_bound({now + 1, 0, nullptr}));
  for (Contact* cp : ring_out) {
    Contact& c = *cp;
    const std::string& id = c.id;
    std::string agent = c.agent;
    out.push_back(OfferCancelled{id, agent, "ring_timeout"});
    c.passed_over.insert(agent);
    releaseAgentOf(c, now, false, out);
    Agent& a = agents_.at(agent);
    if (++a.missed >= a.cfg.max_missed_offers && a.state == AgentState::ready) {
      setState(a, AgentState::not_ready, now, "missed_offers", out);
    }
    // Back in line with its original sequence: it keeps its place.
    c.phase = Contact::Phase::waiting;
    c.agent.clear();
    setDeadline(c, kNever);
    addWaiting(c);
    // Everyone passed it over: let them try again rather than strand it.
    std::size_t logged_in = 0;
    for (const Agent* ag : agent_order_) logged_in += ag->state != AgentState::logged_out;
    if (c.passed_over.size() >= logged_in) c.passed_over.clear();
  }
  for (Contact* c : lost) {
    releaseAgentOf(*c, now, true, out);
    finish(*c, "lost", out);
  }
  for (Contact* cp : overflow) {
    Contact& c = *cp;
    std::string from = c.queue, to = queues_[c.queue_index]->cfg.overflow_to;
    if (!queue_index_.count(to)) {
      // Stays where it is; its spent timer goes, or it would fire forever.
      overflow_timers_.erase({c.queued_at + queues_[c.queue_index]->cfg.overflow_after, c.seq, &c});
      continue;
    }
    dequeue(c);
    c.queued_at = now;
    out.push_back(ContactOverflowed{c.id, from, to});
    enqueue(c, to, now, out);
  }
  std::vector<Agent*> wrapped;
  for (auto it = wrap_timers_.begin(); it != wrap_timers_.end() && std::get<0>(*it) <= now; ++it) {
    wrapped.push_back(std::get<2>(*it));
  }
  for (Agent* ap : wrapped) {
    Agent& a = *ap;
    if (a.state == AgentState::wrap_up && a.wrap_until <= now) {
      setState(a, a.pending_not_ready ? AgentState::not_ready : AgentState::ready, now,
               a.pending_not_ready ? a.pending_reason : "", out);
      a.pending_not_ready = false;
    }
  }
}

std::vector<Decision> Engine::handle(const Event& event, Millis now) {
  std::vector<Decision> out;
  out.reserve(4);  // most events decide a few things: one allocation, not three
  auto refuse = [&](std::string what) { out.push_back(EventRefused{std::move(what)}); };
  auto findAgent = [&](const std::string& id) -> Agent* {
    auto it = agents_.find(id);
    if (it == agents_.end()) {
      refuse("unknown agent " + id);
      return nullptr;
    }
    return &it->second;
  };
  auto findContact = [&](const std::string& id) -> Contact* {
    auto it = contacts_.find(id);
    if (it == contacts_.end()) {
      refuse("unknown or finished contact " + id);
      return nullptr;
    }
    return &it->second;
  };

  expire(now, out);
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, AgentLogin>) {
          if (Agent* a = findAgent(e.agent)) {
            if (a->state != AgentState::logged_out) return refuse(e.agent + " is already logged in");
            a->missed = 0;
            setState(*a, AgentState::not_ready, now, "login", out);
          }
        } else if constexpr (std::is_same_v<E, AgentLogout>) {
          if (Agent* a = findAgent(e.agent)) {
            if (!a->contacts.empty()) return refuse(e.agent + " holds contacts: finish them first");
            setState(*a, AgentState::logged_out, now, "logout", out);
          }
        } else if constexpr (std::is_same_v<E, AgentReady>) {
          if (Agent* a = findAgent(e.agent)) {
            if (a->state != AgentState::not_ready && a->state != AgentState::wrap_up) {
              return refuse(std::string(e.agent) + " cannot become ready from " + toString(a->state));
            }
            a->missed = 0;
            a->pending_not_ready = false;
            setState(*a, AgentState::ready, now, "", out);
          }
        } else if constexpr (std::is_same_v<E, AgentNotReady>) {
          if (Agent* a = findAgent(e.agent)) {
            if (a->state == AgentState::logged_out) return refuse(e.agent + " is logged out");
            if (a->state == AgentState::busy || a->state == AgentState::reserved) {
              if (a->state == AgentState::reserved) {
                // Ringing: take the offer back, the contact keeps its place.
                for (auto cid : std::vector<std::string>(a->contacts.begin(), a->contacts.end())) {
                  Contact& c = contacts_.at(cid);
                  if (c.phase != Contact::Phase::offered) continue;
                  out.push_back(OfferCancelled{cid, a->cfg.id, "agent_not_ready"});
                  a->contacts.erase(cid);
                  (c.media == Media::chat ? a->chats : c.media == Media::email ? a->emails : a->calls)--;
                  c.phase = Contact::Phase::waiting;
                  c.agent.clear();
                  setDeadline(c, kNever);
                  addWaiting(c);
                }
                if (a->contacts.empty()) return setState(*a, AgentState::not_ready, now, e.reason, out);
              }
              a->pending_not_ready = true;  // after the current conversation
              a->pending_reason = e.reason;
              return;
            }
            setState(*a, AgentState::not_ready, now, e.reason, out);
          }
        } else if constexpr (std::is_same_v<E, ContactArrived>) {
          if (contacts_.count(e.contact)) return refuse("duplicate contact " + e.contact);
          auto qi = queue_index_.find(e.queue);
          if (qi == queue_index_.end()) {
            out.push_back(ContactRejected{e.contact, "unknown_queue"});
            return;
          }
          Queue* q = queues_[qi->second];
          if (!q->open) {
            out.push_back(ContactRejected{e.contact, "closed"});
            return;
          }
          std::string target = q->cfg.id;
          if (q->cfg.max_length > 0 && static_cast<int>(q->waiting.size()) >= q->cfg.max_length) {
            auto oi = queue_index_.find(q->cfg.overflow_to);
            if (oi == queue_index_.end() || !queues_[oi->second]->open) {
              out.push_back(ContactRejected{e.contact, "queue_full"});
              return;
            }
            out.push_back(ContactOverflowed{e.contact, q->cfg.id, q->cfg.overflow_to});
            target = q->cfg.overflow_to;
          }
          Contact& c = contacts_.try_emplace(e.contact).first->second;  // built in place
          c.id = e.contact;
          c.priority = e.priority;
          c.media = e.media;
          c.seq = ++sequence_;
          c.arrived = c.queued_at = now;
          enqueue(c, target, now, out);
        } else if constexpr (std::is_same_v<E, OfferAnswered>) {
          if (Contact* c = findContact(e.contact)) {
            if (c->phase != Contact::Phase::offered || c->agent != e.agent) {
              return refuse("contact " + e.contact + " is not ringing at " + e.agent);
            }
            Agent& a = agents_.at(e.agent);
            c->phase = Contact::Phase::talking;
            c->answered_at = now;
            setDeadline(*c, now + queues_[c->queue_index]->cfg.max_handle);
            a.missed = 0;
            a.handled++;
            setState(a, AgentState::busy, now, c->queue, out);
          }
        } else if constexpr (std::is_same_v<E, OfferDeclined>) {
          if (Contact* c = findContact(e.contact)) {
            if (c->phase != Contact::Phase::offered || c->agent != e.agent) {
              return refuse("contact " + e.contact + " is not ringing at " + e.agent);
            }
            out.push_back(OfferCancelled{c->id, e.agent, "declined"});
            c->passed_over.insert(e.agent);
            releaseAgentOf(*c, now, false, out);
            c->phase = Contact::Phase::waiting;
            c->agent.clear();
            setDeadline(*c, kNever);
            addWaiting(*c);
          }
        } else if constexpr (std::is_same_v<E, ContactEnded>) {
          if (Contact* c = findContact(e.contact)) {
            if (c->phase != Contact::Phase::talking) return refuse("contact " + e.contact + " is not in conversation");
            auto& q = *queues_[c->queue_index];
            q.handle_sum += now - c->answered_at + q.cfg.wrap_up;
            q.handle_count++;
            releaseAgentOf(*c, now, true, out);
            finish(*c, c->callback ? "callback" : "answered", out);
          }
        } else if constexpr (std::is_same_v<E, ContactAbandoned>) {
          if (Contact* c = findContact(e.contact)) {
            if (c->phase == Contact::Phase::talking) return refuse("contact " + e.contact + " was answered: end it");
            if (c->phase == Contact::Phase::offered) {
              out.push_back(OfferCancelled{c->id, c->agent, "abandoned"});
              releaseAgentOf(*c, now, false, out);
            } else {
              dequeue(*c);
            }
            finish(*c, "abandoned", out);
          }
        } else if constexpr (std::is_same_v<E, CallbackRequested>) {
          if (Contact* c = findContact(e.contact)) {
            if (c->phase != Contact::Phase::waiting) return refuse("contact " + e.contact + " is not waiting");
            c->callback = true;  // keeps its place in line
            dequeue(*c);
            c->media = Media::callback;
            addWaiting(*c);
          }
        } else if constexpr (std::is_same_v<E, WrapUpDone>) {
          if (Agent* a = findAgent(e.agent)) {
            if (a->state != AgentState::wrap_up) return refuse(e.agent + " is not in wrap-up");
            setState(*a, a->pending_not_ready ? AgentState::not_ready : AgentState::ready, now,
                     a->pending_not_ready ? a->pending_reason : "", out);
            a->pending_not_ready = false;
          }
        } else if constexpr (std::is_same_v<E, QueueOpen>) {
          auto qi = queue_index_.find(e.queue);
          if (qi == queue_index_.end()) return refuse("unknown queue " + e.queue);
          queues_[qi->second]->open = e.open;
        }
      },
      event);
  route(now, out);
  return out;
}

std::optional<Millis> Engine::nextDeadline() const {
  Millis next = kNever;
  if (!deadlines_.empty()) next = std::min(next, std::get<0>(*deadlines_.begin()));
  if (!overflow_timers_.empty()) next = std::min(next, std::get<0>(*overflow_timers_.begin()));
  if (!relax_timers_.empty()) next = std::min(next, std::get<0>(*relax_timers_.begin()));
  if (!wrap_timers_.empty()) next = std::min(next, std::get<0>(*wrap_timers_.begin()));
  if (next == kNever) return std::nullopt;
  return next;
}

Millis Engine::averageHandle(const Queue& q) const {
  return q.handle_count ? q.handle_sum / q.handle_count : kDefaultHandle;
}

std::vector<WaitingInfo> Engine::waiting(Millis now) const {
  std::vector<WaitingInfo> out;
  for (const auto* q : queues_) {
    int serving = 0;
    for (const Agent* ap : agent_order_) {
      const Agent& a = *ap;
      if (a.state == AgentState::logged_out || a.state == AgentState::not_ready) continue;
      bool skilled = std::all_of(q->cfg.skills.begin(), q->cfg.skills.end(),
                                 [&](const auto& s) { return a.cfg.skills.count(s.first) > 0; });
      serving += skilled;
    }
    int position = 0;
    for (const auto& w : q->waiting) {
      const Contact& c = *std::get<2>(w);
      ++position;
      Millis ewt = serving > 0 ? averageHandle(*q) * position / serving : averageHandle(*q) * position;
      out.push_back({c.id, q->cfg.id, position, now - c.arrived, ewt});
    }
  }
  return out;
}

std::vector<AgentView> Engine::agents() const {
  std::vector<AgentView> out;
  for (const Agent* ap : agent_order_) {
    const Agent& a = *ap;
    out.push_back(
        {a.cfg.id, a.state, a.reason, a.since, {a.contacts.begin(), a.contacts.end()}, a.handled});
  }
  return out;
}

std::optional<AgentView> Engine::agent(const std::string& id) const {
  auto it = agents_.find(id);
  if (it == agents_.end()) return std::nullopt;
  const Agent& a = it->second;
  return AgentView{id, a.state, a.reason, a.since, {a.contacts.begin(), a.contacts.end()}, a.handled};
}

}  // namespace tongdai::core::routing
