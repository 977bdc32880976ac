// The keypad dialogues (self-service status, callback offer) with scripted
// keys and fake times, and the prompt helpers for stages and numbers.
#include "core/telephony/keypad.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace tongdai::core::telephony {
namespace {

using Names = std::vector<std::string>;
using Answer = std::vector<DialogCommand>;

template <typename T>
T one(const Answer& cmds) {
  EXPECT_EQ(cmds.size(), 1u);
  if (cmds.size() != 1 || !std::holds_alternative<T>(cmds[0])) {
    ADD_FAILURE() << "expected one command of the expected type, got " << cmds.size()
                  << " (index " << (cmds.empty() ? -1 : static_cast<int>(cmds[0].index())) << ")";
    return T{};
  }
  return std::get<T>(cmds[0]);
}

Names played(const Answer& cmds) { return one<Play>(cmds).prompts; }

Names concat(Names a, const Names& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Keys `digits` one by one at `t`, `t + step` ...; returns the last answer and
// checks that every earlier one re-armed the inter-digit wait.
template <typename Dialog>
Answer key(Dialog& d, const std::string& digits, Millis& t, Millis step = 400) {
  Answer last;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    t += step;
    last = d.digit(digits[i], t);
    if (i + 1 < digits.size()) {
      EXPECT_EQ(one<WaitForDigit>(last).until, t + 5000) << "after " << digits.substr(0, i + 1);
    }
  }
  return last;
}

// ---------------------------------------------------------------- self-service

class SelfServiceTest : public ::testing::Test {
 protected:
  // Start, let the ID prompt finish, key the ID and the birth date; returns
  // the VerifyIdentity asked for.
  VerifyIdentity keyBoth(const std::string& id, const std::string& birth) {
    Answer a = key(d_, id, t_);
    EXPECT_EQ(played(a), (Names{"ss_enter_birth"})) << "12 digits complete the ID";
    EXPECT_TRUE(d_.digit('#', t_ += 300).empty()) << "a '#' after the 12 digits is swallowed";
    t_ += 6000;
    EXPECT_EQ(one<WaitForDigit>(d_.promptsDone(t_)).until, t_ + 8000);
    a = key(d_, birth, t_);
    EXPECT_EQ(a.size(), 2u);
    if (a.size() != 2) return {};
    EXPECT_EQ(std::get<Play>(a[1]).prompts, (Names{"ss_checking"}));
    EXPECT_TRUE(d_.promptsDone(t_ += 3000).empty()) << "the shell answers, not a timer";
    EXPECT_TRUE(d_.digit('5', t_ += 100).empty()) << "keys are ignored while verifying";
    return std::get<VerifyIdentity>(a[0]);
  }
  void started() {
    EXPECT_EQ(played(d_.start(t_)), (Names{"ss_enter_id"}));
    t_ += 7000;
    EXPECT_EQ(one<WaitForDigit>(d_.promptsDone(t_)).until, t_ + 8000);
  }
  SelfServiceDialog d_;
  Millis t_ = 1000;
};

TEST_F(SelfServiceTest, VerifiedCallerHearsTheStatusThenAsksForAnOperator) {
  started();
  VerifyIdentity v = keyBoth("079090012345", "05031990");
  EXPECT_EQ(v.id, "079090012345");
  EXPECT_EQ(v.birth_date, "1990-03-05");
  EXPECT_EQ(played(d_.verified({"stage_printed"})),
            (Names{"ss_verified", "stage_printed", "ss_after_status"}));
  EXPECT_TRUE(d_.verifiedCaller());
  t_ += 9000;
  EXPECT_EQ(one<WaitForDigit>(d_.promptsDone(t_)).until, t_ + 6000);
  EXPECT_EQ(played(d_.digit('9', t_ += 1000)), (Names{"stage_printed", "ss_after_status"}));
  EXPECT_EQ(one<Transfer>(d_.digit('0', t_ += 1000)).queue, "calls") << "barge-in";
  EXPECT_TRUE(d_.finished());
  EXPECT_EQ(d_.id(), "079090012345");
  EXPECT_EQ(d_.birthDate(), "1990-03-05");
}

TEST_F(SelfServiceTest, BargeInOnTheFirstPrompt) {
  d_.start(0);
  EXPECT_EQ(one<WaitForDigit>(d_.digit('0', 500)).until, 5500);
  Millis t = 500;
  EXPECT_EQ(played(key(d_, "01234567890", t)), (Names{"ss_enter_birth"}));
}

TEST_F(SelfServiceTest, SilenceAfterTheStatusSaysGoodbye) {
  started();
  keyBoth("001085012345", "12121985");
  d_.verified({"stage_received"});
  Millis until = one<WaitForDigit>(d_.promptsDone(t_ += 8000)).until;
  EXPECT_EQ(played(d_.timeout(until)), (Names{"ss_after_status"}));
  until = one<WaitForDigit>(d_.promptsDone(until + 5000)).until;
  EXPECT_EQ(played(d_.timeout(until)), (Names{"goodbye"}));
  EXPECT_TRUE(d_.digit('0', until + 100).empty()) << "the goodbye plays on";
  one<Hangup>(d_.promptsDone(until + 4000));
  EXPECT_TRUE(d_.finished());
}

TEST_F(SelfServiceTest, WrongKeyAfterTheStatus) {
  started();
  keyBoth("001085012345", "12121985");
  d_.verified({"stage_none"});
  d_.promptsDone(t_ += 8000);
  EXPECT_EQ(played(d_.digit('5', t_ += 100)), (Names{"invalid_choice", "ss_after_status"}));
}

TEST_F(SelfServiceTest, ThreeMismatchesGoToAnOperator) {
  started();
  keyBoth("001085012345", "01011985");
  EXPECT_EQ(played(d_.notVerified()), (Names{"ss_not_matched", "ss_enter_id"}));
  d_.promptsDone(t_ += 9000);
  keyBoth("001085012345", "02011985");
  EXPECT_EQ(played(d_.notVerified()), (Names{"ss_not_matched", "ss_enter_id"}));
  d_.promptsDone(t_ += 9000);
  keyBoth("001085012346", "03011985");
  EXPECT_EQ(played(d_.notVerified()), (Names{"ss_failed_operator"}));
  EXPECT_EQ(d_.failures(), 3);
  EXPECT_FALSE(d_.finished());
  EXPECT_EQ(one<Transfer>(d_.promptsDone(t_ += 8000)).queue, "calls");
  EXPECT_TRUE(d_.finished());
  EXPECT_FALSE(d_.verifiedCaller());
  EXPECT_EQ(d_.id(), "001085012346") << "the keyed ID still goes to the screen pop";
  EXPECT_TRUE(d_.notVerified().empty());
}

TEST_F(SelfServiceTest, LookupFailureGoesToAnOperator) {
  started();
  keyBoth("001085012345", "01011985");
  EXPECT_EQ(played(d_.lookupFailed()), (Names{"ss_unavailable"}));
  one<Transfer>(d_.promptsDone(t_ += 5000));
}

TEST_F(SelfServiceTest, ShortIdsAndSilencesAreCountedThenAnOperator) {
  started();
  key(d_, "0790", t_);
  // '#' before 12 digits.
  EXPECT_EQ(played(d_.digit('#', t_ += 100)), (Names{"ss_id_invalid", "ss_enter_id"}));
  d_.promptsDone(t_ += 9000);
  // Inter-digit silence after a few digits.
  Answer a = key(d_, "0012", t_);
  Millis until = one<WaitForDigit>(a).until;
  EXPECT_EQ(until, t_ + 5000);
  EXPECT_EQ(played(d_.timeout(until)), (Names{"ss_id_invalid", "ss_enter_id"}));
  until = one<WaitForDigit>(d_.promptsDone(until + 9000)).until;
  // Third: no key at all.
  EXPECT_EQ(played(d_.timeout(until)), (Names{"transfer_operator"}));
  EXPECT_EQ(one<Transfer>(d_.promptsDone(until + 4000)).queue, "calls");
  EXPECT_TRUE(d_.id().empty());
}

TEST_F(SelfServiceTest, NoInputThenStar) {
  d_.start(0);
  Millis until = one<WaitForDigit>(d_.promptsDone(7000)).until;
  EXPECT_EQ(played(d_.timeout(until)), (Names{"no_input", "ss_enter_id"}));
  Millis t = until;
  key(d_, "0790", t);
  // '*' starts again without counting an attempt.
  EXPECT_EQ(played(d_.digit('*', t += 100)), (Names{"ss_enter_id"}));
  EXPECT_EQ(played(key(d_, "079090012345", t)), (Names{"ss_enter_birth"}));
}

TEST_F(SelfServiceTest, BirthDatesAreRealDates) {
  started();
  key(d_, "079090012345", t_);
  d_.promptsDone(t_ += 6000);
  EXPECT_EQ(played(key(d_, "31022000", t_)), (Names{"ss_birth_invalid", "ss_enter_birth"}));
  EXPECT_TRUE(d_.digit('#', t_ += 100).empty()) << "'#' after 8 digits is swallowed";
  EXPECT_EQ(played(key(d_, "29021900", t_)), (Names{"ss_birth_invalid", "ss_enter_birth"}));
  Answer a = key(d_, "29022000", t_);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(std::get<VerifyIdentity>(a[0]).birth_date, "2000-02-29");
}

TEST_F(SelfServiceTest, ThreeBadBirthDatesGoToAnOperator) {
  started();
  key(d_, "079090012345", t_);
  key(d_, "00001990", t_);
  key(d_, "15131990", t_);
  EXPECT_EQ(played(key(d_, "01011800", t_)), (Names{"transfer_operator"}));
  one<Transfer>(d_.promptsDone(t_ += 3000));
}

TEST_F(SelfServiceTest, OptionsChangeTheQueueAndTimes) {
  SelfServiceOptions o;
  o.operator_queue = "officers";
  o.first_digit_ms = 10000;
  o.max_failures = 1;
  SelfServiceDialog d(o);
  d.start(0);
  EXPECT_EQ(one<WaitForDigit>(d.promptsDone(100)).until, 10100);
  Millis t = 100;
  key(d, "079090012345", t);
  key(d, "05031990", t);
  d.notVerified();
  EXPECT_EQ(one<Transfer>(d.promptsDone(t + 5000)).queue, "officers");
}

// ---------------------------------------------------------------- callback

Names numberDigits(const std::string& n) {
  Names out;
  for (char c : n) out.push_back(std::string("digit_") + c);
  return out;
}

TEST(CallbackTest, ConfirmsTheCallingNumber) {
  CallbackDialog d("+84912345678");
  EXPECT_EQ(played(d.start(0)),
            concat(concat({"cb_offer"}, numberDigits("0912345678")), {"cb_offer_choice"}));
  EXPECT_EQ(one<WaitForDigit>(d.promptsDone(12000)).until, 18000);
  Answer a = d.digit('1', 13000);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(std::get<CreateCallback>(a[0]).number, "+84912345678");
  EXPECT_EQ(std::get<Play>(a[1]).prompts, (Names{"cb_created"}));
  EXPECT_TRUE(d.created());
  EXPECT_FALSE(d.finished());
  EXPECT_TRUE(d.digit('1', 14000).empty());
  one<Hangup>(d.promptsDone(19000));
  EXPECT_TRUE(d.finished());
  EXPECT_EQ(d.number(), "+84912345678");
}

TEST(CallbackTest, BargeInConfirmsAnyNumberForm) {
  CallbackDialog d("84912345678");
  d.start(0);
  Answer a = d.digit('1', 500);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(std::get<CreateCallback>(a[0]).number, "+84912345678");
}

TEST(CallbackTest, AnotherMobileNumberReadBackAndConfirmed) {
  CallbackDialog d("0912345678");
  d.start(0);
  EXPECT_EQ(played(d.digit('2', 3000)), (Names{"cb_enter_number"}));
  EXPECT_EQ(one<WaitForDigit>(d.promptsDone(9000)).until, 17000);
  Millis t = 9000;
  // 10 digits of a mobile complete the number without '#'.
  EXPECT_EQ(played(key(d, "0987654321", t)),
            concat(concat({"cb_number_is"}, numberDigits("0987654321")), {"cb_confirm_number"}));
  EXPECT_TRUE(d.digit('#', t += 200).empty()) << "swallowed";
  Answer a = d.digit('1', t += 200);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(std::get<CreateCallback>(a[0]).number, "+84987654321");
  one<Hangup>(d.promptsDone(t + 8000));
  EXPECT_EQ(d.number(), "+84987654321");
}

TEST(CallbackTest, LandlineWithHashAndReEntry) {
  CallbackDialog d("");
  EXPECT_EQ(played(d.start(0)), (Names{"cb_offer_no_number", "cb_enter_number"}))
      << "hidden caller: keys a number at once";
  d.promptsDone(8000);
  Millis t = 8000;
  // A landline has 11 digits (02x area code): complete at the 11th.
  EXPECT_EQ(played(key(d, "02438264242", t)),
            concat(concat({"cb_number_is"}, numberDigits("02438264242")), {"cb_confirm_number"}));
  // 2: key it again.
  EXPECT_EQ(played(d.digit('2', t += 500)), (Names{"cb_enter_number"}));
  key(d, "090123", t);
  EXPECT_EQ(played(d.digit('*', t += 100)), (Names{"cb_enter_number"})) << "'*' starts again";
  key(d, "0901234567", t);
  Answer a = d.digit('1', t += 500);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(std::get<CreateCallback>(a[0]).number, "+84901234567");
}

TEST(CallbackTest, InvalidNumbersPolitelyThenGoodbye) {
  CallbackDialog d("anonymous");
  d.start(0);
  d.promptsDone(5000);
  Millis t = 5000;
  key(d, "12345", t);
  EXPECT_EQ(played(d.digit('#', t += 100)), (Names{"cb_number_invalid", "cb_enter_number"}));
  // 051 is no carrier's prefix: complete at 10 digits, and refused.
  EXPECT_EQ(played(key(d, "0512345678", t)), (Names{"cb_number_invalid", "cb_enter_number"}));
  EXPECT_TRUE(d.digit('#', t += 100).empty()) << "'#' after a complete (if invalid) number";
  Answer a = key(d, "02438", t);
  Millis until = one<WaitForDigit>(a).until;
  EXPECT_EQ(played(d.timeout(until)), (Names{"cb_not_created"}));
  one<Hangup>(d.promptsDone(until + 9000));
  EXPECT_FALSE(d.created());
  EXPECT_TRUE(d.number().empty());
}

TEST(CallbackTest, InvalidAutoCompletedNumberCountsAnAttempt) {
  CallbackDialog d("");
  d.start(0);
  Millis t = 0;
  EXPECT_EQ(played(key(d, "0512345678", t)), (Names{"cb_number_invalid", "cb_enter_number"}));
  EXPECT_TRUE(d.digit('#', t += 100).empty());
}

TEST(CallbackTest, SilenceOnTheOfferEndsWithoutCallback) {
  CallbackDialog d("0912345678");
  d.start(0);
  Millis until = one<WaitForDigit>(d.promptsDone(10000)).until;
  Names offer = concat(concat({"cb_offer"}, numberDigits("0912345678")), {"cb_offer_choice"});
  EXPECT_EQ(played(d.timeout(until)), concat({"no_input"}, offer));
  until = one<WaitForDigit>(d.promptsDone(until + 10000)).until;
  EXPECT_EQ(played(d.digit('7', until - 1000)), concat({"invalid_choice"}, offer));
  until = one<WaitForDigit>(d.promptsDone(until + 10000)).until;
  EXPECT_EQ(played(d.timeout(until)), (Names{"cb_not_created"}));
  one<Hangup>(d.promptsDone(until + 9000));
  EXPECT_FALSE(d.created());
}

TEST(CallbackTest, WrongKeyOnTheReadBack) {
  CallbackDialog d("");
  d.start(0);
  Millis t = 0;
  key(d, "0987654321", t);
  EXPECT_EQ(played(d.digit('5', t += 100)),
            concat(concat({"invalid_choice", "cb_number_is"}, numberDigits("0987654321")),
                   {"cb_confirm_number"}));
}

TEST(CallbackTest, InterDigitTimeoutChecksWhatWasKeyed) {
  CallbackDialog d("");
  d.start(0);
  Millis t = 0;
  // Every valid number completes by itself (10 or 11 digits); what is left at
  // the inter-digit timeout is checked as it stands, and a partial one refused.
  Answer a = key(d, "024382", t);
  EXPECT_EQ(played(d.timeout(one<WaitForDigit>(a).until)),
            (Names{"cb_number_invalid", "cb_enter_number"}));
}

TEST(CallbackTest, OldMobileNumberIsReadBackConverted) {
  CallbackDialog d("");
  d.start(0);
  Millis t = 0;
  // An old 11-digit mobile completes at 11 digits and is read back converted.
  EXPECT_EQ(played(key(d, "01686123456", t)),
            concat(concat({"cb_number_is"}, numberDigits("0386123456")), {"cb_confirm_number"}));
}

// ---------------------------------------------------------------- prompt helpers

TEST(NumberWords, VietnameseRules) {
  EXPECT_EQ(numberWords(0), "không");
  EXPECT_EQ(numberWords(1), "một");
  EXPECT_EQ(numberWords(4), "bốn");
  EXPECT_EQ(numberWords(5), "năm");
  EXPECT_EQ(numberWords(10), "mười");
  EXPECT_EQ(numberWords(11), "mười một");     // not "mốt" after mười
  EXPECT_EQ(numberWords(14), "mười bốn");
  EXPECT_EQ(numberWords(15), "mười lăm");     // lăm after mười
  EXPECT_EQ(numberWords(20), "hai mươi");     // mươi from 20
  EXPECT_EQ(numberWords(21), "hai mươi mốt"); // mốt after mươi
  EXPECT_EQ(numberWords(24), "hai mươi tư");  // tư after mươi
  EXPECT_EQ(numberWords(25), "hai mươi lăm");
  EXPECT_EQ(numberWords(55), "năm mươi lăm");
  EXPECT_EQ(numberWords(100), "một trăm");
  EXPECT_EQ(numberWords(101), "một trăm linh một");  // linh, and "một" after it
  EXPECT_EQ(numberWords(105), "một trăm linh năm");  // "năm", not "lăm", after linh
  EXPECT_EQ(numberWords(110), "một trăm mười");
  EXPECT_EQ(numberWords(115), "một trăm mười lăm");
  EXPECT_EQ(numberWords(121), "một trăm hai mươi mốt");
  EXPECT_EQ(numberWords(999), "chín trăm chín mươi chín");
  EXPECT_EQ(numberWords(-3), "không");
  EXPECT_EQ(numberWords(5000), "chín trăm chín mươi chín");
}

TEST(NumberPrompts, OnePromptPerNumberBelowHundred) {
  EXPECT_EQ(numberPrompts(0), (Names{"num_0"}));
  EXPECT_EQ(numberPrompts(1), (Names{"num_1"}));
  EXPECT_EQ(numberPrompts(5), (Names{"num_5"}));
  EXPECT_EQ(numberPrompts(10), (Names{"num_10"}));
  EXPECT_EQ(numberPrompts(11), (Names{"num_11"}));
  EXPECT_EQ(numberPrompts(15), (Names{"num_15"}));
  EXPECT_EQ(numberPrompts(21), (Names{"num_21"}));
  EXPECT_EQ(numberPrompts(24), (Names{"num_24"}));
  EXPECT_EQ(numberPrompts(25), (Names{"num_25"}));
  EXPECT_EQ(numberPrompts(55), (Names{"num_55"}));
  EXPECT_EQ(numberPrompts(100), (Names{"num_100"}));
  EXPECT_EQ(numberPrompts(105), (Names{"num_100", "num_linh", "num_5"}));
  EXPECT_EQ(numberPrompts(110), (Names{"num_100", "num_10"}));
  EXPECT_EQ(numberPrompts(999), (Names{"num_900", "num_99"}));
}

TEST(QueuePrompts, PositionAndWait) {
  EXPECT_EQ(positionPrompts(3), (Names{"queue_position", "num_3"}));
  EXPECT_EQ(positionPrompts(0), (Names{"queue_position", "num_1"}));
  EXPECT_EQ(positionPrompts(121), (Names{"queue_position", "num_100", "num_21"}));
  EXPECT_EQ(waitPrompts(4), (Names{"queue_wait", "num_4", "minutes"}));
  EXPECT_EQ(waitPrompts(0), (Names{"queue_wait", "num_1", "minutes"}));
  EXPECT_EQ(waitPrompts(105), (Names{"queue_wait", "num_100", "num_linh", "num_5", "minutes"}));
  EXPECT_EQ(digitPrompts("09-1"), (Names{"digit_0", "digit_9", "digit_1"}));
}

TEST(StagePrompts, EveryStageHasOne) {
  for (const char* s : {"received", "approved", "printing", "printed", "dispatched",
                        "dispatched_post", "handed_over", "returned", "overdue", "none"}) {
    EXPECT_EQ(stagePrompts(s), (Names{std::string("stage_") + s}));
  }
  EXPECT_EQ(stagePrompts("lost_in_space"), (Names{"stage_unknown"}));
  EXPECT_EQ(statusPrompts("dispatched", "post", false), (Names{"stage_dispatched_post"}));
  EXPECT_EQ(statusPrompts("dispatched", "office", false), (Names{"stage_dispatched"}));
  EXPECT_EQ(statusPrompts("printed", "post", true), (Names{"stage_printed", "stage_overdue"}));
}

TEST(KnownPrompts, CoverEverythingTheHelpersSay) {
  Names known = knownPrompts();
  auto has = [&](const std::string& n) {
    return std::binary_search(known.begin(), known.end(), n);
  };
  ASSERT_TRUE(std::is_sorted(known.begin(), known.end()));
  for (int n = 0; n <= 999; ++n) {
    for (const auto& p : numberPrompts(n)) EXPECT_TRUE(has(p)) << p;
  }
  for (const auto& p : concat(positionPrompts(7), waitPrompts(7))) EXPECT_TRUE(has(p)) << p;
  for (const auto& p : digitPrompts("0123456789")) EXPECT_TRUE(has(p)) << p;
  for (const char* s : {"received", "none", "x"}) {
    for (const auto& p : stagePrompts(s)) EXPECT_TRUE(has(p)) << p;
  }
}

}  // namespace
}  // namespace tongdai::core::telephony
