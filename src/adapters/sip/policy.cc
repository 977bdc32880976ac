#include "adapters/sip/policy.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace tongdai::sip::detail {
namespace {

// Parses an address into network-order bytes; returns the family or 0.
int parseAddress(const std::string& text, unsigned char out[16]) {
  if (inet_pton(AF_INET, text.c_str(), out) == 1) return AF_INET;
  if (inet_pton(AF_INET6, text.c_str(), out) == 1) return AF_INET6;
  return 0;
}

bool prefixMatches(const unsigned char* a, const unsigned char* b, int prefix) {
  const int full = prefix / 8;
  if (std::memcmp(a, b, full) != 0) return false;
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

}  // namespace

core::Result<AddressFilter> AddressFilter::parse(const std::vector<std::string>& networks) {
  AddressFilter filter;
  for (const auto& text : networks) {
    Network net;
    const auto slash = text.find('/');
    net.family = parseAddress(text.substr(0, slash), net.addr);
    const int max_prefix = net.family == AF_INET ? 32 : 128;
    net.prefix = max_prefix;
    bool ok = net.family != 0;
    if (ok && slash != std::string::npos) {
      const std::string bits = text.substr(slash + 1);
      ok = !bits.empty() && bits.size() <= 3 &&
           std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (ok) net.prefix = std::stoi(bits);
      ok = ok && net.prefix <= max_prefix;
    }
    if (!ok) {
      return core::makeError("sip_trunk_allow", "Địa chỉ mạng không hợp lệ: " + text,
                             "Invalid network address: " + text, "trunk_allow");
    }
    filter.networks_.push_back(net);
  }
  return filter;
}

bool AddressFilter::allows(const std::string& ip) const {
  unsigned char addr[16] = {};
  int family = parseAddress(ip, addr);
  // An IPv4-mapped IPv6 source (::ffff:a.b.c.d) is judged as the IPv4 address.
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (family == AF_INET6 && std::memcmp(addr, kMapped, 12) == 0) {
    std::memmove(addr, addr + 12, 4);
    family = AF_INET;
  }
  if (family == 0) return false;
  for (const auto& net : networks_) {
    if (net.family == family && prefixMatches(addr, net.addr, net.prefix)) return true;
  }
  return false;
}

RateLimiter::RateLimiter(double rate_per_second)
    : rate_(std::max(rate_per_second, 0.0)), burst_(std::max(rate_per_second, 1.0)) {}

bool RateLimiter::allow(const std::string& key, double now_s) {
  if (rate_ <= 0) return true;  // 0 disables the limit
  auto [it, fresh] = buckets_.try_emplace(key);
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = burst_;
  } else {
    b.tokens = std::min(burst_, b.tokens + (now_s - b.last_s) * rate_);
  }
  b.last_s = now_s;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

void RateLimiter::prune(double now_s) {
  std::erase_if(buckets_, [now_s](const auto& kv) { return now_s - kv.second.last_s > 60; });
}

}  // namespace tongdai::sip::detail
