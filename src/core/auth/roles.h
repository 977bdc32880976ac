// People and what they may do: roles, the password policy and lock-out.
// Pure functions; hashing itself is done by the shell (libsodium).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/status.h"
#include "core/common/time.h"

namespace tongdai::core::auth {

enum class Role { operator_, officer, supervisor, admin };

const char* toString(Role r);
const char* roleNameVi(Role r);
std::optional<Role> roleFromString(std::string_view s);

// Bit set of roles, for route permissions.
using RoleSet = unsigned;
constexpr RoleSet bit(Role r) { return 1u << static_cast<unsigned>(r); }
constexpr RoleSet kAllRoles = 0xF;
constexpr RoleSet kCaseWorkers =
    bit(Role::operator_) | bit(Role::officer) | bit(Role::supervisor);
inline bool allows(RoleSet set, Role r) { return (set & bit(r)) != 0; }

// Passwords: at least 10 characters (code points), at most 128 bytes, not
// containing the login, not all one character. Long passphrases beat rules
// about character classes (NIST SP 800-63B).
Status checkPasswordPolicy(std::string_view password, std::string_view login);

Status validateLogin(std::string_view login);

// Lock-out after repeated failures: 5 failures in a row lock the account for
// 15 minutes; each further failure while counting doubles it (max 24 h).
struct LockoutState {
  int failed_count = 0;
  std::optional<TimePoint> locked_until;
};
constexpr int kMaxFailures = 5;
bool isLocked(const LockoutState& s, TimePoint now);
LockoutState afterFailure(LockoutState s, TimePoint now);
inline LockoutState afterSuccess() { return {}; }

}  // namespace tongdai::core::auth
