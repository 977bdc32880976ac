// The built-in registrar (libre 1.1 has none): REGISTER with digest
// authentication against the application's HA1s, bindings with expiry, and
// OPTIONS keep-alives. libre parses the messages, runs the transactions and
// decodes/verifies the digest; this file only decides.
//
// Nonces are stateless: hex(time) + MD5(secret, time, source IP). They stay
// valid for kNonceLifetimeS from any source port of that IP; an older one gets
// a fresh challenge with stale=true, so phones re-authenticate silently.
#include <algorithm>

#include "adapters/sip/endpoint_impl.h"

namespace tongdai::sip::detail {
namespace {

constexpr std::uint64_t kNonceLifetimeS = 300;
constexpr std::uint32_t kDefaultExpiresS = 3600;
constexpr char kAllow[] = "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, REGISTER\r\n";

bool hexToBytes(const std::string& hex, std::uint8_t* out, std::size_t n) {
  if (hex.size() != 2 * n) return false;
  for (std::size_t i = 0; i < n; ++i) {
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      const char c = hex[2 * i + k];
      int d = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (d < 0) return false;
      v = v * 16 + d;
    }
    out[i] = static_cast<std::uint8_t>(v);
  }
  return true;
}

struct ContactList {
  std::vector<std::pair<std::string, std::optional<std::uint32_t>>> contacts;
  bool wildcard = false;
};

bool collectContact(const sip_hdr* hdr, const sip_msg*, void* arg) {
  auto* list = static_cast<ContactList*>(arg);
  if (!pl_strcmp(&hdr->val, "*")) {
    list->wildcard = true;
    return false;
  }
  sip_addr addr{};
  if (sip_addr_decode(&addr, &hdr->val) != 0) return false;  // skip a malformed one
  std::optional<std::uint32_t> expires;
  pl value{};
  if (msg_param_decode(&addr.params, "expires", &value) == 0) expires = pl_u32(&value);
  list->contacts.emplace_back(toString(addr.auri), expires);
  return false;  // keep walking
}

}  // namespace

bool EndpointImpl::onSipRequest(const sip_msg* msg, void* arg) {
  auto* self = static_cast<EndpointImpl*>(arg);
  if (!pl_strcmp(&msg->met, "REGISTER")) {
    self->handleRegister(msg);
    return true;
  }
  if (!pl_strcmp(&msg->met, "OPTIONS")) {
    self->handleOptions(msg);
    return true;
  }
  return false;
}

void EndpointImpl::handleOptions(const sip_msg* msg) {
  if (!register_limiter_.allow(ipOf(msg->src), nowMs() / 1000.0)) {
    ++counters_.rate_limited;
    return;  // a keep-alive flood earns no answer at all
  }
  sip_treplyf(nullptr, nullptr, sip_, msg, false, 200, "OK",
              "%sAccept: application/sdp\r\nContent-Length: 0\r\n\r\n", kAllow);
}

