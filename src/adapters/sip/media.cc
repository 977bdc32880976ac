// Media of a call: its RTP socket and SDP (libre), G.711 both ways, prompt
// playback paced by the endpoint's 20 ms tick, RFC 4733 digits (telev), and
// bridging two calls with an optional stereo recording.
//
// Bridged audio is always decoded to PCM and re-encoded for the other leg:
// that transcodes A-law <-> µ-law for free and gives the recorder its PCM.
#include <algorithm>

#include "adapters/sip/endpoint_impl.h"

namespace tongdai::sip::detail {
namespace {

constexpr std::size_t kMaxPayload = 1024;  // G.711 at 128 ms: more is not audio we expect
constexpr std::size_t kRecordBacklog = 8 * kFrameSamples;  // 160 ms of FIFO per leg
constexpr std::uint8_t kSilenceAlaw = 0xd5;
constexpr std::uint8_t kSilenceUlaw = 0xff;

sdp_format* localFormat(sdp_media* m, int pt) {
  return sdp_media_format(m, true, nullptr, pt, nullptr, -1, -1);
}

}  // namespace

// ---- recording ---------------------------------------------------------------

void Recording::push(int channel, const std::int16_t* pcm, std::size_t n) {
  auto& fifo_ch = fifo[channel];
  fifo_ch.insert(fifo_ch.end(), pcm, pcm + n);
  // A sender whose clock runs fast would grow the FIFO for ever: keep the newest.
  if (fifo_ch.size() > kRecordBacklog) {
    fifo_ch.erase(fifo_ch.begin(), fifo_ch.begin() + (fifo_ch.size() - kRecordBacklog));
  }
}

void Recording::writeDue(std::uint64_t now_ms) {
  if (!file) return;
  const std::uint64_t due = now_ms > start_ms ? (now_ms - start_ms) / kFrameMs : 0;
  std::int16_t frame[2 * kFrameSamples];
  while (frames_written < due) {
    for (int ch = 0; ch < 2; ++ch) {
      auto& f = fifo[ch];
      for (int i = 0; i < kFrameSamples; ++i) {
        std::int16_t s = 0;  // silence for what did not arrive
        if (!f.empty()) {
          s = f.front();
          f.pop_front();
        }
        frame[2 * i + ch] = s;
      }
    }
    aufile_write(file, reinterpret_cast<const std::uint8_t*>(frame), sizeof frame);
    ++frames_written;
  }
}

void Recording::close(std::uint64_t now_ms) {
  writeDue(now_ms);
  release(file);  // aufile fills in the WAV header sizes only now, on close
}

Recording::~Recording() { release(file); }

// ---- SDP and RTP -------------------------------------------------------------

bool EndpointImpl::openMedia(Call& call) {
  int err = rtp_listen(&call.rtp, IPPROTO_UDP, &rtp_ip_, options_.rtp_port_min,
                       options_.rtp_port_max, false, onRtp, nullptr, &call);
  if (err) {
    warn("no free RTP port: " + std::string(std::strerror(err)));
    return false;
  }
  sa laddr = *rtp_local(call.rtp);
  err = sdp_session_alloc(&call.sdp, &laddr);
  if (!err) {
    err = sdp_media_add(&call.sdpm, call.sdp, sdp_media_audio, sa_port(&laddr), sdp_proto_rtpavp);
  }
  // Our offer lists A-law first: the Vietnamese network is A-law.
  if (!err) {
    err = sdp_format_add(nullptr, call.sdpm, false, "8", "PCMA", 8000, 1, nullptr, nullptr, nullptr,
                         false, nullptr);
  }
  if (!err) {
    err = sdp_format_add(nullptr, call.sdpm, false, "0", "PCMU", 8000, 1, nullptr, nullptr, nullptr,
                         false, nullptr);
  }
  if (!err) {
    err = sdp_format_add(nullptr, call.sdpm, false, "101", telev_rtpfmt, 8000, 1, nullptr, nullptr,
                         nullptr, false, "0-15");
  }
  if (!err) err = sdp_media_set_lattr(call.sdpm, true, sdp_attr_ptime, "20");
  if (!err) err = telev_alloc(&call.tel, TELEV_PTIME);
  if (err) {
    warn("media set-up failed: " + std::string(std::strerror(err)));
    return false;
  }
  call.tx_ts = rand_u32();
  return true;
}

bool EndpointImpl::applyRemoteSdp(Call& call, mbuf* body, bool offer) {
  if (!body || mbuf_get_left(body) == 0)
    return !offer;  // nothing new (e.g. a bare re-INVITE answer)
  const std::size_t pos = body->pos;
  const int err = sdp_decode(call.sdp, body, offer);
  body->pos = pos;  // sipsess looks at the body after us
  if (err) return false;

  // libre marks the formats both sides have; pick by payload type, since
  // static types may come without an rtpmap (and so without a name).
  int first = -1;
  bool has_alaw = false, has_ulaw = false;
  for (le* e = sdp_media_format_lst(call.sdpm, false)->head; e; e = e->next) {
    const auto* fmt = static_cast<const sdp_format*>(e->data);
    if (!fmt->sup || (fmt->pt != kPtPcma && fmt->pt != kPtPcmu)) continue;
    if (first < 0) first = fmt->pt;
    (fmt->pt == kPtPcma ? has_alaw : has_ulaw) = true;
  }
  if (first < 0) return false;
  // Answering, we choose (A-law when offered); offering, the answer chose.
  call.alaw = offer ? has_alaw : first == kPtPcma;
  if (offer) {
    // Answer with the one codec we will send.
    if (sdp_format* other = localFormat(call.sdpm, call.alaw ? kPtPcmu : kPtPcma)) {
      other->sup = false;
    }
  }
  const sdp_format* te = sdp_media_format(call.sdpm, true, nullptr, -1, telev_rtpfmt, 8000, -1);
  call.telev_pt = te && te->sup ? te->pt : kPtTelephoneEvent;

  const sa* raddr = sdp_media_raddr(call.sdpm);
  call.have_remote = raddr && sa_isset(raddr, SA_ALL);
  if (call.have_remote) call.remote = *raddr;
  // libre gives the remote's direction from our side: its a=sendonly is our
  // SDP_RECVONLY (verified on libre 1.1: a phone's hold re-INVITE reads 1).
  const enum sdp_dir rdir = sdp_media_rdir(call.sdpm);
  const bool sends = (rdir & SDP_RECVONLY) != 0;
  if (sends && !call.remote_sends) call.last_rx_ms = nowMs();  // resumed: restart the clock
  call.remote_sends = sends;
  // A phone's hold button: a re-INVITE saying it will not receive.
  const bool holds = (rdir & SDP_SENDONLY) == 0;
  if (offer && call.state == CallState::kAnswered && holds != call.remote_holds && handler_.on_hold) {
    handler_.on_hold(call.id, holds);
  }
  call.remote_holds = holds;
  return true;
}

int EndpointImpl::encodeSdp(Call& call, mbuf** out, bool offer) {
  return sdp_encode(out, call.sdp, offer);
}

void EndpointImpl::onRtp(const sa* src, const rtp_header* hdr, mbuf* mb, void* arg) {
  Call& call = *static_cast<Call*>(arg);
  if (call.ended) return;
  EndpointImpl& ep = *call.ep;
  // Symmetric RTP: the first packets may come from another address than the
  // SDP said (NAT); latch on to it once, then ignore strangers.
  if (!call.have_remote || !sa_cmp(src, &call.remote, SA_ALL)) {
    if (call.got_rtp) return;
    call.remote = *src;
    call.have_remote = true;
  }
  call.got_rtp = true;
  call.last_rx_ms = nowMs();
  ++ep.counters_.rtp_in;
  if (hdr->pt == call.telev_pt) {
    ep.receiveTelephoneEvent(call, mb);
  } else if (hdr->pt == kPtPcma || hdr->pt == kPtPcmu) {
    ep.receiveAudio(call, *hdr, mb);
  }
}

void EndpointImpl::receiveAudio(Call& call, const rtp_header& hdr, mbuf* mb) {
  if (!call.peer && !call.rec) return;
  const std::size_t n = std::min(mbuf_get_left(mb), kMaxPayload);
  if (n == 0) return;
  std::int16_t pcm[kMaxPayload];
  decodeG711(hdr.pt == kPtPcma, mbuf_buf(mb), n, pcm);
  if (call.rec) call.rec->push(call.rec_channel, pcm, n);
  Call* other = call.peer ? find(call.peer) : nullptr;
  // A prompt playing to the other leg (e.g. a notice to the agent) has the floor.
  if (!other || other->state != CallState::kAnswered || other->player.active) return;
  std::uint8_t out[kMaxPayload];
  (other->alaw ? encodeAlaw : encodeUlaw)(pcm, n, out);
  sendAudio(*other, out, n);
}

void EndpointImpl::sendAudio(Call& call, const std::uint8_t* g711, std::size_t n) {
  if (!call.have_remote || !call.rtp) return;
  mbuf* mb = tx_mb_;
  mbuf_set_end(mb, RTP_HEADER_SIZE);  // room for the header rtp_send writes in front
  mbuf_set_pos(mb, RTP_HEADER_SIZE);
  if (mbuf_write_mem(mb, g711, n) != 0) return;
  mbuf_set_pos(mb, RTP_HEADER_SIZE);
  const int pt = call.alaw ? kPtPcma : kPtPcmu;
  if (rtp_send(call.rtp, &call.remote, false, call.tx_marker, pt, call.tx_ts, mb) == 0) {
    ++counters_.rtp_out;
  }
  call.tx_marker = false;
  call.tx_ts += static_cast<std::uint32_t>(n);
}

// ---- DTMF --------------------------------------------------------------------

// telev reports an event once at its first packet and once at its end. A
// digit is reported at its start, or at its end if the start was lost, and
// never twice.
void EndpointImpl::receiveTelephoneEvent(Call& call, mbuf* mb) {
  int event = -1;
  bool end = false;
  if (telev_recv(call.tel, mb, &event, &end) != 0) return;
  const int digit = telev_code2digit(event);
  const bool wanted = (digit >= '0' && digit <= '9') || digit == '*' || digit == '#';
  if (!end) {
    call.digit_event = event;
    if (wanted) reportDigit(call, static_cast<char>(digit));
    return;
  }
  if (call.digit_event != event && wanted) reportDigit(call, static_cast<char>(digit));
  call.digit_event = -1;
}

void EndpointImpl::reportDigit(Call& call, char digit) {
  if (handler_.on_digit) handler_.on_digit(call.id, digit);
}

// ---- playback ----------------------------------------------------------------

void EndpointImpl::doPlay(Call& call, std::uint64_t play_id, const std::vector<std::string>& files,
                          bool loop) {
  Player player;
  player.id = play_id;
  player.loop = loop;
  for (const auto& path : files) {
    std::string error;
    auto prompt = prompts_.get(path, &error);
    if (!prompt) {
      warn("play: " + error);  // a missing prompt is skipped, the rest still plays
      continue;
    }
    if (!prompt->pcm.empty()) player.files.push_back(std::move(prompt));
  }
  if (player.files.empty()) {
    call.player = Player{};
    if (!loop && handler_.on_play_done) handler_.on_play_done(call.id, play_id);
    return;
  }
  player.active = true;
  call.player = std::move(player);
  call.tx_marker = true;  // a new talkspurt
}

void EndpointImpl::sendNextFrame(Call& call) {
  Player& p = call.player;
  std::uint8_t frame[kFrameSamples];
  std::size_t filled = 0;
  bool finished = false;
  while (filled < kFrameSamples) {
    const Prompt& prompt = *p.files[p.index];
    const auto& data = call.alaw ? prompt.alaw : prompt.ulaw;
    const std::size_t take = std::min(kFrameSamples - filled, data.size() - p.pos);
    std::copy_n(data.data() + p.pos, take, frame + filled);
    filled += take;
    p.pos += take;
    if (p.pos < data.size()) continue;
    p.pos = 0;
    if (++p.index < p.files.size()) continue;
    p.index = 0;
    if (!p.loop) {
      finished = true;
      break;
    }
  }
  std::fill(frame + filled, frame + kFrameSamples, call.alaw ? kSilenceAlaw : kSilenceUlaw);
  sendAudio(call, frame, kFrameSamples);
  if (!finished) return;
  const std::uint64_t play_id = p.id;
  call.player = Player{};
  if (handler_.on_play_done) handler_.on_play_done(call.id, play_id);
}

// ---- bridge --------------------------------------------------------------------

void EndpointImpl::doBridge(Call& a, Call& b, const std::string& record_path) {
  if (a.state != CallState::kAnswered || b.state != CallState::kAnswered) {
    warn("bridge: both calls must be answered (" + std::to_string(a.id) + ", " +
         std::to_string(b.id) + ")");
    return;
  }
  unbridge(a);  // bridging anew dissolves earlier bridges (their legs stay up)
  unbridge(b);
  a.player = Player{};
  b.player = Player{};
  a.peer = b.id;
  b.peer = a.id;
  a.tx_marker = b.tx_marker = true;
  if (record_path.empty()) return;
  auto rec = std::make_shared<Recording>();
  aufile_prm prm{8000, 2, AUFMT_S16LE};
  const int err = aufile_open(&rec->file, &prm, record_path.c_str(), AUFILE_WRITE);
  if (err) {
    warn("cannot record to " + record_path + ": " + std::strerror(err));
    return;
  }
  rec->path = record_path;
  rec->start_ms = nowMs();
  a.rec = rec;
  a.rec_channel = 0;
  b.rec = rec;
  b.rec_channel = 1;
  recordings_.push_back(std::move(rec));
}

void EndpointImpl::unbridge(Call& call) {
  if (call.rec) {
    call.rec->close(nowMs());
    std::erase(recordings_, call.rec);
    call.rec.reset();
  }
  if (Call* other = call.peer ? find(call.peer) : nullptr) {
    other->peer = 0;
    other->rec.reset();
  }
  call.peer = 0;
}

void EndpointImpl::checkRtpTimeouts(std::uint64_t now_ms) {
  if (options_.rtp_timeout_s <= 0) return;
  const std::uint64_t limit = static_cast<std::uint64_t>(options_.rtp_timeout_s) * 1000;
  std::vector<Call*> silent;
  for (auto& [id, call] : calls_) {
    if (call->state == CallState::kAnswered && call->remote_sends &&
        now_ms - call->last_rx_ms > limit) {
      silent.push_back(call.get());
    }
  }
  for (Call* call : silent) doHangup(*call, "rtp_timeout");
}

}  // namespace tongdai::sip::detail
