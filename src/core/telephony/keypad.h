// The two keypad dialogues the shell runs when the IVR answers
// StartSelfService or StartCallbackOffer, and the prompt helpers for what is
// spoken with numbers (application stage, queue position, estimated wait).
//
// Same style and protocol as IvrSession (see ivr.h): events in, commands out,
// no I/O, no clock. The commands are ivr.h's Play / WaitForDigit / Transfer /
// Hangup plus two requests to the shell:
//   VerifyIdentity -> the shell looks the citizen up (registry, audited as
//                     self-service) and answers verified(...), notVerified()
//                     or lookupFailed();
//   CreateCallback -> the shell creates the callback case (nothing to answer).
// Key conventions in both dialogues: '#' ends a number, '*' starts it again.
// A '#' pressed right after a number was completed automatically (12 digits of
// an ID, 8 of a birth date, a full phone number) is swallowed.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/telephony/ivr.h"

namespace tongdai::core::telephony {

struct VerifyIdentity {
  std::string id;          // 12 digits as keyed
  std::string birth_date;  // "YYYY-MM-DD" (a real calendar date, years 1900..2100)
};
struct CreateCallback {
  std::string number;  // E.164, "+84912345678" (core/phone normalizePhone)
};
using DialogCommand =
    std::variant<Play, WaitForDigit, Transfer, Hangup, VerifyIdentity, CreateCallback>;

namespace detail {
// What both dialogues share: are prompts playing, is a wait armed, what comes
// after the last prompts (Transfer / Hangup).
struct DialogIo {
  bool started = false;
  bool playing = false;
  Millis wait_ms = 0;  // when the prompts finish, wait this long for a key
  bool waiting = false;
  Millis until = 0;
  bool has_final = false;  // `final_command` when the prompts finish
  DialogCommand final_command = Hangup{};
  bool finished = false;
  bool swallow_hash = false;
};
}  // namespace detail

// ---------------------------------------------------------------------------
// Self-service status: ID (12 digits, '#' or automatic at 12), birth date
// (8 digits ddmmyyyy), VerifyIdentity; on success the status prompts then
// "0 for an operator, 9 to hear it again, or hang up".
struct SelfServiceOptions {
  std::string operator_queue = "calls";
  Millis first_digit_ms = 8000;    // after a prompt, for the first key
  Millis inter_digit_ms = 5000;    // between keys of a number
  Millis menu_timeout_ms = 6000;   // after the status, for 0 or 9
  int max_attempts = 3;            // invalid entries / time-outs at one step -> operator
  int max_failures = 3;            // ID and birth date not matching -> operator
  int status_menu_attempts = 2;    // silent or wrong keys after the status -> goodbye, hang up
};

class SelfServiceDialog {
 public:
  explicit SelfServiceDialog(SelfServiceOptions options = {});
  std::vector<DialogCommand> start(Millis now);
  std::vector<DialogCommand> digit(char d, Millis now);
  std::vector<DialogCommand> promptsDone(Millis now);
  std::vector<DialogCommand> timeout(Millis now);
  // Answers to VerifyIdentity. status_prompts: what to say, e.g.
  // statusPrompts(summary.stage, application.delivery, summary.overdue).
  std::vector<DialogCommand> verified(const std::vector<std::string>& status_prompts);
  std::vector<DialogCommand> notVerified();
  std::vector<DialogCommand> lookupFailed();  // registry unreachable: to an operator

  bool finished() const { return io_.finished; }
  // The last complete ID keyed (verified or not; for the screen pop), "" if none.
  const std::string& id() const { return last_id_; }
  const std::string& birthDate() const { return last_birth_; }  // "YYYY-MM-DD" or ""
  bool verifiedCaller() const { return verified_; }
  int failures() const { return failures_; }  // notVerified() so far

 private:
  enum class Step { id, birth, verifying, status, done };
  std::vector<DialogCommand> askId(std::vector<std::string> before);
  std::vector<DialogCommand> askBirth(std::vector<std::string> before);
  std::vector<DialogCommand> collectFailed(const std::string& why);
  std::vector<DialogCommand> statusMenuFailed(const std::string& why);
  std::vector<DialogCommand> completeId();
  std::vector<DialogCommand> completeBirth();

