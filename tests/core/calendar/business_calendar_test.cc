#include "core/calendar/business_calendar.h"

#include <date/date.h>
#include <date/tz.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/calendar/holidays.h"

namespace tongdai::core::calendar {
namespace {

using nlohmann::json;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr const char* kZone = "Asia/Ho_Chi_Minh";

// The 2026 entries these tests need, copied from data/holidays/vn-2026.json
// so the tests stay free of file I/O.
constexpr const char* kHolidays2026 = R"json({
  "year": 2026,
  "source": "test copy of data/holidays/vn-2026.json",
  "days_off": [
    {"date": "2026-02-16", "name": "Tết Nguyên Đán"},
    {"date": "2026-02-17", "name": "Tết Nguyên Đán"},
    {"date": "2026-02-18", "name": "Tết Nguyên Đán"},
    {"date": "2026-02-19", "name": "Tết Nguyên Đán"},
    {"date": "2026-02-20", "name": "Tết Nguyên Đán"},
    {"date": "2026-04-26", "name": "Giỗ Tổ Hùng Vương"},
    {"date": "2026-04-27", "name": "Giỗ Tổ Hùng Vương (nghỉ bù)"},
    {"date": "2026-04-30", "name": "Ngày Chiến thắng"},
    {"date": "2026-05-01", "name": "Ngày Quốc tế Lao động"}
  ],
  "make_up_workdays": []
})json";

// "2026-02-13 17:29" in Vietnam -> UTC instant.
TimePoint at(const std::string& local) {
  std::istringstream in(local);
  date::local_seconds time;
  in >> date::parse("%Y-%m-%d %H:%M", time);
  if (in.fail()) throw std::invalid_argument("bad local time in test: " + local);
  return date::zoned_time<seconds>(kZone, time).get_sys_time();
}

// UTC instant -> "2026-02-23 07:59" in Vietnam, for readable failures.
std::string show(TimePoint t) {
  return date::format("%Y-%m-%d %H:%M:%S", date::zoned_time<seconds>(kZone, t));
}

date::year_month_day day(const std::string& text) {
  std::istringstream in(text);
  date::year_month_day ymd;
  in >> date::parse("%Y-%m-%d", ymd);
  if (in.fail()) throw std::invalid_argument("bad date in test: " + text);
  return ymd;
}

BusinessCalendar calendarOf(CalendarSpec spec) {
  Result<BusinessCalendar> calendar = BusinessCalendar::create(std::move(spec));
  if (!calendar) throw std::runtime_error(calendar.error().message_en);
  return std::move(calendar).value();
}

CalendarSpec hotline2026Spec() {
  CalendarSpec spec = CalendarSpec::hotlineDefault();
  const Status merged = mergeHolidayFile(json::parse(kHolidays2026), spec);
  if (!merged) throw std::runtime_error(merged.error().message_en);
  return spec;
}

BusinessCalendar hotline2026() { return calendarOf(hotline2026Spec()); }

// Weekdays 07:30-11:30 and 13:00-17:30, written as an operator would.
CalendarSpec lunchBreakSpec() {
  const json week = json::parse(R"json({"week": {
    "mon": [["07:30", "11:30"], ["13:00", "17:30"]],
    "tue": [["07:30", "11:30"], ["13:00", "17:30"]],
    "wed": [["07:30", "11:30"], ["13:00", "17:30"]],
    "thu": [["07:30", "11:30"], ["13:00", "17:30"]],
    "fri": [["07:30", "11:30"], ["13:00", "17:30"]],
    "sat": [], "sun": []}})json");
  Result<CalendarSpec> spec = calendarSpecFromJson(week);
  if (!spec) throw std::runtime_error(spec.error().message_en);
  return std::move(spec).value();
}

TEST(BusinessCalendarTest, LocalTimesAreUtcPlusSeven) {
  using namespace date::literals;
  EXPECT_EQ(at("2026-02-13 17:29"),
            date::sys_days{2026_y / 2 / 13} + std::chrono::hours{10} + minutes{29});
}

