// The routing engine (ACD): who gets the next call, chat, e-mail or callback.
//
// A pure state machine. The shell feeds it events with the current time and
// carries out the decisions it returns; it owns one timer, set to
// nextDeadline(). No I/O, no clock, no randomness: the same events at the
// same times give the same decisions (so the simulator and the event log can
// replay it exactly).
//
// Guarantees (checked by property tests):
//  - a contact is offered to at most one agent at a time;
//  - an agent is in exactly one state; a reserved/busy agent holds exactly
//    the contacts the engine gave it; a lost hang-up is recovered by the
//    handling deadline, so an agent is never stuck busy;
//  - within a queue, contacts of the same priority are served first in, first out;
//  - every contact ends answered (then finished), abandoned, rejected or
//    turned into a callback request.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <variant>
#include <vector>

namespace tongdai::core::routing {

using Millis = std::int64_t;  // an instant or a duration, in milliseconds

enum class Media { call, chat, email, callback };
enum class AgentState { logged_out, ready, reserved, busy, wrap_up, not_ready };
enum class Strategy { longest_idle, fewest_contacts, round_robin, skills_then_idle };

const char* toString(Media m);
const char* toString(AgentState s);
const char* toString(Strategy s);

struct QueueConfig {
  std::string id;
  int priority = 0;  // higher served first when agents are scarce (see fairness)
  Media media = Media::call;
  Strategy strategy = Strategy::longest_idle;
  std::map<std::string, int> skills;  // required skill -> minimum level (1..10)
  Millis relax_after = 0;             // 0 = never: after this wait, minimum levels drop to 1
  Millis ring_timeout = 15000;        // an offer not answered by then goes to the next agent
  Millis wrap_up = 30000;             // after-call work, then ready again
  int max_length = 0;                 // 0 = unlimited; a full queue rejects (or overflows)
  Millis overflow_after = 0;          // 0 = never: after this wait, move to overflow_to
  std::string overflow_to;
  Millis max_handle = 4 * 3600 * 1000;  // a "busy" longer than this is a lost hang-up
};

struct AgentConfig {
  std::string id;
  std::map<std::string, int> skills;  // skill -> level
  int chat_capacity = 3;              // simultaneous chats
  int max_missed_offers = 2;          // then auto not-ready ("bỏ lỡ cuộc gọi")
};

// Fairness across queues: strict priority, or weighted by the age of the
// oldest contact (age × (1 + priority)), deterministic either way.
enum class Fairness { strict_priority, weighted_age };

struct Config {
  std::vector<QueueConfig> queues;
  Fairness fairness = Fairness::weighted_age;
};

// ---- events in ----------------------------------------------------------
struct AgentLogin { std::string agent; };
struct AgentLogout { std::string agent; };
struct AgentReady { std::string agent; };
struct AgentNotReady { std::string agent; std::string reason; };
struct ContactArrived {
  std::string contact;
  std::string queue;
  int priority = 0;  // within the queue; higher first
  Media media = Media::call;
};
struct OfferAnswered { std::string contact; std::string agent; };
struct OfferDeclined { std::string contact; std::string agent; };
struct ContactEnded { std::string contact; };       // conversation over: agent to wrap-up
struct ContactAbandoned { std::string contact; };   // caller left while waiting or ringing
struct CallbackRequested { std::string contact; };  // keeps its place; offered when its turn comes
struct WrapUpDone { std::string agent; };
struct Tick {};                                     // the timer fired
struct QueueOpen { std::string queue; bool open; }; // business hours, from the shell's calendar

using Event = std::variant<AgentLogin, AgentLogout, AgentReady, AgentNotReady, ContactArrived,
                           OfferAnswered, OfferDeclined, ContactEnded, ContactAbandoned,
                           CallbackRequested, WrapUpDone, Tick, QueueOpen>;

// ---- decisions out --------------------------------------------------------
struct Offer { std::string contact; std::string agent; std::string queue; };
struct OfferCancelled { std::string contact; std::string agent; std::string why; };
struct AgentStateChanged {
  std::string agent;
  AgentState from, to;
  std::string reason;
};
struct ContactQueued { std::string contact; std::string queue; int position; };
struct ContactOverflowed { std::string contact; std::string from, to; };
struct ContactRejected { std::string contact; std::string reason; };  // queue_full, closed, unknown_queue
struct ContactFinished { std::string contact; std::string outcome; }; // answered, abandoned, callback, lost
struct EventRefused { std::string what; };                             // illegal transition, explained

using Decision = std::variant<Offer, OfferCancelled, AgentStateChanged, ContactQueued,
                              ContactOverflowed, ContactRejected, ContactFinished, EventRefused>;

struct WaitingInfo {
  std::string contact;
  std::string queue;
  int position = 0;        // 1-based
  Millis waited = 0;
  Millis estimated_wait = 0;
};

struct AgentView {
  std::string id;
  AgentState state = AgentState::logged_out;
  std::string reason;
  Millis since = 0;
  std::vector<std::string> contacts;
  int handled = 0;
};

// FNV-1a over an id. Ids are short; and a hasher of our own also keeps
// libstdc++ from scanning small tables (<= 20 elements: 20 agents) linearly
// with a string comparison per element, as it does for std::hash<std::string>.
struct IdHash {
  std::size_t operator()(const std::string& id) const noexcept {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char ch : id) h = (h ^ ch) * 1099511628211ULL;
    return static_cast<std::size_t>(h);
  }
};

