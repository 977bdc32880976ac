// SIP and media for the hotline, on libre + librem (Debian's libre 1.1 /
// librem 0.6; docs/decisions/0014-telephony.md). No libre type leaks out of
// this header: the application sees calls as ids and events.
//
// Contract:
//  - One event-loop thread owns every libre object (re_main). Public methods
//    are thread-safe: they hand the work to that thread (mqueue) and return at
//    once; their effect is reported through the Handler.
//  - Handler callbacks run on the SIP thread and must not block or throw
//    (hand slow work, e.g. a registry look-up, to another thread and call
//    back in). ha1_for is called there too, per REGISTER and per INVITE from
//    an extension: an in-memory look-up.
//  - Calls are ids; an id is never reused within a process. on_ended is
//    called exactly once per call, whatever ends it (BYE from either side,
//    CANCEL, failure, RTP timeout, stop()), also for a dial() that fails at
//    once. libre 1.1 has no session timers (RFC 4028): a dead phone or a lost
//    BYE is caught by the RTP timeout instead.
//  - Media: G.711 A-law (PT 8) and µ-law (PT 0), 20 ms frames, DTMF by RFC
//    4733 telephone-events (PT 101 offered) and SIP INFO (application/dtmf-relay,
//    application/dtmf) as a fallback. Prompts are 8 kHz mono 16-bit WAV files.
//  - Malformed SIP or RTP never crashes the process and never reaches the app.
//  - Admission: an INVITE from a trunk_allow source must be for the hotline
//    (else 404); from anywhere else it is challenged (401) and must carry the
//    digest of an extension (wrong: 403, counted), for the hotline or a known
//    extension (else 404). Flooding sources get 503 (stateless).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.h"

namespace tongdai::sip {

using CallId = std::uint64_t;

struct EndpointOptions {
  std::string listen = "127.0.0.1:5060";  // UDP and TCP on the same address
  std::string realm = "tongdai";          // digest realm of the built-in registrar
  std::string hotline_number = "19000368";
  // Sources trusted to deliver calls to the hotline without digest (the
  // carrier's trunk): IPv4/IPv6 addresses or CIDR blocks. Default: loopback.
  std::vector<std::string> trunk_allow = {"127.0.0.0/8", "::1/128"};
  std::string rtp_address = "127.0.0.1";  // where our RTP sockets listen and what SDP announces
  std::uint16_t rtp_port_min = 20000;
  std::uint16_t rtp_port_max = 29999;
  int rtp_timeout_s = 30;  // no RTP from an answered leg for this long: the call ends
                           // (not while its SDP says it sends nothing: hold); 0: off
  int max_register_expires_s = 3600;
  // Flood protection per source address (token buckets, bursts of one
  // second's worth); excess gets a stateless 503 (OPTIONS: dropped). 0: no limit.
  double invites_per_second_per_source = 20;  // sources outside trunk_allow
  // The carrier's trunk is one source for every caller: its own, higher limit.
  double trunk_invites_per_second = 300;
  double registers_per_second_per_source = 10;
  int max_calls = 2000;
};

// A REGISTER or call from a registered extension authenticates by digest
// against this: the HA1 (MD5 of "user:realm:password", hex) for a user, or
// nullopt when the user does not exist.
using Ha1Lookup = std::function<std::optional<std::string>(const std::string& user)>;

struct IncomingCall {
  CallId id = 0;
  std::string from_user;  // caller's number as the trunk presents it
  std::string from_display;
  std::string to_user;      // dialled number (the hotline) or extension
  std::string source;       // "ip:port" of the sender
  bool from_trunk = false;  // trusted by address (else: authenticated extension)
};

struct Registration {
  std::string user;
  std::string contact;  // the contact URI the phone registered
  std::string source;
  bool active = false;  // false: unregistered or expired
};

struct Handler {
  Ha1Lookup ha1_for;
  std::function<void(const Registration&)> on_registration;
  // A new call to the hotline (or an extension): answer(), reject() or
  // ring() it later, from any thread. The caller has had 100 Trying; the
  // INVITE waits (retransmissions absorbed) until the application decides.
  // If the caller cancels first, on_ended(id, "cancel") follows.
  std::function<void(const IncomingCall&)> on_incoming;
  // '0'-'9', '*', '#'; once per key press (RFC 4733: at the event's first
  // packet, or at its end if the start was lost; or a SIP INFO).
  std::function<void(CallId, char digit)> on_digit;
  // A play() finished (not called for loops, or when stopped/replaced).
  std::function<void(CallId, std::uint64_t play_id)> on_play_done;
  // Outgoing legs (dial()): ringing, answered, or failed with the SIP status.
  std::function<void(CallId)> on_ringing;
  std::function<void(CallId)> on_answered;
  // Why: "bye_remote" (the other side hung up), "bye_local" (hangup()),
  // "cancel" (caller gave up before the answer), "rejected:<code>" (reject()),
  // "failed:<code>" (outgoing leg refused, 404 = not registered, 408 = no
  // answer), "ack_timeout" (our 200 was never ACKed), "rtp_timeout",
  // "peer_ended" (the bridged leg ended first), "shutdown" (stop()).
  std::function<void(CallId, const std::string& why)> on_ended;
  // An answered call's phone put it on hold (re-INVITE with sendonly or
  // inactive) or took it off hold.
  std::function<void(CallId, bool on_hold)> on_hold;
  // An answered call's phone asked for a blind transfer (REFER) to the
  // extension `target` (the user part of Refer-To). Called on the SIP
  // thread: true = started (answered 202), false = refused (403).
  std::function<bool(CallId, const std::string& target)> on_refer;
  // Optional: things worth a log line (a prompt that cannot be read, no free
  // RTP port...). Without it they go to stderr.
  std::function<void(const std::string&)> on_warning;
};

struct EndpointStats {
  std::uint64_t calls_active = 0;
  std::uint64_t calls_total = 0;
  std::uint64_t rtp_packets_in = 0;
  std::uint64_t rtp_packets_out = 0;
  std::uint64_t sip_rejected_untrusted = 0;
  std::uint64_t sip_rate_limited = 0;
  std::uint64_t registrations_active = 0;
  std::uint64_t sip_auth_failed = 0;  // wrong digest (REGISTER or INVITE): 403
};

class Endpoint {
 public:
  // Binds UDP+TCP and starts the SIP thread. Error code "sip_listen" etc.
  static core::Result<std::unique_ptr<Endpoint>> start(EndpointOptions options, Handler handler);
  virtual ~Endpoint() = default;  // stops (ends every call) if still running

