#include "core/registry/generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/identity/citizen_id.h"
#include "core/registry/geography.h"
#include "core/registry/names.h"
#include "core/registry/registry.h"
#include "core/registry/rules.h"
#include "core/text/fold.h"

namespace tongdai::core::registry {
namespace {

using date::year_month_day;

constexpr int kOpenSeconds = 7 * 3600 + 30 * 60;
constexpr int kCloseSeconds = 17 * 3600;

std::vector<PersonRecord> generate(std::uint64_t seed, std::int64_t people) {
  PopulationGenerator g({.seed = seed, .people = people});
  std::vector<PersonRecord> out;
  PersonRecord r;
  while (g.next(r)) out.push_back(r);
  return out;
}

TEST(PopulationGenerator, SameSeedSameRecordsDifferentSeedDifferent) {
  const auto a = generate(7, 2000);
  const auto b = generate(7, 2000);
  const auto c = generate(8, 2000);
  ASSERT_EQ(a.size(), 2000u);
  EXPECT_TRUE(a == b);
  int same_id = 0;
  for (std::size_t i = 0; i < a.size(); ++i) same_id += a[i].person.id == c[i].person.id;
  EXPECT_LT(same_id, 20);
}

// Records must not depend on how many people were asked for, nor on whether
// the caller reuses its PersonRecord (the generator recycles its strings).
TEST(PopulationGenerator, ReusedOutputGivesTheSameRecords) {
  PopulationGenerator reused({.seed = 3, .people = 3000});
  PopulationGenerator fresh({.seed = 3, .people = 5000});
  PersonRecord r;
  for (int i = 0; i < 3000; ++i) {
    PersonRecord f;
    ASSERT_TRUE(reused.next(r));
    ASSERT_TRUE(fresh.next(f));
    ASSERT_EQ(r, f) << i;
  }
  EXPECT_FALSE(reused.next(r));
  EXPECT_EQ(reused.produced(), 3000);
}

TEST(PopulationGenerator, StopsAfterTheRequestedNumber) {
  PopulationGenerator g({.seed = 1, .people = 3});
  PersonRecord r;
  int n = 0;
  while (g.next(r)) ++n;
  EXPECT_EQ(n, 3);
  EXPECT_EQ(g.produced(), 3);
  EXPECT_FALSE(g.next(r));
}

// ---------------------------------------------------------------- one big run

// Everything counted over one streamed run of 200,000 people. Each check
// keeps its first failure as an example.
struct Stats {
  std::int64_t people = 0, applications = 0, cards = 0;
  std::int64_t duplicate_ids = 0, duplicate_codes = 0;
  std::map<std::string, std::int64_t> failures;
  std::map<std::string, std::string> example;
  std::map<Stage, std::int64_t> stages, recent_stages;
  std::map<std::string, std::int64_t> types, ethnicity;
  std::int64_t nguyen = 0, male = 0, partial_dates = 0;
  std::int64_t teens_and_adults = 0, teens_and_adults_with_app = 0;
  std::int64_t with_recent = 0, recent_apps = 0, recent_overdue = 0, post = 0;
  std::int64_t vneid[3] = {0, 0, 0};

