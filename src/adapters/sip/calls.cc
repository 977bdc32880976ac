// Call signalling: who may call (trunk by address, extensions by digest),
// the life of incoming and outgoing sessions on libre's sipsess, and the one
// place a call ends (endCall), which guarantees on_ended exactly once.
#include <algorithm>
#include <cctype>

#include "adapters/sip/endpoint_impl.h"

namespace tongdai::sip::detail {
namespace {

constexpr char kAllow[] = "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, REFER, REGISTER\r\n";
constexpr char kContactUser[] = "tongdai";
constexpr char kSdpType[] = "application/sdp";

Call& callOf(void* arg) { return *static_cast<Call*>(arg); }

// A display name goes inside quotes in From: keep it printable and unquoted.
std::string safeDisplay(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out;
}

// The user part of a From URI: digits and a leading '+', else "anonymous".
std::string safeUser(const std::string& number) {
  std::string out;
  for (char c : number) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.') out += c;
  }
  return out.empty() ? "anonymous" : out;
}

// DTMF from a SIP INFO body: "Signal=5\r\nDuration=160" (application/dtmf-relay)
// or just "5" (application/dtmf). Returns 0 when there is none.
char infoDigit(const sip_msg* msg) {
  const std::string body(reinterpret_cast<const char*>(mbuf_buf(msg->mb)),
                         std::min<std::size_t>(mbuf_get_left(msg->mb), 512));
  std::size_t at = 0;
  if (msg_ctype_cmp(&msg->ctyp, "application", "dtmf-relay")) {
    std::string lower = body;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    at = lower.find("signal");
    if (at == std::string::npos) return 0;
    at = body.find('=', at);
    if (at == std::string::npos) return 0;
    ++at;
  }
  while (at < body.size() && (body[at] == ' ' || body[at] == '\t')) ++at;
  if (at >= body.size()) return 0;
  const char c = body[at];
  return (std::isdigit(static_cast<unsigned char>(c)) || c == '*' || c == '#') ? c : 0;
}

}  // namespace

Call::~Call() {
  // Dropping the session sends what its state needs: BYE once established,
  // CANCEL for an outgoing INVITE still ringing (libre's sipsess destructor).
  release(sess);
  release(st);
  release(invite);
  release(rtp);
  release(sdp);  // owns sdpm
  release(tel);
}

// ---- incoming --------------------------------------------------------------

void EndpointImpl::onSipsessConn(const sip_msg* msg, void* arg) {
  static_cast<EndpointImpl*>(arg)->handleInvite(msg);
}

void EndpointImpl::handleInvite(const sip_msg* msg) {
  IncomingCall info;
  if (!admitInvite(msg, &info)) return;
  auto call = std::make_unique<Call>();
  call->ep = this;
  call->id = info.id = next_call_id_++;
  if (!openMedia(*call)) {
    sip_treply(nullptr, sip_, msg, 503, "No Media Port");
    return;
  }
  call->remote_offer = mbuf_get_left(msg->mb) > 0;
  if (call->remote_offer && !applyRemoteSdp(*call, msg->mb, true)) {
    sip_treply(nullptr, sip_, msg, 488, "Not Acceptable Here");
    return;
  }
  // Hold the INVITE in a transaction of our own until the application
  // decides: it absorbs retransmissions and reports CANCEL.
  if (sip_strans_alloc(&call->st, sip_, msg, onPendingCancel, call.get()) != 0) {
    sip_treply(nullptr, sip_, msg, 500, "Server Internal Error");
    return;
  }
  sip_treply(&call->st, sip_, msg, 100, "Trying");
  call->invite = static_cast<const sip_msg*>(mem_ref(const_cast<sip_msg*>(msg)));
  calls_.emplace(call->id, std::move(call));
  ++counters_.calls_active;
  ++counters_.calls_total;
  if (handler_.on_incoming) handler_.on_incoming(info);
}

