#include "core/registry/rules.h"

#include <gtest/gtest.h>

#include "core/registry/limiter.h"
#include "core/registry/match.h"
#include "core/registry/registry.h"

namespace tongdai::core::registry {
namespace {

using namespace date;

year_month_day ymd(int y, int m, int d) { return year{y} / month{unsigned(m)} / day{unsigned(d)}; }

TEST(MaskId, KeepsProvinceCodeAndLastTwoDigits) {
  EXPECT_EQ(maskId("001085012345"), "001*******45");
  EXPECT_EQ(maskId("12345"), "***");
  EXPECT_EQ(maskId(""), "***");
}

TEST(PartialDate, ParsesIsoAndOperatorForms) {
  EXPECT_EQ(PartialDate::parse("1985-03-14"), (PartialDate{1985, 3, 14}));
  EXPECT_EQ(PartialDate::parse("14/03/1985"), (PartialDate{1985, 3, 14}));
  EXPECT_EQ(PartialDate::parse("4/3/1985"), (PartialDate{1985, 3, 4}));
  EXPECT_EQ(PartialDate::parse("03/1985"), (PartialDate{1985, 3, 0}));
  EXPECT_EQ(PartialDate::parse("1985-03"), (PartialDate{1985, 3, 0}));
  EXPECT_EQ(PartialDate::parse("1939"), (PartialDate{1939, 0, 0}));
  EXPECT_EQ(PartialDate::parse("1939")->toString(), "1939");
  EXPECT_EQ(PartialDate::parse("03/1985")->toString(), "1985-03");
}

TEST(PartialDate, RefusesImpossibleDates) {
  for (const char* bad : {"31/02/2001", "29/02/2023", "00/01/2000", "2000-13-01", "1700", "abc", "", "1/1/85",
                          "1985-3-4", "2001-02-29"}) {
    EXPECT_FALSE(PartialDate::parse(bad).has_value()) << bad;
  }
  EXPECT_TRUE(PartialDate::parse("29/02/2024").has_value());
}

TEST(ApplicationCode, NormalisesSeparators) {
  EXPECT_EQ(normaliseApplicationCode("079-261105-00004213"), "079-261105-00004213");
  EXPECT_EQ(normaliseApplicationCode("07926110500004213"), "079-261105-00004213");
  EXPECT_EQ(normaliseApplicationCode("079 261105 00004213"), "079-261105-00004213");
  EXPECT_FALSE(normaliseApplicationCode("079-261105-0000421").has_value());
  EXPECT_FALSE(normaliseApplicationCode("079-261105-000042134").has_value());
  EXPECT_FALSE(normaliseApplicationCode("079-26110A-00004213").has_value());
}

TEST(CardExpiry, RunsToTheNextRenewalBirthday) {
  PartialDate born{1990, 5, 20};
  EXPECT_EQ(cardExpiry(born, ymd(2021, 3, 1)), ymd(2030, 5, 20));  // age 30 -> 40
  EXPECT_EQ(cardExpiry(born, ymd(2010, 1, 1)), ymd(2015, 5, 20));  // age 19 -> 25
  EXPECT_EQ(cardExpiry(PartialDate{2010, 1, 1}, ymd(2016, 1, 1)), ymd(2024, 1, 1));  // child -> 14
}

TEST(CardExpiry, TwoYearsBeforeARenewalAgeSkipsToTheNext) {
  PartialDate born{1990, 5, 20};
  // Issued 2028-06-01, less than 2 years before the 40th birthday (2030-05-20): valid to 60.
  EXPECT_EQ(cardExpiry(born, ymd(2028, 6, 1)), ymd(2050, 5, 20));
  // Exactly on the 38th birthday: inside the two years.
  EXPECT_EQ(cardExpiry(born, ymd(2028, 5, 20)), ymd(2050, 5, 20));
  // The day before: still before the window.
  EXPECT_EQ(cardExpiry(born, ymd(2028, 5, 19)), ymd(2030, 5, 20));
}

TEST(CardExpiry, NoExpiryFromFiftyEight) {
  PartialDate born{1965, 1, 10};
  EXPECT_FALSE(cardExpiry(born, ymd(2023, 6, 1)).has_value());  // 58
  EXPECT_FALSE(cardExpiry(born, ymd(2026, 6, 1)).has_value());  // 61
  EXPECT_EQ(cardExpiry(born, ymd(2022, 6, 1)), ymd(2025, 1, 10));  // 57: to 60
}

TEST(CardExpiry, UnknownDayCountsAsTheEndOfTheYear) {
  EXPECT_EQ(cardExpiry(PartialDate{1990, 0, 0}, ymd(2021, 3, 1)), ymd(2030, 12, 31));
  EXPECT_EQ(cardExpiry(PartialDate{2000, 2, 29}, ymd(2021, 3, 1)), ymd(2025, 2, 28));
}

TEST(LegalDueDate, CountsWorkingDaysAfterReceipt) {
  // Friday 2026-11-27 + 7 working days = Tuesday 2026-12-08.
  EXPECT_EQ(legalDueDate(ymd(2026, 11, 27), 7, mondayToFriday), ymd(2026, 12, 8));
  // A holiday inside the window pushes it one day.
  auto with_holiday = [](year_month_day d) { return mondayToFriday(d) && d != ymd(2026, 12, 1); };
  EXPECT_EQ(legalDueDate(ymd(2026, 11, 27), 7, with_holiday), ymd(2026, 12, 9));
}

TEST(LocalDay, UsesUtcPlusSeven) {
  // 2026-11-27T17:30:00Z is 00:30 on the 28th in Hà Nội.
  EXPECT_EQ(localDay(1795800600), ymd(2026, 11, 28));
  EXPECT_EQ(localDay(localMidnight(ymd(2026, 11, 28))), ymd(2026, 11, 28));
  EXPECT_EQ(localDay(localMidnight(ymd(2026, 11, 28)) - 1), ymd(2026, 11, 27));
  EXPECT_EQ(isoDay(ymd(2026, 1, 5)), "2026-01-05");
}

Application application(Stage stage, const char* delivery) {
  Application a;
  a.code = "079-261120-00000001";
  a.office = "Công an phường Bến Thành";
  a.office_province = "TP Hồ Chí Minh";
  a.received_at = localMidnight(ymd(2026, 11, 20)) + 9 * 3600;
  a.approved_at = a.received_at + 86400;
  a.stage = stage;
  a.delivery = delivery;
  a.due_date = "2026-12-01";
  return a;
}

TEST(Summarise, SaysStageSinceAndWhereToCollect) {
  auto s = summarise(application(Stage::approved, "office"), ymd(2026, 11, 25));
  EXPECT_EQ(s.stage, "approved");
  EXPECT_EQ(s.since, "2026-11-21");
  EXPECT_FALSE(s.overdue);
  EXPECT_EQ(s.collect_vi, "Nhận tại Công an phường Bến Thành, TP Hồ Chí Minh");
  EXPECT_NE(s.stage_vi.find("duyệt"), std::string::npos);
  auto post = summarise(application(Stage::approved, "post"), ymd(2026, 11, 25));
  EXPECT_NE(post.collect_vi.find("bưu điện"), std::string::npos);
}

TEST(Summarise, OverdueOnlyWhileNotFinished) {
  EXPECT_TRUE(summarise(application(Stage::approved, "office"), ymd(2026, 12, 2)).overdue);
  EXPECT_FALSE(summarise(application(Stage::approved, "office"), ymd(2026, 12, 1)).overdue);
  EXPECT_FALSE(summarise(application(Stage::handed_over, "office"), ymd(2026, 12, 20)).overdue);
}

TEST(Summarise, ReturnedSaysWhatIsMissing) {
  auto a = application(Stage::returned, "office");
  a.returned_at = a.received_at + 3600;
  a.returned_reason = "Ảnh chân dung không đạt yêu cầu";
  auto s = summarise(a, ymd(2026, 11, 25));
  EXPECT_EQ(s.missing_vi, "Ảnh chân dung không đạt yêu cầu");
  EXPECT_EQ(s.since, "2026-11-20");
}

TEST(CurrentApplication, PrefersTheLatestUnfinished) {
  PersonRecord r;
  EXPECT_EQ(currentApplication(r), nullptr);
  auto old_done = application(Stage::handed_over, "office");
  old_done.received_at -= 86400 * 400;
  auto open = application(Stage::printing, "office");
  open.received_at -= 86400 * 10;
  auto newest_done = application(Stage::handed_over, "office");
  r.applications = {old_done, open, newest_done};
  EXPECT_EQ(currentApplication(r), &r.applications[1]);
  r.applications = {old_done, newest_done};
  EXPECT_EQ(currentApplication(r), &r.applications[1]);
  // An old returned application replaced by a newer one is not the current one.
  auto old_returned = application(Stage::returned, "office");
  old_returned.received_at -= 86400 * 100;
  r.applications = {old_returned, newest_done};
  EXPECT_EQ(currentApplication(r), &r.applications[1]);
  r.applications = {old_done, old_returned};
  EXPECT_EQ(currentApplication(r), &r.applications[1]);
}

Person person(const char* id, const char* name, PartialDate born) {
  Person p;
  p.id = id;
  p.full_name = name;
  p.birth_date = born;
  p.former_province_code = std::string(id).substr(0, 3);
  return p;
}

TEST(NameKey, FoldsAccentsDdAndTonePlacement) {
  EXPECT_EQ(nameKey("Đặng Thị Thuỷ"), nameKey("dang thi thuy"));
  EXPECT_EQ(nameKey("Đặng Thị Thủy"), nameKey("DANG THI THUY"));
  EXPECT_EQ(nameKey("  Nguyễn   Văn  Đức "), "nguyen van duc");
}

TEST(RankCandidates, ExactSpellingDateAndProvinceRankHigher) {
  NameQuery q{"Nguyễn Văn Đức", {1990, 5, 20}, "079", 10};
  std::vector<Person> people = {
      person("001090000001", "Nguyen Van Duc", {1990, 5, 20}),   // no accents in the record
      person("079090000002", "Nguyễn Văn Đức", {1990, 5, 20}),   // exact, province
      person("001090000003", "Nguyễn Văn Đức", {1990, 0, 0}),    // only the year known
      person("001090000004", "Nguyễn Văn Đức", {1990, 6, 20}),   // another month: dropped
      person("001090000005", "Nguyễn Văn Đức", {1990, 5, 21}),   // another day: dropped
  };
  auto ranked = rankCandidates(q, people);
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0].person.id, "079090000002");
  EXPECT_EQ(ranked[1].person.id, "001090000003");  // exact spelling 40 beats date 30
  EXPECT_EQ(ranked[2].person.id, "001090000001");
  q.limit = 1;
  EXPECT_EQ(rankCandidates(q, people).size(), 1u);
}

