// The hotline's IVR as a pure state machine: a flow defined in configuration
// (data/ivr/hotline.toml, loaded by app/telephony/ivr_file), and one session
// per call that takes events (start, digit, prompts finished, deadline) and
// returns what the shell must do. No I/O, no clock: times come in.
//
// The protocol between a session and the shell (the same for the keypad
// dialogues in keypad.h):
// - The shell runs the commands of one answer in order. Play starts playing
//   the prompts (one after the other) and the shell calls promptsDone() when
//   the last one has finished; a Play is always the last command of an answer.
//   WaitForDigit arms the one timer of the call: timeout() at `until`.
// - A non-empty answer supersedes what earlier answers set going: the shell
//   stops the prompts still playing and disarms the timer before running it.
//   An empty answer changes nothing (e.g. a key pressed during a goodbye
//   message is ignored and the message plays on).
// - Barge-in: a key pressed while a menu's prompts play is a choice at once.
// - Stale events are harmless: promptsDone() when nothing plays and timeout()
//   when no wait is armed (or before `until`) answer nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "core/common/status.h"

namespace tongdai::core::telephony {

using Millis = std::int64_t;

// What a menu key (or a node's failure) leads to.
struct GoTo { std::string node; };                // another menu node
struct ToQueue { std::string queue; };            // queue for an agent ("calls" ...)
struct PlayThenHangup { std::vector<std::string> prompts; };
// A message, then the same menu again (without its intro), as one Play: keys
// barge in as menu choices. Empty prompts: just repeat the menu ("nghe lại").
struct PlayThenBack { std::vector<std::string> prompts; };
struct SelfService {};                            // card application status by keypad
struct OfferCallback {};                          // out of hours: confirm number, callback case
using Action = std::variant<GoTo, ToQueue, PlayThenHangup, PlayThenBack, SelfService, OfferCallback>;

struct MenuNode {
  std::string id;
  std::vector<std::string> intro;        // played before `prompts` the first time the call
                                         // enters the node (start or GoTo), e.g. the greeting
  std::vector<std::string> prompts;      // prompt names, played in order
  std::map<char, Action> keys;           // '0'-'9', '*', '#'
  // A message node: when the prompts finish, perform this at once instead of
  // waiting for a key (e.g. out of hours: the hours, then OfferCallback).
  // Keys in `keys` still barge in; other keys are ignored. A node needs keys or `after`.
  std::optional<Action> after;
  Millis timeout_ms = 6000;              // after the prompts finish, wait this long for a key
  int max_attempts = 3;                  // invalid or no key this many times -> on_fail
  std::string invalid_prompt = "invalid_choice";
  std::string timeout_prompt = "no_input";
  Action on_fail = ToQueue{"calls"};     // e.g. to an operator
};

struct IvrFlow {
  std::string start = "main";             // node while open
  std::string closed = "closed";          // node outside business hours
  std::map<std::string, MenuNode> nodes;
};

// Every GoTo target exists, start/closed exist, keys are valid, prompts named
// ([a-z0-9_]+, they are file names), timeouts 500..120000 ms, attempts 1..10,
// on_fail/after are not PlayThenBack and a silent caller cannot loop forever
// through on_fail/after GoTos. Error code "ivr_invalid" with the node at fault
// in the message and `field` = "nodes.<id>" or "nodes.<id>.<member>"
// ("nodes.main.keys.1", "nodes.main.on_fail", "start" ...).
Status validateFlow(const IvrFlow& flow);

// Every prompt name the flow can play (sorted, unique): to check at start-up
// that each one has a WAV file.
std::vector<std::string> flowPrompts(const IvrFlow& flow);

// What the shell does next.
struct Play { std::vector<std::string> prompts; };  // then call promptsDone()
struct WaitForDigit { Millis until; };             // call timeout() at `until` if no digit
struct Transfer { std::string queue; };            // leave the IVR: queue for an agent
struct StartSelfService {};
struct StartCallbackOffer {};
struct Hangup {};
using Command = std::variant<Play, WaitForDigit, Transfer, StartSelfService, StartCallbackOffer, Hangup>;

class IvrSession {
 public:
  // `open`: business hours now (the shell asks the calendar). The flow must
  // outlive the session and should have passed validateFlow (a missing node
  // is answered with Transfer to "calls").
  IvrSession(const IvrFlow& flow, bool open);
  std::vector<Command> start(Millis now);
  std::vector<Command> digit(char d, Millis now);
  std::vector<Command> promptsDone(Millis now);
  std::vector<Command> timeout(Millis now);
  // The keys pressed through the menus, e.g. "1>2" or "0"; for the CDR and the case.
  const std::string& path() const { return path_; }
  bool finished() const { return finished_; }

 private:
  std::vector<Command> enter(const std::string& node, Millis now);
  std::vector<Command> act(const Action& a, Millis now);
  std::vector<Command> fail(Millis now, const std::string& prompt);
  std::vector<Command> finish(Command last);
  const MenuNode* node() const;
  const IvrFlow& flow_;
  std::string node_;
  int attempts_ = 0;
  bool started_ = false;
  bool playing_ = false;
  bool waiting_ = false;       // a WaitForDigit is armed
  Millis until_ = 0;           // ... for this time
  bool hangup_after_ = false;  // PlayThenHangup: hang up when the prompts finish
  bool finished_ = false;
  std::string path_;
  std::set<std::string> visited_;  // nodes entered (their intro is said once)
};

}  // namespace tongdai::core::telephony