bool EndpointImpl::admitInvite(const sip_msg* msg, IncomingCall* info) {
  const std::string ip = ipOf(msg->src);
  // Per source for phones and strangers; the trunk, which carries every
  // caller from one address, gets its own bucket.
  const bool from_trunk = trunk_.allows(ip);
  RateLimiter& limiter = from_trunk ? trunk_limiter_ : invite_limiter_;
  if (!limiter.allow(ip, nowMs() / 1000.0)) {
    ++counters_.rate_limited;
    // Stateless, so a flood does not fill the transaction table.
    sip_replyf(sip_, msg, 503, "Service Unavailable",
               "Retry-After: 5\r\nContent-Length: 0\r\n\r\n");
    return false;
  }
  if (shutting_down_ || calls_.size() >= static_cast<std::size_t>(options_.max_calls)) {
    sip_treplyf(nullptr, nullptr, sip_, msg, false, 503, "Service Unavailable",
                "Retry-After: 5\r\nContent-Length: 0\r\n\r\n");
    return false;
  }
  info->to_user = toString(msg->uri.user);
  info->from_user = toString(msg->from.uri.user);
  info->from_display = safeDisplay(toString(msg->from.dname));
  info->source = ipPortOf(msg->src);
  if (from_trunk) {
    info->from_trunk = true;
    if (info->to_user == options_.hotline_number) return true;
    sip_treply(nullptr, sip_, msg, 404, "Not Found");
    return false;
  }
  // Not the trunk: an extension, which proves itself by digest. The first
  // INVITE has no credentials and is challenged like any phone expects.
  std::string user;
  switch (verifyDigest(msg, &user)) {
    case DigestOutcome::kMissing:
      challenge(msg, false);
      return false;
    case DigestOutcome::kStale:
      challenge(msg, true);
      return false;
    case DigestOutcome::kFailed:
      ++counters_.auth_failed;
      ++counters_.rejected_untrusted;
      sip_treply(nullptr, sip_, msg, 403, "Forbidden");
      return false;
    case DigestOutcome::kOk:
      break;
  }
  const bool known = info->to_user == options_.hotline_number ||
                     (handler_.ha1_for && handler_.ha1_for(info->to_user).has_value());
  if (!known) {
    sip_treply(nullptr, sip_, msg, 404, "Not Found");
    return false;
  }
  return true;
}

void EndpointImpl::onPendingCancel(void* arg) {
  Call& call = callOf(arg);
  if (call.ended) return;
  // libre already answered the CANCEL itself with 200; the INVITE gets 487.
  sip_treply(&call.st, call.ep->sip_, call.invite, 487, "Request Terminated");
  call.ep->endCall(call, "cancel");
}

bool EndpointImpl::acceptSession(Call& call, std::uint16_t scode, const char* reason, mbuf* desc) {
  release(call.st);  // our transaction gives way to the session's own
  const int err = sipsess_accept(&call.sess, sess_sock_, call.invite, scode, reason, kContactUser,
                                 kSdpType, desc, nullptr, nullptr, false, onOffer, onAnswer,
                                 onEstablished, onInfo, nullptr, onClose, &call, "%s", kAllow);
  if (err) {
    sip_treply(nullptr, sip_, call.invite, 500, "Server Internal Error");
    warn("sipsess_accept failed: " + std::string(std::strerror(err)));
    endCall(call, "failed:500");
    return false;
  }
  release(call.invite);
  return true;
}

void EndpointImpl::doRing(Call& call) {
  if (call.outgoing || call.state != CallState::kOffered) return;
  if (acceptSession(call, 180, "Ringing", nullptr)) call.state = CallState::kEarly;
}

void EndpointImpl::doAnswer(Call& call) {
  if (call.outgoing || call.state == CallState::kAnswered) return;
  mbuf* desc = nullptr;
  // Without an offer in the INVITE we offer in the 200 and get the answer in the ACK.
  if (encodeSdp(call, &desc, !call.remote_offer) != 0) {
    doReject(call, 500, "Server Internal Error");
    return;
  }
  bool ok = true;
  if (call.sess) {
    ok = sipsess_answer(call.sess, 200, "OK", desc, "%s", kAllow) == 0;
  } else {
    ok = acceptSession(call, 200, "OK", desc);
  }
  mem_deref(desc);
  if (!ok) {
    if (!call.ended) endCall(call, "failed:500");
    return;
  }
  call.state = CallState::kAnswered;
  call.last_rx_ms = nowMs();  // the RTP timeout counts from the answer
}