TEST(RankCandidates, CaseOfCapitalsDoesNotMatter) {
  NameQuery q{"NGUYỄN VĂN ĐỨC", {1990, 0, 0}, "", 10};
  auto ranked = rankCandidates(q, {person("001090000002", "Nguyễn Văn Đức", {1990, 5, 20})});
  ASSERT_EQ(ranked.size(), 1u);
  EXPECT_EQ(ranked[0].score, 40);
}

TEST(BirthDateVerifies, EveryKnownPartMustBeStated) {
  EXPECT_TRUE(birthDateVerifies({1985, 3, 14}, {1985, 3, 14}));
  EXPECT_FALSE(birthDateVerifies({1985, 0, 0}, {1985, 3, 14}));   // only the year of a full date
  EXPECT_FALSE(birthDateVerifies({1985, 3, 15}, {1985, 3, 14}));
  EXPECT_TRUE(birthDateVerifies({1939, 5, 2}, {1939, 0, 0}));     // the record knows only the year
  EXPECT_FALSE(birthDateVerifies({1938, 5, 2}, {1939, 0, 0}));
  EXPECT_TRUE(birthDateVerifies({1960, 9, 1}, {1960, 9, 0}));
}

TEST(LookupLimiter, RefusesBeyondThePerMinuteLimitAndRecovers) {
  LookupLimiter l({3, 100, 1000});
  std::int64_t t = 1'800'000'000, day = t - 3600;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(l.attempt(7, t + i, day).allowed);
  auto refused = l.attempt(7, t + 10, day);
  EXPECT_FALSE(refused.allowed);
  EXPECT_STREQ(refused.refused_by, "minute");
  EXPECT_EQ(refused.retry_after_s, 50);
  EXPECT_TRUE(l.attempt(8, t + 10, day).allowed);  // per user
  EXPECT_TRUE(l.attempt(7, t + 61, day).allowed);
}