TEST(BusinessCalendarTest, OpensAtHalfPastSevenAndClosesAtHalfPastFive) {
  const BusinessCalendar calendar = hotline2026();
  EXPECT_FALSE(calendar.isOpen(at("2026-03-02 07:29")));
  EXPECT_TRUE(calendar.isOpen(at("2026-03-02 07:30")));
  EXPECT_TRUE(calendar.isOpen(at("2026-03-02 17:29")));
  EXPECT_FALSE(calendar.isOpen(at("2026-03-02 17:30")));  // intervals are half-open
  EXPECT_EQ(calendar.businessMinutesBetween(at("2026-03-02 00:00"), at("2026-03-03 00:00")), 600);
}

TEST(BusinessCalendarTest, FridayBeforeTetRunsOverTheBreak) {
  const BusinessCalendar calendar = hotline2026();
  const TimePoint opened = at("2026-02-13 17:29");
  // 1 minute on Friday, Tết 16-20 Feb and two weekends closed, 29 on Monday.
  const TimePoint due = calendar.addBusinessMinutes(opened, 30);
  EXPECT_EQ(due, at("2026-02-23 07:59")) << show(due);
  EXPECT_EQ(calendar.businessMinutesBetween(opened, due), 30);
  EXPECT_EQ(calendar.nextOpening(at("2026-02-13 17:30")), at("2026-02-23 07:30"));
  for (const char* tet : {"2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"}) {
    EXPECT_FALSE(calendar.isWorkingDay(day(tet))) << tet;
  }
  EXPECT_TRUE(calendar.isWorkingDay(day("2026-02-13")));
  EXPECT_TRUE(calendar.isWorkingDay(day("2026-02-23")));
}

TEST(BusinessCalendarTest, CaseOpenedOnSundayCountsFromMondayOpening) {
  const BusinessCalendar calendar = hotline2026();
  const TimePoint sunday = at("2026-03-01 10:00");
  EXPECT_FALSE(calendar.isOpen(sunday));
  EXPECT_FALSE(calendar.isWorkingDay(day("2026-03-01")));
  EXPECT_EQ(calendar.nextOpening(sunday), at("2026-03-02 07:30"));
  const TimePoint due = calendar.addBusinessMinutes(sunday, 60);
  EXPECT_EQ(due, at("2026-03-02 08:30")) << show(due);
  EXPECT_EQ(calendar.addBusinessMinutes(sunday, 0), sunday);
  EXPECT_EQ(calendar.addBusinessMinutes(sunday, -5), sunday);
}

TEST(BusinessCalendarTest, LunchBreakStopsTheClock) {
  const BusinessCalendar calendar = calendarOf(lunchBreakSpec());
  EXPECT_FALSE(calendar.isOpen(at("2026-03-02 11:30")));
  EXPECT_FALSE(calendar.isOpen(at("2026-03-02 12:15")));
  EXPECT_TRUE(calendar.isOpen(at("2026-03-02 13:00")));
  EXPECT_EQ(calendar.nextOpening(at("2026-03-02 12:15")), at("2026-03-02 13:00"));
  EXPECT_EQ(calendar.addBusinessMinutes(at("2026-03-02 11:00"), 60), at("2026-03-02 13:30"));
  EXPECT_EQ(calendar.addBusinessMinutes(at("2026-03-02 12:00"), 1), at("2026-03-02 13:01"));
  // Lands exactly on the start of lunch: the due instant is 11:30, not 13:00.
  EXPECT_EQ(calendar.addBusinessMinutes(at("2026-03-02 11:00"), 30), at("2026-03-02 11:30"));
  EXPECT_EQ(calendar.businessMinutesBetween(at("2026-03-02 07:30"), at("2026-03-02 17:30")),
            240 + 270);
}