class Engine {
 public:
  explicit Engine(Config config);

  // Registers (or updates) an agent's skills and capacities; it starts logged out.
  void setAgent(const AgentConfig& agent);

  std::vector<Decision> handle(const Event& event, Millis now);
  // When the shell must call handle(Tick{}, t) at the latest; nullopt: nothing pending.
  std::optional<Millis> nextDeadline() const;

  // Read-only views for the desks and tests.
  std::vector<WaitingInfo> waiting(Millis now) const;
  std::vector<AgentView> agents() const;
  std::optional<AgentView> agent(const std::string& id) const;
  std::size_t waitingCount() const;

 private:
  static constexpr Millis kNoDeadline = std::numeric_limits<Millis>::max();
  struct Contact {
    enum class Phase { waiting, offered, talking };
    std::string id;
    std::string queue;
    std::size_t queue_index = 0;  // of `queue`, to skip the name look-up
    int priority = 0;
    Media media = Media::call;
    std::uint64_t seq = 0;
    Millis arrived = 0;
    Millis queued_at = 0;  // entered its current queue
    Phase phase = Phase::waiting;
    bool callback = false;
    std::string agent;
    Millis deadline = kNoDeadline;  // ring timeout or lost-hang-up guard
    Millis answered_at = 0;
    std::set<std::string> passed_over;  // agents who missed or declined it
  };

  // The few contacts an agent holds (one call, or a handful of chats): a
  // sorted vector keeps set order without allocating a node per offer.
  class ContactIds {
   public:
    bool empty() const { return ids_.empty(); }
    std::size_t size() const { return ids_.size(); }
    auto begin() const { return ids_.begin(); }
    auto end() const { return ids_.end(); }
    void insert(const std::string& id) {
      auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
      if (it == ids_.end() || *it != id) ids_.insert(it, id);
    }
    std::size_t erase(const std::string& id) {
      auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
      if (it == ids_.end() || *it != id) return 0;
      ids_.erase(it);
      return 1;
    }

   private:
    std::vector<std::string> ids_;
  };

  struct Agent {
    AgentConfig cfg;
    AgentState state = AgentState::logged_out;
    std::string reason;
    Millis since = 0;
    Millis idle_since = 0;
    ContactIds contacts;
    int calls = 0, chats = 0, emails = 0;  // held contacts by media
    int handled = 0;
    int missed = 0;
    Millis wrap_until = kNoDeadline;
    std::uint64_t registered = 0;  // setAgent order: a deterministic tie-break for timers
    bool pending_not_ready = false;
    std::string pending_reason;
  };

  // (−priority, arrival sequence, contact): FIFO within a priority. The
  // sequence is unique, so the pointer is never compared (order stays
  // deterministic); contacts_ never moves its elements.
  using WaitKey = std::tuple<int, std::uint64_t, Contact*>;
  // (when, arrival sequence, contact): timers in firing order, ties by arrival.
  using TimerKey = std::tuple<Millis, std::uint64_t, Contact*>;

  struct Queue {
    QueueConfig cfg;
    bool open = true;
    std::set<WaitKey> waiting;
    Millis handle_sum = 0;
    int handle_count = 0;
  };

  void route(Millis now, std::vector<Decision>& out);
  void expire(Millis now, std::vector<Decision>& out);
  void setState(Agent& a, AgentState to, Millis now, const std::string& reason,
                std::vector<Decision>& out);
  bool canTake(const Agent& a, const Queue& q, const Contact& c, Millis now) const;
  Agent* pickAgent(const Queue& q, const Contact& c, Millis now);
  void finish(Contact& c, const std::string& outcome, std::vector<Decision>& out);
  void releaseAgentOf(Contact& c, Millis now, bool to_wrap_up, std::vector<Decision>& out);
  void enqueue(Contact& c, const std::string& queue, Millis now, std::vector<Decision>& out);
  void dequeue(Contact& c);
  void addWaiting(Contact& c);  // into its queue's line, with its overflow and relax timers
  void setDeadline(Contact& c, Millis when);
  void setWrapUntil(Agent& a, Millis when);
  Millis averageHandle(const Queue& q) const;

  Config config_;
  std::map<std::string, std::size_t> queue_index_;
  std::vector<Queue*> queues_;  // owned by queue_store_
  std::deque<Queue> queue_store_;
  std::unordered_map<std::string, Agent, IdHash> agents_;  // never moves its elements
  std::vector<Agent*> agent_order_;  // agents_ in id order: scans and views go by id
  std::unordered_map<std::string, Contact, IdHash> contacts_;  // live contacts only
  std::uint64_t sequence_ = 0;               // arrival order, for FIFO ties
  std::size_t round_robin_ = 0;
  // Every timer in an ordered set, so expire() and nextDeadline() never scan
  // all contacts or agents (a long queue would make each event O(n)).
  std::set<TimerKey> deadlines_;       // Contact::deadline of offered and talking contacts
  std::set<TimerKey> overflow_timers_;  // waiting contacts of queues that overflow
  std::set<TimerKey> relax_timers_;     // waiting contacts whose skill levels relax; one-shot
  // (wrap_until, Agent::registered, agent): the number is unique, the pointer never compared.
  std::set<std::tuple<Millis, std::uint64_t, Agent*>> wrap_timers_;
  std::vector<std::pair<double, std::size_t>> order_scratch_;  // route(): reused, no allocation
};

}  // namespace tongdai::core::routing
