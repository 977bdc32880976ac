// The routing engine with scripted event sequences and fake time, then
// randomized runs checked against the engine's invariants.
#include "core/routing/routing.h"

#include <gtest/gtest.h>

#include <random>

namespace tongdai::core::routing {
namespace {

template <typename T>
std::vector<T> only(const std::vector<Decision>& ds) {
  std::vector<T> out;
  for (const auto& d : ds) {
    if (auto p = std::get_if<T>(&d)) out.push_back(*p);
  }
  return out;
}

QueueConfig queue(const std::string& id) {
  QueueConfig q;
  q.id = id;
  q.ring_timeout = 10000;
  q.wrap_up = 5000;
  return q;
}

class RoutingTest : public ::testing::Test {
 protected:
  void make(std::vector<QueueConfig> queues, std::vector<std::string> agents) {
    Config cfg;
    cfg.queues = std::move(queues);
    engine_ = std::make_unique<Engine>(cfg);
    for (const auto& a : agents) {
      AgentConfig ac;
      ac.id = a;
      ac.skills = {{"vi", 5}};
      engine_->setAgent(ac);
    }
  }
  std::vector<Decision> at(Millis t, const Event& e) { return engine_->handle(e, t); }
  void ready(const std::string& a, Millis t = 0) {
    at(t, AgentLogin{a});
    at(t, AgentReady{a});
  }
  AgentState state(const std::string& a) { return engine_->agent(a)->state; }
  std::unique_ptr<Engine> engine_;
};

TEST_F(RoutingTest, LongestIdleAgentGetsTheCall) {
  make({queue("q")}, {"a1", "a2"});
  ready("a2", 0);
  ready("a1", 1000);
  auto d = at(2000, ContactArrived{"c1", "q"});
  auto offers = only<Offer>(d);
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].agent, "a2");
  EXPECT_EQ(state("a2"), AgentState::reserved);
}

TEST_F(RoutingTest, AnswerEndWrapUpThenReady) {
  make({queue("q")}, {"a1"});
  ready("a1");
  at(0, ContactArrived{"c1", "q"});
  at(1000, OfferAnswered{"c1", "a1"});
  EXPECT_EQ(state("a1"), AgentState::busy);
  auto d = at(60000, ContactEnded{"c1"});
  EXPECT_EQ(only<ContactFinished>(d).at(0).outcome, "answered");
  EXPECT_EQ(state("a1"), AgentState::wrap_up);
  EXPECT_EQ(engine_->nextDeadline().value(), 65000);
  at(65000, Tick{});
  EXPECT_EQ(state("a1"), AgentState::ready);
}

TEST_F(RoutingTest, RingTimeoutGoesToTheNextAgentAndKeepsThePlace) {
  make({queue("q")}, {"a1", "a2"});
  ready("a1", 0);
  ready("a2", 10);
  at(100, ContactArrived{"c1", "q"});
  at(200, ContactArrived{"c2", "q"});  // a2 gets c2
  EXPECT_EQ(engine_->nextDeadline().value(), 10100);
  auto d = at(10100, Tick{});
  EXPECT_EQ(only<OfferCancelled>(d).at(0).why, "ring_timeout");
  // a1 is free again but passed c1 over; nobody else is free: c1 waits first in line.
  auto waiting = engine_->waiting(10100);
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].contact, "c1");
  at(10150, OfferAnswered{"c2", "a2"});  // before its own ring timeout at 10200
  at(20000, ContactEnded{"c2"});
  auto d2 = at(25000, Tick{});  // a2 back from wrap-up
  ASSERT_EQ(only<Offer>(d2).size(), 1u);
  EXPECT_EQ(only<Offer>(d2)[0].contact, "c1");
  EXPECT_EQ(only<Offer>(d2)[0].agent, "a2");
}