TEST(BusinessCalendarTest, MakeUpSaturdayIsWorkedWithMondayHours) {
  CalendarSpec spec = lunchBreakSpec();
  spec.week[4] = {Interval{7 * 60 + 30, 17 * 60 + 30}};  // Friday without lunch break
  spec.make_up_workdays["2026-03-07"] = "Làm bù";
  const BusinessCalendar calendar = calendarOf(std::move(spec));
  EXPECT_TRUE(calendar.isWorkingDay(day("2026-03-07")));
  EXPECT_FALSE(calendar.isWorkingDay(day("2026-03-14")));  // an ordinary Saturday
  // 30 minutes on Friday, 30 on the make-up Saturday.
  EXPECT_EQ(calendar.addBusinessMinutes(at("2026-03-06 17:00"), 60), at("2026-03-07 08:00"));
  EXPECT_FALSE(calendar.isOpen(at("2026-03-07 12:00")));  // Monday's lunch break applies
  EXPECT_EQ(calendar.businessMinutesBetween(at("2026-03-07 00:00"), at("2026-03-08 00:00")), 510);
}

TEST(BusinessCalendarTest, HolidayOnSubstituteMonday) {
  const BusinessCalendar calendar = hotline2026();
  EXPECT_FALSE(calendar.isWorkingDay(day("2026-04-26")));  // Hùng Kings, a Sunday
  EXPECT_FALSE(calendar.isWorkingDay(day("2026-04-27")));  // its substitute Monday
  EXPECT_EQ(calendar.addBusinessMinutes(at("2026-04-24 17:00"), 60), at("2026-04-28 08:00"));
  // 30 Apr and 1 May closed too: 30 minutes from Wednesday 17:00 end at closing,
  // one more runs to the next Monday.
  EXPECT_EQ(calendar.addBusinessMinutes(at("2026-04-29 17:00"), 30), at("2026-04-29 17:30"));
  EXPECT_EQ(calendar.addBusinessMinutes(at("2026-04-29 17:00"), 31), at("2026-05-04 07:31"));
}