TEST(LookupLimiter, DailyLimitResetsAtMidnight) {
  LookupLimiter l({100, 2, 1000});
  std::int64_t t = 1'800'000'000, day = t - 3600;
  EXPECT_TRUE(l.attempt(1, t, day).allowed);
  EXPECT_TRUE(l.attempt(1, t + 120, day).allowed);
  auto refused = l.attempt(1, t + 240, day);
  EXPECT_FALSE(refused.allowed);
  EXPECT_STREQ(refused.refused_by, "day");
  EXPECT_TRUE(l.attempt(1, day + 86400 + 5, day + 86400).allowed);
}

TEST(LookupLimiter, AlertsOncePerHourAtTheThreshold) {
  LookupLimiter l({1000, 1000, 5});
  std::int64_t t = 1'800'000'000, day = t - 3600;
  int alerts = 0;
  for (int i = 0; i < 20; ++i) alerts += l.attempt(1, t + i * 10, day).alert ? 1 : 0;
  EXPECT_EQ(alerts, 1);
  // An hour later the volume is still high: a new alert.
  for (int i = 0; i < 6; ++i) alerts += l.attempt(1, t + 3700 + i, day).alert ? 1 : 0;
  EXPECT_EQ(alerts, 2);
}

}  // namespace
}  // namespace tongdai::core::registry
