// The IVR session with scripted calls and fake times: every way through a
// flow shaped like data/ivr/hotline.toml, and validateFlow's refusals.
#include "core/telephony/ivr.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tongdai::core::telephony {
namespace {

using Names = std::vector<std::string>;

IvrFlow hotline() {
  IvrFlow f;
  MenuNode main;
  main.id = "main";
  main.intro = {"greeting"};
  main.prompts = {"main_menu"};
  main.keys = {{'1', GoTo{"card"}},
               {'2', SelfService{}},
               {'3', GoTo{"vneid"}},
               {'0', ToQueue{"calls"}},
               {'9', PlayThenBack{}}};
  MenuNode card;
  card.id = "card";
  card.prompts = {"card_menu"};
  card.keys = {{'1', ToQueue{"calls"}}, {'2', ToQueue{"calls"}}, {'*', GoTo{"main"}}};
  MenuNode vneid;
  vneid.id = "vneid";
  vneid.prompts = {"vneid_menu"};
  vneid.keys = {{'1', PlayThenBack{{"vneid_info"}}},
                {'0', ToQueue{"calls"}},
                {'8', PlayThenHangup{{"goodbye"}}},
                {'*', GoTo{"main"}}};
  vneid.on_fail = GoTo{"main"};
  MenuNode closed;
  closed.id = "closed";
  closed.prompts = {"closed_hours"};
  closed.after = OfferCallback{};
  f.nodes = {{"main", main}, {"card", card}, {"vneid", vneid}, {"closed", closed}};
  return f;
}

// One answer with one command of type T; returns it.
template <typename T>
T one(const std::vector<Command>& cmds) {
  EXPECT_EQ(cmds.size(), 1u);
  if (cmds.size() != 1 || !std::holds_alternative<T>(cmds[0])) {
    ADD_FAILURE() << "expected one command of the expected type, got " << cmds.size()
                  << " (index " << (cmds.empty() ? -1 : static_cast<int>(cmds[0].index())) << ")";
    return T{};
  }
  return std::get<T>(cmds[0]);
}

Names played(const std::vector<Command>& cmds) { return one<Play>(cmds).prompts; }

class IvrTest : public ::testing::Test {
 protected:
  IvrFlow flow_ = hotline();
};

TEST_F(IvrTest, FlowIsValidAndListsItsPrompts) {
  ASSERT_TRUE(validateFlow(flow_).ok());
  EXPECT_EQ(flowPrompts(flow_),
            (Names{"card_menu", "closed_hours", "goodbye", "greeting", "invalid_choice",
                   "main_menu", "no_input", "vneid_info", "vneid_menu"}));
}

TEST_F(IvrTest, MenuKeyAfterThePromptsQueues) {
  IvrSession s(flow_, true);
  EXPECT_EQ(played(s.start(1000)), (Names{"greeting", "main_menu"}));
  EXPECT_FALSE(s.finished());
  EXPECT_EQ(one<WaitForDigit>(s.promptsDone(9000)).until, 15000);
  EXPECT_EQ(one<Transfer>(s.digit('0', 10000)).queue, "calls");
  EXPECT_TRUE(s.finished());
  EXPECT_EQ(s.path(), "0");
  // Nothing more after the end.
  EXPECT_TRUE(s.digit('1', 11000).empty());
  EXPECT_TRUE(s.timeout(20000).empty());
  EXPECT_TRUE(s.promptsDone(20000).empty());
  EXPECT_TRUE(s.start(20000).empty());
}

TEST_F(IvrTest, BargeInIntoSubMenuRecordsThePath) {
  IvrSession s(flow_, true);
  s.start(0);
  // '1' while the greeting still plays: a choice at once.
  EXPECT_EQ(played(s.digit('1', 2000)), (Names{"card_menu"}));
  EXPECT_EQ(s.path(), "1");
  // And again during the sub-menu's prompts.
  EXPECT_EQ(one<Transfer>(s.digit('2', 3000)).queue, "calls");
  EXPECT_EQ(s.path(), "1>2");
  EXPECT_TRUE(s.finished());
}

TEST_F(IvrTest, InvalidKeyThenValid) {
  IvrSession s(flow_, true);
  s.start(0);
  s.promptsDone(8000);
  EXPECT_EQ(played(s.digit('7', 9000)), (Names{"invalid_choice", "main_menu"}));
  EXPECT_TRUE(s.path().empty());
  // The wait armed before is superseded: its timeout answers nothing.
  EXPECT_TRUE(s.timeout(14000).empty());
  EXPECT_EQ(one<WaitForDigit>(s.promptsDone(15000)).until, 21000);
  one<StartSelfService>(s.digit('2', 16000));
  EXPECT_EQ(s.path(), "2");
  EXPECT_TRUE(s.finished());
}

TEST_F(IvrTest, TimeoutsLeadToOnFail) {
  IvrSession s(flow_, true);
  s.start(0);
  Millis until = one<WaitForDigit>(s.promptsDone(8000)).until;
  EXPECT_TRUE(s.timeout(until - 1).empty()) << "early timer";
  EXPECT_EQ(played(s.timeout(until)), (Names{"no_input", "main_menu"}));
  EXPECT_TRUE(s.timeout(until + 100).empty()) << "nothing armed while the prompts play";
  until = one<WaitForDigit>(s.promptsDone(until + 3000)).until;
  EXPECT_EQ(played(s.timeout(until)), (Names{"no_input", "main_menu"}));
  until = one<WaitForDigit>(s.promptsDone(until + 3000)).until;
  // Third silence: on_fail (to an operator).
  EXPECT_EQ(one<Transfer>(s.timeout(until)).queue, "calls");
  EXPECT_TRUE(s.finished());
  EXPECT_EQ(s.path(), "");
}

TEST_F(IvrTest, InvalidKeysAndSilencesCountTogether) {
  IvrSession s(flow_, true);
  s.start(0);
  s.promptsDone(1000);
  s.digit('#', 2000);
  Millis until = one<WaitForDigit>(s.promptsDone(3000)).until;
  s.timeout(until);
  s.promptsDone(until + 1000);
  EXPECT_EQ(one<Transfer>(s.digit('5', until + 2000)).queue, "calls");
}

TEST_F(IvrTest, ValidKeyResetsTheAttempts) {
  IvrSession s(flow_, true);
  s.start(0);
  s.digit('7', 100);
  s.digit('7', 200);  // two wrong keys (barging in each time)
  EXPECT_EQ(played(s.digit('9', 300)), (Names{"main_menu"}));
  s.digit('7', 400);
  EXPECT_EQ(played(s.digit('7', 500)), (Names{"invalid_choice", "main_menu"}));
  EXPECT_FALSE(s.finished());
}

TEST_F(IvrTest, RepeatSaysTheMenuWithoutTheGreeting) {
  IvrSession s(flow_, true);
  s.start(0);
  s.promptsDone(8000);
  EXPECT_EQ(played(s.digit('9', 9000)), (Names{"main_menu"}));
  EXPECT_EQ(s.path(), "9");
  EXPECT_EQ(one<WaitForDigit>(s.promptsDone(12000)).until, 18000);
}

TEST_F(IvrTest, MessageThenBackAndBargeIntoIt) {
  IvrSession s(flow_, true);
  s.start(0);
  s.digit('3', 1000);
  EXPECT_EQ(played(s.digit('1', 2000)), (Names{"vneid_info", "vneid_menu"}));
  // A key during the message is a choice of the menu it returns to.
  EXPECT_EQ(one<Transfer>(s.digit('0', 3000)).queue, "calls");
  EXPECT_EQ(s.path(), "3>1>0");
}

TEST_F(IvrTest, BackToMainDoesNotGreetAgain) {
  IvrSession s(flow_, true);
  s.start(0);
  s.digit('1', 1000);
  EXPECT_EQ(played(s.digit('*', 2000)), (Names{"main_menu"}));
  EXPECT_EQ(s.path(), "1>*");
}

TEST_F(IvrTest, OnFailGoToEntersTheOtherMenuWithFreshAttempts) {
  IvrSession s(flow_, true);
  s.start(0);
  s.digit('3', 100);
  s.digit('7', 200);
  s.digit('7', 300);
  EXPECT_EQ(played(s.digit('7', 400)), (Names{"main_menu"}));  // vneid's on_fail: main
  EXPECT_EQ(played(s.digit('7', 500)), (Names{"invalid_choice", "main_menu"}));
  EXPECT_EQ(played(s.digit('7', 600)), (Names{"invalid_choice", "main_menu"}));
  EXPECT_EQ(one<Transfer>(s.digit('7', 700)).queue, "calls");
}

TEST_F(IvrTest, PlayThenHangupIgnoresKeys) {
  IvrSession s(flow_, true);
  s.start(0);
  s.digit('3', 100);
  EXPECT_EQ(played(s.digit('8', 200)), (Names{"goodbye"}));
  EXPECT_FALSE(s.finished());
  EXPECT_TRUE(s.digit('0', 300).empty()) << "the goodbye plays on";
  EXPECT_TRUE(s.timeout(100000).empty());
  one<Hangup>(s.promptsDone(4000));
  EXPECT_TRUE(s.finished());
  EXPECT_EQ(s.path(), "3>8");
}

TEST_F(IvrTest, ClosedPlaysTheHoursThenOffersCallback) {
  IvrSession s(flow_, false);
  EXPECT_EQ(played(s.start(0)), (Names{"closed_hours"}));
  EXPECT_TRUE(s.digit('5', 1000).empty()) << "a message node ignores keys it has not";
  EXPECT_FALSE(s.finished());
  one<StartCallbackOffer>(s.promptsDone(12000));
  EXPECT_TRUE(s.finished());
  EXPECT_EQ(s.path(), "");
}

TEST_F(IvrTest, MessageNodeKeysBargeIn) {
  flow_.nodes["closed"].keys = {{'0', ToQueue{"night"}}};
  ASSERT_TRUE(validateFlow(flow_).ok());
  IvrSession s(flow_, false);
  s.start(0);
  EXPECT_EQ(one<Transfer>(s.digit('0', 1000)).queue, "night");
  EXPECT_EQ(s.path(), "0");
}

TEST_F(IvrTest, StaleEventsBeforeStartAnswerNothing) {
  IvrSession s(flow_, true);
  EXPECT_TRUE(s.digit('1', 0).empty());
  EXPECT_TRUE(s.promptsDone(0).empty());
  EXPECT_TRUE(s.timeout(0).empty());
  s.start(0);
  s.promptsDone(100);
  EXPECT_TRUE(s.promptsDone(200).empty()) << "a second promptsDone";
}

TEST_F(IvrTest, MissingNodeGoesToAnOperator) {
  IvrFlow broken = flow_;
  broken.nodes.erase("closed");
  IvrSession s(broken, false);
  EXPECT_EQ(one<Transfer>(s.start(0)).queue, "calls");
  EXPECT_TRUE(s.finished());
}

// ---------------------------------------------------------------- validateFlow

std::string invalidField(const IvrFlow& f) {
  Status s = validateFlow(f);
  EXPECT_FALSE(s.ok());
  if (s.ok()) return "";
  EXPECT_EQ(s.error().code, "ivr_invalid");
  EXPECT_FALSE(s.error().message_vi.empty());
  EXPECT_FALSE(s.error().message_en.empty());
  return s.error().field;
}

TEST_F(IvrTest, RejectsUnknownGoto) {
  flow_.nodes["card"].keys['3'] = GoTo{"nowhere"};
  EXPECT_EQ(invalidField(flow_), "nodes.card.keys.3");
  Status s = validateFlow(flow_);
  EXPECT_NE(s.error().message_en.find("nowhere"), std::string::npos);
  EXPECT_NE(s.error().message_en.find("card"), std::string::npos);
}

TEST_F(IvrTest, RejectsBadKeys) {
  flow_.nodes["main"].keys['a'] = ToQueue{"calls"};
  EXPECT_EQ(invalidField(flow_), "nodes.main.keys.a");
}

TEST_F(IvrTest, RejectsMissingStartOrClosed) {
  IvrFlow f = flow_;
  f.start = "welcome";
  EXPECT_EQ(invalidField(f), "start");
  f = flow_;
  f.closed = "night";
  EXPECT_EQ(invalidField(f), "closed");
  EXPECT_EQ(invalidField(IvrFlow{}), "nodes");
}

TEST_F(IvrTest, RejectsBadPrompts) {
  IvrFlow f = flow_;
  f.nodes["main"].prompts.clear();
  EXPECT_EQ(invalidField(f), "nodes.main.prompts");
  f = flow_;
  f.nodes["main"].prompts = {"../etc/passwd"};
  EXPECT_EQ(invalidField(f), "nodes.main.prompts");
  f = flow_;
  f.nodes["main"].intro = {"Greeting"};
  EXPECT_EQ(invalidField(f), "nodes.main.intro");
  f = flow_;
  f.nodes["main"].invalid_prompt = "";
  EXPECT_EQ(invalidField(f), "nodes.main.invalid_prompt");
  f = flow_;
  f.nodes["vneid"].keys['8'] = PlayThenHangup{};
  EXPECT_EQ(invalidField(f), "nodes.vneid.keys.8");
}

TEST_F(IvrTest, RejectsBadNumbersAndNames) {
  IvrFlow f = flow_;
  f.nodes["main"].timeout_ms = 100;
  EXPECT_EQ(invalidField(f), "nodes.main.timeout_ms");
  f = flow_;
  f.nodes["main"].max_attempts = 0;
  EXPECT_EQ(invalidField(f), "nodes.main.max_attempts");
  f = flow_;
  f.nodes["main"].keys['0'] = ToQueue{""};
  EXPECT_EQ(invalidField(f), "nodes.main.keys.0");
  f = flow_;
  f.nodes["main"].id = "other";
  EXPECT_EQ(invalidField(f), "nodes.main");
}

TEST_F(IvrTest, RejectsNodesThatCannotEnd) {
  IvrFlow f = flow_;
  f.nodes["card"].keys.clear();
  EXPECT_EQ(invalidField(f), "nodes.card.keys");
  f = flow_;
  f.nodes["main"].on_fail = PlayThenBack{};
  EXPECT_EQ(invalidField(f), "nodes.main.on_fail");
  f = flow_;
  f.nodes["closed"].after = PlayThenBack{{"goodbye"}};
  EXPECT_EQ(invalidField(f), "nodes.closed.after");
  // main -> card -> main for a silent caller.
  f = flow_;
  f.nodes["main"].on_fail = GoTo{"card"};
  f.nodes["card"].on_fail = GoTo{"main"};
  EXPECT_NE(invalidField(f).find("on_fail"), std::string::npos);
  f = flow_;
  f.nodes["closed"].after = GoTo{"closed"};
  EXPECT_EQ(invalidField(f), "nodes.closed.after");
}

}  // namespace
}  // namespace tongdai::core::telephony
