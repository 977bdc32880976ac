// The one place libre/librem headers are included (internal to
// src/adapters/sip). They are C headers that assume <stdint.h> and friends
// were included before, and re_mem.h trips g++'s -Wvolatile in C++20.
// Without RELEASE, re_mbuf.h's inline helpers execute `int3` (SIGTRAP: the
// process dies) on a position past the end; a server must not do that.
#pragma once

#ifndef RELEASE
#define RELEASE 1
#endif

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wvolatile"
#include <re/re.h>
#include <rem/rem.h>
#pragma GCC diagnostic pop

#include <string>

namespace tongdai::sip::detail {

// Drops a libre reference and nulls the pointer.
template <typename T>
void release(T*& p) {
  mem_deref(const_cast<void*>(static_cast<const void*>(p)));
  p = nullptr;
}

inline std::string toString(const pl& p) { return p.p ? std::string(p.p, p.l) : std::string(); }

// "ip" of a socket address.
inline std::string ipOf(const sa& addr) {
  char buf[64] = {};
  if (sa_ntop(&addr, buf, sizeof buf) != 0) return {};
  return buf;
}

// "ip:port" ("[v6]:port" for IPv6).
inline std::string ipPortOf(const sa& addr) {
  char buf[80] = {};
  re_snprintf(buf, sizeof buf, "%J", &addr);
  return buf;
}

}  // namespace tongdai::sip::detail
