// `tongdai demo`: a demo organisation for trying the desks: users of every
// role with known passwords, and cases in every state.
#pragma once

#include <string>
#include <vector>

#include "core/registry/model.h"
#include "core/registry/rules.h"
#include "core/store/store.h"

namespace tongdai::app {

struct DemoLogin {
  std::string login;
  std::string role;
  std::string name;
  std::string password;
};

// The demo password shared by every demo user (documented in the README).
const char* demoPassword();
// Creates the demo users and cases unless users already exist; returns the
// logins (also when they already existed).
core::Result<std::vector<DemoLogin>> createDemo(core::store::Store& store, core::TimePoint now,
                                                bool& created);

// The demo cases' callers as registry records (same IDs, names, birth dates),
// each with a current application in another stage, relative to `now`.
std::vector<core::registry::PersonRecord> demoCitizenRecords(core::TimePoint now,
                                                             const core::registry::WorkingDayFn& working_day);

}  // namespace tongdai::app
