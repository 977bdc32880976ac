#include "app/users.h"

#include "app/security.h"
#include "core/cases/case.h"

namespace tongdai::app {

core::Result<core::store::User> prepareUser(const NewUser& input, core::TimePoint now) {
  auto login_ok = core::auth::validateLogin(input.login);
  if (!login_ok.ok()) return login_ok.error();
  auto role = core::auth::roleFromString(input.role);
  if (!role) {
    return core::makeError("invalid_role", "Vai trò phải là operator, officer, supervisor hoặc admin.",
                           "role must be operator, officer, supervisor or admin.", "role");
  }
  auto name = core::cases::validateText(input.name, "name", 200, true);
  if (!name.ok()) return name.error();
  auto policy = core::auth::checkPasswordPolicy(input.password, input.login);
  if (!policy.ok()) return policy.error();
  core::store::User u;
  u.login = input.login;
  u.name = *name;
  u.role = *role;
  u.password_hash = hashPassword(input.password);
  u.created_at = u.updated_at = core::toUnix(now);
  return u;
}

core::Status insertUserTx(core::store::WriteTx& tx, core::store::User& user, const Principal* actor,
                          core::TimePoint now) {
  if (tx.userByLogin(user.login)) {
    return core::makeError("login_taken", "Tên đăng nhập \"" + user.login + "\" đã có người dùng.",
                           "The login \"" + user.login + "\" is taken.", "login");
  }
  user.id = tx.insertUser(user);
  tx.appendAudit(auditEntry(actor, "user.create", "user", std::to_string(user.id), std::nullopt, "",
                            std::string("{\"role\":\"") + core::auth::toString(user.role) + "\"}", now));
  return core::Status::Ok();
}

core::Result<core::store::User> addUserSync(core::store::Store& store, const NewUser& input,
                                            const Principal* actor, core::TimePoint now) {
  auto prepared = prepareUser(input, now);
  if (!prepared.ok()) return prepared.error();
  core::store::User u = prepared.value();
  auto st = store.writeSync([&](core::store::WriteTx& tx) { return insertUserTx(tx, u, actor, now); });
  if (!st.ok()) return st.error();
  return u;
}

}  // namespace tongdai::app