TEST_F(RoutingTest, RepeatedMissedOffersMakeTheAgentNotReady) {
  make({queue("q")}, {"a1"});
  ready("a1");
  at(0, ContactArrived{"c1", "q"});
  at(10000, Tick{});  // missed 1: everyone passed it over, so it is offered again
  auto d = at(20000, Tick{});
  EXPECT_EQ(state("a1"), AgentState::not_ready);
  EXPECT_EQ(engine_->agent("a1")->reason, "missed_offers");
  EXPECT_EQ(engine_->waitingCount(), 1u);
}

TEST_F(RoutingTest, FifoWithinPriorityAndPriorityFirst) {
  make({queue("q")}, {"a1"});
  at(0, ContactArrived{"c1", "q", 0});
  at(1, ContactArrived{"c2", "q", 0});
  at(2, ContactArrived{"vip", "q", 5});
  ready("a1", 3);
  auto w = engine_->waiting(3);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].contact, "c1");
  EXPECT_EQ(engine_->agent("a1")->contacts.at(0), "vip");
}

TEST_F(RoutingTest, SkillsWithLevelsRelaxAsTheWaitGrows) {
  QueueConfig q = queue("expert");
  q.skills = {{"vneid", 8}};
  q.relax_after = 30000;
  make({q}, {});
  AgentConfig junior;
  junior.id = "junior";
  junior.skills = {{"vneid", 3}};
  engine_->setAgent(junior);
  ready("junior");
  EXPECT_TRUE(only<Offer>(at(0, ContactArrived{"c1", "expert"})).empty());
  EXPECT_EQ(engine_->nextDeadline().value(), 30000);
  auto d = at(30000, Tick{});
  ASSERT_EQ(only<Offer>(d).size(), 1u);
  EXPECT_EQ(only<Offer>(d)[0].agent, "junior");
}

TEST_F(RoutingTest, OverflowAfterAWaitAndWhenFull) {
  QueueConfig a = queue("a");
  a.overflow_after = 60000;
  a.overflow_to = "b";
  a.max_length = 1;
  make({a, queue("b")}, {});
  at(0, ContactArrived{"c1", "a"});
  auto full = at(1, ContactArrived{"c2", "a"});
  EXPECT_EQ(only<ContactOverflowed>(full).at(0).to, "b");
  auto d = at(60000, Tick{});
  EXPECT_EQ(only<ContactOverflowed>(d).at(0).contact, "c1");
  EXPECT_EQ(engine_->waiting(60000).size(), 2u);
}

TEST_F(RoutingTest, ClosedQueueRejectsAndFullQueueRejects) {
  QueueConfig q = queue("q");
  q.max_length = 1;
  make({q}, {});
  at(0, ContactArrived{"c1", "q"});
  EXPECT_EQ(only<ContactRejected>(at(1, ContactArrived{"c2", "q"})).at(0).reason, "queue_full");
  at(2, QueueOpen{"q", false});
  EXPECT_EQ(only<ContactRejected>(at(3, ContactArrived{"c3", "q"})).at(0).reason, "closed");
  EXPECT_EQ(only<ContactRejected>(at(3, ContactArrived{"c4", "nope"})).at(0).reason, "unknown_queue");
}

TEST_F(RoutingTest, CallbackKeepsItsPlaceAndWaitsForOpeningHours) {
  make({queue("q")}, {"a1"});
  at(0, ContactArrived{"c1", "q"});
  at(1, ContactArrived{"c2", "q"});
  at(2, CallbackRequested{"c1"});
  at(3, QueueOpen{"q", false});
  ready("a1", 4);
  EXPECT_EQ(engine_->agent("a1")->state, AgentState::ready);  // closed: nothing offered
  auto d = at(5, QueueOpen{"q", true});
  ASSERT_EQ(only<Offer>(d).size(), 1u);
  EXPECT_EQ(only<Offer>(d)[0].contact, "c1");
  at(6, OfferAnswered{"c1", "a1"});
  EXPECT_EQ(only<ContactFinished>(at(7, ContactEnded{"c1"})).at(0).outcome, "callback");
}

