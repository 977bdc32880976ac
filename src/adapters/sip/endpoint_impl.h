// Internals of the SIP endpoint (src/adapters/sip only). Everything here
// lives on the SIP thread except where a comment says otherwise; the public
// methods of EndpointImpl marshal onto that thread through post().
//
// Split by concern: endpoint.cc (thread, queue, public API, timers),
// registrar.cc (REGISTER, digest, bindings, OPTIONS), calls.cc (INVITE
// admission, sipsess callbacks, dial, hang-up), media.cc (RTP, SDP,
// playback, DTMF, bridge, recording).
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "adapters/sip/endpoint.h"
#include "adapters/sip/libre.h"
#include "adapters/sip/policy.h"
#include "adapters/sip/prompts.h"

namespace tongdai::sip::detail {

class EndpointImpl;

std::uint64_t nowMs();  // steady clock (libre's jiffies follow the wall clock)

constexpr int kFrameSamples = 160;  // 20 ms at 8 kHz
constexpr std::uint64_t kFrameMs = 20;
constexpr int kPtPcmu = 0;
constexpr int kPtPcma = 8;
constexpr int kPtTelephoneEvent = 101;

// A stereo recording of a bridge. Both legs push decoded audio into their
// FIFO; the media tick writes one 20 ms frame per elapsed 20 ms of wall
// clock, padding with silence, so the file's length is the bridged time
// whatever the packet loss or jitter.
struct Recording {
  aufile* file = nullptr;
  std::string path;
  std::deque<std::int16_t> fifo[2];  // 0: left (leg a), 1: right (leg b)
  std::uint64_t start_ms = 0;
  std::uint64_t frames_written = 0;

  void push(int channel, const std::int16_t* pcm, std::size_t n);
  void writeDue(std::uint64_t now_ms);
  void close(std::uint64_t now_ms);
  ~Recording();
};

struct Player {
  std::vector<std::shared_ptr<const Prompt>> files;
  std::size_t index = 0;
  std::size_t pos = 0;  // sample position in files[index]
  bool loop = false;
  bool active = false;
  std::uint64_t id = 0;
};

enum class CallState { kOffered, kEarly, kAnswered };

struct Call {
  EndpointImpl* ep = nullptr;
  CallId id = 0;
  bool outgoing = false;
  CallState state = CallState::kOffered;
  bool ended = false;

  // Signalling. An incoming INVITE is held in our own server transaction
  // (which absorbs retransmissions and catches CANCEL) until the application
  // rings, answers or rejects; sipsess_accept then takes over.
  const sip_msg* invite = nullptr;
  sip_strans* st = nullptr;
  sipsess* sess = nullptr;
  bool remote_offer = false;  // the INVITE carried SDP (else we offer in the 200)
  bool ringing_reported = false;

  // Media.
  struct rtp_sock* rtp = nullptr;  // "struct": libre also has a function rtp_sock()
  sdp_session* sdp = nullptr;
  sdp_media* sdpm = nullptr;
  telev* tel = nullptr;
  sa remote{};
  bool have_remote = false;
  bool got_rtp = false;
  bool remote_sends = true;  // false when its SDP says recvonly/inactive: no RTP to expect
  bool remote_holds = false;  // its SDP says sendonly/inactive: it put us on hold
  bool alaw = true;          // codec we send (and expect)
  int telev_pt = kPtTelephoneEvent;
  std::uint32_t tx_ts = 0;
  bool tx_marker = true;
  std::uint64_t last_rx_ms = 0;  // RTP timeout clock
  int digit_event = -1;          // telephone-event reported at its start, not ended yet
  Player player;
  CallId peer = 0;
  std::shared_ptr<Recording> rec;
  int rec_channel = 0;

  ~Call();
};

struct Binding {
  std::string contact;  // contact URI as registered
  std::string source;   // ip:port of the REGISTER
  std::uint64_t expires_ms = 0;
  std::uint64_t updated_ms = 0;
};

enum class DigestOutcome { kMissing, kStale, kFailed, kOk };

class EndpointImpl final : public Endpoint {
 public:
  EndpointImpl(EndpointOptions options, Handler handler, AddressFilter trunk);
  ~EndpointImpl() override;

  core::Status launch();  // starts the thread and waits for set-up

  // Endpoint (any thread).
  void ring(CallId call) override;
  void answer(CallId call) override;
  void reject(CallId call, int status, const std::string& reason) override;
  std::uint64_t play(CallId call, std::vector<std::string> wav_files, bool loop) override;
  void stopPlayback(CallId call) override;
  CallId dial(const std::string& user, const std::string& caller_number,
              const std::string& caller_display) override;
  CallId dialOut(const std::string& number, const std::string& trunk, const std::string& caller_number,
                 const std::string& caller_display) override;
  void bridge(CallId a, CallId b, const std::string& record_path) override;
  void unbridge(CallId call) override;
  void hangup(CallId call) override;
  std::vector<Registration> registrations() override;
  EndpointStats stats() override;
  void stop() override;

  // ---- everything below runs on the SIP thread ----

  // endpoint.cc
  bool post(std::function<void()> fn);  // any thread; false once stopped
  void runLoop(std::promise<core::Status>* ready);
  core::Status setUp();
  void tearDown();
  void beginShutdown();
  void warn(const std::string& text);
  Call* find(CallId id);
  static void onQueue(int id, void* data, void* arg);
  static void onHousekeeping(void* arg);
  static void onMediaTick(void* arg);
  static void onReap(void* arg);
  static void onSipExit(void* arg);
  static void onShutdownTimeout(void* arg);

