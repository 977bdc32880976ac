// The SIP admission policy without sockets: trunk allow-list and flood buckets.
#include "adapters/sip/policy.h"

#include <gtest/gtest.h>

namespace tongdai::sip::detail {
namespace {

TEST(SipAddressFilter, MatchesAddressesAndCidrBlocks) {
  auto filter = AddressFilter::parse({"127.0.0.0/8", "::1/128", "203.0.113.7", "2001:db8::/32"});
  ASSERT_TRUE(filter.ok());
  EXPECT_TRUE(filter->allows("127.0.0.1"));
  EXPECT_TRUE(filter->allows("127.255.1.2"));
  EXPECT_TRUE(filter->allows("::1"));
  EXPECT_TRUE(filter->allows("203.0.113.7"));
  EXPECT_FALSE(filter->allows("203.0.113.8"));
  EXPECT_TRUE(filter->allows("2001:db8:1::5"));
  EXPECT_FALSE(filter->allows("2001:db9::1"));
  EXPECT_TRUE(filter->allows("::ffff:127.0.0.1"));  // IPv4-mapped is judged as IPv4
  EXPECT_FALSE(filter->allows("10.0.0.1"));
  EXPECT_FALSE(filter->allows(""));
  EXPECT_FALSE(filter->allows("not-an-ip"));
}

TEST(SipAddressFilter, OddPrefixesAndErrors) {
  auto filter = AddressFilter::parse({"192.168.0.0/23"});
  ASSERT_TRUE(filter.ok());
  EXPECT_TRUE(filter->allows("192.168.1.200"));
  EXPECT_FALSE(filter->allows("192.168.2.1"));
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "example.org", "::/129"}) {
    auto r = AddressFilter::parse({bad});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "sip_trunk_allow");
    EXPECT_EQ(r.error().field, "trunk_allow");
  }
  EXPECT_TRUE(AddressFilter::parse({}).ok());  // nobody trusted by address
}

TEST(SipRateLimiter, BurstThenRateThenForgets) {
  RateLimiter limiter(10);  // 10/s, bursts of 10
  int allowed = 0;
  for (int i = 0; i < 50; ++i) allowed += limiter.allow("a", 100.0);
  EXPECT_EQ(allowed, 10);
  EXPECT_TRUE(limiter.allow("b", 100.0));  // per source
  EXPECT_FALSE(limiter.allow("a", 100.05));
  EXPECT_TRUE(limiter.allow("a", 100.2));  // tokens come back at 10 a second
  limiter.prune(130.0);
  EXPECT_EQ(limiter.size(), 2u);
  limiter.prune(200.0);
  EXPECT_EQ(limiter.size(), 0u);
  RateLimiter off(0);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(off.allow("a", 1.0));
}

}  // namespace
}  // namespace tongdai::sip::detail
