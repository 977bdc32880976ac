// The endpoint's thread, its work queue, timers and the public API. Every
// public method hands a closure to the SIP thread (post) and returns; the
// closure looks the call up again, so a call that ended meanwhile is simply
// not found.
#include <algorithm>
#include <cctype>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "adapters/sip/endpoint_impl.h"
#define DEBUG_MODULE "tongdai_sip"
#define DEBUG_LEVEL 0
#include <re/re_dbg.h>  // for dbg_init; not part of re.h

namespace tongdai::sip {
namespace detail {
namespace {

constexpr std::uint64_t kHousekeepingMs = 1000;
constexpr std::uint64_t kShutdownGraceMs = 2000;

// libre_init() sets up process-wide state (random seed, sockets); once is enough.
std::once_flag g_libre_once;
int g_libre_err = 0;

std::uint64_t steadyMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// libre's poll loop indexes handlers by fd number, so its table must cover
// every fd the process may open (databases, HTTP clients...), not just ours.
int maxFds(int max_calls) {
  rlimit rl{};
  int limit = 4096;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    limit = static_cast<int>(std::min<rlim_t>(rl.rlim_cur, 1 << 20));
  }
  return std::max(limit, max_calls * 2 + 256);
}

core::Error sipError(const std::string& code, const std::string& what, int err) {
  return core::makeError(code,
                         "Không khởi động được SIP: " + what + " (" + std::strerror(err) + ")",
                         "SIP start-up failed: " + what + " (" + std::strerror(err) + ")");
}

}  // namespace

std::uint64_t nowMs() { return steadyMs(); }

EndpointImpl::EndpointImpl(EndpointOptions options, Handler handler, AddressFilter trunk)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      trunk_(std::move(trunk)),
      invite_limiter_(options_.invites_per_second_per_source),
      trunk_limiter_(options_.trunk_invites_per_second),
      register_limiter_(options_.registers_per_second_per_source) {
  const auto colon = options_.listen.rfind(':');
  local_host_ = options_.listen.substr(0, colon);
}

EndpointImpl::~EndpointImpl() { stop(); }

core::Status EndpointImpl::launch() {
  std::promise<core::Status> ready;
  auto done = ready.get_future();
  thread_ = std::thread([this, &ready] { runLoop(&ready); });
  core::Status status = done.get();
  if (!status.ok()) {
    thread_.join();
    stopped_ = true;
  }
  return status;
}

void EndpointImpl::runLoop(std::promise<core::Status>* ready) {
  loop_id_ = std::this_thread::get_id();
  int err = re_thread_init();
  if (err) {
    ready->set_value(sipError("sip_thread", "re_thread_init", err));
    return;
  }
  core::Status status = setUp();
  const bool ok = status.ok();
  ready->set_value(std::move(status));  // `ready` dies with launch(): no use below
  if (ok) re_main(nullptr);
  tearDown();
  re_thread_close();
}

core::Status EndpointImpl::setUp() {
  int err = fd_setsize(maxFds(options_.max_calls));
  if (!err) err = mqueue_alloc(&mq_, onQueue, this);
  if (err) return sipError("sip_thread", "event loop", err);
  rand_bytes(nonce_secret_, sizeof nonce_secret_);

  sa laddr{};
  if (sa_decode(&laddr, options_.listen.data(), options_.listen.size()) != 0) {
    return core::makeError("sip_listen", "Địa chỉ SIP không hợp lệ: " + options_.listen,
                           "Invalid SIP listen address: " + options_.listen, "listen");
  }
  if (sa_set_str(&rtp_ip_, options_.rtp_address.c_str(), 0) != 0) {
    return core::makeError("sip_rtp_address", "Địa chỉ RTP không hợp lệ: " + options_.rtp_address,
                           "Invalid RTP address: " + options_.rtp_address, "rtp_address");
  }
  if (options_.rtp_port_min >= options_.rtp_port_max) {
    return core::makeError("sip_rtp_ports", "Dải cổng RTP không hợp lệ", "Invalid RTP port range",
                           "rtp_port_min");
  }
  err = sip_alloc(&sip_, nullptr, 256, 256, 256, "tongdai", onSipExit, this);
  if (err) return sipError("sip_listen", "sip_alloc", err);
  err = sip_transp_add(sip_, SIP_TRANSP_UDP, &laddr);
  if (!err) err = sip_transp_add(sip_, SIP_TRANSP_TCP, &laddr);
  if (err) return sipError("sip_listen", "bind " + options_.listen, err);
  // Our listener first: it takes REGISTER and OPTIONS and lets the rest
  // through to sipsess (INVITE, ACK, BYE, INFO...).
  err = sip_listen(&lsnr_, sip_, true, onSipRequest, this);
  if (!err) err = sipsess_listen(&sess_sock_, sip_, 256, onSipsessConn, this);
  if (err) return sipError("sip_listen", "listen", err);

  tx_mb_ = mbuf_alloc(RTP_HEADER_SIZE + 1024);
  if (!tx_mb_) return sipError("sip_thread", "mbuf", ENOMEM);
  {
    std::lock_guard lock(queue_mu_);
    accepting_ = true;
  }
  tmr_start(&house_tmr_, kHousekeepingMs, onHousekeeping, this);
  tick_next_ms_ = nowMs() + kFrameMs;
  tmr_start(&tick_tmr_, kFrameMs, onMediaTick, this);
  return core::Status::Ok();
}

void EndpointImpl::tearDown() {
  {
    std::lock_guard lock(queue_mu_);
    accepting_ = false;
    queue_.clear();
  }
  // After a failed set-up, or a forced shutdown, calls may remain.
  for (auto& [id, call] : calls_) graveyard_.push_back(std::move(call));
  calls_.clear();
  graveyard_.clear();
  for (auto& rec : recordings_) rec->close(nowMs());
  recordings_.clear();
  tmr_cancel(&house_tmr_);
  tmr_cancel(&tick_tmr_);
  tmr_cancel(&reap_tmr_);
  tmr_cancel(&shutdown_tmr_);
  release(lsnr_);
  release(sess_sock_);
  // Ours to free if sip_close never ran (failed set-up) or completed; after
  // a forced close the remaining holders free it.
  if (!shutting_down_ || sip_exited_) release(sip_);
  release(tx_mb_);
  release(mq_);
}

bool EndpointImpl::post(std::function<void()> fn) {
  std::lock_guard lock(queue_mu_);
  if (!accepting_) return false;  // stopped: the work is dropped
  const bool wake = queue_.empty();
  queue_.push_back(std::move(fn));
  // One wake-up per batch: the loop drains everything queued so far.
  if (wake) mqueue_push(mq_, 0, nullptr);
  return true;
}

void EndpointImpl::onQueue(int, void*, void* arg) {
  auto* self = static_cast<EndpointImpl*>(arg);
  std::deque<std::function<void()>> batch;
  {
    std::lock_guard lock(self->queue_mu_);
    batch.swap(self->queue_);
  }
  for (auto& fn : batch) fn();
}

void EndpointImpl::warn(const std::string& text) {
  if (handler_.on_warning) {
    handler_.on_warning(text);
  } else {
    std::fprintf(stderr, "tongdai sip: %s\n", text.c_str());
  }
}

Call* EndpointImpl::find(CallId id) {
  auto it = calls_.find(id);
  return it == calls_.end() ? nullptr : it->second.get();
}

void EndpointImpl::onHousekeeping(void* arg) {
  auto* self = static_cast<EndpointImpl*>(arg);
  const std::uint64_t now = nowMs();
  self->expireBindings(now);
  self->checkRtpTimeouts(now);
  self->invite_limiter_.prune(now / 1000.0);
  self->trunk_limiter_.prune(now / 1000.0);
  self->register_limiter_.prune(now / 1000.0);
  tmr_start(&self->house_tmr_, kHousekeepingMs, onHousekeeping, self);
}

// One timer paces every call's 20 ms frames (playback) and every recording,
// instead of a timer per call: 50 wake-ups a second whatever the load.
void EndpointImpl::onMediaTick(void* arg) {
  auto* self = static_cast<EndpointImpl*>(arg);
  const std::uint64_t now = nowMs();
  for (auto& [id, call] : self->calls_) {
    if (call->player.active && call->state == CallState::kAnswered) self->sendNextFrame(*call);
  }
  for (auto& rec : self->recordings_) rec->writeDue(now);
  // Schedule against the absolute clock so the pace does not drift; after a
  // long stall, start afresh rather than sending a burst.
  self->tick_next_ms_ += kFrameMs;
  if (self->tick_next_ms_ + 5 * kFrameMs < now) self->tick_next_ms_ = now + kFrameMs;
  const std::uint64_t delay = self->tick_next_ms_ > now ? self->tick_next_ms_ - now : 0;
  tmr_start(&self->tick_tmr_, delay, onMediaTick, self);
}

void EndpointImpl::onReap(void* arg) { static_cast<EndpointImpl*>(arg)->graveyard_.clear(); }

void EndpointImpl::beginShutdown() {
  if (shutting_down_) return;
  std::vector<Call*> live;
  for (auto& [id, call] : calls_) live.push_back(call.get());
  for (Call* call : live) {
    if (!call->ended) doHangup(*call, "shutdown");
  }
  graveyard_.clear();  // sends BYE / CANCEL / 480 as the sessions go
  shutting_down_ = true;
  release(lsnr_);
  release(sess_sock_);
  tmr_cancel(&house_tmr_);
  // sip_close lets the BYE/CANCEL transactions finish, then calls onSipExit;
  // a peer that never answers must not hold up stop() for 32 s.
  tmr_start(&shutdown_tmr_, kShutdownGraceMs, onShutdownTimeout, this);
  sip_close(sip_, false);
}

// libre's sip destructor, after sip_close(sip, false), takes a reference
// back and calls this: the stack is idle and ours to free after the loop.
void EndpointImpl::onSipExit(void* arg) {
  auto* self = static_cast<EndpointImpl*>(arg);
  if (!self->shutting_down_) return;
  self->sip_exited_ = true;
  tmr_cancel(&self->shutdown_tmr_);
  re_cancel();
}

void EndpointImpl::onShutdownTimeout(void* arg) {
  auto* self = static_cast<EndpointImpl*>(arg);
  sip_close(self->sip_, true);  // abort what is still pending
  re_cancel();
}

// ---- public API -----------------------------------------------------------

void EndpointImpl::ring(CallId id) {
  post([this, id] {
    if (Call* c = find(id)) doRing(*c);
  });
}

void EndpointImpl::answer(CallId id) {
  post([this, id] {
    if (Call* c = find(id)) doAnswer(*c);
  });
}

void EndpointImpl::reject(CallId id, int status, const std::string& reason) {
  post([this, id, status, reason] {
    if (Call* c = find(id)) doReject(*c, status, reason);
  });
}

std::uint64_t EndpointImpl::play(CallId id, std::vector<std::string> files, bool loop) {
  const std::uint64_t play_id = next_play_id_++;
  post([this, id, play_id, files = std::move(files), loop] {
    if (Call* c = find(id)) doPlay(*c, play_id, files, loop);
  });
  return play_id;
}

void EndpointImpl::stopPlayback(CallId id) {
  post([this, id] {
    if (Call* c = find(id)) c->player = Player{};
  });
}

CallId EndpointImpl::dial(const std::string& user, const std::string& caller_number,
                          const std::string& caller_display) {
  const CallId id = next_call_id_++;
  post([this, id, user, caller_number, caller_display] {
    doDial(id, user, caller_number, caller_display);
  });
  return id;
}

CallId EndpointImpl::dialOut(const std::string& number, const std::string& trunk, const std::string& caller_number,
                             const std::string& caller_display) {
  const CallId id = next_call_id_++;
  post([this, id, number, trunk, caller_number, caller_display] {
    ++counters_.calls_total;
    // A number is what ends up in a request URI: only digits, an optional +.
    const std::size_t start = !number.empty() && number[0] == '+' ? 1 : 0;
    const std::size_t digits = number.size() - start;
    const bool valid = digits >= 3 && digits <= 15 &&
                       std::all_of(number.begin() + start, number.end(),
                                   [](unsigned char ch) { return std::isdigit(ch) != 0; });
    if (shutting_down_ || !valid || trunk.empty()) {
      if (handler_.on_ended) handler_.on_ended(id, shutting_down_ ? "shutdown" : "failed:484");
      return;
    }
    connectOut(id, "sip:" + number + "@" + trunk, "", caller_number, caller_display);
  });
  return id;
}

void EndpointImpl::bridge(CallId a, CallId b, const std::string& record_path) {
  post([this, a, b, record_path] {
    Call* ca = find(a);
    Call* cb = find(b);
    if (!ca || !cb || a == b) {
      warn("bridge: call " + std::to_string(a) + " or " + std::to_string(b) + " is gone");
      return;
    }
    doBridge(*ca, *cb, record_path);
  });
}

void EndpointImpl::unbridge(CallId id) {
  post([this, id] {
    if (Call* c = find(id)) unbridge(*c);
  });
}

void EndpointImpl::hangup(CallId id) {
  post([this, id] {
    if (Call* c = find(id)) doHangup(*c, "bye_local");
  });
}

std::vector<Registration> EndpointImpl::registrations() {
  auto collect = [this] {
    std::vector<Registration> out;
    for (const auto& [user, list] : bindings_) {
      for (const auto& b : list) out.push_back(Registration{user, b.contact, b.source, true});
    }
    return out;
  };
  if (std::this_thread::get_id() == loop_id_) return collect();
  auto promise = std::make_shared<std::promise<std::vector<Registration>>>();
  auto result = promise->get_future();
  if (!post([promise, collect] { promise->set_value(collect()); })) return {};
  // The loop may stop before it gets to the task: do not wait for ever.
  if (result.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return {};
  try {
    return result.get();
  } catch (const std::future_error&) {  // dropped unrun by a stopping loop
    return {};
  }
}

EndpointStats EndpointImpl::stats() {
  EndpointStats s;
  s.calls_active = counters_.calls_active;
  s.calls_total = counters_.calls_total;
  s.rtp_packets_in = counters_.rtp_in;
  s.rtp_packets_out = counters_.rtp_out;
  s.sip_rejected_untrusted = counters_.rejected_untrusted;
  s.sip_rate_limited = counters_.rate_limited;
  s.registrations_active = counters_.registrations_active;
  s.sip_auth_failed = counters_.auth_failed;
  return s;
}

void EndpointImpl::stop() {
  if (stopped_.exchange(true)) return;
  post([this] { beginShutdown(); });
  // From a handler (the SIP thread itself) we cannot wait for ourselves:
  // the loop winds down after this callback returns.
  if (!thread_.joinable()) return;
  if (std::this_thread::get_id() == loop_id_) {
    thread_.detach();
    return;
  }
  thread_.join();
}

}  // namespace detail

core::Result<std::unique_ptr<Endpoint>> Endpoint::start(EndpointOptions options, Handler handler) {
  std::call_once(detail::g_libre_once, [] {
    detail::g_libre_err = libre_init();
    // libre warns on stderr about every undecodable datagram: a flood of
    // garbage must not become a flood of log lines. Errors still show.
    dbg_init(DBG_ERR, DBG_NONE);
  });
  if (detail::g_libre_err) {
    return detail::sipError("sip_init", "libre_init", detail::g_libre_err);
  }
  auto trunk = detail::AddressFilter::parse(options.trunk_allow);
  if (!trunk.ok()) return trunk.error();
  auto impl = std::make_unique<detail::EndpointImpl>(std::move(options), std::move(handler),
                                                     std::move(trunk).value());
  core::Status status = impl->launch();
  if (!status.ok()) return status.error();
  return std::unique_ptr<Endpoint>(std::move(impl));
}

std::string digestHa1(const std::string& user, const std::string& realm,
                      const std::string& password) {
  const std::string text = user + ":" + realm + ":" + password;
  std::uint8_t digest[MD5_SIZE];
  md5(reinterpret_cast<const std::uint8_t*>(text.data()), text.size(), digest);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace tongdai::sip
