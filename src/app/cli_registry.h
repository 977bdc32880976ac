// `tongdai registry ...`: parse-id (what a personal ID number says, and
// whether a stated birth date and gender agree), generate (the synthetic
// population, streamed into SQLite, PostgreSQL or JSON lines) and serve-stub
// (the local stand-in of the national registry service).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/registry/model.h"
#include "core/registry/rules.h"

namespace CLI {
class App;
}  // namespace CLI

namespace tongdai::app {

CLI::App* addRegistryCommand(CLI::App& app);
int runRegistry();

// Streams a population into `url` (SQLite/PostgreSQL registry, or "-" for JSON
// lines on stdout), then `extra` (the demo's own callers; generated people
// who happen to share an ID with one of them are left out). Progress and the
// final rate go to stderr unless quiet. Returns 0 or an exit code with a
// message printed.
int generatePopulation(std::int64_t people, std::uint64_t seed, const std::string& url,
                       const std::string& as_of, bool quiet,
                       const std::vector<core::registry::PersonRecord>& extra = {});
// Working days of the shipped calendar (weekends, holidays, make-up days).
core::registry::WorkingDayFn shippedWorkingDays();

}  // namespace tongdai::app
