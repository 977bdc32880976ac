// The tamper-evident audit log: each entry carries the SHA-256 of the
// previous entry's hash and its own canonical content, so changing, removing
// or re-ordering any entry breaks every hash after it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tongdai::core::audit {

struct Entry {
  std::int64_t seq = 0;          // 1, 2, 3 ... no gaps
  std::int64_t at = 0;           // unix seconds
  std::int64_t actor_id = 0;     // 0 = system / anonymous
  std::string actor_login;       // login name (not personal data of citizens)
  std::string action;            // "login.ok", "case.create", "registry.read" ...
  std::string object_type;       // "case", "user", "session", ...
  std::string object_id;
  std::optional<std::int64_t> case_id;
  std::string reason;            // why (required for reads of citizen data)
  std::string details;           // compact JSON, never citizen personal data
  std::string prev_hash;         // hex
  std::string hash;              // hex
};

inline const std::string& genesisHash() {
  static const std::string zeros(64, '0');
  return zeros;
}

// Deterministic serialisation of every field but `hash`.
std::string canonical(const Entry& e);
// hex(SHA-256(canonical(e))) — canonical() includes prev_hash.
std::string computeHash(const Entry& e);
std::string sha256Hex(const std::string& data);

// Feed entries in seq order; the first failure is kept.
class ChainVerifier {
 public:
  bool feed(const Entry& e);
  bool ok() const { return !broken_seq_; }
  std::int64_t checked() const { return checked_; }
  std::optional<std::int64_t> brokenSeq() const { return broken_seq_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string expected_prev_ = genesisHash();
  std::int64_t expected_seq_ = 1;
  std::int64_t checked_ = 0;
  std::optional<std::int64_t> broken_seq_;
  std::string reason_;
};

}  // namespace tongdai::core::audit
