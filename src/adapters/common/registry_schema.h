// The reference registry's tables, shared by the SQLite and PostgreSQL
// backends so both hold the same columns in the same order, and the mapping
// between rows and core::registry values (a Row has text(col) and i64(col)).
//
// Tables are loaded in generation order without indexes; indexes are built
// once at the end of a load (sorting once is far cheaper than keeping random
// 12-digit keys ordered while inserting 10 million rows).
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "core/registry/match.h"
#include "core/registry/model.h"

namespace tongdai::adapters::registry_schema {

using namespace core::registry;

// Version of the layout below, stored in registry_meta.
inline constexpr int kVersion = 1;

inline const char* kPersonColumns =
    "id, full_name, name_key, birth_year, birth_month, birth_day, gender, ethnicity, hometown, "
    "perm_commune, perm_province, cur_commune, cur_province, vneid_level";
inline const char* kApplicationColumns =
    "code, person_id, type, type_reason, office, office_province, received_at, approved_at, "
    "printing_at, printed_at, dispatched_at, handed_over_at, returned_at, returned_reason, stage, "
    "due_date, delivery";
inline const char* kCardColumns = "number, person_id, application_code, issue_date, expiry_date";

// Column types: every text column is `T`, every integer `I`; the backends
// substitute their own spelling.
inline std::string tablesSql(const std::string& prefix, const std::string& T, const std::string& I) {
  return "CREATE TABLE " + prefix + "person (id " + T + " NOT NULL, full_name " + T +
         " NOT NULL, name_key " + T + " NOT NULL, birth_year " + I + " NOT NULL, birth_month " + I +
         " NOT NULL, birth_day " + I + " NOT NULL, gender " + I + " NOT NULL, ethnicity " + T +
         ", hometown " + T + ", perm_commune " + T + ", perm_province " + T + ", cur_commune " + T +
         ", cur_province " + T + ", vneid_level " + I + " NOT NULL);\n" +
         "CREATE TABLE " + prefix + "application (code " + T + " NOT NULL, person_id " + T +
         " NOT NULL, type " + T + " NOT NULL, type_reason " + T + ", office " + T +
         ", office_province " + T + ", received_at " + I + " NOT NULL, approved_at " + I +
         ", printing_at " + I + ", printed_at " + I + ", dispatched_at " + I + ", handed_over_at " +
         I + ", returned_at " + I + ", returned_reason " + T + ", stage " + T + " NOT NULL, due_date " +
         T + ", delivery " + T + ");\n" +
         "CREATE TABLE " + prefix + "card (number " + T + " NOT NULL, person_id " + T +
         " NOT NULL, application_code " + T + ", issue_date " + T + ", expiry_date " + T + ");\n" +
         "CREATE TABLE " + prefix + "registry_meta (key " + T + " PRIMARY KEY, value " + T + ");\n";
}

// Built after loading. name_key + birth date serve the name look-up from the
// index alone; only matching rows are fetched.
inline std::vector<std::string> indexSql(const std::string& prefix, const std::string& table_prefix) {
  return {
      "CREATE UNIQUE INDEX " + prefix + "person_id ON " + table_prefix + "person (id)",
      "CREATE INDEX " + prefix + "person_name ON " + table_prefix +
          "person (name_key, birth_year, birth_month, birth_day)",
      "CREATE UNIQUE INDEX " + prefix + "application_code ON " + table_prefix + "application (code)",
      "CREATE INDEX " + prefix + "application_person ON " + table_prefix + "application (person_id)",
      "CREATE INDEX " + prefix + "card_person ON " + table_prefix + "card (person_id)",
  };
}

// Field values in column order, as text (integers formatted), for loaders.
inline void personFields(const Person& p, std::vector<std::string>& f) {
  f = {p.id,
       p.full_name,
       nameKey(p.full_name),
       std::to_string(p.birth_date.year),
       std::to_string(p.birth_date.month),
       std::to_string(p.birth_date.day),
       p.gender == core::identity::Gender::female ? "1" : "0",
       p.ethnicity,
       p.hometown,
       p.permanent.commune,
       p.permanent.province,
       p.current.commune,
       p.current.province,
       std::to_string(p.vneid_level)};
}

template <typename Row>
Person personFromRow(const Row& r) {
  Person p;
  p.id = r.text(0);
  p.full_name = r.text(1);
  p.birth_date = PartialDate{int(r.i64(3)), int(r.i64(4)), int(r.i64(5))};
  p.gender = r.i64(6) == 1 ? core::identity::Gender::female : core::identity::Gender::male;
  p.ethnicity = r.text(7);
  p.hometown = r.text(8);
  p.permanent = Address{r.text(9), r.text(10)};
  p.current = Address{r.text(11), r.text(12)};
  p.former_province_code = p.id.substr(0, 3);
  p.vneid_level = int(r.i64(13));
  return p;
}

// Stage times: 0 (not reached) is stored as NULL and read back as 0.
inline void applicationFields(const Application& a, std::vector<std::string>& f,
                              const std::string& null_text) {
  auto t = [&](std::int64_t v) { return v ? std::to_string(v) : null_text; };
  f = {a.code,
       a.person_id,
       applicationTypeName(a.type),
       a.type_reason,
       a.office,
       a.office_province,
       std::to_string(a.received_at),
       t(a.approved_at),
       t(a.printing_at),
       t(a.printed_at),
       t(a.dispatched_at),
       t(a.handed_over_at),
       t(a.returned_at),
       a.returned_reason,
       stageName(a.stage),
       a.due_date,
       a.delivery};
}

template <typename Row>
Application applicationFromRow(const Row& r) {
  Application a;
  a.code = r.text(0);
  a.person_id = r.text(1);
  a.type = parseApplicationType(r.text(2)).value_or(ApplicationType::new_card);
  a.type_reason = r.text(3);
  a.office = r.text(4);
  a.office_province = r.text(5);
  a.received_at = r.i64(6);
  a.approved_at = r.i64(7);
  a.printing_at = r.i64(8);
  a.printed_at = r.i64(9);
  a.dispatched_at = r.i64(10);
  a.handed_over_at = r.i64(11);
  a.returned_at = r.i64(12);
  a.returned_reason = r.text(13);
  a.stage = parseStage(r.text(14)).value_or(Stage::received);
  a.due_date = r.text(15);
  a.delivery = r.text(16);
  return a;
}

inline void cardFields(const Card& c, std::vector<std::string>& f) {
  f = {c.number, c.person_id, c.application_code, c.issue_date, c.expiry_date};
}

template <typename Row>
Card cardFromRow(const Row& r) {
  return Card{r.text(0), r.text(1), r.text(2), r.text(3), r.text(4)};
}

// Which columns are integers (the loaders bind or COPY them differently).
inline std::vector<bool> integerMask(std::initializer_list<int> integer_columns, int n) {
  std::vector<bool> m(std::size_t(n), false);
  for (int c : integer_columns) m[std::size_t(c)] = true;
  return m;
}
inline const std::vector<bool> kPersonIntegers = integerMask({3, 4, 5, 6, 13}, 14);
inline const std::vector<bool> kApplicationIntegers = integerMask({6, 7, 8, 9, 10, 11, 12}, 17);
inline const std::vector<bool> kCardIntegers = integerMask({}, 5);

inline core::Error unavailable(const std::string& detail_en) {
  return core::makeError("registry_unavailable",
                         "Không truy cập được cơ sở dữ liệu dân cư tham chiếu, vui lòng thử lại sau.",
                         "The reference registry cannot be reached: " + detail_en);
}

}  // namespace tongdai::adapters::registry_schema
