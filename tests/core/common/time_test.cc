#include "core/common/time.h"

#include <date/date.h>
#include <date/tz.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace tongdai::core {
namespace {

using date::December;
using date::February;
using date::January;
using date::November;
using date::literals::operator""_y;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr const char* kZone = "Asia/Ho_Chi_Minh";

// A wall-clock time in Vietnam as a UTC instant, computed with the tz database.
TimePoint vn(date::year_month_day day, int hour = 0, int minute = 0, int second = 0) {
  const date::local_seconds local =
      date::local_days{day} + hours{hour} + minutes{minute} + seconds{second};
  return date::zoned_time<seconds>(kZone, local).get_sys_time();
}

TimePoint utc(date::year_month_day day, int hour = 0, int minute = 0, int second = 0) {
  return date::sys_days{day} + hours{hour} + minutes{minute} + seconds{second};
}

// Parses or fails the test; returns the epoch on failure.
TimePoint parsed(const std::string& text) {
  TimePoint t{};
  EXPECT_TRUE(parseIso(text, t)) << text;
  return t;
}

bool accepts(const std::string& text) {
  TimePoint t{};
  return parseIso(text, t);
}

// ---------------------------------------------------------------------------
// formatLocalIso

TEST(FormatLocalIso, AlwaysPlusSevenHours) {
  EXPECT_EQ(formatLocalIso(fromUnix(0)), "1970-01-01T07:00:00+07:00");
  EXPECT_EQ(formatLocalIso(utc(2026_y / November / 28, 1, 30)), "2026-11-28T08:30:00+07:00");
  EXPECT_EQ(formatLocalIso(vn(2026_y / November / 28, 8, 30, 5)), "2026-11-28T08:30:05+07:00");
}

TEST(FormatLocalIso, RollsOverTheLocalDayYearAndLeapDay) {
  EXPECT_EQ(formatLocalIso(utc(2026_y / December / 31, 17)), "2027-01-01T00:00:00+07:00");
  EXPECT_EQ(formatLocalIso(utc(2026_y / December / 31, 16, 59, 59)),
            "2026-12-31T23:59:59+07:00");
  EXPECT_EQ(formatLocalIso(utc(2028_y / February / 28, 20)), "2028-02-29T03:00:00+07:00");
}

TEST(FormatLocalIso, AgreesWithTheTzDatabaseAcrossTheYear) {
  // No daylight saving: the offset is +07:00 in every month.
  for (unsigned m = 1; m <= 12; ++m) {
    const date::year_month_day day = 2026_y / date::month{m} / 15;
    const TimePoint t = vn(day, 12, 34, 56);
    const std::string expected =
        date::format("%Y-%m-%dT%H:%M:%S", date::zoned_time<seconds>(kZone, t)) + "+07:00";
    EXPECT_EQ(formatLocalIso(t), expected) << m;
  }
}

TEST(FormatLocalIso, BeforeTheEpoch) {
  EXPECT_EQ(formatLocalIso(fromUnix(-1)), "1970-01-01T06:59:59+07:00");
  EXPECT_EQ(formatLocalIso(utc(1969_y / December / 31, 16)), "1969-12-31T23:00:00+07:00");
}

// ---------------------------------------------------------------------------
// parseIso: accepted forms

TEST(ParseIso, WithOffset) {
  EXPECT_EQ(parsed("2026-11-28T08:30:00+07:00"), utc(2026_y / November / 28, 1, 30));
  EXPECT_EQ(parsed("2026-11-28T08:30:00+00:00"), utc(2026_y / November / 28, 8, 30));
  EXPECT_EQ(parsed("2026-11-28T08:30:00-05:00"), utc(2026_y / November / 28, 13, 30));
  EXPECT_EQ(parsed("2026-11-28T08:30:00+05:30"), utc(2026_y / November / 28, 3, 0));
  EXPECT_EQ(parsed("2026-11-28T08:30:00-09:30"), utc(2026_y / November / 28, 18, 0));
}

TEST(ParseIso, WithZ) {
  EXPECT_EQ(parsed("2026-11-28T08:30:00Z"), utc(2026_y / November / 28, 8, 30));
  EXPECT_EQ(parsed("1970-01-01T00:00:00Z"), fromUnix(0));
}

TEST(ParseIso, NoZoneMeansVietnamLocalTime) {
  EXPECT_EQ(parsed("2026-11-28T08:30:00"), vn(2026_y / November / 28, 8, 30));
  EXPECT_EQ(parsed("2026-11-28T08:30:00"), parsed("2026-11-28T08:30:00+07:00"));
  EXPECT_EQ(parsed("2026-01-01T00:00:00"), utc(2025_y / December / 31, 17));
}

TEST(ParseIso, DateOnlyMeansLocalMidnight) {
  EXPECT_EQ(parsed("2026-11-28"), vn(2026_y / November / 28));
  EXPECT_EQ(parsed("2026-11-28"), utc(2026_y / November / 27, 17));
  EXPECT_EQ(parsed("2026-01-01"), utc(2025_y / December / 31, 17));
}

TEST(ParseIso, LeapDayOnlyInLeapYears) {
  EXPECT_EQ(parsed("2028-02-29"), vn(2028_y / February / 29));
  EXPECT_EQ(parsed("2000-02-29T12:00:00Z"), utc(2000_y / February / 29, 12));
  EXPECT_FALSE(accepts("2026-02-29"));
  EXPECT_FALSE(accepts("1900-02-29"));
}

TEST(ParseIso, EdgesOfTheClock) {
  EXPECT_EQ(parsed("2026-11-28T00:00:00"), vn(2026_y / November / 28));
  EXPECT_EQ(parsed("2026-11-28T23:59:59Z"), utc(2026_y / November / 28, 23, 59, 59));
  EXPECT_EQ(parsed("2026-01-31T12:00:00Z"), utc(2026_y / January / 31, 12));
}

TEST(ParseIso, RoundTripsWithFormatLocalIso) {
  for (std::int64_t s : {0LL, 1LL, 1795500000LL, 1795500059LL, 1830297599LL, 4102444800LL}) {
    const TimePoint t = fromUnix(s);
    const std::string text = formatLocalIso(t);
    EXPECT_EQ(parsed(text), t) << text;
  }
  EXPECT_EQ(formatLocalIso(parsed("2026-11-28T01:30:00Z")), "2026-11-28T08:30:00+07:00");
  EXPECT_EQ(formatLocalIso(parsed("2026-11-28")), "2026-11-28T00:00:00+07:00");
}

// ---------------------------------------------------------------------------
// parseIso: rejected input

TEST(ParseIso, RejectsImpossibleDatesAndTimes) {
  for (const char* text :
       {"2026-13-01", "2026-00-10", "2026-02-30", "2026-04-31", "2026-11-00", "2026-11-32",
        "2026-11-28T25:00:00", "2026-11-28T24:00:00", "2026-11-28T08:60:00",
        "2026-11-28T08:30:61"}) {
    EXPECT_FALSE(accepts(text)) << text;
  }
}

TEST(ParseIso, RejectsMalformedText) {
  for (const char* text :
       {"", "abc", "2026", "2026-11", "2026/11/28", "28-11-2026", "2026-1-28", "2026-11-2",
        "2026-11-28T", "2026-11-28T08:30", "2026-11-28 08:30:00", "2026-11-28t08:30:00",
        "2026-11-28T8:30:00", "2026-11-28T08:30:00z", "2026-11-28T08:30:00X",
        "2026-11-28T08:30:00+0700", "2026-11-28T08:30:00+07", "2026-11-28T08:30:00 +07:00",
        "2026-11-28T08:30:00+07:00Z", "2026-11-28T08:30:00.5Z", "2026-11-28x",
        "2026-11-28T08:30:00Zjunk", " 2026-11-28", "+2026-11-28"}) {
    EXPECT_FALSE(accepts(text)) << text;
  }
}

// The header promises false on malformed input. sscanf's %d skips blanks and
// takes a sign, so a negative or blank-padded component slips through unless
// rejected explicitly: "T-1:00:00" would mean 23:00 the day before.
TEST(ParseIso, RejectsSignsAndBlanksInsideNumbers) {
  for (const char* text :
       {"2026-11-28T-1:00:00", "2026-11-28T08:-1:00", "2026-11-28T08:30:-1", "2026-+1-28",
        "2026-11-+8", "2026-11- 8", "2026- 1-28", "2026-11-28T 8:30:00",
        "2026-11-28T08:30:00+-7:00"}) {
    EXPECT_FALSE(accepts(text)) << text;
  }
}

}  // namespace
}  // namespace tongdai::core