  // Incoming calls (ignored once answered or ended).
  virtual void ring(CallId call) = 0;    // 180 Ringing
  virtual void answer(CallId call) = 0;  // 200 OK with our SDP; media flows
  // status 300-699 (else 480); on_ended(call, "rejected:<status>") follows.
  virtual void reject(CallId call, int status, const std::string& reason) = 0;

  // Plays WAV files one after another (replacing what was playing); `loop`
  // repeats the list until stopped or replaced (music on hold). Returns the
  // id reported by on_play_done. Files are decoded once per endpoint and
  // shared by all calls (re-read when changed on disk); 8 kHz mono 16-bit
  // PCM, A-law or µ-law WAV; a file that cannot be read is skipped (and
  // reported through on_warning). Before answer() it starts at the answer.
  // While a bridged leg plays, its peer's audio to it is muted.
  virtual std::uint64_t play(CallId call, std::vector<std::string> wav_files, bool loop) = 0;
  virtual void stopPlayback(CallId call) = 0;

  // Calls the phone registered for `user` (an agent's extension; its newest
  // binding), presenting the caller's number. on_ringing / on_answered /
  // on_ended follow; not registered: on_ended(id, "failed:404").
  virtual CallId dial(const std::string& user, const std::string& caller_number,
                      const std::string& caller_display) = 0;
  // Calls a number through the carrier's trunk (an INVITE to
  // sip:<number>@<trunk>, trunk = "host:port"), presenting `caller_number`
  // (the hotline). Same callbacks as dial(); a number that is not digits
  // (an optional leading +) ends at once with on_ended(id, "failed:484").
  virtual CallId dialOut(const std::string& number, const std::string& trunk, const std::string& caller_number,
                         const std::string& caller_display) = 0;
  // Connects two answered calls' media both ways (stops playback on both);
  // with record_path, writes a stereo 8 kHz 16-bit WAV (left: a, right: b)
  // until either ends; its length is the bridged wall time (silence where no
  // packet came). Unbridge by hanging up one leg (which ends the other too:
  // "peer_ended"), or bridging anew (earlier partners stay up, unbridged).
  // The directory must exist.
  virtual void bridge(CallId a, CallId b, const std::string& record_path) = 0;
  // Detaches a bridged call from its partner (both stay up, silent) and
  // closes the recording: a blind transfer hangs up one side afterwards
  // without ending the other.
  virtual void unbridge(CallId call) = 0;
  // BYE; CANCEL for an outgoing leg not answered yet; 480 for an incoming
  // call not answered yet. on_ended(call, "bye_local").
  virtual void hangup(CallId call) = 0;

  // The active bindings (asks the SIP thread and waits for its answer).
  virtual std::vector<Registration> registrations() = 0;
  virtual EndpointStats stats() = 0;
  // Ends every call (on_ended "shutdown"; BYE/CANCEL sent, up to 2 s for
  // their answers), closes sockets, joins the thread. Called from a handler
  // it cannot join itself: the thread then ends right after that callback.
  virtual void stop() = 0;
};

// HA1 for digest: lower-case hex MD5 of "user:realm:password".
std::string digestHa1(const std::string& user, const std::string& realm,
                      const std::string& password);

}  // namespace tongdai::sip