TEST_F(RoutingTest, LostHangUpIsRecoveredByTheDeadline) {
  QueueConfig q = queue("q");
  q.max_handle = 3600000;
  make({q}, {"a1"});
  ready("a1");
  at(0, ContactArrived{"c1", "q"});
  at(1, OfferAnswered{"c1", "a1"});
  auto d = at(3600001, Tick{});
  EXPECT_EQ(only<ContactFinished>(d).at(0).outcome, "lost");
  EXPECT_EQ(state("a1"), AgentState::wrap_up);
}

TEST_F(RoutingTest, IllegalTransitionsAreRefused) {
  make({queue("q")}, {"a1"});
  EXPECT_EQ(only<EventRefused>(at(0, AgentReady{"a1"})).size(), 1u);  // logged out
  ready("a1");
  at(0, ContactArrived{"c1", "q"});
  EXPECT_EQ(only<EventRefused>(at(1, OfferAnswered{"c1", "other"})).size(), 1u);
  at(1, OfferAnswered{"c1", "a1"});
  EXPECT_EQ(only<EventRefused>(at(2, AgentLogout{"a1"})).size(), 1u);
  EXPECT_EQ(only<EventRefused>(at(2, ContactAbandoned{"c1"})).size(), 1u);
  EXPECT_EQ(only<EventRefused>(at(2, ContactEnded{"ghost"})).size(), 1u);
  EXPECT_EQ(state("a1"), AgentState::busy);
}

TEST_F(RoutingTest, NotReadyDuringACallAppliesAfterIt) {
  make({queue("q")}, {"a1"});
  ready("a1");
  at(0, ContactArrived{"c1", "q"});
  at(1, OfferAnswered{"c1", "a1"});
  at(2, AgentNotReady{"a1", "lunch"});
  EXPECT_EQ(state("a1"), AgentState::busy);
  at(3, ContactEnded{"c1"});
  at(5003, Tick{});
  EXPECT_EQ(state("a1"), AgentState::not_ready);
  EXPECT_EQ(engine_->agent("a1")->reason, "lunch");
}

TEST_F(RoutingTest, ChatsShareAnAgentUpToCapacity) {
  QueueConfig q = queue("chat");
  q.media = Media::chat;
  make({q}, {});
  AgentConfig a;
  a.id = "a1";
  a.chat_capacity = 2;
  engine_->setAgent(a);
  ready("a1");
  at(0, ContactArrived{"x1", "chat", 0, Media::chat});
  at(1, OfferAnswered{"x1", "a1"});
  auto d = at(2, ContactArrived{"x2", "chat", 0, Media::chat});
  EXPECT_EQ(only<Offer>(d).size(), 1u);
  at(3, OfferAnswered{"x2", "a1"});
  EXPECT_TRUE(only<Offer>(at(4, ContactArrived{"x3", "chat", 0, Media::chat})).empty());
  EXPECT_EQ(engine_->agent("a1")->contacts.size(), 2u);
}

