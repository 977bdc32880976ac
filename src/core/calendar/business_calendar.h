// Business-hours calendar of the hotline: which instants are open, and due
// dates counted in open minutes (SLA clocks stop outside hours, on public
// holidays, and run on make-up Saturdays). Pure: no clock of its own, times
// come in as UTC arguments; the only I/O is locating the time zone once in
// create().
#pragma once

#include <date/date.h>
#include <date/tz.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/common/status.h"

namespace tongdai::core::calendar {

using TimePoint = std::chrono::sys_seconds;  // UTC instants

// Minutes after local midnight, half-open [start, end); end may be 1440.
struct Interval {
  int start_minute;
  int end_minute;
  friend bool operator==(const Interval&, const Interval&) = default;
};

struct CalendarSpec {
  std::string time_zone = "Asia/Ho_Chi_Minh";
  std::array<std::vector<Interval>, 7> week;    // index 0 = Monday ... 6 = Sunday
  std::map<std::string, std::string> days_off;  // "YYYY-MM-DD" -> name (public holidays)
  // "YYYY-MM-DD" -> name; a (Saturday) worked in exchange for a bridge day off.
  // It uses Monday's intervals. A date may not also be a day off.
  std::map<std::string, std::string> make_up_workdays;

  static CalendarSpec hotlineDefault();  // 07:30-17:30 Mon-Fri, no holidays
  friend bool operator==(const CalendarSpec&, const CalendarSpec&) = default;
};

// Validates: intervals in "HH:MM" (24:00 allowed as an end), sorted,
// non-overlapping, 0 <= start < end <= 1440; real dates; no duplicate dates;
// no date both off and worked; no unknown keys. Error.field names the JSON
// path at fault, e.g. "week.mon[1]" or "days_off[3].date". The zone name is
// checked by BusinessCalendar::create, not here.
// JSON shape:
//   {"time_zone":"Asia/Ho_Chi_Minh",
//    "week":{"mon":[["07:30","17:30"]],"tue":[...],...,"sun":[]},
//    "days_off":[{"date":"2026-01-01","name":"Tết Dương lịch"}],
//    "make_up_workdays":[{"date":"...","name":"..."}]}
// "time_zone", missing week days, "days_off" and "make_up_workdays" are
// optional (default zone, closed, none).
Result<CalendarSpec> calendarSpecFromJson(const nlohmann::json& json);
nlohmann::json calendarSpecToJson(const CalendarSpec& spec);

class BusinessCalendar {
 public:
  // How far every search looks ahead: 3 years including a leap day.
  static constexpr date::days kSearchHorizon{3 * 365 + 1};

  // Validates the spec like calendarSpecFromJson; error on an unknown zone.
  static Result<BusinessCalendar> create(CalendarSpec spec);

  const CalendarSpec& spec() const { return spec_; }
  bool isOpen(TimePoint t) const;
  bool isWorkingDay(date::year_month_day local_day) const;

  // First instant at which `minutes` of open time have elapsed since start
  // (a start outside hours counts from the next opening). minutes <= 0 gives
  // start. If that instant lies beyond start + kSearchHorizon (e.g. an
  // all-closed calendar), returns start + kSearchHorizon.
  TimePoint addBusinessMinutes(TimePoint start, std::int64_t minutes) const;

  // Whole open minutes in [from, to) (open seconds rounded down); 0 if to <= from.
  std::int64_t businessMinutesBetween(TimePoint from, TimePoint to) const;

  // t itself if open, else the next opening; nullopt if none within kSearchHorizon.
  std::optional<TimePoint> nextOpening(TimePoint t) const;

 private:
  struct Span {  // one open interval of one local day, in UTC
    TimePoint start;
    TimePoint end;
  };

  BusinessCalendar(CalendarSpec spec, const date::time_zone* zone);
  date::local_days localDay(TimePoint t) const;
  const std::vector<Interval>& intervalsOn(date::local_days day) const;
  Span spanOf(date::local_days day, const Interval& interval) const;
  // Calls visit(Span) for the open spans of local days first..last, in order,
  // until visit returns false. Defined and used in the .cc only.
  template <typename Visit>
  void forEachSpan(date::local_days first, date::local_days last, Visit&& visit) const;

  CalendarSpec spec_;
  const date::time_zone* zone_;  // owned by the tz database, lives for the program
  std::set<date::local_days> days_off_;
  std::set<date::local_days> make_up_workdays_;
};

}  // namespace tongdai::core::calendar
