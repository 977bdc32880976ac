// The hotline in the running server: calls from the SIP endpoint go through
// the IVR (core/telephony), self-service and callback dialogues, then queue in
// the routing engine (AcdService); an offer rings the chosen agent's phone,
// the answer bridges and records both legs, opens a case and pops it on the
// agent's desk; every call leaves a CDR.
//
// Threads: endpoint callbacks arrive on the SIP thread; routing decisions on
// whichever thread applied the event; a small timer thread fires IVR
// time-outs and queue announcements. One mutex guards the call table; no
// endpoint or store call is made while holding it.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/sip/endpoint.h"
#include "core/registry/registry.h"
#include "core/routing/routing.h"
#include "core/telephony/cdr.h"
#include "core/telephony/ivr.h"
#include "core/telephony/keypad.h"

namespace tongdai::app {

class AppContext;
class AcdService;

struct TelephonyOptions {
  std::string sip_listen;  // "" = telephony off
  std::string hotline = "19000368";
  std::string outbound_trunk;   // "host:port" for calling citizens back; "" = none
  std::vector<std::string> trunk_allow = {"127.0.0.0/8", "::1/128"};
  std::string rtp_address = "127.0.0.1";
  int rtp_port_min = 20000;
  int rtp_port_max = 29999;
  std::string prompts_dir = "var/prompts";
  std::string ivr_file;         // "" = data/ivr/hotline.toml next to the sources
  std::string recordings_dir;   // "" = <data_dir>/recordings
  int recording_retention_days = 90;
  int announce_every_s = 30;    // position and estimated wait while queued
  int transfer_ring_s = 20;     // a blind transfer's target rings this long, then the caller is back
  int callback_ring_s = 30;     // a citizen called back rings this long
  std::string queue = "hotline";  // the routing engine's queue for calls (defaultAcdConfig)
  // Per queue: after this long waiting (ms) the caller is booked for a
  // callback (keeping their place) and hears so; absent = wait for ever.
  std::map<std::string, std::int64_t> max_wait_ms;
  std::string case_category = "the.tien_do";  // agents re-classify
};

class CallService {
 public:
  using Step = std::variant<core::telephony::Play, core::telephony::WaitForDigit, core::telephony::Transfer,
                            core::telephony::StartSelfService, core::telephony::StartCallbackOffer,
                            core::telephony::Hangup, core::telephony::VerifyIdentity,
                            core::telephony::CreateCallback>;
  CallService(AppContext& ctx, AcdService& acd, core::registry::Registry* registry, TelephonyOptions options,
              core::telephony::IvrFlow flow);
  ~CallService();
  // Binds SIP and starts the timer thread; error text on failure.
  std::string start();
  void stop();
  sip::EndpointStats stats();
  // Puts the agent's connected caller on hold (music, the agent's voice muted)
  // or back. Error "no_active_call" when the agent is not on a call.
  core::Status hold(const std::string& agent, bool on);
  // Blind transfer of the agent's connected caller to another operator's
  // extension: the caller hears music while it rings; on answer the caller is
  // bridged to it and the first agent's phone is released (to wrap-up). If it
  // does not answer, the caller is back with the first agent.
  // Target "officers": the officers' pool (the routing engine's "officers"
  // queue); error "no_officer_available" when no officer is signed in with a
  // registered phone.
  core::Status transfer(const std::string& agent, const std::string& target);
  // Whether the extension's phone is registered now (desks show it).
  bool phoneRegistered(const std::string& extension);
  // What the agent's desk shows, for a desk (re)loaded mid-call: the call
  // ringing or connected on their phone, and the callback offered to or
  // taken by them; null when none.
  nlohmann::json agentCall(const std::string& agent);
  nlohmann::json agentCallback(const std::string& agent);

  // A callback's turn came: the engine offered it to `agent`, whose desk got
  // "callback.offered". accept: the agent takes it (busy, the callback case
  // assigned to them) and, with an outbound trunk and the agent's phone
  // registered, tongdai calls: the agent's phone first, then the citizen,
  // bridged and recorded (an answered call back ends the callback); dial:
  // call again after "callback.unreached"; decline: the engine offers it to
  // the next agent; done: called back (by other means), the agent goes to
  // wrap-up. Errors: callback_not_offered (not offered to this agent, or
  // withdrawn), callback_accepted, callback_not_accepted, callback_dialling,
  // no_outbound_trunk, phone_not_registered, invalid_action.
  core::Result<nlohmann::json> callbackAction(const std::string& agent, const std::string& contact,
                                              const std::string& action);

 private:
  struct Call;
  static core::telephony::Millis nowMs();  // wall clock, unix ms
  // A callback waiting for its turn in the engine.
  struct PendingCallback {
    std::string number;
    std::optional<std::int64_t> case_id;
    std::int64_t requested_at = 0;
    std::string offered_to;  // the agent whose desk shows it now
    bool accepted = false;
  };