// Random events against the invariants, many seeds.
TEST(RoutingProperties, InvariantsHoldUnderRandomEvents) {
  for (unsigned seed = 1; seed <= 40; ++seed) {
    std::mt19937 rng(seed);
    Config cfg;
    QueueConfig q1 = queue("q1"), q2 = queue("q2");
    q2.priority = 1;
    q1.overflow_after = 20000;
    q1.overflow_to = "q2";
    cfg.queues = {q1, q2};
    Engine e(cfg);
    std::vector<std::string> agents = {"a1", "a2", "a3", "a4"};
    for (auto& a : agents) e.setAgent({a, {}, 3, 2});
    std::map<std::string, std::string> ringing;  // contact -> agent
    std::set<std::string> talking, live;
    std::map<std::string, int> finished;
    Millis now = 0;
    int next_contact = 0;
    for (int step = 0; step < 3000; ++step) {
      now += rng() % 3000;
      Event ev = Tick{};
      int pick = static_cast<int>(rng() % 10);
      const std::string& ag = agents[rng() % agents.size()];
      if (pick == 0) {
        ev = AgentLogin{ag};
      } else if (pick == 1) {
        ev = AgentReady{ag};
      } else if (pick == 2 && rng() % 4 == 0) {
        ev = AgentNotReady{ag, "break"};
      } else if (pick == 3) {
        ev = ContactArrived{"c" + std::to_string(++next_contact), rng() % 2 ? "q1" : "q2",
                            static_cast<int>(rng() % 2)};
      } else if (pick == 4 && !ringing.empty()) {
        auto it = std::next(ringing.begin(), static_cast<long>(rng() % ringing.size()));
        ev = OfferAnswered{it->first, it->second};
      } else if (pick == 5 && !talking.empty()) {
        ev = ContactEnded{*std::next(talking.begin(), static_cast<long>(rng() % talking.size()))};
      } else if (pick == 6 && !live.empty()) {
        ev = ContactAbandoned{*std::next(live.begin(), static_cast<long>(rng() % live.size()))};
      } else if (pick == 7) {
        ev = WrapUpDone{ag};
      }
      if (auto d = e.nextDeadline(); d && *d < now) now = std::max(now, *d);
      auto decisions = e.handle(ev, now);
      if (auto* a = std::get_if<ContactArrived>(&ev)) live.insert(a->contact);
      bool refused = false;
      for (const auto& d : decisions) {
        refused = refused || std::holds_alternative<EventRefused>(d);
        if (auto* f = std::get_if<ContactFinished>(&d)) {
          // Expired deadlines are processed before the event itself.
          if (f->outcome == "lost") talking.erase(f->contact);
        }
        if (auto* c = std::get_if<OfferCancelled>(&d)) {
          if (auto* a = std::get_if<OfferAnswered>(&ev); a && a->contact == c->contact) refused = true;
        }
      }
      for (const auto& d : decisions) {
        if (auto* o = std::get_if<Offer>(&d)) {
          ASSERT_FALSE(ringing.count(o->contact)) << "offered twice: " << o->contact << " seed " << seed;
          ASSERT_FALSE(talking.count(o->contact));
          ringing[o->contact] = o->agent;
        } else if (auto* c = std::get_if<OfferCancelled>(&d)) {
          ASSERT_EQ(ringing[c->contact], c->agent);
          ringing.erase(c->contact);
        } else if (auto* f = std::get_if<ContactFinished>(&d)) {
          ASSERT_EQ(finished[f->contact]++, 0) << "finished twice";
          ringing.erase(f->contact);
          talking.erase(f->contact);
          live.erase(f->contact);
        } else if (auto* r = std::get_if<ContactRejected>(&d)) {
          live.erase(r->contact);
          finished[r->contact]++;
        }
      }
      if (auto* a = std::get_if<OfferAnswered>(&ev); a && !refused) {
        ASSERT_EQ(ringing.count(a->contact), 1u);
        ringing.erase(a->contact);
        talking.insert(a->contact);
      }
      // No agent is both ready and holding a contact; reserved/busy agents hold some.
      for (const auto& v : e.agents()) {
        if (v.state == AgentState::ready) {
          ASSERT_TRUE(v.contacts.empty()) << v.id;
        }
        if (v.state == AgentState::reserved || v.state == AgentState::busy) {
          ASSERT_FALSE(v.contacts.empty());
        }
        if (v.state == AgentState::logged_out) {
          ASSERT_TRUE(v.contacts.empty());
        }
      }
      // Every live contact is waiting, ringing or talking, exactly once.
      std::set<std::string> waiting;
      for (const auto& w : e.waiting(now)) ASSERT_TRUE(waiting.insert(w.contact).second);
      for (const auto& c : live) {
        int places = waiting.count(c) + ringing.count(c) + talking.count(c);
        ASSERT_EQ(places, 1) << c << " seed " << seed;
      }
    }
  }
}

}  // namespace
}  // namespace tongdai::core::routing