void EndpointImpl::handleRegister(const sip_msg* msg) {
  if (!register_limiter_.allow(ipOf(msg->src), nowMs() / 1000.0)) {
    ++counters_.rate_limited;
    // Stateless: a flood must not fill the transaction table.
    sip_replyf(sip_, msg, 503, "Service Unavailable",
               "Retry-After: 5\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  std::string user;
  switch (verifyDigest(msg, &user)) {
    case DigestOutcome::kMissing:
      challenge(msg, false);
      return;
    case DigestOutcome::kStale:
      challenge(msg, true);
      return;
    case DigestOutcome::kFailed:
      ++counters_.auth_failed;
      sip_treply(nullptr, sip_, msg, 403, "Forbidden");
      return;
    case DigestOutcome::kOk:
      break;
  }
  // Credentials for one extension must not register another.
  if (user != toString(msg->to.uri.user)) {
    ++counters_.auth_failed;
    sip_treply(nullptr, sip_, msg, 403, "Forbidden");
    return;
  }

  ContactList list;
  sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, collectContact, &list);
  const std::uint32_t header_expires =
      pl_isset(&msg->expires) ? pl_u32(&msg->expires) : kDefaultExpiresS;
  const std::string source = ipPortOf(msg->src);
  if (list.wildcard) {
    if (header_expires != 0) {
      sip_treply(nullptr, sip_, msg, 400, "Wildcard Contact Needs Expires 0");
      return;
    }
    auto it = bindings_.find(user);
    std::vector<std::string> contacts;
    if (it != bindings_.end()) {
      for (const auto& b : it->second) contacts.push_back(b.contact);
    }
    for (const auto& c : contacts) updateBinding(user, c, source, 0);
  }
  for (const auto& [contact, expires] : list.contacts) {
    const std::uint32_t wanted = expires.value_or(header_expires);
    const auto granted = std::min<std::uint32_t>(
        wanted, static_cast<std::uint32_t>(std::max(options_.max_register_expires_s, 1)));
    updateBinding(user, contact, source, granted);
  }

  // The 200 lists every current binding of the address of record.
  std::string contacts;
  const std::uint64_t now = nowMs();
  if (auto it = bindings_.find(user); it != bindings_.end()) {
    for (const auto& b : it->second) {
      const auto left = b.expires_ms > now ? (b.expires_ms - now + 999) / 1000 : 0;
      contacts += "Contact: <" + b.contact + ">;expires=" + std::to_string(left) + "\r\n";
    }
  }
  sip_treplyf(nullptr, nullptr, sip_, msg, false, 200, "OK", "%s%sContent-Length: 0\r\n\r\n",
              contacts.c_str(), kAllow);
}

DigestOutcome EndpointImpl::verifyDigest(const sip_msg* msg, std::string* user) {
  const sip_hdr* hdr = sip_msg_hdr(msg, SIP_HDR_AUTHORIZATION);
  if (!hdr) hdr = sip_msg_hdr(msg, SIP_HDR_PROXY_AUTHORIZATION);
  if (!hdr) return DigestOutcome::kMissing;
  httpauth_digest_resp resp{};
  if (httpauth_digest_response_decode(&resp, &hdr->val) != 0) return DigestOutcome::kFailed;
  // Credentials for another realm (e.g. the carrier's) are no answer to ours.
  if (pl_strcmp(&resp.realm, options_.realm.c_str()) != 0) return DigestOutcome::kMissing;
  if (!nonceFresh(resp.nonce, msg->src, nowMs() / 1000)) return DigestOutcome::kStale;
  *user = toString(resp.username);
  std::optional<std::string> ha1;
  if (handler_.ha1_for) ha1 = handler_.ha1_for(*user);
  std::uint8_t ha1_bin[MD5_SIZE];
  if (!ha1 || !hexToBytes(*ha1, ha1_bin, MD5_SIZE)) return DigestOutcome::kFailed;
  if (httpauth_digest_response_auth(&resp, &msg->met, ha1_bin) != 0) return DigestOutcome::kFailed;
  return DigestOutcome::kOk;
}

void EndpointImpl::challenge(const sip_msg* msg, bool stale) {
  const std::string nonce = makeNonce(msg->src, nowMs() / 1000);
  sip_treplyf(nullptr, nullptr, sip_, msg, false, 401, "Unauthorized",
              "WWW-Authenticate: Digest realm=\"%s\", nonce=\"%s\", algorithm=MD5, "
              "qop=\"auth\"%s\r\n"
              "Content-Length: 0\r\n\r\n",
              options_.realm.c_str(), nonce.c_str(), stale ? ", stale=true" : "");
}

std::string EndpointImpl::makeNonce(const sa& src, std::uint64_t now_s) const {
  char stamp[17];
  std::snprintf(stamp, sizeof stamp, "%08llx", static_cast<unsigned long long>(now_s));
  const std::string ip = ipOf(src);
  std::uint8_t digest[MD5_SIZE];
  md5_printf(digest, "%w:%s:%s", nonce_secret_, sizeof nonce_secret_, stamp, ip.c_str());
  char hex[2 * MD5_SIZE + 1];
  re_snprintf(hex, sizeof hex, "%w", digest, sizeof digest);
  return std::string(stamp) + hex;
}

bool EndpointImpl::nonceFresh(const pl& nonce, const sa& src, std::uint64_t now_s) const {
  if (nonce.l != 8 + 2 * MD5_SIZE) return false;
  const std::string text = toString(nonce);
  const std::string stamp_hex = text.substr(0, 8);
  char* end = nullptr;
  const unsigned long long stamp = std::strtoull(stamp_hex.c_str(), &end, 16);
  if (!end || *end != '\0' || stamp > now_s || now_s - stamp > kNonceLifetimeS) return false;
  return makeNonce(src, stamp) == text;
}

void EndpointImpl::updateBinding(const std::string& user, const std::string& contact,
                                 const std::string& source, std::uint32_t expires_s) {
  auto& list = bindings_[user];
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const Binding& b) { return b.contact == contact; });
  const std::uint64_t now = nowMs();
  if (expires_s == 0) {
    if (it != list.end()) {
      list.erase(it);
      if (handler_.on_registration) handler_.on_registration({user, contact, source, false});
    }
  } else if (it == list.end()) {
    list.push_back(Binding{contact, source, now + expires_s * 1000ull, now});
    if (handler_.on_registration) handler_.on_registration({user, contact, source, true});
  } else {
    const bool moved = it->source != source;
    it->source = source;
    it->expires_ms = now + expires_s * 1000ull;
    it->updated_ms = now;
    if (moved && handler_.on_registration) {
      handler_.on_registration({user, contact, source, true});
    }
  }
  if (list.empty()) bindings_.erase(user);
  std::uint64_t total = 0;
  for (const auto& [u, l] : bindings_) total += l.size();
  counters_.registrations_active = total;
}

void EndpointImpl::expireBindings(std::uint64_t now_ms) {
  std::vector<std::pair<std::string, Binding>> expired;
  for (const auto& [user, list] : bindings_) {
    for (const auto& b : list) {
      if (b.expires_ms <= now_ms) expired.emplace_back(user, b);
    }
  }
  for (const auto& [user, b] : expired) updateBinding(user, b.contact, b.source, 0);
}

const Binding* EndpointImpl::newestBinding(const std::string& user) const {
  auto it = bindings_.find(user);
  if (it == bindings_.end() || it->second.empty()) return nullptr;
  return &*std::max_element(
      it->second.begin(), it->second.end(),
      [](const Binding& a, const Binding& b) { return a.updated_ms < b.updated_ms; });
}

}  // namespace tongdai::sip::detail
