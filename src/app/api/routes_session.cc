// Log in, log out, who am I, change my password.
#include <spdlog/spdlog.h>

#include "app/api/router.h"
#include "app/api/views.h"
#include "app/security.h"

namespace tongdai::app {

using core::Status;
using core::store::WriteTx;

namespace {

const std::string& dummyHash() {
  // Verifying against a real hash when the login is unknown keeps the answer
  // time the same, so logins cannot be probed by timing.
  static const std::string h = hashPassword("tongdai-dummy-password");
  return h;
}

std::string cookieFor(const std::string& token, int max_age) {
  return "tongdai_session=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(max_age);
}

void failLocked(const CallPtr& call, std::int64_t until) {
  std::string when = core::formatLocalIso(core::fromUnix(until)).substr(11, 5);
  call->fail(423, "account_locked",
             "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Thử lại sau " + when + ".",
             "Account locked after repeated failed logins. Try again after " + when + ".");
}

void failCredentials(const CallPtr& call) {
  call->fail(401, "invalid_credentials", "Sai tên đăng nhập hoặc mật khẩu.",
             "Wrong login or password.");
}

void login(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  auto login = stringField(*body, "login", true);
  if (!login.ok()) return call->fail(422, login.error());
  auto password = stringField(*body, "password", true);
  if (!password.ok()) return call->fail(422, password.error());
  if (login->size() > 64 || password->size() > 1024) return failCredentials(call);

  // argon2id is slow on purpose: off the io threads.
  call->ctx.workers().post([call, login = *login, password = *password] {
    AppContext& ctx = call->ctx;
    std::optional<core::store::User> user;
    ctx.store().read([&](core::store::ReadTx& tx) {
      user = tx.userByLogin(login);
      return Status::Ok();
    });
    auto now = ctx.now();
    bool ok = verifyPassword(user ? user->password_hash : dummyHash(), password);
    if (!user) {
      commit(call, [=](WriteTx& tx) {
        tx.appendAudit(auditEntry(nullptr, "login.failed", "user", login, std::nullopt, "unknown login", "", now));
        return Status::Ok();
      }, [call] { failCredentials(call); });
      return;
    }
    core::auth::LockoutState lock{user->failed_logins,
                                  user->locked_until ? std::optional(core::fromUnix(*user->locked_until))
                                                     : std::nullopt};
    if (core::auth::isLocked(lock, now)) return failLocked(call, *user->locked_until);
    if (user->disabled) {
      return call->fail(403, "account_disabled", "Tài khoản đã bị vô hiệu hóa. Liên hệ quản trị viên.",
                        "This account is disabled. Contact an administrator.");
    }
    if (!ok) {
      auto next = core::auth::afterFailure(lock, now);
      core::store::User u = *user;
      u.failed_logins = next.failed_count;
      u.locked_until = next.locked_until ? std::optional(core::toUnix(*next.locked_until)) : std::nullopt;
      u.updated_at = core::toUnix(now);
      commit(call, [=](WriteTx& tx) {
        tx.updateUser(u);
        tx.appendAudit(auditEntry(nullptr, "login.failed", "user", std::to_string(u.id), std::nullopt,
                                  "wrong password", "", now));
        return Status::Ok();
      }, [call, u] {
        if (u.locked_until) return failLocked(call, *u.locked_until);
        failCredentials(call);
      });
      return;
    }
    std::string token = randomToken();
    Principal p{user->id, user->login, user->name, user->role, core::audit::sha256Hex(token),
                randomToken(16), core::toUnix(now) + ctx.config().session_hours * 3600};
    core::store::User u = *user;
    u.failed_logins = 0;
    u.locked_until.reset();
    u.updated_at = core::toUnix(now);
    commit(call, [=](WriteTx& tx) {
      tx.updateUser(u);
      tx.deleteExpiredSessions(core::toUnix(now));
      tx.insertSession({p.token_hash, p.user_id, p.csrf_token, core::toUnix(now), p.expires_at});
      tx.appendAudit(auditEntry(&p, "login.ok", "user", std::to_string(u.id), std::nullopt, "", "", now));
      return Status::Ok();
    }, [call, p, token, &ctx] {
      ctx.sessions().put(p);
      call->respond(200,
                    {{"user", principalView(p)},
                     {"csrf_token", p.csrf_token},
                     {"expires_at", core::formatLocalIso(core::fromUnix(p.expires_at))}},
                    {{"Set-Cookie", cookieFor(token, ctx.config().session_hours * 3600)}});
    });
  });
}

void logout(const CallPtr& call) {
  Principal p = *call->who;
  auto now = call->ctx.now();
  commit(call, [p, now](WriteTx& tx) {
    tx.deleteSession(p.token_hash);
    tx.appendAudit(auditEntry(&p, "logout", "user", std::to_string(p.user_id), std::nullopt, "", "", now));
    return Status::Ok();
  }, [call, p] {
    call->ctx.sessions().erase(p.token_hash);
    call->respond(204, nullptr, {{"Set-Cookie", cookieFor("", 0)}});
  });
}

void whoami(const CallPtr& call) {
  const Principal& p = *call->who;
  call->respond(200, {{"user", principalView(p)},
                      {"csrf_token", p.csrf_token},
                      {"expires_at", core::formatLocalIso(core::fromUnix(p.expires_at))}});
}

void changeOwnPassword(const CallPtr& call) {
  auto body = call->jsonBody();
  if (!body) return;
  auto current = stringField(*body, "current_password", true);
  if (!current.ok()) return call->fail(422, current.error());
  auto next = stringField(*body, "new_password", true);
  if (!next.ok()) return call->fail(422, next.error());
  auto policy = core::auth::checkPasswordPolicy(*next, call->who->login);
  if (!policy.ok()) {
    core::Error e = policy.error();
    e.field = "new_password";
    return call->fail(422, e);
  }
  call->ctx.workers().post([call, current = *current, next = *next] {
    std::optional<core::store::User> user;
    call->ctx.store().read([&](core::store::ReadTx& tx) {
      user = tx.userById(call->who->user_id);
      return Status::Ok();
    });
    if (!user || !verifyPassword(user->password_hash, current)) {
      return call->fail(422, "wrong_password", "Mật khẩu hiện tại không đúng.",
                        "The current password is wrong.", "current_password");
    }
    auto now = call->ctx.now();
    core::store::User u = *user;
    u.password_hash = hashPassword(next);
    u.updated_at = core::toUnix(now);
    Principal p = *call->who;
    commit(call, [u, p, now](WriteTx& tx) {
      tx.updateUser(u);
      tx.appendAudit(auditEntry(&p, "user.password_changed", "user", std::to_string(u.id), std::nullopt,
                                "self", "", now));
      return Status::Ok();
    }, [call] { call->respond(204, nullptr); });
  });
}

}  // namespace

void registerSessionRoutes(Router& r) {
  r.addPublic("POST", "/api/v1/session", login);
  r.add("GET", "/api/v1/session", core::auth::kAllRoles, whoami);
  r.add("DELETE", "/api/v1/session", core::auth::kAllRoles, logout);
  r.add("POST", "/api/v1/session/password", core::auth::kAllRoles, changeOwnPassword);
}

}  // namespace tongdai::app
