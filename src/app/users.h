// Creating users, shared by the API and the CLI (`tongdai user add`).
#pragma once

#include <string>

#include "app/context.h"
#include "core/store/store.h"

namespace tongdai::app {

struct NewUser {
  std::string login;
  std::string name;
  std::string role;
  std::string password;
};

// Validates (login, role, name, password policy) and hashes; the returned
// record is ready for WriteTx::insertUser. Slow (argon2id): not on io threads.
core::Result<core::store::User> prepareUser(const NewUser& input, core::TimePoint now);
// Inserts in one transaction with its audit entry; fails with login_taken.
core::Result<core::store::User> addUserSync(core::store::Store& store, const NewUser& input,
                                            const Principal* actor, core::TimePoint now);
core::Status insertUserTx(core::store::WriteTx& tx, core::store::User& user, const Principal* actor,
                          core::TimePoint now);

}  // namespace tongdai::app
