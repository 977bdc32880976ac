// Admission policy for SIP requests, free of libre so it can be unit-tested:
// the trunk allow-list (addresses and CIDR blocks) and per-source token
// buckets against INVITE/REGISTER floods.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/common/status.h"

namespace tongdai::sip::detail {

// IPv4/IPv6 networks; "10.0.0.1" means a /32 (or /128).
class AddressFilter {
 public:
  static core::Result<AddressFilter> parse(const std::vector<std::string>& networks);
  bool allows(const std::string& ip) const;  // false for anything unparsable

 private:
  struct Network {
    int family = 0;  // AF_INET or AF_INET6
    unsigned char addr[16] = {};
    int prefix = 0;
  };
  std::vector<Network> networks_;
};

// One token bucket per key (source IP). `rate` tokens per second, bursts up
// to one second's worth (at least 1). Keys idle for a minute are forgotten by
// prune(), so a scan from many addresses does not grow memory for ever.
class RateLimiter {
 public:
  explicit RateLimiter(double rate_per_second);
  bool allow(const std::string& key, double now_s);
  void prune(double now_s);
  std::size_t size() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens = 0;
    double last_s = 0;
  };
  double rate_;
  double burst_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace tongdai::sip::detail
