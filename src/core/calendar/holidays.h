// Public holidays and make-up workdays ship as one data file per year
// (data/holidays/vn-YYYY.json), because Vietnam announces the exact days off
// every year; nothing here computes them. The caller reads the file (I/O
// stays in the shell) and merges the parsed JSON into a calendar spec.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "core/calendar/business_calendar.h"
#include "core/common/status.h"

namespace tongdai::core::calendar {

// File shape:
//   {"year":2026,"source":"...",
//    "days_off":[{"date":"YYYY-MM-DD","name":"..."}],
//    "make_up_workdays":[{"date":"YYYY-MM-DD","name":"..."}]}   (optional)
// Validates everything before touching `spec` (all or nothing): entries as in
// calendarSpecFromJson, every date inside `year`, a non-empty source, and no
// date that `spec` already has in the other list. A date already in the same
// list gets the file's name, so merging a file twice changes nothing.
// Error.field is the JSON path in the file, e.g. "days_off[2].date".
Status mergeHolidayFile(const nlohmann::json& file, CalendarSpec& spec);

}  // namespace tongdai::core::calendar
