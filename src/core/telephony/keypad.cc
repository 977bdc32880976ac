#include "core/telephony/keypad.h"

#include <algorithm>
#include <array>
#include <set>

#include "core/phone/phone.h"

namespace tongdai::core::telephony {

namespace {

using Commands = std::vector<DialogCommand>;
using Names = std::vector<std::string>;

Names concat(Names a, const Names& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Play, then wait `wait_ms` for a key (0: nothing, the shell answers next).
Commands playAndWait(detail::DialogIo& io, Names prompts, Millis wait_ms) {
  io.playing = true;
  io.waiting = false;
  io.has_final = false;
  io.wait_ms = wait_ms;
  return {Play{std::move(prompts)}};
}

// Play, then `last` (Transfer / Hangup) when the prompts finish.
Commands playAndFinish(detail::DialogIo& io, Names prompts, DialogCommand last) {
  io.playing = true;
  io.waiting = false;
  io.has_final = true;
  io.final_command = std::move(last);
  return {Play{std::move(prompts)}};
}

Commands finishNow(detail::DialogIo& io, DialogCommand last) {
  io.playing = false;
  io.waiting = false;
  io.has_final = false;
  io.finished = true;
  return {std::move(last)};
}

Commands arm(detail::DialogIo& io, Millis now, Millis ms) {
  io.playing = false;  // a key stops the prompts (barge-in)
  io.waiting = true;
  io.until = now + ms;
  return {WaitForDigit{io.until}};
}

Commands promptsFinished(detail::DialogIo& io, Millis now) {
  if (io.finished || !io.playing) return {};
  io.playing = false;
  if (io.has_final) {
    io.has_final = false;
    io.finished = true;
    return {io.final_command};
  }
  if (io.wait_ms <= 0) return {};
  return arm(io, now, io.wait_ms);
}

// May a key be handled now? Not before start, not after the end, not during a
// closing message, not while nothing is expected.
bool takesKeys(const detail::DialogIo& io) {
  return io.started && !io.finished && !io.has_final && (io.playing || io.waiting);
}

bool timedOut(detail::DialogIo& io, Millis now) {
  if (io.finished || !io.waiting || now < io.until) return false;
  io.waiting = false;
  return true;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// "05031990" (ddmmyyyy) -> "1990-03-05"; "" when not a real date in 1900..2100.
std::string birthDateIso(const std::string& s) {
  if (s.size() != 8 || !std::all_of(s.begin(), s.end(), isDigit)) return "";
  int d = std::stoi(s.substr(0, 2)), m = std::stoi(s.substr(2, 2)), y = std::stoi(s.substr(4, 4));
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return "";
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  if (d > max) return "";
  return s.substr(4, 4) + "-" + s.substr(2, 2) + "-" + s.substr(0, 2);
}

// "+84912345678" -> "0912345678" (what a caller recognises).
std::string national(const std::string& e164) {
  if (e164.rfind("+84", 0) == 0) return "0" + e164.substr(3);
  return e164;
}

// A complete number without '#': a current mobile (03/05/07/08/09) has 10
// digits, a landline (02x) and a pre-2018 mobile (01x) 11.
bool phoneComplete(const std::string& b) {
  if (b.size() < 2 || b[0] != '0') return false;
  char p = b[1];
  if (p == '3' || p == '5' || p == '7' || p == '8' || p == '9') return b.size() == 10;
  if (p == '1' || p == '2') return b.size() == 11;
  return false;
}

constexpr std::size_t kIdDigits = 12;
constexpr std::size_t kBirthDigits = 8;
constexpr std::size_t kMaxPhoneDigits = 11;

}  // namespace

// ---------------------------------------------------------------------------
// SelfServiceDialog

SelfServiceDialog::SelfServiceDialog(SelfServiceOptions options) : opt_(std::move(options)) {}

Commands SelfServiceDialog::start(Millis /*now*/) {
  if (io_.started) return {};
  io_.started = true;
  return askId({});
}

Commands SelfServiceDialog::askId(Names before) {
  step_ = Step::id;
  buf_.clear();
  return playAndWait(io_, concat(std::move(before), {"ss_enter_id"}), opt_.first_digit_ms);
}

Commands SelfServiceDialog::askBirth(Names before) {
  step_ = Step::birth;
  buf_.clear();
  return playAndWait(io_, concat(std::move(before), {"ss_enter_birth"}), opt_.first_digit_ms);
}

Commands SelfServiceDialog::collectFailed(const std::string& why) {
  if (++attempts_ >= opt_.max_attempts) {
    step_ = Step::done;
    return playAndFinish(io_, {"transfer_operator"}, Transfer{opt_.operator_queue});
  }
  return step_ == Step::id ? askId({why}) : askBirth({why});
}

Commands SelfServiceDialog::statusMenuFailed(const std::string& why) {
  if (++attempts_ >= opt_.status_menu_attempts) {
    step_ = Step::done;
    return playAndFinish(io_, {"goodbye"}, Hangup{});
  }
  Names p;
  if (!why.empty()) p.push_back(why);
  p.push_back("ss_after_status");
  return playAndWait(io_, std::move(p), opt_.menu_timeout_ms);
}

Commands SelfServiceDialog::completeId() {
  id_ = buf_;
  last_id_ = buf_;
  attempts_ = 0;
  return askBirth({});
}

Commands SelfServiceDialog::completeBirth() {
  std::string iso = birthDateIso(buf_);
  if (iso.empty()) return collectFailed("ss_birth_invalid");
  last_birth_ = iso;
  attempts_ = 0;
  step_ = Step::verifying;
  Commands out{VerifyIdentity{id_, iso}};
  // "Please wait": nothing follows it, the shell's answer does.
  Commands play = playAndWait(io_, {"ss_checking"}, 0);
  out.insert(out.end(), play.begin(), play.end());
  return out;
}

Commands SelfServiceDialog::digit(char d, Millis now) {
  if (!takesKeys(io_)) return {};
  if (io_.swallow_hash) {
    io_.swallow_hash = false;
    if (d == '#') return {};
  }
  switch (step_) {
    case Step::id:
    case Step::birth: {
      const std::size_t need = step_ == Step::id ? kIdDigits : kBirthDigits;
      const char* invalid = step_ == Step::id ? "ss_id_invalid" : "ss_birth_invalid";
      if (d == '*') return step_ == Step::id ? askId({}) : askBirth({});
      if (d == '#') {
        if (buf_.size() == need) return step_ == Step::id ? completeId() : completeBirth();
        return collectFailed(invalid);
      }
      if (!isDigit(d)) return collectFailed(invalid);
      buf_ += d;
      if (buf_.size() == need) {
        io_.swallow_hash = true;
        return step_ == Step::id ? completeId() : completeBirth();
      }
      return arm(io_, now, opt_.inter_digit_ms);
    }
    case Step::status:
      if (d == '0') {
        step_ = Step::done;
        return finishNow(io_, Transfer{opt_.operator_queue});
      }
      if (d == '9') {
        return playAndWait(io_, concat(status_, {"ss_after_status"}), opt_.menu_timeout_ms);
      }
      return statusMenuFailed("invalid_choice");
    case Step::verifying:
    case Step::done:
      return {};
  }
  return {};
}

Commands SelfServiceDialog::promptsDone(Millis now) { return promptsFinished(io_, now); }

Commands SelfServiceDialog::timeout(Millis now) {
  if (!timedOut(io_, now)) return {};
  switch (step_) {
    case Step::id:
      return collectFailed(buf_.empty() ? "no_input" : "ss_id_invalid");
    case Step::birth:
      return collectFailed(buf_.empty() ? "no_input" : "ss_birth_invalid");
    case Step::status:
      return statusMenuFailed("");
    case Step::verifying:
    case Step::done:
      return {};
  }
  return {};
}

Commands SelfServiceDialog::verified(const std::vector<std::string>& status_prompts) {
  if (io_.finished || step_ != Step::verifying) return {};
  verified_ = true;
  status_ = status_prompts;
  step_ = Step::status;
  attempts_ = 0;
  return playAndWait(io_, concat(concat({"ss_verified"}, status_), {"ss_after_status"}),
                     opt_.menu_timeout_ms);
}

Commands SelfServiceDialog::notVerified() {
  if (io_.finished || step_ != Step::verifying) return {};
  if (++failures_ >= opt_.max_failures) {
    step_ = Step::done;
    return playAndFinish(io_, {"ss_failed_operator"}, Transfer{opt_.operator_queue});
  }
  attempts_ = 0;
  return askId({"ss_not_matched"});
}

Commands SelfServiceDialog::lookupFailed() {
  if (io_.finished || step_ != Step::verifying) return {};
  step_ = Step::done;
  return playAndFinish(io_, {"ss_unavailable"}, Transfer{opt_.operator_queue});
}

// ---------------------------------------------------------------------------
// CallbackDialog

CallbackDialog::CallbackDialog(std::string caller, CallbackOptions options)
    : opt_(std::move(options)) {
  if (auto r = phone::normalizePhone(caller); r.ok()) caller_e164_ = r.value();
}

Commands CallbackDialog::start(Millis /*now*/) {
  if (io_.started) return {};
  io_.started = true;
  if (caller_e164_.empty()) return askNumber({"cb_offer_no_number"});
  return offer({});
}

Commands CallbackDialog::offer(Names before) {
  step_ = Step::offer;
  Names p = concat(std::move(before), {"cb_offer"});
  p = concat(std::move(p), digitPrompts(national(caller_e164_)));
  p.push_back("cb_offer_choice");
  return playAndWait(io_, std::move(p), opt_.menu_timeout_ms);
}

Commands CallbackDialog::askNumber(Names before) {
  step_ = Step::enter;
  buf_.clear();
  return playAndWait(io_, concat(std::move(before), {"cb_enter_number"}), opt_.first_digit_ms);
}

Commands CallbackDialog::readBack() {
  step_ = Step::confirm;
  Names p{"cb_number_is"};
  p = concat(std::move(p), digitPrompts(national(keyed_e164_)));
  p.push_back("cb_confirm_number");
  return playAndWait(io_, std::move(p), opt_.menu_timeout_ms);
}

Commands CallbackDialog::completeNumber() {
  auto r = phone::normalizePhone(buf_);
  if (!r.ok() || buf_.empty() || buf_[0] != '0') return failed("cb_number_invalid");
  keyed_e164_ = r.value();
  attempts_ = 0;
  return readBack();
}

Commands CallbackDialog::create(const std::string& e164) {
  created_ = true;
  number_ = e164;
  step_ = Step::done;
  Commands out{CreateCallback{e164}};
  Commands play = playAndFinish(io_, {"cb_created"}, Hangup{});
  out.insert(out.end(), play.begin(), play.end());
  return out;
}

Commands CallbackDialog::failed(const std::string& why) {
  if (++attempts_ >= opt_.max_attempts) {
    step_ = Step::done;
    return playAndFinish(io_, {"cb_not_created"}, Hangup{});
  }
  switch (step_) {
    case Step::offer:
      return offer({why});
    case Step::enter:
      return askNumber({why});
    case Step::confirm: {
      Commands c = readBack();
      std::get<Play>(c.back()).prompts.insert(std::get<Play>(c.back()).prompts.begin(), why);
      return c;
    }
    case Step::done:
      return {};
  }
  return {};
}

Commands CallbackDialog::digit(char d, Millis now) {
  if (!takesKeys(io_)) return {};
  if (io_.swallow_hash) {
    io_.swallow_hash = false;
    if (d == '#') return {};
  }
  switch (step_) {
    case Step::offer:
      if (d == '1') return create(caller_e164_);
      if (d == '2') {
        attempts_ = 0;
        return askNumber({});
      }
      return failed("invalid_choice");
    case Step::enter:
      if (d == '*') return askNumber({});
      if (d == '#') return completeNumber();
      if (!isDigit(d)) return failed("cb_number_invalid");
      buf_ += d;
      if (phoneComplete(buf_)) {
        io_.swallow_hash = true;
        return completeNumber();
      }
      if (buf_.size() > kMaxPhoneDigits) return failed("cb_number_invalid");
      return arm(io_, now, opt_.inter_digit_ms);
    case Step::confirm:
      if (d == '1') return create(keyed_e164_);
      if (d == '2') {
        attempts_ = 0;
        return askNumber({});
      }
      return failed("invalid_choice");
    case Step::done:
      return {};
  }
  return {};
}

Commands CallbackDialog::promptsDone(Millis now) { return promptsFinished(io_, now); }

Commands CallbackDialog::timeout(Millis now) {
  if (!timedOut(io_, now)) return {};
  switch (step_) {
    case Step::offer:
    case Step::confirm:
      return failed("no_input");
    case Step::enter:
      if (buf_.empty()) return failed("no_input");
      return completeNumber();  // a full number without '#' is fine
    case Step::done:
      return {};
  }
  return {};
}

// ---------------------------------------------------------------------------
// Prompt helpers

namespace {

constexpr std::array<std::string_view, 10> kStages{
    "received",   "approved",    "printing", "printed", "dispatched",
    "dispatched_post", "handed_over", "returned", "overdue", "none"};

constexpr std::array<const char*, 10> kUnits{"không", "một", "hai", "ba",  "bốn",
                                             "năm",   "sáu", "bảy", "tám", "chín"};

int clampNumber(int n) { return std::clamp(n, 0, 999); }

}  // namespace

std::vector<std::string> stagePrompts(std::string_view stage) {
  for (auto s : kStages) {
    if (s == stage) return {"stage_" + std::string(s)};
  }
  return {"stage_unknown"};
}

std::vector<std::string> statusPrompts(std::string_view stage, std::string_view delivery,
                                       bool overdue) {
  Names out = stagePrompts(stage == "dispatched" && delivery == "post" ? "dispatched_post" : stage);
  if (overdue) out = concat(std::move(out), stagePrompts("overdue"));
  return out;
}

std::string numberWords(int n) {
  n = clampNumber(n);
  if (n < 10) return kUnits[n];
  if (n < 20) {
    int u = n % 10;
    if (u == 0) return "mười";
    return std::string("mười ") + (u == 5 ? "lăm" : kUnits[u]);
  }
  if (n < 100) {
    int t = n / 10, u = n % 10;
    std::string s = std::string(kUnits[t]) + " mươi";
    if (u == 0) return s;
    const char* last = u == 1 ? "mốt" : u == 4 ? "tư" : u == 5 ? "lăm" : kUnits[u];
    return s + " " + last;
  }
  int h = n / 100, r = n % 100;
  std::string s = std::string(kUnits[h]) + " trăm";
  if (r == 0) return s;
  if (r < 10) return s + " linh " + kUnits[r];
  return s + " " + numberWords(r);
}

std::vector<std::string> numberPrompts(int n) {
  n = clampNumber(n);
  if (n < 100) return {"num_" + std::to_string(n)};
  int h = n / 100, r = n % 100;
  Names out{"num_" + std::to_string(h * 100)};
  if (r == 0) return out;
  if (r < 10) out.push_back("num_linh");
  out.push_back("num_" + std::to_string(r));
  return out;
}

std::vector<std::string> digitPrompts(std::string_view digits) {
  Names out;
  for (char c : digits) {
    if (isDigit(c)) out.push_back(std::string("digit_") + c);
  }
  return out;
}

std::vector<std::string> positionPrompts(int position) {
  return concat({"queue_position"}, numberPrompts(std::max(position, 1)));
}

std::vector<std::string> waitPrompts(int minutes) {
  Names out = concat({"queue_wait"}, numberPrompts(std::max(minutes, 1)));
  out.push_back("minutes");
  return out;
}

std::vector<std::string> knownPrompts() {
  std::set<std::string> out{
      // both dialogues
      "invalid_choice", "no_input", "goodbye", "transfer_operator",
      // self-service
      "ss_enter_id", "ss_id_invalid", "ss_enter_birth", "ss_birth_invalid", "ss_checking",
      "ss_verified", "ss_not_matched", "ss_after_status", "ss_failed_operator", "ss_unavailable",
      // callback
      "cb_offer", "cb_offer_choice", "cb_offer_no_number", "cb_enter_number",
      "cb_number_invalid", "cb_number_is", "cb_confirm_number", "cb_created", "cb_not_created",
      // queue announcements (positionPrompts / waitPrompts) and the shell's own
      "queue_position", "queue_wait", "minutes", "queue_hold", "queue_callback_offer",
      "queue_callback_ok", "queue_full", "queue_max_wait", "technical_error", "stage_unknown", "num_linh"};
  for (auto s : kStages) out.insert("stage_" + std::string(s));
  for (int i = 0; i < 100; ++i) out.insert("num_" + std::to_string(i));
  for (int h = 100; h < 1000; h += 100) out.insert("num_" + std::to_string(h));
  for (int d = 0; d < 10; ++d) out.insert("digit_" + std::to_string(d));
  return {out.begin(), out.end()};
}

}  // namespace tongdai::core::telephony
