#include "core/registry/json.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "core/text/fold.h"

namespace tongdai::core::registry {
namespace {

using nlohmann::json;

Person samplePerson() {
  Person p;
  p.id = "079185001234";
  p.full_name = "Đặng Thị Thuỷ";
  p.birth_date = PartialDate{1985, 3, 12};
  p.gender = identity::Gender::female;
  p.ethnicity = "Kinh";
  p.hometown = "Nghệ An";
  p.permanent = Address{"Phường Bến Thành", "TP Hồ Chí Minh"};
  p.current = Address{"Phường Sài Gòn", "TP Hồ Chí Minh"};
  p.former_province_code = "079";
  p.vneid_level = 2;
  return p;
}

Application sampleApplication() {
  Application a;
  a.code = "079-261105-00004213";
  a.person_id = "079185001234";
  a.type = ApplicationType::renewal;
  a.type_reason = "age_40";
  a.office = "Công an phường Bến Thành";
  a.office_province = "TP Hồ Chí Minh";
  a.received_at = 1793836800;
  a.approved_at = 1793923200;
  a.printing_at = 1794009600;
  a.printed_at = 1794096000;
  a.stage = Stage::printed;
  a.due_date = "2026-11-14";
  a.delivery = "post";
  return a;
}

Card sampleCard() {
  return Card{"079185001234", "079185001234", "079-210301-00000001", "2021-03-15", "2025-03-12"};
}

PersonRecord sampleRecord() {
  PersonRecord r;
  r.person = samplePerson();
  Application returned = sampleApplication();
  returned.code = "079-210301-00000001";
  returned.type = ApplicationType::new_card;
  returned.stage = Stage::returned;
  returned.returned_at = 1614700000;
  returned.returned_reason = "Bổ sung giấy khai sinh bản sao.";
  r.applications = {returned, sampleApplication()};
  r.cards = {sampleCard()};
  return r;
}

// Decoding must fail with registry_bad_response at `field`, never throw.
template <typename T>
void expectBad(const Result<T>& r, const std::string& field) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "registry_bad_response");
  EXPECT_EQ(r.error().field, field);
  EXPECT_EQ(r.error().message_vi, text::toNfc(r.error().message_vi));
  EXPECT_NE(r.error().message_vi.find(field.empty() ? "(gốc)" : field), std::string::npos);
  EXPECT_FALSE(r.error().message_en.empty());
}

TEST(RegistryJson, PersonRoundTrip) {
  Person p = samplePerson();
  auto back = personFromJson(toJson(p));
  ASSERT_TRUE(back.ok()) << back.error().message_en;
  EXPECT_EQ(*back, p);
}

TEST(RegistryJson, PersonWireFormat) {
  json j = toJson(samplePerson());
  EXPECT_EQ(j["birth_date"], "1985-03-12");
  EXPECT_EQ(j["gender"], "female");
  EXPECT_EQ(j["permanent"]["commune"], "Phường Bến Thành");
  EXPECT_EQ(j["vneid_level"], 2);
}

TEST(RegistryJson, PartialAndUnknownBirthDatesRoundTrip) {
  for (PartialDate d : {PartialDate{1950, 0, 0}, PartialDate{1950, 3, 0}, PartialDate{}}) {
    Person p = samplePerson();
    p.birth_date = d;
    auto back = personFromJson(toJson(p));
    ASSERT_TRUE(back.ok()) << d.toString();
    EXPECT_EQ(back->birth_date, d);
  }
}

TEST(RegistryJson, ApplicationRoundTripEveryStageAndType) {
  for (int s = 0; s <= static_cast<int>(Stage::returned); ++s) {
    for (int t = 0; t <= static_cast<int>(ApplicationType::correction); ++t) {
      Application a = sampleApplication();
      a.stage = static_cast<Stage>(s);
      a.type = static_cast<ApplicationType>(t);
      a.dispatched_at = 1794182400;
      a.handed_over_at = 1794268800;
      a.returned_at = 1794355200;
      auto back = applicationFromJson(toJson(a));
      ASSERT_TRUE(back.ok()) << back.error().message_en;
      EXPECT_EQ(*back, a);
    }
  }
}

TEST(RegistryJson, ApplicationWireFormat) {
  json j = toJson(sampleApplication());
  EXPECT_EQ(j["type"], "renewal");
  EXPECT_EQ(j["stage"], "printed");
  EXPECT_EQ(j["received_at"], 1793836800);
  EXPECT_EQ(j["dispatched_at"], 0);  // not reached
}

TEST(RegistryJson, CardRoundTripIncludingNoExpiry) {
  Card c = sampleCard();
  c.expiry_date = "";
  auto back = cardFromJson(toJson(c));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, c);
}

TEST(RegistryJson, PersonRecordRoundTrip) {
  PersonRecord r = sampleRecord();
  auto back = personRecordFromJson(toJson(r));
  ASSERT_TRUE(back.ok()) << back.error().message_en;
  EXPECT_EQ(*back, r);
  // Through text too: what actually crosses the wire.
  auto parsed = personRecordFromJson(json::parse(toJson(r).dump()));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, r);
}

TEST(RegistryJson, CandidateAndListRoundTrip) {
  Candidate c{samplePerson(), 85};
  auto back = candidateFromJson(toJson(c));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->person, c.person);
  EXPECT_EQ(back->score, 85);

  auto list = candidateListFromJson(candidateListToJson({c, Candidate{samplePerson(), -3}}));
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].score, -3);
  auto empty = candidateListFromJson(candidateListToJson({}));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(RegistryJson, StatsRoundTrip) {
  RegistryStats s{98000000, 60000000, 52000000};
  auto back = registryStatsFromJson(toJson(s));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->people, s.people);
  EXPECT_EQ(back->applications, s.applications);
  EXPECT_EQ(back->cards, s.cards);
}

