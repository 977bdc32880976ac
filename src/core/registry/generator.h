// A synthetic population for the reference registry: deterministic for a
// seed, streaming (memory flat in the number of people), and shaped like the
// country: family names by their real frequency, middle and given names by
// gender, provinces weighted by population, the age pyramid, ethnic groups,
// ID numbers consistent with province, gender and birth year and unique,
// applications in every stage in plausible proportions.
#pragma once

#include <cstdint>
#include <memory>

#include <date/date.h>

#include "core/registry/model.h"
#include "core/registry/rules.h"

namespace tongdai::core::registry {

struct GeneratorOptions {
  std::uint64_t seed = 1;
  std::int64_t people = 1000;
  // The day the population is "as of": ages, stages of recent applications.
  // Fixed by default so that a seed always gives the same population.
  date::year_month_day as_of{date::year{2026} / 7 / 1};
  WorkingDayFn working_day = mondayToFriday;
};

class PopulationGenerator {
 public:
  explicit PopulationGenerator(GeneratorOptions options);
  ~PopulationGenerator();
  // Fills `out` with the next person; false after options.people of them.
  bool next(PersonRecord& out);
  std::int64_t produced() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace tongdai::core::registry