  void fail(const std::string& check, const std::string& what) {
    if (failures[check]++ == 0) example[check] = what;
  }
};

const GeneratorOptions kBigRun{.seed = 2026, .people = 200000};

bool inWorkingHours(std::int64_t t) {
  const std::int64_t since_midnight = t - localMidnight(localDay(t));
  return since_midnight >= kOpenSeconds && since_midnight <= kCloseSeconds &&
         mondayToFriday(localDay(t));
}

void checkPerson(const Person& p, Stats& s) {
  const auto info = identity::parseCitizenId(p.id, 2026);
  if (!info.ok()) return s.fail("id_parses", p.id);
  if (!identity::checkBirthAndGender(*info, p.birth_date.year, p.gender).ok()) {
    s.fail("id_matches_birth_and_gender", p.id);
  }
  if (info->province_code != p.former_province_code) s.fail("id_province_code", p.id);
  if (p.full_name != text::toNfc(p.full_name) || p.full_name.empty())
    s.fail("name_nfc", p.full_name);
  if (p.birth_date.day == 0) {
    ++s.partial_dates;
    if (p.birth_date.year >= 1960) s.fail("partial_dates_only_old", p.birth_date.toString());
  }
  if (!PartialDate::parse(p.birth_date.toString()))
    s.fail("birth_date_valid", p.birth_date.toString());
  for (const auto* addr : {&p.permanent, &p.current}) {
    if (!newProvince(addr->province)) s.fail("address_province", addr->province);
    const bool ward = addr->commune.rfind("Phường ", 0) == 0;
    if (!ward && addr->commune.rfind("Xã ", 0) != 0) s.fail("address_commune", addr->commune);
  }
  if (!newProvince(p.hometown)) s.fail("hometown", p.hometown);
  if (p.vneid_level < 0 || p.vneid_level > 2) return s.fail("vneid", p.id);
  ++s.vneid[p.vneid_level];
}

void checkApplication(const PersonRecord& r, const Application& a, Stats& s) {
  const std::int64_t now = localMidnight(kBigRun.as_of);
  const std::int64_t times[] = {a.received_at, a.approved_at,   a.printing_at,
                                a.printed_at,  a.dispatched_at, a.handed_over_at};
  if (a.person_id != r.person.id) s.fail("app_person", a.code);
  int last = 0;
  for (int i = 0; i < 6; ++i) {
    if (times[i] == 0) continue;
    if (i > 0 && (times[i - 1] == 0 || times[i] < times[i - 1])) s.fail("stages_monotone", a.code);
    if (!inWorkingHours(times[i])) s.fail("working_hours", a.code);
    if (times[i] >= now) s.fail("before_as_of", a.code);
    last = i;
  }
  if (a.received_at == 0) s.fail("received", a.code);
  if (a.returned_at != 0) {
    if (a.stage != Stage::returned) s.fail("returned_stage", a.code);
    if (a.returned_reason.empty()) s.fail("returned_reason", a.code);
    if (a.returned_at < times[last] || !inWorkingHours(a.returned_at))
      s.fail("returned_at", a.code);
    if (a.printing_at != 0) s.fail("returned_before_printing", a.code);
  } else if (a.stage != static_cast<Stage>(last)) {
    s.fail("stage_is_latest", a.code);
  }
  const year_month_day received = localDay(a.received_at);
  if (a.due_date != isoDay(legalDueDate(received, 7, mondayToFriday))) s.fail("due_date", a.code);
  const NewProvince* office = newProvince(a.office_province);
  if (!office) return s.fail("office_province", a.office_province);
  const std::string yymmdd =
      isoDay(received).substr(2, 2) + isoDay(received).substr(5, 2) + isoDay(received).substr(8, 2);
  if (a.code.size() != 19 || a.code.substr(0, 3) != office->code || a.code.substr(4, 6) != yymmdd ||
      normaliseApplicationCode(a.code) != a.code) {
    s.fail("code_format", a.code);
  }
  if (a.office.rfind("Công an phường ", 0) != 0 && a.office.rfind("Công an xã ", 0) != 0) {
    s.fail("office", a.office);
  }
  if (a.delivery != "post" && a.delivery != "office") s.fail("delivery", a.delivery);
  s.post += a.delivery == "post";
  ++s.stages[a.stage];
  ++s.types[applicationTypeName(a.type)];
  if (a.received_at >= now - 45 * 86400) {
    ++s.recent_apps;
    ++s.recent_stages[a.stage];
    const bool open = a.stage != Stage::handed_over && a.stage != Stage::returned;
    s.recent_overdue += open && isoDay(kBigRun.as_of) > a.due_date;
  }
}

void checkCards(const PersonRecord& r, Stats& s) {
  std::map<std::string, const Application*> handed;
  for (const Application& a : r.applications) {
    if (a.handed_over_at != 0) handed[a.code] = &a;
  }
  if (handed.size() != r.cards.size()) s.fail("one_card_per_handed_over_app", r.person.id);
  for (std::size_t i = 0; i < r.cards.size(); ++i) {
    const Card& c = r.cards[i];
    if (c.number != r.person.id || c.person_id != r.person.id) s.fail("card_number", c.number);
    const auto it = handed.find(c.application_code);
    if (it == handed.end()) {
      s.fail("card_app_handed_over", c.application_code);
      continue;
    }
    const year_month_day issue = localDay(it->second->printed_at);
    if (c.issue_date != isoDay(issue)) s.fail("card_issue_date", c.application_code);
    const auto expiry = cardExpiry(r.person.birth_date, issue);
    if (c.expiry_date != (expiry ? isoDay(*expiry) : "")) s.fail("card_expiry", c.application_code);
    if (i > 0 && c.issue_date < r.cards[i - 1].issue_date) s.fail("cards_oldest_first", c.number);
  }
}

Stats runBig() {
  Stats s;
  std::unordered_set<std::string> ids, codes;
  ids.reserve(kBigRun.people);
  PopulationGenerator g(kBigRun);
  PersonRecord r;
  const std::int64_t recent = localMidnight(kBigRun.as_of) - 45 * 86400;
  while (g.next(r)) {
    ++s.people;
    if (!ids.insert(r.person.id).second) ++s.duplicate_ids;
    checkPerson(r.person, s);
    s.nguyen += r.person.full_name.rfind("Nguyễn ", 0) == 0;
    s.male += r.person.gender == identity::Gender::male;
    ++s.ethnicity[r.person.ethnicity];
    const int age = 2026 - r.person.birth_date.year;
    if (age >= 16) {  // 14 by a safe margin: first cards may follow the birthday by months
      ++s.teens_and_adults;
      s.teens_and_adults_with_app += !r.applications.empty();
    }
    bool has_recent = false;
    for (std::size_t i = 0; i < r.applications.size(); ++i) {
      const Application& a = r.applications[i];
      if (!codes.insert(a.code).second) ++s.duplicate_codes;
      checkApplication(r, a, s);
      if (i > 0 && a.received_at < r.applications[i - 1].received_at)
        s.fail("apps_oldest_first", a.code);
      has_recent |= a.received_at >= recent;
    }
    s.with_recent += has_recent;
    checkCards(r, s);
    s.applications += r.applications.size();
    s.cards += r.cards.size();
  }
  return s;
}

const Stats& big() {
  static const Stats stats = runBig();
  return stats;
}

double share(std::int64_t part, std::int64_t whole) { return static_cast<double>(part) / whole; }

TEST(PopulationGeneratorRun, IdsAreUniqueAndAgreeWithThePerson) {
  const Stats& s = big();
  ASSERT_EQ(s.people, 200000);
  EXPECT_EQ(s.duplicate_ids, 0);
  for (const char* check : {"id_parses", "id_matches_birth_and_gender", "id_province_code"}) {
    EXPECT_EQ(s.failures.count(check), 0u) << check << ": " << s.example.at(check);
  }
}

TEST(PopulationGeneratorRun, NoCheckFails) {
  const Stats& s = big();
  for (const auto& [check, count] : s.failures) {
    ADD_FAILURE() << check << " failed " << count << " times, e.g. " << s.example.at(check);
  }
}

TEST(PopulationGeneratorRun, ApplicationCodesAreUnique) {
  EXPECT_EQ(big().duplicate_codes, 0);
  EXPECT_GT(big().applications, 0);
}

TEST(PopulationGeneratorRun, EveryStageOccursAmongCurrentApplications) {
  const Stats& s = big();
  for (Stage st : {Stage::received, Stage::approved, Stage::printing, Stage::printed,
                   Stage::dispatched, Stage::handed_over, Stage::returned}) {
    EXPECT_GT(s.recent_stages.count(st) ? s.recent_stages.at(st) : 0, 20) << stageName(st);
  }
  EXPECT_GT(s.recent_overdue, 20);  // some open applications are past their due date
  const double returned = share(s.recent_stages.at(Stage::returned), s.recent_apps);
  EXPECT_GT(returned, 0.02);
  EXPECT_LT(returned, 0.05);
}

TEST(PopulationGeneratorRun, ProportionsArePlausible) {
  const Stats& s = big();
  EXPECT_GT(share(s.nguyen, s.people), 0.30);
  EXPECT_LT(share(s.nguyen, s.people), 0.45);
  EXPECT_NEAR(share(s.male, s.people), 0.5, 0.02);
  EXPECT_NEAR(share(s.ethnicity.at("Kinh"), s.people), 0.85, 0.04);
  EXPECT_GT(s.ethnicity.at("Khmer"), 0);
  EXPECT_GT(s.ethnicity.at("H'Mông"), 0);
  EXPECT_GT(share(s.teens_and_adults_with_app, s.teens_and_adults), 0.9);
  EXPECT_GT(share(s.applications, s.people), 0.6);
  EXPECT_LT(share(s.applications, s.people), 1.3);
  EXPECT_NEAR(share(s.with_recent, s.people), 0.05, 0.015);
  EXPECT_NEAR(share(s.post, s.applications), 0.30, 0.03);
  EXPECT_GT(s.types.at("renewal"), 0);
  EXPECT_NEAR(share(s.types.at("reissue"), s.people), 0.04, 0.015);
  EXPECT_NEAR(share(s.types.at("correction"), s.people), 0.02, 0.01);
  EXPECT_GT(share(s.partial_dates, s.people), 0.001);
  EXPECT_NEAR(share(s.vneid[2], s.people), 0.45, 0.1);
  EXPECT_EQ(s.cards, s.stages.at(Stage::handed_over));
}

// ---------------------------------------------------------------- calendars

// A calendar with a long holiday: nothing may happen on it, due dates skip it.
TEST(PopulationGenerator, FollowsTheCallersCalendar) {
  const year_month_day first{date::year{2026} / 4 / 27};
  const year_month_day last{date::year{2026} / 5 / 5};
  auto working = [&](year_month_day d) {
    return mondayToFriday(d) && !(date::sys_days{d} >= date::sys_days{first} &&
                                  date::sys_days{d} <= date::sys_days{last});
  };
  PopulationGenerator g({.seed = 5,
                         .people = 40000,
                         .as_of = year_month_day{date::year{2026} / 5 / 20},
                         .working_day = working});
  PersonRecord r;
  int checked = 0;
  while (g.next(r)) {
    for (const Application& a : r.applications) {
      for (std::int64_t t : {a.received_at, a.approved_at, a.printing_at, a.printed_at,
                             a.dispatched_at, a.handed_over_at, a.returned_at}) {
        if (t == 0) continue;
        ASSERT_TRUE(working(localDay(t))) << a.code << " " << isoDay(localDay(t));
        ++checked;
      }
      ASSERT_EQ(a.due_date, isoDay(legalDueDate(localDay(a.received_at), 7, working))) << a.code;
    }
  }
  EXPECT_GT(checked, 10000);
}

TEST(PopulationGenerator, NoApplicationsBeforeChipCards) {
  PopulationGenerator g(
      {.seed = 9, .people = 2000, .as_of = year_month_day{date::year{2020} / 6 / 1}});
  PersonRecord r;
  while (g.next(r)) {
    EXPECT_TRUE(r.applications.empty());
    ASSERT_TRUE(identity::parseCitizenId(r.person.id, 2020).ok()) << r.person.id;
  }
}

// ---------------------------------------------------------------- names

TEST(Names, DataIsNfcAndWeighted) {
  auto check = [](std::span<const WeightedName> names) {
    EXPECT_FALSE(names.empty());
    for (const WeightedName& n : names) {
      EXPECT_EQ(std::string(n.text), text::toNfc(n.text));
      EXPECT_EQ(std::string(n.old_style), text::toNfc(n.old_style));
      EXPECT_GT(n.weight, 0) << n.text;
      if (!n.old_style.empty()) {
        EXPECT_NE(n.old_style, n.text);
        EXPECT_EQ(text::foldForSearch(n.old_style), text::foldForSearch(n.text));
      }
    }
  };
  check(familyNames());
  for (auto g : {identity::Gender::male, identity::Gender::female}) {
    check(middleNames(g));
    check(givenNames(g));
    EXPECT_GE(givenNames(g).size(), 55u);
  }
  ASSERT_FALSE(ethnicGroups().empty());
  EXPECT_EQ(ethnicGroups()[0].name, "Kinh");
  for (const EthnicGroup& e : ethnicGroups()) {
    EXPECT_EQ(std::string(e.name), text::toNfc(e.name));
    check(e.family_names.empty() ? familyNames() : e.family_names);
  }
}

TEST(Names, OldTonePlacementAppearsSometimes) {
  PopulationGenerator g({.seed = 11, .people = 50000});
  PersonRecord r;
  int old_style = 0, new_style = 0;
  const std::set<std::string> olds{"Thuỷ", "Thuý", "Hoà", "Thuỳ"};
  const std::set<std::string> news{"Thủy", "Thúy", "Hòa", "Thùy"};
  while (g.next(r)) {
    std::string word;
    for (char c : r.person.full_name + " ") {  // whole words: "Hoà" is also a prefix of "Hoàng"
      if (c != ' ') {
        word += c;
        continue;
      }
      old_style += olds.count(word);
      new_style += news.count(word);
      word.clear();
    }
  }
  EXPECT_GT(old_style, 0);
  EXPECT_GT(new_style, old_style);
}

}  // namespace
}  // namespace tongdai::core::registry
