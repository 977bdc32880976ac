// First-start content of a new store: the category taxonomy (from the FAQ
// topics of the hotline), the default calendar with the shipped holidays,
// the default SLA targets. Idempotent: only what is missing is added.
#pragma once

#include <string>
#include <vector>

#include "core/calendar/business_calendar.h"
#include "core/store/store.h"

namespace tongdai::app {

const std::vector<std::string>& holidayFiles();  // generated from data/holidays
const std::vector<std::string>& kbArticleFiles();  // generated from data/kb/*.json
// The hotline's default hours (07:30-17:30 Mon-Fri) with the shipped holidays.
core::Result<core::calendar::BusinessCalendar> shippedCalendar();
core::Status seedStore(core::store::Store& store, core::TimePoint now);

}  // namespace tongdai::app