TEST(RegistryJson, NameQueryRoundTrip) {
  NameQuery q{"Nguyễn Văn An", PartialDate{1990, 0, 0}, "001", 5};
  auto back = nameQueryFromJson(toJson(q));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->full_name, q.full_name);
  EXPECT_EQ(back->birth_date, q.birth_date);
  EXPECT_EQ(back->province_code, "001");
  EXPECT_EQ(back->limit, 5);
}

TEST(RegistryJson, DecomposedTextBecomesNfc) {
  json j = toJson(samplePerson());
  j["full_name"] = "Đa\xCC\xA3\xCC\x86ng Thi\xCC\xA3 Thuy\xCC\x89";  // NFD
  auto p = personFromJson(j);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->full_name, "Đặng Thị Thuỷ");
}

TEST(RegistryJson, UnknownMembersAreIgnoredAndNullMeansAbsent) {
  json j = toJson(samplePerson());
  j["photo_url"] = "https://example.invalid/x.jpg";
  j["ethnicity"] = nullptr;
  auto p = personFromJson(j);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ethnicity, "");
}

TEST(RegistryJson, NotAnObject) {
  expectBad(personFromJson(json::array()), "");
  expectBad(personRecordFromJson(json("text")), "");
  expectBad(registryStatsFromJson(json(nullptr)), "");
  expectBad(candidateListFromJson(json(42)), "");
}

TEST(RegistryJson, MissingRequiredFields) {
  json j = toJson(samplePerson());
  j.erase("id");
  expectBad(personFromJson(j), "id");
  j = toJson(samplePerson());
  j.erase("gender");
  expectBad(personFromJson(j), "gender");
  expectBad(personRecordFromJson(json::object()), "person");
  expectBad(candidateListFromJson(json::object()), "items");
  expectBad(registryStatsFromJson(json{{"people", 1}, {"cards", 1}}), "applications");
}

TEST(RegistryJson, WrongTypes) {
  json j = toJson(samplePerson());
  j["full_name"] = 12;
  expectBad(personFromJson(j), "full_name");
  j = toJson(samplePerson());
  j["vneid_level"] = "2";
  expectBad(personFromJson(j), "vneid_level");
  j = toJson(samplePerson());
  j["permanent"] = "Phường Bến Thành";
  expectBad(personFromJson(j), "permanent");
  json a = toJson(sampleApplication());
  a["received_at"] = 1.5;
  expectBad(applicationFromJson(a), "received_at");
  json r = toJson(sampleRecord());
  r["cards"] = json::object();
  expectBad(personRecordFromJson(r), "cards");
}

TEST(RegistryJson, BadValues) {
  json j = toJson(samplePerson());
  j["id"] = "07918500123";  // 11 digits
  expectBad(personFromJson(j), "id");
  j = toJson(samplePerson());
  j["gender"] = "m";
  expectBad(personFromJson(j), "gender");
  j = toJson(samplePerson());
  j["birth_date"] = "12/03/1985";  // operators' form, not the wire's
  expectBad(personFromJson(j), "birth_date");
  j["birth_date"] = "1985-02-30";
  expectBad(personFromJson(j), "birth_date");
  j = toJson(samplePerson());
  j["vneid_level"] = 3;
  expectBad(personFromJson(j), "vneid_level");
  json a = toJson(sampleApplication());
  a["due_date"] = "14/11/2026";
  expectBad(applicationFromJson(a), "due_date");
  a = toJson(sampleApplication());
  a["approved_at"] = -1;
  expectBad(applicationFromJson(a), "approved_at");
  a["approved_at"] = std::numeric_limits<std::uint64_t>::max();
  expectBad(applicationFromJson(a), "approved_at");
  expectBad(registryStatsFromJson(json{{"people", 1}, {"applications", 1}, {"cards", -5}}), "cards");
}

TEST(RegistryJson, NestedErrorsNameTheirPath) {
  json r = toJson(sampleRecord());
  r["applications"][1]["stage"] = "lost_in_mail";
  expectBad(personRecordFromJson(r), "applications[1].stage");
  r = toJson(sampleRecord());
  r["applications"][0]["type"] = "upgrade";
  expectBad(personRecordFromJson(r), "applications[0].type");
  r = toJson(sampleRecord());
  r["person"]["current"]["province"] = false;
  expectBad(personRecordFromJson(r), "person.current.province");
  json list = candidateListToJson({Candidate{samplePerson(), 1}});
  list["items"][0]["person"]["id"] = "abc";
  expectBad(candidateListFromJson(list), "items[0].person.id");
  list = candidateListToJson({Candidate{samplePerson(), 1}});
  list["items"][0]["score"] = 1e12;
  expectBad(candidateListFromJson(list), "items[0].score");
}

TEST(RegistryJson, NameQueryShape) {
  expectBad(nameQueryFromJson(json{{"birth_date", "1990"}}), "full_name");
  expectBad(nameQueryFromJson(json{{"full_name", "An"}}), "birth_date");
  expectBad(nameQueryFromJson(json{{"full_name", "An"}, {"birth_date", "1990"}, {"limit", "5"}}),
            "limit");
  auto q = nameQueryFromJson(json{{"full_name", "An"}, {"birth_date", "1990"}});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->limit, 10);  // the model's default
  EXPECT_EQ(q->province_code, "");
}

}  // namespace
}  // namespace tongdai::core::registry