void EndpointImpl::doReject(Call& call, int status, const std::string& reason) {
  if (call.outgoing || call.state == CallState::kAnswered) return;
  if (status < 300 || status > 699) status = 480;
  const std::string text = reason.empty() ? "Rejected" : reason;
  if (call.sess) {
    sipsess_reject(call.sess, static_cast<std::uint16_t>(status), text.c_str(), nullptr);
  } else if (call.st) {
    sip_treply(&call.st, sip_, call.invite, static_cast<std::uint16_t>(status), text.c_str());
  }
  endCall(call, "rejected:" + std::to_string(status));
}

// ---- outgoing --------------------------------------------------------------

void EndpointImpl::doDial(CallId id, const std::string& user, const std::string& caller_number,
                          const std::string& caller_display) {
  ++counters_.calls_total;
  const Binding* binding = shutting_down_ ? nullptr : newestBinding(user);
  auto fail = [&](const std::string& why) {
    if (handler_.on_ended) handler_.on_ended(id, why);
  };
  if (!binding) return fail(shutting_down_ ? "shutdown" : "failed:404");
  // A phone behind NAT registers a private contact it cannot be reached at:
  // when the contact's IP is not the IP the REGISTER came from, route the
  // INVITE to that source (as registrars with NAT handling do).
  std::string route;
  uri contact_uri{};
  pl contact_pl{};
  pl_set_str(&contact_pl, binding->contact.c_str());
  sa contact_addr{}, source_addr{};
  const bool contact_is_ip = uri_decode(&contact_uri, &contact_pl) == 0 &&
                             sa_set(&contact_addr, &contact_uri.host, SIP_PORT) == 0;
  if (sa_decode(&source_addr, binding->source.data(), binding->source.size()) == 0 &&
      (!contact_is_ip || !sa_cmp(&contact_addr, &source_addr, SA_ADDR))) {
    route = "sip:" + binding->source + ";lr";
  }
  connectOut(id, binding->contact, route, caller_number, caller_display);
}

void EndpointImpl::connectOut(CallId id, const std::string& target, const std::string& route,
                              const std::string& caller_number, const std::string& caller_display) {
  auto fail = [&](const std::string& why) {
    if (handler_.on_ended) handler_.on_ended(id, why);
  };
  auto call = std::make_unique<Call>();
  call->ep = this;
  call->id = id;
  call->outgoing = true;
  if (!openMedia(*call)) return fail("failed:503");
  mbuf* desc = nullptr;
  if (encodeSdp(*call, &desc, true) != 0) return fail("failed:500");
  const char* routev[1] = {route.c_str()};
  const std::string from_uri = "sip:" + safeUser(caller_number) + "@" + local_host_;
  const std::string display = safeDisplay(caller_display);
  const int err =
      sipsess_connect(&call->sess, sess_sock_, target.c_str(), display.empty() ? nullptr : display.c_str(),
                      from_uri.c_str(), kContactUser, route.empty() ? nullptr : routev, route.empty() ? 0 : 1,
                      kSdpType, desc, nullptr, nullptr, false, onOffer, onAnswer, onProgress, onEstablished, onInfo,
                      onRefer, onClose, call.get(), "%s", kAllow);
  mem_deref(desc);
  if (err) {
    warn("sipsess_connect to " + target + " failed: " + std::strerror(err));
    return fail("failed:500");
  }
  calls_.emplace(id, std::move(call));
  ++counters_.calls_active;
}

// ---- sipsess callbacks -----------------------------------------------------

int EndpointImpl::onOffer(mbuf** descp, const sip_msg* msg, void* arg) {
  Call& call = callOf(arg);
  if (call.ended) return ECONNRESET;
  // A re-INVITE (hold, resume, new address): take its offer, answer it.
  if (!call.ep->applyRemoteSdp(call, msg->mb, true)) return EPROTO;
  return call.ep->encodeSdp(call, descp, false);
}

int EndpointImpl::onAnswer(const sip_msg* msg, void* arg) {
  Call& call = callOf(arg);
  if (call.ended) return ECONNRESET;
  return call.ep->applyRemoteSdp(call, msg->mb, false) ? 0 : EPROTO;
}

void EndpointImpl::onProgress(const sip_msg* msg, void* arg) {
  Call& call = callOf(arg);
  if (call.ended || call.ringing_reported) return;
  if (msg->scode == 180 || msg->scode == 183) {
    call.ringing_reported = true;
    call.state = CallState::kEarly;
    if (call.ep->handler_.on_ringing) call.ep->handler_.on_ringing(call.id);
  }
}

