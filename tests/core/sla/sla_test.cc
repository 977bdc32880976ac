#include "core/sla/sla.h"

#include <date/date.h>
#include <date/tz.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>

namespace tongdai::core::sla {
namespace {

using cases::Case;
using cases::CaseStatus;
using cases::Priority;
using date::November;
using date::literals::operator""_y;
using nlohmann::json;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr const char* kZone = "Asia/Ho_Chi_Minh";

// Week of 23-29 November 2026: Monday 23 ... Friday 27, Saturday 28, Sunday 29.
// The hotline default calendar is open 07:30-17:30 Monday to Friday (600 min a day).
constexpr date::year_month_day kMon = 2026_y / November / 23;
constexpr date::year_month_day kTue = 2026_y / November / 24;
constexpr date::year_month_day kWed = 2026_y / November / 25;
constexpr date::year_month_day kFri = 2026_y / November / 27;
constexpr date::year_month_day kSat = 2026_y / November / 28;
constexpr date::year_month_day kMonNext = 2026_y / November / 30;

// A wall-clock time in Vietnam as a UTC instant.
TimePoint vn(date::year_month_day day, int hour, int minute = 0) {
  const date::local_seconds local =
      date::local_days{day} + hours{hour} + minutes{minute};
  return date::zoned_time<seconds>(kZone, local).get_sys_time();
}

std::string show(TimePoint t) {
  return date::format("%a %Y-%m-%d %H:%M:%S", date::zoned_time<seconds>(kZone, t));
}

std::string show(const std::optional<TimePoint>& t) { return t ? show(*t) : "(none)"; }

calendar::BusinessCalendar hotline() {
  Result<calendar::BusinessCalendar> cal =
      calendar::BusinessCalendar::create(calendar::CalendarSpec::hotlineDefault());
  if (!cal) throw std::runtime_error(cal.error().message_en);
  return std::move(cal).value();
}

Case newCase(TimePoint created_at, Priority priority = Priority::normal) {
  Case c;
  c.created_at = created_at;
  c.updated_at = created_at;
  c.priority = priority;
  return c;
}

#define EXPECT_AT(actual, expected) EXPECT_EQ(show(actual), show(expected))

// ---------------------------------------------------------------------------
// Policy defaults

TEST(SlaPolicy, DefaultTargetsByPriority) {
  const SlaPolicy p;
  EXPECT_EQ(p.forPriority(Priority::low).first_response_minutes, 240);
  EXPECT_EQ(p.forPriority(Priority::low).resolution_minutes, 2400);
  EXPECT_EQ(p.forPriority(Priority::normal).first_response_minutes, 60);
  EXPECT_EQ(p.forPriority(Priority::normal).resolution_minutes, 960);
  EXPECT_EQ(p.forPriority(Priority::high).first_response_minutes, 30);
  EXPECT_EQ(p.forPriority(Priority::high).resolution_minutes, 480);
  EXPECT_EQ(p.forPriority(Priority::urgent).first_response_minutes, 15);
  EXPECT_EQ(p.forPriority(Priority::urgent).resolution_minutes, 120);
  EXPECT_EQ(p.lookup_minutes, 30);
}

// ---------------------------------------------------------------------------
// startClock

TEST(StartClock, WithinOneWorkingDayAndOvernight) {
  const auto cal = hotline();
  Case c = newCase(vn(kMon, 9));
  startClock(c, SlaPolicy{}, cal);
  EXPECT_AT(c.first_response_due, vn(kMon, 10));
  // 960 minutes: 510 on Monday (09:00-17:30), 450 on Tuesday from 07:30.
  EXPECT_AT(c.resolution_due, vn(kTue, 15));
}

TEST(StartClock, SkipsTheWeekend) {
  const auto cal = hotline();
  Case c = newCase(vn(kFri, 16, 30), Priority::urgent);
  startClock(c, SlaPolicy{}, cal);
  EXPECT_AT(c.first_response_due, vn(kFri, 16, 45));
  // 120 minutes: 60 on Friday, 60 on Monday from 07:30.
  EXPECT_AT(c.resolution_due, vn(kMonNext, 8, 30));
}

TEST(StartClock, CaseOpenedOutsideHoursCountsFromNextOpening) {
  const auto cal = hotline();
  Case weekend = newCase(vn(kSat, 10), Priority::high);
  startClock(weekend, SlaPolicy{}, cal);
  EXPECT_AT(weekend.first_response_due, vn(kMonNext, 8));
  EXPECT_AT(weekend.resolution_due, vn(kMonNext, 15, 30));

  Case night = newCase(vn(kTue, 5, 0), Priority::urgent);
  startClock(night, SlaPolicy{}, cal);
  EXPECT_AT(night.first_response_due, vn(kTue, 7, 45));
  EXPECT_AT(night.resolution_due, vn(kTue, 9, 30));
}

TEST(StartClock, UsesThePolicyPassedIn) {
  const auto cal = hotline();
  SlaPolicy policy;
  policy.targets[static_cast<int>(Priority::normal)] = {5, 600};
  Case c = newCase(vn(kMon, 7, 30));
  startClock(c, policy, cal);
  EXPECT_AT(c.first_response_due, vn(kMon, 7, 35));
  // Exactly one business day: the end of Monday's opening.
  EXPECT_AT(c.resolution_due, vn(kMon, 17, 30));
}

TEST(StartClock, UsesTheCalendarsHolidays) {
  calendar::CalendarSpec spec = calendar::CalendarSpec::hotlineDefault();
  spec.days_off["2026-11-24"] = "test holiday";
  Result<calendar::BusinessCalendar> cal = calendar::BusinessCalendar::create(spec);
  ASSERT_TRUE(cal.ok()) << cal.error().message_en;
  Case c = newCase(vn(kMon, 9));
  startClock(c, SlaPolicy{}, *cal);
  EXPECT_AT(c.resolution_due, vn(kWed, 15));  // Tuesday does not count
}

// ---------------------------------------------------------------------------
// Pausing

TEST(OnStatusChange, WaitingCitizenPausesAndClearsResolutionDue) {
  const auto cal = hotline();
  Case c = newCase(vn(kMon, 9));
  startClock(c, SlaPolicy{}, cal);
  onStatusChange(c, CaseStatus::waiting_citizen, vn(kMon, 10), SlaPolicy{}, cal);
  ASSERT_TRUE(c.paused_since.has_value());
  EXPECT_AT(*c.paused_since, vn(kMon, 10));
  EXPECT_FALSE(c.resolution_due.has_value());
  EXPECT_EQ(c.paused_minutes, 0);
  // The first-response clock keeps running.
  EXPECT_AT(c.first_response_due, vn(kMon, 10));
}

TEST(OnStatusChange, ResumingPushesResolutionDueByPausedBusinessMinutes) {
  const auto cal = hotline();
  Case c = newCase(vn(kMon, 9));
  startClock(c, SlaPolicy{}, cal);
  ASSERT_TRUE(c.resolution_due.has_value());
  const TimePoint original_due = *c.resolution_due;  // Tue 15:00
  onStatusChange(c, CaseStatus::waiting_citizen, vn(kMon, 10), SlaPolicy{}, cal);
  onStatusChange(c, CaseStatus::in_progress, vn(kTue, 10), SlaPolicy{}, cal);
  // Paused Mon 10:00-17:30 (450) + Tue 07:30-10:00 (150); the night is not counted.
  EXPECT_EQ(c.paused_minutes, 600);
  EXPECT_FALSE(c.paused_since.has_value());
  EXPECT_AT(c.resolution_due, cal.addBusinessMinutes(original_due, 600));
  EXPECT_AT(c.resolution_due, vn(kWed, 15));
}

TEST(OnStatusChange, PauseOverTheWeekendCountsOnlyOpenMinutes) {
  const auto cal = hotline();
  Case c = newCase(vn(kFri, 9));
  startClock(c, SlaPolicy{}, cal);
  EXPECT_AT(c.resolution_due, vn(kMonNext, 15));
  onStatusChange(c, CaseStatus::waiting_citizen, vn(kFri, 17), SlaPolicy{}, cal);
  onStatusChange(c, CaseStatus::answered, vn(kMonNext, 8), SlaPolicy{}, cal);
  EXPECT_EQ(c.paused_minutes, 60);
  EXPECT_AT(c.resolution_due, vn(kMonNext, 16));
}

TEST(OnStatusChange, PausesAccumulate) {
  const auto cal = hotline();
  Case c = newCase(vn(kMon, 8));
  startClock(c, SlaPolicy{}, cal);
  onStatusChange(c, CaseStatus::waiting_citizen, vn(kMon, 9), SlaPolicy{}, cal);
  onStatusChange(c, CaseStatus::in_progress, vn(kMon, 10), SlaPolicy{}, cal);
  EXPECT_EQ(c.paused_minutes, 60);
  onStatusChange(c, CaseStatus::waiting_citizen, vn(kMon, 11), SlaPolicy{}, cal);
  onStatusChange(c, CaseStatus::in_progress, vn(kMon, 11, 30), SlaPolicy{}, cal);
  EXPECT_EQ(c.paused_minutes, 90);
  EXPECT_AT(c.resolution_due, cal.addBusinessMinutes(vn(kMon, 8), 960 + 90));
}

TEST(OnStatusChange, RepeatedWaitingCitizenKeepsTheFirstPauseStart) {
  const auto cal = hotline();
  Case c = newCase(vn(kMon, 8));
  startClock(c, SlaPolicy{}, cal);
  onStatusChange(c, CaseStatus::waiting_citizen, vn(kMon, 9), SlaPolicy{}, cal);
  onStatusChange(c, CaseStatus::waiting_citizen, vn(kMon, 12), SlaPolicy{}, cal);
  ASSERT_TRUE(c.paused_since.has_value());
  EXPECT_AT(*c.paused_since, vn(kMon, 9));
  onStatusChange(c, CaseStatus::in_progress, vn(kMon, 13), SlaPolicy{}, cal);
  EXPECT_EQ(c.paused_minutes, 240);
}

TEST(OnStatusChange, OtherStatusesDoNotPause) {
  const auto cal = hotline();
  Case c = newCase(vn(kMon, 9));
  startClock(c, SlaPolicy{}, cal);
  for (CaseStatus to : {CaseStatus::in_progress, CaseStatus::waiting_lookup,
                        CaseStatus::answered, CaseStatus::closed}) {
    onStatusChange(c, to, vn(kMon, 11), SlaPolicy{}, cal);
    EXPECT_FALSE(c.paused_since.has_value()) << cases::toString(to);
    EXPECT_EQ(c.paused_minutes, 0);
    EXPECT_AT(c.resolution_due, vn(kTue, 15));
  }
}

// ---------------------------------------------------------------------------
// recompute

TEST(Recompute, PriorityChangeMovesBothDueTimesBeforeFirstResponse) {
  const auto cal = hotline();
  Case c = newCase(vn(kMon, 9));
  startClock(c, SlaPolicy{}, cal);
  c.priority = Priority::urgent;
  recompute(c, SlaPolicy{}, cal);
  EXPECT_AT(c.first_response_due, vn(kMon, 9, 15));
  EXPECT_AT(c.resolution_due, vn(kMon, 11));
}

TEST(Recompute, FirstResponseDueIsFrozenOnceAnswered) {
  const auto cal = hotline();
  Case c = newCase(vn(kMon, 9));
  startClock(c, SlaPolicy{}, cal);
  c.first_response_at = vn(kMon, 9, 20);
  c.priority = Priority::urgent;
  recompute(c, SlaPolicy{}, cal);
  EXPECT_AT(c.first_response_due, vn(kMon, 10));
  EXPECT_AT(c.resolution_due, vn(kMon, 11));
}

// ---------------------------------------------------------------------------
// evaluate

TEST(Evaluate, OnTimeCaseReportsRemainingBusinessMinutes) {
  const auto cal = hotline();
  Case c = newCase(vn(kMon, 9));
  startClock(c, SlaPolicy{}, cal);
  const SlaState s = evaluate(c, vn(kMon, 9, 30), cal);
  EXPECT_FALSE(s.paused);
  EXPECT_FALSE(s.first_response_breached);
  EXPECT_FALSE(s.resolution_breached);
  ASSERT_TRUE(s.resolution_remaining_minutes.has_value());
  EXPECT_EQ(*s.resolution_remaining_minutes, 930);
  // Overnight the remaining time does not shrink.
  EXPECT_EQ(evaluate(c, vn(kMon, 17, 30), cal).resolution_remaining_minutes, 450);
  EXPECT_EQ(evaluate(c, vn(kTue, 6), cal).resolution_remaining_minutes, 450);
}

TEST(Evaluate, FirstResponseBreachedOnlyAfterDue) {
  const auto cal = hotline();
  Case c = newCase(vn(kMon, 9));
  startClock(c, SlaPolicy{}, cal);
  EXPECT_FALSE(evaluate(c, vn(kMon, 10), cal).first_response_breached);  // exactly due
  EXPECT_TRUE(evaluate(c, vn(kMon, 10) + seconds{1}, cal).first_response_breached);
  EXPECT_FALSE(evaluate(c, vn(kMon, 10) + seconds{1}, cal).resolution_breached);
}

TEST(Evaluate, FirstResponseInTimeIsNotBreachedLater) {
  const auto cal = hotline();
  Case c = newCase(vn(kMon, 9));
  startClock(c, SlaPolicy{}, cal);
  c.first_response_at = vn(kMon, 9, 59);
  EXPECT_FALSE(evaluate(c, vn(kWed, 9), cal).first_response_breached);
  c.first_response_at = vn(kMon, 10, 1);
  EXPECT_TRUE(evaluate(c, vn(kMon, 10, 2), cal).first_response_breached);
}

TEST(Evaluate, ResolutionBreachGivesNegativeRemaining) {
  const auto cal = hotline();
  Case c = newCase(vn(kMon, 9));
  startClock(c, SlaPolicy{}, cal);  // due Tue 15:00
  EXPECT_FALSE(evaluate(c, vn(kTue, 15), cal).resolution_breached);
  EXPECT_EQ(evaluate(c, vn(kTue, 15), cal).resolution_remaining_minutes, 0);
  const SlaState late = evaluate(c, vn(kWed, 8), cal);
  EXPECT_TRUE(late.resolution_breached);
  EXPECT_TRUE(late.first_response_breached);
  // Late by Tue 15:00-17:30 (150) + Wed 07:30-08:00 (30).
  EXPECT_EQ(late.resolution_remaining_minutes, -180);
}

TEST(Evaluate, AnsweredOrClosedCasesAreJudgedAtThatTime) {
  const auto cal = hotline();
  Case c = newCase(vn(kMon, 9));
  startClock(c, SlaPolicy{}, cal);
  c.first_response_at = vn(kMon, 9, 5);
  c.answered_at = vn(kTue, 14);
  SlaState s = evaluate(c, vn(kWed, 16), cal);
  EXPECT_FALSE(s.resolution_breached);
  EXPECT_FALSE(s.resolution_remaining_minutes.has_value());

  c.answered_at = vn(kTue, 16);
  s = evaluate(c, vn(kWed, 16), cal);
  EXPECT_TRUE(s.resolution_breached);
  EXPECT_FALSE(s.resolution_remaining_minutes.has_value());

  c.answered_at.reset();
  c.closed_at = vn(kTue, 14, 59);
  EXPECT_FALSE(evaluate(c, vn(kWed, 16), cal).resolution_breached);
}

TEST(Evaluate, PausedCaseIsNeverResolutionBreached) {
  const auto cal = hotline();
  Case c = newCase(vn(kMon, 9));
  startClock(c, SlaPolicy{}, cal);
  onStatusChange(c, CaseStatus::waiting_citizen, vn(kMon, 9, 30), SlaPolicy{}, cal);
  const SlaState s = evaluate(c, vn(kMonNext, 9), cal);
  EXPECT_TRUE(s.paused);
  EXPECT_FALSE(s.resolution_breached);
  EXPECT_FALSE(s.resolution_remaining_minutes.has_value());
}

TEST(Evaluate, ResumedCaseGetsItsPausedTimeBack) {
  const auto cal = hotline();
  Case c = newCase(vn(kMon, 9));
  startClock(c, SlaPolicy{}, cal);
  c.first_response_at = vn(kMon, 9, 10);
  onStatusChange(c, CaseStatus::waiting_citizen, vn(kMon, 10), SlaPolicy{}, cal);
  onStatusChange(c, CaseStatus::in_progress, vn(kTue, 10), SlaPolicy{}, cal);
  // Without the pause this would be 30 minutes late; with it, 570 minutes are left.
  const SlaState s = evaluate(c, vn(kTue, 15, 30), cal);
  EXPECT_FALSE(s.paused);
  EXPECT_FALSE(s.resolution_breached);
  EXPECT_EQ(s.resolution_remaining_minutes, 570);
}

TEST(Evaluate, CaseWithoutClockHasNoBreach) {
  const auto cal = hotline();
  const Case c = newCase(vn(kMon, 9));
  const SlaState s = evaluate(c, vn(kWed, 9), cal);
  EXPECT_FALSE(s.first_response_breached);
  EXPECT_FALSE(s.resolution_breached);
  EXPECT_FALSE(s.resolution_remaining_minutes.has_value());
}

// ---------------------------------------------------------------------------
// JSON

Error policyError(const json& j) {
  Result<SlaPolicy> r = policyFromJson(j);
  if (r.ok()) return makeError("<ok>", "", "");
  EXPECT_EQ(r.error().code, "invalid_sla");
  EXPECT_FALSE(r.error().message_vi.empty());
  EXPECT_FALSE(r.error().message_en.empty());
  return r.error();
}

TEST(PolicyJson, EmptyObjectGivesDefaults) {
  Result<SlaPolicy> r = policyFromJson(json::object());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(policyToJson(*r), policyToJson(SlaPolicy{}));
}

TEST(PolicyJson, PartialTargetsKeepOtherDefaults) {
  Result<SlaPolicy> r = policyFromJson(json::parse(R"({
    "targets": {"urgent": {"first_response_minutes": 5, "resolution_minutes": 60}},
    "lookup_minutes": 45
  })"));
  ASSERT_TRUE(r.ok()) << r.error().field;
  EXPECT_EQ(r->forPriority(Priority::urgent).first_response_minutes, 5);
  EXPECT_EQ(r->forPriority(Priority::urgent).resolution_minutes, 60);
  EXPECT_EQ(r->forPriority(Priority::high).first_response_minutes, 30);
  EXPECT_EQ(r->forPriority(Priority::low).resolution_minutes, 2400);
  EXPECT_EQ(r->lookup_minutes, 45);
}

TEST(PolicyJson, ToJsonShape) {
  const json j = policyToJson(SlaPolicy{});
  EXPECT_EQ(j["lookup_minutes"], 30);
  EXPECT_EQ(j["targets"]["low"]["first_response_minutes"], 240);
  EXPECT_EQ(j["targets"]["low"]["resolution_minutes"], 2400);
  EXPECT_EQ(j["targets"]["normal"]["first_response_minutes"], 60);
  EXPECT_EQ(j["targets"]["high"]["resolution_minutes"], 480);
  EXPECT_EQ(j["targets"]["urgent"]["first_response_minutes"], 15);
  EXPECT_EQ(j["targets"].size(), 4u);
  EXPECT_EQ(j.size(), 2u);
}

TEST(PolicyJson, RoundTrip) {
  SlaPolicy p;
  p.targets = {{{1, 100000}, {2, 3}, {45, 900}, {100000, 100000}}};
  p.lookup_minutes = 7;
  Result<SlaPolicy> back = policyFromJson(policyToJson(p));
  ASSERT_TRUE(back.ok()) << back.error().field;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(back->targets[i].first_response_minutes, p.targets[i].first_response_minutes) << i;
    EXPECT_EQ(back->targets[i].resolution_minutes, p.targets[i].resolution_minutes) << i;
  }
  EXPECT_EQ(back->lookup_minutes, 7);
  EXPECT_EQ(policyToJson(*back), policyToJson(p));
  // And through text.
  Result<SlaPolicy> text = policyFromJson(json::parse(policyToJson(p).dump()));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(policyToJson(*text), policyToJson(p));
}

TEST(PolicyJson, RootMustBeAnObject) {
  for (const char* text : {"[]", "null", "42", "\"targets\""}) {
    EXPECT_EQ(policyError(json::parse(text)).field, "") << text;
  }
}

TEST(PolicyJson, TargetsMustBeAnObject) {
  EXPECT_EQ(policyError(json::parse(R"({"targets": []})")).field, "targets");
  EXPECT_EQ(policyError(json::parse(R"({"targets": 5})")).field, "targets");
}

TEST(PolicyJson, EachTargetNeedsBothFields) {
  EXPECT_EQ(policyError(json::parse(R"({"targets": {"high": {"first_response_minutes": 5}}})"))
                .field,
            "targets.high");
  EXPECT_EQ(policyError(json::parse(R"({"targets": {"low": {"resolution_minutes": 5}}})")).field,
            "targets.low");
  EXPECT_EQ(policyError(json::parse(R"({"targets": {"normal": 60}})")).field, "targets.normal");
  EXPECT_EQ(policyError(json::parse(R"({"targets": {"urgent": null}})")).field, "targets.urgent");
}

TEST(PolicyJson, MinutesMustBePositiveIntegersUpTo100000) {
  const char* bad_values[] = {"0", "-5", "100001", "30.5", "\"30\"", "true", "null", "[30]"};
  for (const char* v : bad_values) {
    const json first = json::parse(std::string(R"({"targets": {"high": )") +
                                   R"({"first_response_minutes": )" + v +
                                   R"(, "resolution_minutes": 60}}})");
    EXPECT_EQ(policyError(first).field, "targets.high.first_response_minutes") << v;
    const json resolution = json::parse(std::string(R"({"targets": {"low": )") +
                                        R"({"first_response_minutes": 30, "resolution_minutes": )" +
                                        v + "}}}");
    EXPECT_EQ(policyError(resolution).field, "targets.low.resolution_minutes") << v;
    const json lookup = json::parse(std::string(R"({"lookup_minutes": )") + v + "}");
    EXPECT_EQ(policyError(lookup).field, "lookup_minutes") << v;
  }
  // The boundaries themselves are valid.
  EXPECT_TRUE(policyFromJson(json::parse(
                  R"({"targets": {"high": {"first_response_minutes": 1,
                                           "resolution_minutes": 100000}},
                      "lookup_minutes": 100000})"))
                  .ok());
}

}  // namespace
}  // namespace tongdai::core::sla