  // registrar.cc
  static bool onSipRequest(const sip_msg* msg, void* arg);
  void handleRegister(const sip_msg* msg);
  void handleOptions(const sip_msg* msg);
  DigestOutcome verifyDigest(const sip_msg* msg, std::string* user);
  void challenge(const sip_msg* msg, bool stale);
  std::string makeNonce(const sa& src, std::uint64_t now_s) const;
  bool nonceFresh(const pl& nonce, const sa& src, std::uint64_t now_s) const;
  void updateBinding(const std::string& user, const std::string& contact, const std::string& source,
                     std::uint32_t expires_s);
  void expireBindings(std::uint64_t now_ms);
  const Binding* newestBinding(const std::string& user) const;

  // calls.cc
  static void onSipsessConn(const sip_msg* msg, void* arg);
  void handleInvite(const sip_msg* msg);
  bool admitInvite(const sip_msg* msg, IncomingCall* info);
  static void onPendingCancel(void* arg);
  static int onOffer(mbuf** descp, const sip_msg* msg, void* arg);
  static int onAnswer(const sip_msg* msg, void* arg);
  static void onProgress(const sip_msg* msg, void* arg);
  static void onEstablished(const sip_msg* msg, void* arg);
  static void onInfo(struct sip* sip, const sip_msg* msg, void* arg);
  static void onRefer(struct sip* sip, const sip_msg* msg, void* arg);
  static void onClose(int err, const sip_msg* msg, void* arg);
  bool acceptSession(Call& call, std::uint16_t scode, const char* reason, mbuf* desc);
  void doRing(Call& call);
  void doAnswer(Call& call);
  void doReject(Call& call, int status, const std::string& reason);
  // INVITE to `target` (request URI), optionally through `route`.
  void connectOut(CallId id, const std::string& target, const std::string& route, const std::string& caller_number,
                  const std::string& caller_display);
  void doDial(CallId id, const std::string& user, const std::string& caller_number,
              const std::string& caller_display);
  void doHangup(Call& call, const std::string& why);
  void endCall(Call& call, const std::string& why);  // on_ended + teardown, once

  // media.cc
  bool openMedia(Call& call);
  bool applyRemoteSdp(Call& call, mbuf* body, bool offer);
  int encodeSdp(Call& call, mbuf** out, bool offer);
  static void onRtp(const sa* src, const rtp_header* hdr, mbuf* mb, void* arg);
  void receiveAudio(Call& call, const rtp_header& hdr, mbuf* mb);
  void receiveTelephoneEvent(Call& call, mbuf* mb);
  void reportDigit(Call& call, char digit);
  void sendAudio(Call& call, const std::uint8_t* g711, std::size_t n);
  void doPlay(Call& call, std::uint64_t play_id, const std::vector<std::string>& files, bool loop);
  void sendNextFrame(Call& call);
  void doBridge(Call& a, Call& b, const std::string& record_path);
  void unbridge(Call& call);  // detaches both legs, closes the recording
  void checkRtpTimeouts(std::uint64_t now_ms);

  EndpointOptions options_;
  Handler handler_;
  AddressFilter trunk_;
  std::string local_host_;  // host part of options_.listen, for From URIs

  // Thread hand-off.
  std::thread thread_;
  std::thread::id loop_id_;
  std::mutex queue_mu_;
  std::deque<std::function<void()>> queue_;
  bool accepting_ = false;  // guarded by queue_mu_
  mqueue* mq_ = nullptr;
  std::atomic<bool> stopped_{false};

  std::atomic<CallId> next_call_id_{1};
  std::atomic<std::uint64_t> next_play_id_{1};

  // Counters read from any thread.
  struct Counters {
    std::atomic<std::uint64_t> calls_active{0}, calls_total{0}, rtp_in{0}, rtp_out{0},
        rejected_untrusted{0}, rate_limited{0}, registrations_active{0}, auth_failed{0};
  } counters_;

  // libre objects.
  struct sip* sip_ = nullptr;
  sip_lsnr* lsnr_ = nullptr;
  sipsess_sock* sess_sock_ = nullptr;
  sa rtp_ip_{};
  tmr house_tmr_{};
  tmr tick_tmr_{};
  tmr reap_tmr_{};
  tmr shutdown_tmr_{};
  std::uint64_t tick_next_ms_ = 0;
  mbuf* tx_mb_ = nullptr;  // reused for every RTP packet we send
  bool shutting_down_ = false;
  bool sip_exited_ = false;  // sip_close completed: sip_ is ours to release

  std::unordered_map<CallId, std::unique_ptr<Call>> calls_;
  std::vector<std::unique_ptr<Call>> graveyard_;  // destroyed outside libre callbacks
  std::vector<std::shared_ptr<Recording>> recordings_;
  std::map<std::string, std::vector<Binding>> bindings_;
  PromptCache prompts_;
  RateLimiter invite_limiter_;
  RateLimiter trunk_limiter_;
  RateLimiter register_limiter_;
  std::uint8_t nonce_secret_[16] = {};
};

}  // namespace tongdai::sip::detail