void EndpointImpl::onEstablished(const sip_msg*, void* arg) {
  Call& call = callOf(arg);
  if (call.ended || !call.outgoing) return;  // incoming: answered when the 200 went out
  call.state = CallState::kAnswered;
  call.last_rx_ms = nowMs();
  if (call.ep->handler_.on_answered) call.ep->handler_.on_answered(call.id);
}

void EndpointImpl::onInfo(struct sip* sip, const sip_msg* msg, void* arg) {
  Call& call = callOf(arg);
  const bool dtmf = msg_ctype_cmp(&msg->ctyp, "application", "dtmf-relay") ||
                    msg_ctype_cmp(&msg->ctyp, "application", "dtmf");
  if (!dtmf) {
    sip_treply(nullptr, sip, msg, 415, "Unsupported Media Type");
    return;
  }
  // Stateful reply: a retransmitted INFO is absorbed, not reported twice.
  sip_treply(nullptr, sip, msg, 200, "OK");
  const char digit = infoDigit(msg);
  if (digit && !call.ended) call.ep->reportDigit(call, digit);
}

// A phone's transfer button (blind transfer, RFC 3515): Refer-To names the
// extension. We accept and do the transfer ourselves as a B2BUA; the phone's
// leg is released when the target answers (our BYE ends its implicit
// subscription, so no NOTIFY is sent).
void EndpointImpl::onRefer(struct sip* sip, const sip_msg* msg, void* arg) {
  Call& call = callOf(arg);
  const sip_hdr* hdr = sip_msg_hdr(msg, SIP_HDR_REFER_TO);
  std::string target;
  sip_addr addr{};
  if (hdr && sip_addr_decode(&addr, &hdr->val) == 0 && pl_isset(&addr.uri.user)) {
    target.assign(addr.uri.user.p, addr.uri.user.l);
  }
  if (call.ended || target.empty() || !call.ep->handler_.on_refer) {
    sip_treply(nullptr, sip, msg, 400, "Bad Refer-To");
    return;
  }
  if (!call.ep->handler_.on_refer(call.id, safeUser(target))) {
    sip_treply(nullptr, sip, msg, 403, "Forbidden");
    return;
  }
  sip_treply(nullptr, sip, msg, 202, "Accepted");
}

void EndpointImpl::onClose(int err, const sip_msg* msg, void* arg) {
  Call& call = callOf(arg);
  if (call.ended) return;
  std::string why;
  if (msg && msg->scode >= 300) {
    why = "failed:" + std::to_string(msg->scode);
  } else if (err == ECONNRESET) {
    // BYE, or CANCEL of an incoming call that was ringing.
    why = (call.state == CallState::kAnswered || call.outgoing) ? "bye_remote" : "cancel";
  } else if (err == ETIMEDOUT) {
    why = call.outgoing ? "failed:408" : "ack_timeout";
  } else if (err) {
    why = "failed:" + std::string(std::strerror(err));
  } else {
    why = "bye_remote";
  }
  call.ep->endCall(call, why);
}

// ---- ending ----------------------------------------------------------------

void EndpointImpl::doHangup(Call& call, const std::string& why) {
  if (call.ended) return;
  if (!call.outgoing && call.state != CallState::kAnswered) {
    if (call.sess) {
      sipsess_reject(call.sess, 480, "Temporarily Unavailable", nullptr);
    } else if (call.st) {
      sip_treply(&call.st, sip_, call.invite, 480, "Temporarily Unavailable");
    }
  }
  endCall(call, why);  // the session's release sends BYE or CANCEL
}

void EndpointImpl::endCall(Call& call, const std::string& why) {
  if (call.ended) return;
  call.ended = true;
  const CallId peer = call.peer;
  unbridge(call);
  call.player = Player{};
  // Objects are destroyed on the next loop turn, never inside the libre
  // callback that may have brought us here.
  auto node = calls_.extract(call.id);
  if (!node.empty()) {
    graveyard_.push_back(std::move(node.mapped()));
    --counters_.calls_active;
  }
  tmr_start(&reap_tmr_, 0, onReap, this);
  if (handler_.on_ended) handler_.on_ended(call.id, why);
  // A bridged call ends both legs.
  if (peer) {
    if (Call* other = find(peer)) doHangup(*other, "peer_ended");
  }
}

}  // namespace tongdai::sip::detail