  SelfServiceOptions opt_;
  detail::DialogIo io_;
  Step step_ = Step::id;
  std::string buf_;
  std::string id_;
  std::string last_id_;
  std::string last_birth_;
  std::vector<std::string> status_;
  int attempts_ = 0;
  int failures_ = 0;
  bool verified_ = false;
};

// ---------------------------------------------------------------------------
// Callback offer (out of hours): "we will call you back on <the number you
// call from>: 1 to confirm, 2 for another number"; another number is keyed
// ('#', or automatic once a mobile has 10 digits / a landline 11), read back
// digit by digit, confirmed with 1 (2 keys it again). Then CreateCallback, a
// goodbye and Hangup. Too many invalid keys or time-outs: a polite goodbye
// and Hangup without a callback.
struct CallbackOptions {
  Millis first_digit_ms = 8000;
  Millis inter_digit_ms = 5000;
  Millis menu_timeout_ms = 6000;
  int max_attempts = 3;  // at one step
};

class CallbackDialog {
 public:
  // caller: the calling number as the trunk gave it ("0912345678",
  // "+84912345678", "84912345678"; "" or garbage when hidden): offered when
  // normalizePhone accepts it, otherwise the caller keys one at once.
  explicit CallbackDialog(std::string caller, CallbackOptions options = {});
  std::vector<DialogCommand> start(Millis now);
  std::vector<DialogCommand> digit(char d, Millis now);
  std::vector<DialogCommand> promptsDone(Millis now);
  std::vector<DialogCommand> timeout(Millis now);

  bool finished() const { return io_.finished; }
  bool created() const { return created_; }
  const std::string& number() const { return number_; }  // E.164 of the callback, "" if none

 private:
  enum class Step { offer, enter, confirm, done };
  std::vector<DialogCommand> offer(std::vector<std::string> before);
  std::vector<DialogCommand> askNumber(std::vector<std::string> before);
  std::vector<DialogCommand> readBack();
  std::vector<DialogCommand> completeNumber();
  std::vector<DialogCommand> create(const std::string& e164);
  std::vector<DialogCommand> failed(const std::string& why);

  CallbackOptions opt_;
  detail::DialogIo io_;
  Step step_ = Step::offer;
  std::string caller_e164_;  // "" = not usable
  std::string buf_;
  std::string keyed_e164_;
  std::string number_;
  int attempts_ = 0;
  bool created_ = false;
};

// ---------------------------------------------------------------------------
// Prompt helpers.

// Registry stage machine names -> prompts: received, approved, printing,
// printed, dispatched (at the office), dispatched_post (on its way by post),
// handed_over, returned, overdue (said after the stage), none (no
// application); anything else -> {"stage_unknown"}. Names are "stage_<name>".
std::vector<std::string> stagePrompts(std::string_view stage);
// What to say for one application: the stage (dispatched + delivery "post" ->
// dispatched_post), then "overdue" when it is.
std::vector<std::string> statusPrompts(std::string_view stage, std::string_view delivery,
                                       bool overdue);

// The Vietnamese words for 0..999 (northern usage): "không", "mười lăm",
// "hai mươi mốt", "hai mươi tư", "một trăm linh năm", "một trăm mười".
// Out of range is clamped to 0..999.
std::string numberWords(int n);
// The same as prompts: num_0..num_99 (one recording per number), num_100 ..
// num_900 ("một trăm" ...), num_linh ("linh"; a studio may say "lẻ"):
// 105 -> {num_100, num_linh, num_5}, 110 -> {num_100, num_10}. Clamped to 0..999.
std::vector<std::string> numberPrompts(int n);
// digit_0..digit_9 for each digit of `digits` (other characters skipped).
std::vector<std::string> digitPrompts(std::string_view digits);
// {"queue_position", numbers...}: "Quý khách đang ở vị trí số" N (position >= 1).
std::vector<std::string> positionPrompts(int position);
// {"queue_wait", numbers..., "minutes"}: "Thời gian chờ dự kiến khoảng" N "phút"
// (minutes < 1 is said as 1).
std::vector<std::string> waitPrompts(int minutes);

// Every prompt name the C++ code can ask for, sorted: the dialogues, stages,
// numbers, digits, and the prompts kept for the shell (queue_hold,
// queue_callback_offer, queue_callback_ok, queue_full, transfer_operator,
// goodbye, technical_error). The flow's own prompts: flowPrompts().
std::vector<std::string> knownPrompts();

}  // namespace tongdai::core::telephony