  // Endpoint events (SIP thread).
  void onIncoming(const sip::IncomingCall& in);
  void onDigit(sip::CallId id, char d);
  void onPlayDone(sip::CallId id, std::uint64_t play);
  void onAnswered(sip::CallId leg);
  void onEnded(sip::CallId id, const std::string& why);
  void onPhoneHold(sip::CallId leg, bool on);
  void playHold(sip::CallId caller, const std::string& agent, bool on);
  // Caller holds mutex_.
  std::optional<std::pair<sip::CallId, std::string>> connectedOnAgentLeg(sip::CallId leg);
  bool onPhoneTransfer(sip::CallId leg, const std::string& target);
  // Routing decisions.
  void onDecisions(const std::vector<core::routing::Decision>& ds);
  void timerLoop();

  // What a dialogue reacts to: a key, the end of its prompts, or (neither) its time-out.
  struct Event {
    char digit = 0;
    bool prompts_done = false;
  };
  std::vector<Step> dispatch(Call& c, const Event& e, core::telephony::Millis now);
  void run(sip::CallId id, std::vector<Step> cmds);
  void enqueue(sip::CallId id, const std::string& queue);
  void announce(sip::CallId id, const std::string& contact);
  void offer(const std::string& contact, const std::string& agent);
  // The engine offered a contact that is no caller on the line: a callback
  // waiting its turn (to the agent's desk), or a ghost (dropped).
  void offerNotOnLine(const std::string& contact, const std::string& agent);
  void callbackWithdrawn(const std::string& contact);
  void assignCallbackCase(std::int64_t case_id, const std::string& agent);
  core::Status dialCallback(const std::string& agent, const std::string& contact);
  // Endpoint events of a callback call's legs; false if `leg` is no such leg.
  bool outboundAnswered(sip::CallId leg);
  bool outboundEnded(sip::CallId leg, const std::string& why);
  void outboundTimeouts(std::int64_t now);
  std::optional<PendingCallback> recallCallback(const std::string& contact);
  // The caller's earlier cases (by phone), newest first, leaving out `except_case`.
  nlohmann::json earlierCases(const std::string& caller, std::int64_t except_case);
  void finish(sip::CallId id, const std::string& why);
  void saveCdr(sip::CallId id);
  struct Persisted {
    std::int64_t row = 0;
    std::optional<std::int64_t> case_id;
  };
  void saveCdr(core::telephony::CallRecord cdr, std::shared_ptr<Persisted> persisted,
               std::function<void(std::int64_t)> done = nullptr);
  void closeInterruptedCalls();
  core::Status transferToOfficers(const std::string& agent);
  bool officerOnDuty();
  void hangupAfter(sip::CallId id, core::telephony::Millis delay);
  void startSelfService(sip::CallId id);
  void startCallbackOffer(sip::CallId id);
  void verifyIdentity(sip::CallId id, const std::string& citizen_id, const std::string& birth_date);
  std::optional<std::vector<std::string>> selfServiceStatus(const std::string& citizen_id,
                                                            const std::string& birth_date);
  void createCallback(sip::CallId id, const std::string& number);
  // A queued caller leaves a callback request (key 1 or the maximum wait):
  // the contact keeps its place in the engine as a callback, a case is opened.
  void callbackFromQueue(sip::CallId id, const std::string& prompt, core::telephony::Millis hangup_after);
  std::string promptPath(const std::string& name) const;
  std::vector<std::string> promptPaths(const std::vector<std::string>& names) const;
  void openCaseForAnsweredCall(sip::CallId id);
  void completeTransfer(sip::CallId caller, sip::CallId leg);
  std::optional<std::string> ha1For(const std::string& user);
  core::Status ensureSystemUser();
  void sweepRecordings();

  AppContext& ctx_;
  AcdService& acd_;
  core::registry::Registry* registry_;
  TelephonyOptions options_;
  core::telephony::IvrFlow flow_;
  std::unique_ptr<sip::Endpoint> endpoint_;
  std::int64_t system_user_ = 0;

  std::mutex mutex_;
  std::map<sip::CallId, std::unique_ptr<Call>> calls_;  // callers' legs
  std::map<sip::CallId, sip::CallId> agent_legs_;       // agent leg -> caller leg
  std::map<std::string, sip::CallId> by_contact_;       // routing contact id -> caller leg
  std::map<std::string, bool> registered_;              // extension -> phone registered
  std::map<std::string, PendingCallback> callbacks_;  // by routing contact id
  struct Outbound;
  std::map<sip::CallId, std::shared_ptr<Outbound>> outbound_;  // callback calls, by either leg
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread timer_;
};

// Loads the agents' SIP secrets: the setting "sip_accounts" ({login: ha1}).
// The demo stores one per operator (extension = login, password
// demo-sip-2026).
std::string demoSipPassword();

}  // namespace tongdai::app
