#include "core/audit/chain.h"

#include <openssl/evp.h>

#include <cstdio>

namespace tongdai::core::audit {

namespace {
// Length-prefixed fields: no separator can be forged by content.
void put(std::string& out, const std::string& field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ';';
}
}  // namespace

std::string canonical(const Entry& e) {
  std::string out = "tongdai-audit-v1;";
  put(out, std::to_string(e.seq));
  put(out, std::to_string(e.at));
  put(out, std::to_string(e.actor_id));
  put(out, e.actor_login);
  put(out, e.action);
  put(out, e.object_type);
  put(out, e.object_id);
  put(out, e.case_id ? std::to_string(*e.case_id) : "");
  put(out, e.reason);
  put(out, e.details);
  put(out, e.prev_hash);
  return out;
}

std::string sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  std::string hex(len * 2, '0');
  static const char* kHex = "0123456789abcdef";
  for (unsigned i = 0; i < len; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 15];
  }
  return hex;
}

std::string computeHash(const Entry& e) { return sha256Hex(canonical(e)); }

bool ChainVerifier::feed(const Entry& e) {
  if (broken_seq_) return false;
  if (e.seq != expected_seq_) {
    broken_seq_ = e.seq;
    reason_ = "sequence gap: expected " + std::to_string(expected_seq_) + ", found " +
              std::to_string(e.seq);
  } else if (e.prev_hash != expected_prev_) {
    broken_seq_ = e.seq;
    reason_ = "prev_hash does not match the previous entry's hash";
  } else if (computeHash(e) != e.hash) {
    broken_seq_ = e.seq;
    reason_ = "content does not match its hash";
  }
  if (broken_seq_) return false;
  expected_prev_ = e.hash;
  expected_seq_++;
  checked_++;
  return true;
}

}  // namespace tongdai::core::audit
