#include "core/auth/roles.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/text/fold.h"

namespace tongdai::core::auth {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const TimePoint kT0 = fromUnix(1795500000);

std::string repeat(const std::string& unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}

void expectWeak(std::string_view password, std::string_view login) {
  const Status s = checkPasswordPolicy(password, login);
  ASSERT_FALSE(s.ok()) << '"' << password << '"';
  EXPECT_EQ(s.error().code, "weak_password");
  EXPECT_EQ(s.error().field, "password");
  EXPECT_FALSE(s.error().message_vi.empty());
  EXPECT_FALSE(s.error().message_en.empty());
}

LockoutState fail(int times, TimePoint now) {
  LockoutState s;
  for (int i = 0; i < times; ++i) s = afterFailure(s, now);
  return s;
}

// ---------------------------------------------------------------------------
// Roles

TEST(Roles, NamesRoundTrip) {
  const std::vector<std::pair<Role, std::string>> all = {{Role::operator_, "operator"},
                                                         {Role::officer, "officer"},
                                                         {Role::supervisor, "supervisor"},
                                                         {Role::admin, "admin"}};
  for (const auto& [role, name] : all) {
    EXPECT_EQ(toString(role), name);
    EXPECT_EQ(roleFromString(name), role) << name;
  }
}

TEST(Roles, UnknownNamesRejected) {
  for (const char* s : {"", "operator_", "Operator", "ADMIN", "root", " admin", "admin "}) {
    EXPECT_FALSE(roleFromString(s).has_value()) << s;
  }
}

TEST(Roles, VietnameseNames) {
  EXPECT_STREQ(roleNameVi(Role::operator_), "Tổng đài viên");
  EXPECT_STREQ(roleNameVi(Role::officer), "Cán bộ nghiệp vụ");
  EXPECT_STREQ(roleNameVi(Role::supervisor), "Giám sát viên");
  EXPECT_STREQ(roleNameVi(Role::admin), "Quản trị viên");
  for (Role r : {Role::operator_, Role::officer, Role::supervisor, Role::admin}) {
    EXPECT_EQ(std::string(roleNameVi(r)), text::toNfc(roleNameVi(r)));
  }
}

TEST(Roles, RoleSets) {
  for (Role r : {Role::operator_, Role::officer, Role::supervisor, Role::admin}) {
    EXPECT_TRUE(allows(kAllRoles, r)) << toString(r);
    EXPECT_TRUE(allows(bit(r), r));
    EXPECT_FALSE(allows(0, r));
  }
  EXPECT_TRUE(allows(kCaseWorkers, Role::operator_));
  EXPECT_TRUE(allows(kCaseWorkers, Role::officer));
  EXPECT_TRUE(allows(kCaseWorkers, Role::supervisor));
  EXPECT_FALSE(allows(kCaseWorkers, Role::admin));
  EXPECT_FALSE(allows(bit(Role::officer), Role::supervisor));
  // Distinct bits.
  EXPECT_EQ(bit(Role::operator_) | bit(Role::officer) | bit(Role::supervisor) | bit(Role::admin),
            kAllRoles);
}

// ---------------------------------------------------------------------------
// Password policy

TEST(PasswordPolicy, AcceptsAReasonablePassphrase) {
  EXPECT_TRUE(checkPasswordPolicy("ngựa ô đi chợ Tết", "nguyenvana").ok());
  EXPECT_TRUE(checkPasswordPolicy("correct horse battery", "").ok());
}

TEST(PasswordPolicy, AtLeastTenCodePoints) {
  expectWeak("", "user");
  expectWeak("abcdefgh9", "user");  // 9
  EXPECT_TRUE(checkPasswordPolicy("abcdefgh90", "user").ok());  // 10
  // Length is counted in characters, not bytes: 9 characters, 14 bytes.
  const std::string nine = "Mậtkhẩuđẹ";
  ASSERT_GT(nine.size(), 10u);
  expectWeak(nine, "user");
  EXPECT_TRUE(checkPasswordPolicy(nine + "p", "user").ok());  // 10 characters
}

TEST(PasswordPolicy, AtMost128Bytes) {
  const std::string max = repeat("ab", 64);
  ASSERT_EQ(max.size(), 128u);
  EXPECT_TRUE(checkPasswordPolicy(max, "user").ok());
  expectWeak(max + "c", "user");
  // 50 characters but 150 bytes: the limit is in bytes.
  expectWeak(repeat("ắ", 25) + repeat("ễ", 25), "user");
}

TEST(PasswordPolicy, MustNotContainTheLoginIgnoringCase) {
  expectWeak("nguyenvana2026!", "nguyenvana");
  expectWeak("2026-NguyenVanA-x", "nguyenvana");
  expectWeak("xxNGUYENVANAxx", "NguyenVanA");
  EXPECT_TRUE(checkPasswordPolicy("nguyen-van-a-2026", "nguyenvana").ok());
  // No login given: nothing to compare.
  EXPECT_TRUE(checkPasswordPolicy("nguyenvana2026!", "").ok());
}

TEST(PasswordPolicy, MustNotBeOneRepeatedCharacter) {
  expectWeak(std::string(12, 'a'), "user");
  expectWeak(std::string(10, '1'), "user");
  EXPECT_TRUE(checkPasswordPolicy(std::string(11, 'a') + "b", "user").ok());
  EXPECT_TRUE(checkPasswordPolicy("b" + std::string(11, 'a'), "user").ok());
}

// The header promises "not all one character" and counts length in code
// points; a repeated non-ASCII character is still one character.
TEST(PasswordPolicy, MustNotBeOneRepeatedNonAsciiCharacter) {
  expectWeak(repeat("é", 12), "user");
  expectWeak(repeat("đ", 10), "user");
}

// ---------------------------------------------------------------------------
// Login names

TEST(ValidateLogin, AcceptsAsciiLettersDigitsDotUnderscoreHyphen) {
  for (const char* login : {"abc", "nguyen.van_a-1", "A1B", "tdv.hcm_01", "a-b"}) {
    EXPECT_TRUE(validateLogin(login).ok()) << login;
  }
  EXPECT_TRUE(validateLogin(std::string(64, 'x')).ok());
}

TEST(ValidateLogin, RejectsBadLogins) {
  for (const std::string& login :
       {std::string(""), std::string("ab"), std::string(65, 'x'), std::string("nguyễn"),
        std::string("a b"), std::string("user@x"), std::string("ab/c"), std::string("abc\n"),
        std::string("abc\0", 4)}) {
    const Status s = validateLogin(login);
    ASSERT_FALSE(s.ok()) << login;
    EXPECT_EQ(s.error().code, "invalid_login");
    EXPECT_EQ(s.error().field, "login");
  }
}

// ---------------------------------------------------------------------------
// Lock-out

TEST(Lockout, FreshStateIsNotLocked) {
  EXPECT_FALSE(isLocked(LockoutState{}, kT0));
  const LockoutState s = afterSuccess();
  EXPECT_EQ(s.failed_count, 0);
  EXPECT_FALSE(s.locked_until.has_value());
}

TEST(Lockout, FourFailuresDoNotLock) {
  LockoutState s;
  for (int i = 1; i <= 4; ++i) {
    s = afterFailure(s, kT0 + minutes{i});
    EXPECT_EQ(s.failed_count, i);
    EXPECT_FALSE(s.locked_until.has_value()) << i;
    EXPECT_FALSE(isLocked(s, kT0 + minutes{i})) << i;
  }
}

TEST(Lockout, FifthFailureLocksFifteenMinutes) {
  LockoutState s = fail(4, kT0);
  const TimePoint fifth = kT0 + minutes{3};
  s = afterFailure(s, fifth);
  EXPECT_EQ(s.failed_count, kMaxFailures);
  ASSERT_TRUE(s.locked_until.has_value());
  EXPECT_EQ(*s.locked_until, fifth + minutes{15});
  EXPECT_TRUE(isLocked(s, fifth));
  EXPECT_TRUE(isLocked(s, fifth + minutes{14}));
}

TEST(Lockout, LockEndsExactlyAtLockedUntil) {
  const LockoutState s = fail(5, kT0);
  ASSERT_TRUE(s.locked_until.has_value());
  const TimePoint until = *s.locked_until;
  EXPECT_TRUE(isLocked(s, until - seconds{1}));
  EXPECT_FALSE(isLocked(s, until));
  EXPECT_FALSE(isLocked(s, until + seconds{1}));
}

TEST(Lockout, FurtherFailuresDoubleTheLock) {
  const std::vector<int> expected_minutes = {15, 30, 60, 120, 240, 480, 960};
  LockoutState s = fail(4, kT0);
  for (std::size_t i = 0; i < expected_minutes.size(); ++i) {
    const TimePoint now = kT0 + hours{static_cast<int>(i)};
    s = afterFailure(s, now);
    ASSERT_TRUE(s.locked_until.has_value()) << i;
    EXPECT_EQ(*s.locked_until - now, minutes{expected_minutes[i]}) << "failure " << (i + 5);
  }
  EXPECT_EQ(s.failed_count, 11);
}

TEST(Lockout, CappedAtTwentyFourHours) {
  LockoutState s = fail(11, kT0);
  for (int failure = 12; failure <= 40; ++failure) {
    const TimePoint now = kT0 + minutes{failure};
    s = afterFailure(s, now);
    ASSERT_TRUE(s.locked_until.has_value());
    EXPECT_EQ(*s.locked_until - now, hours{24}) << "failure " << failure;
  }
  // A very long run of failures neither overflows nor shortens the lock.
  LockoutState many;
  many.failed_count = 1'000'000;
  many = afterFailure(many, kT0);
  ASSERT_TRUE(many.locked_until.has_value());
  EXPECT_EQ(*many.locked_until - kT0, hours{24});
}

TEST(Lockout, SuccessResets) {
  LockoutState s = fail(7, kT0);
  ASSERT_TRUE(isLocked(s, kT0));
  s = afterSuccess();
  EXPECT_FALSE(isLocked(s, kT0));
  // Counting starts over: four more failures do not lock again.
  s = fail(4, kT0);
  EXPECT_FALSE(s.locked_until.has_value());
  EXPECT_FALSE(isLocked(s, kT0));
}

}  // namespace
}  // namespace tongdai::core::auth