TEST(BusinessCalendarTest, TenThousandMinutesDueDate) {
  const BusinessCalendar calendar = hotline2026();
  const TimePoint opened = at("2026-04-20 07:30");
  // 16 full days (27 and 30 Apr, 1 May off) = 9600 minutes, then 400 on 15 May.
  const TimePoint due = calendar.addBusinessMinutes(opened, 10'000);
  EXPECT_EQ(due, at("2026-05-15 14:10")) << show(due);
  EXPECT_EQ(calendar.businessMinutesBetween(opened, due), 10'000);
}

TEST(BusinessCalendarTest, MinutesBetweenAgreesWithAddBusinessMinutes) {
  CalendarSpec spec = lunchBreakSpec();
  const Status merged = mergeHolidayFile(json::parse(kHolidays2026), spec);
  ASSERT_TRUE(merged);
  spec.make_up_workdays["2026-02-21"] = "Làm bù";
  const BusinessCalendar calendar = calendarOf(std::move(spec));
  // Every 47 minutes over three weeks around Tết: all phases of day and week.
  for (TimePoint start = at("2026-02-09 00:00"); start < at("2026-03-02 00:00");
       start += minutes{47}) {
    for (std::int64_t m : {1, 29, 30, 61, 600, 1234}) {
      const TimePoint due = calendar.addBusinessMinutes(start, m);
      ASSERT_EQ(calendar.businessMinutesBetween(start, due), m) << show(start) << " + " << m;
      // Minimal: the last minute before due was open time.
      ASSERT_EQ(calendar.businessMinutesBetween(start, due - minutes{1}), m - 1) << show(start);
      ASSERT_TRUE(calendar.isOpen(due - seconds{1})) << show(start) << " + " << m;
    }
    ASSERT_EQ(calendar.addBusinessMinutes(start, 1) - minutes{1}, calendar.nextOpening(start));
  }
}

TEST(BusinessCalendarTest, HugeMinuteCountsSaturateAtTheHorizon) {
  const BusinessCalendar calendar = hotline2026();
  const TimePoint start = at("2026-03-02 08:00");
  EXPECT_EQ(calendar.addBusinessMinutes(start, std::numeric_limits<std::int64_t>::max()),
            start + BusinessCalendar::kSearchHorizon);
}

TEST(BusinessCalendarTest, AllClosedCalendarTerminates) {
  CalendarSpec closed;  // no intervals on any day
  const BusinessCalendar calendar = calendarOf(closed);
  const TimePoint start = at("2026-03-02 08:00");
  EXPECT_FALSE(calendar.isOpen(start));
  EXPECT_FALSE(calendar.isWorkingDay(day("2026-03-02")));
  EXPECT_EQ(calendar.nextOpening(start), std::nullopt);
  EXPECT_EQ(calendar.addBusinessMinutes(start, 30), start + BusinessCalendar::kSearchHorizon);
  EXPECT_EQ(calendar.businessMinutesBetween(start, start + date::years{1}), 0);
  EXPECT_EQ(calendar.businessMinutesBetween(start, start - minutes{1}), 0);
}

struct InvalidCase {
  const char* json;
  const char* code;
  const char* field;
};

TEST(CalendarSpecJsonTest, InvalidSpecsAreRejectedWithTheField) {
  const InvalidCase cases[] = {
      {R"({"week":{"mon":[["07:30","12:00"],["11:00","17:30"]]}})", "calendar_interval_overlap",
       "week.mon[1]"},
      {R"({"week":{"mon":[["13:00","17:30"],["07:30","11:30"]]}})", "calendar_interval_overlap",
       "week.mon[1]"},
      {R"({"week":{"tue":[["17:30","07:30"]]}})", "calendar_interval_range", "week.tue[0]"},
      {R"({"week":{"tue":[["09:00","09:00"]]}})", "calendar_interval_range", "week.tue[0]"},
      {R"({"week":{"wed":[["7:30","17:30"]]}})", "calendar_interval_format", "week.wed[0]"},
      {R"({"week":{"wed":[["07:30","24:30"]]}})", "calendar_interval_format", "week.wed[0]"},
      {R"({"week":{"wed":[["07:30"]]}})", "calendar_interval_format", "week.wed[0]"},
      {R"({"week":{"thur":[]}})", "calendar_unknown_key", "week.thur"},
      {R"({"week":{"fri":"07:30-17:30"}})", "calendar_not_array", "week.fri"},
      {R"({"days_off":[]})", "calendar_missing_field", "week"},
      {R"({"week":{},"time_zone":""})", "calendar_time_zone", "time_zone"},
      {R"({"week":{},"days_of":[]})", "calendar_unknown_key", "days_of"},
      {R"({"week":{},"days_off":[{"date":"2026-02-30","name":"x"}]})", "calendar_date_invalid",
       "days_off[0].date"},
      {R"({"week":{},"days_off":[{"date":"2026-2-3","name":"x"}]})", "calendar_date_invalid",
       "days_off[0].date"},
      {R"({"week":{},"days_off":[{"date":"2026-01-01","name":""}]})", "calendar_name_invalid",
       "days_off[0].name"},
      {R"({"week":{},"days_off":[{"date":"2026-01-01","name":"a"},
                                {"date":"2026-01-01","name":"b"}]})",
       "calendar_date_duplicate", "days_off[1].date"},
      {R"({"week":{},"days_off":[{"date":"2026-03-07","name":"a"}],
           "make_up_workdays":[{"date":"2026-03-07","name":"b"}]})",
       "calendar_date_conflict", "make_up_workdays[0].date"},
  };
  for (const InvalidCase& c : cases) {
    const Result<CalendarSpec> spec = calendarSpecFromJson(json::parse(c.json));
    ASSERT_FALSE(spec.ok()) << c.json;
    EXPECT_EQ(spec.error().code, c.code) << c.json;
    EXPECT_EQ(spec.error().field, c.field) << c.json;
    EXPECT_FALSE(spec.error().message_vi.empty());
  }
  EXPECT_EQ(calendarSpecFromJson(json::array()).error().code, "calendar_not_object");
}

