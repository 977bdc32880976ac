#include "core/auth/roles.h"

#include <algorithm>

namespace tongdai::core::auth {

const char* toString(Role r) {
  switch (r) {
    case Role::operator_: return "operator";
    case Role::officer: return "officer";
    case Role::supervisor: return "supervisor";
    case Role::admin: return "admin";
  }
  return "";
}

const char* roleNameVi(Role r) {
  switch (r) {
    case Role::operator_: return "Tổng đài viên";
    case Role::officer: return "Cán bộ nghiệp vụ";
    case Role::supervisor: return "Giám sát viên";
    case Role::admin: return "Quản trị viên";
  }
  return "";
}

std::optional<Role> roleFromString(std::string_view s) {
  for (Role r : {Role::operator_, Role::officer, Role::supervisor, Role::admin}) {
    if (s == toString(r)) return r;
  }
  return std::nullopt;
}

namespace {
std::size_t codePoints(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}
// True when the text is one UTF-8 character repeated ("aaaa", "đđđđ").
bool isOneRepeatedCharacter(std::string_view s) {
  std::size_t len = 1;
  while (len < s.size() && (static_cast<unsigned char>(s[len]) & 0xC0) == 0x80) len++;
  if (len > s.size() || s.size() % len != 0) return false;
  for (std::size_t i = len; i < s.size(); i += len) {
    if (s.substr(i, len) != s.substr(0, len)) return false;
  }
  return true;
}
}  // namespace

Status checkPasswordPolicy(std::string_view password, std::string_view login) {
  const char* field = "password";
  if (codePoints(password) < 10) {
    return makeError("weak_password", "Mật khẩu phải có ít nhất 10 ký tự.",
                     "The password must have at least 10 characters.", field);
  }
  if (password.size() > 128) {
    return makeError("weak_password", "Mật khẩu quá dài (tối đa 128 byte).",
                     "The password is too long (at most 128 bytes).", field);
  }
  if (!login.empty() && lower(password).find(lower(login)) != std::string::npos) {
    return makeError("weak_password", "Mật khẩu không được chứa tên đăng nhập.",
                     "The password must not contain the login.", field);
  }
  if (isOneRepeatedCharacter(password)) {
    return makeError("weak_password", "Mật khẩu không được chỉ gồm một ký tự lặp lại.",
                     "The password must not repeat a single character.", field);
  }
  return Status::Ok();
}

Status validateLogin(std::string_view login) {
  bool ok = login.size() >= 3 && login.size() <= 64 &&
            std::all_of(login.begin(), login.end(), [](unsigned char c) {
              return std::isalnum(c) || c == '.' || c == '_' || c == '-';
            });
  if (ok) return Status::Ok();
  return makeError("invalid_login",
                   "Tên đăng nhập gồm 3–64 ký tự: chữ không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang.",
                   "A login has 3–64 characters: ASCII letters, digits, '.', '_' or '-'.", "login");
}

bool isLocked(const LockoutState& s, TimePoint now) {
  return s.locked_until && now < *s.locked_until;
}

LockoutState afterFailure(LockoutState s, TimePoint now) {
  s.failed_count++;
  if (s.failed_count >= kMaxFailures) {
    int extra = std::min(s.failed_count - kMaxFailures, 7);  // 15 min · 2^7 ≈ 32 h, capped below
    auto minutes = std::min<long>(15L << extra, 24 * 60);
    s.locked_until = now + std::chrono::minutes{minutes};
  }
  return s;
}

}  // namespace tongdai::core::auth