TEST(CalendarSpecJsonTest, CreateRejectsUnknownZoneAndBadIntervals) {
  CalendarSpec typo = CalendarSpec::hotlineDefault();
  typo.time_zone = "Asia/Ho_Chi_Mihn";
  const Result<BusinessCalendar> unknown = BusinessCalendar::create(typo);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "calendar_unknown_time_zone");
  EXPECT_EQ(unknown.error().field, "time_zone");
  EXPECT_EQ(unknown.error().message_vi, "Không tìm thấy múi giờ \"Asia/Ho_Chi_Mihn\".");

  CalendarSpec inverted = CalendarSpec::hotlineDefault();
  inverted.week[2] = {Interval{600, 540}};
  const Result<BusinessCalendar> bad = BusinessCalendar::create(inverted);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "week.wed[0]");
}

TEST(CalendarSpecJsonTest, RoundTrips) {
  CalendarSpec spec = hotline2026Spec();
  spec.week[5] = {Interval{0, 24 * 60}};  // a whole Saturday, written "00:00"-"24:00"
  spec.make_up_workdays["2026-03-07"] = "Làm bù";
  const json out = calendarSpecToJson(spec);
  EXPECT_EQ(out["time_zone"], "Asia/Ho_Chi_Minh");
  EXPECT_EQ(out["week"]["mon"], json::parse(R"([["07:30","17:30"]])"));
  EXPECT_EQ(out["week"]["sat"], json::parse(R"([["00:00","24:00"]])"));
  EXPECT_EQ(out["week"]["sun"], json::array());
  EXPECT_EQ(out["days_off"][0], json::parse(R"({"date":"2026-02-16","name":"Tết Nguyên Đán"})"));
  const Result<CalendarSpec> back = calendarSpecFromJson(out);
  ASSERT_TRUE(back.ok()) << back.error().field;
  EXPECT_EQ(*back, spec);
}

TEST(HolidayFileTest, MergesAndIsIdempotent) {
  CalendarSpec spec = hotline2026Spec();
  const CalendarSpec once = spec;
  ASSERT_TRUE(mergeHolidayFile(json::parse(kHolidays2026), spec));
  EXPECT_EQ(spec, once);
  EXPECT_EQ(spec.days_off.at("2026-04-27"), "Giỗ Tổ Hùng Vương (nghỉ bù)");
}

TEST(HolidayFileTest, RejectsBadFilesWithoutTouchingTheSpec) {
  struct Case {
    const char* json;
    const char* code;
    const char* field;
  };
  const Case cases[] = {
      {R"({"year":2026,"source":"s","days_off":[{"date":"2027-01-01","name":"x"}]})",
       "holiday_date_outside_year", "days_off[0].date"},
      {R"({"year":2026,"days_off":[]})", "holiday_source_missing", "source"},
      {R"({"year":"2026","source":"s","days_off":[]})", "holiday_year_invalid", "year"},
      {R"({"year":2026,"source":"s"})", "holiday_days_off_missing", "days_off"},
      {R"({"year":2026,"source":"s","days_off":[],"note":""})", "holiday_unknown_key", "note"},
      {R"({"year":2026,"source":"s","days_off":[{"date":"2026-01-01","name":"x"},
          {"date":"2026-13-01","name":"y"}]})",
       "calendar_date_invalid", "days_off[1].date"},
      // 2026-03-07 is a make-up workday in the spec below.
      {R"({"year":2026,"source":"s","days_off":[{"date":"2026-01-01","name":"x"},
          {"date":"2026-03-07","name":"y"}]})",
       "calendar_date_conflict", "days_off[1].date"},
  };
  for (const Case& c : cases) {
    CalendarSpec spec = CalendarSpec::hotlineDefault();
    spec.make_up_workdays["2026-03-07"] = "Làm bù";
    const CalendarSpec before = spec;
    const Status status = mergeHolidayFile(json::parse(c.json), spec);
    ASSERT_FALSE(status.ok()) << c.json;
    EXPECT_EQ(status.error().code, c.code) << c.json;
    EXPECT_EQ(status.error().field, c.field) << c.json;
    EXPECT_EQ(spec, before) << c.json;  // all or nothing
  }
}

}  // namespace
}  // namespace tongdai::core::calendar
