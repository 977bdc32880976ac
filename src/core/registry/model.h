// The reference registry's data model: people of the national population
// database, their card applications with every stage, the cards issued and
// their VNeID level. Plain values; backends (adapters/sqlite, adapters/postgres,
// adapters/national) store and fetch them, the core ranks and summarises them.
//
// Stage names of the production issuance system are not published: the stage
// set here is ours (docs/decisions/0013) and kept as stable machine names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/identity/citizen_id.h"

namespace tongdai::core::registry {

// A birth date that may be known only to the year or to the month, as old
// records often are: "1950", "1950-03", "1950-03-12". 0 means unknown.
struct PartialDate {
  int year = 0;
  int month = 0;
  int day = 0;
  bool known() const { return year != 0; }
  // "1950", "1950-03" or "1950-03-12"; "" when unknown.
  std::string toString() const;
  // Also accepts "12/03/1950", "03/1950" (dd/mm/yyyy, as operators type it).
  // nullopt on anything else, on impossible days (31/02) and years outside 1850..2199.
  static std::optional<PartialDate> parse(std::string_view text);
  friend bool operator==(const PartialDate&, const PartialDate&) = default;
};

// Two-level address in force since 1 July 2025: commune-level unit + province.
struct Address {
  std::string commune;   // "Phường Bến Thành"
  std::string province;  // "TP Hồ Chí Minh" (one of the 34)
  friend bool operator==(const Address&, const Address&) = default;
};

struct Person {
  std::string id;  // 12-digit personal ID number
  std::string full_name;  // NFC, "Nguyễn Văn An"
  PartialDate birth_date;
  identity::Gender gender = identity::Gender::male;
  std::string ethnicity;  // "Kinh", "Tày" ...
  std::string hometown;   // quê quán: a province name (34)
  Address permanent;      // nơi thường trú
  Address current;        // nơi ở hiện tại
  // The pre-2025 province whose code opens the ID number (e.g. "Bình Dương" for 074):
  // merged away since 2025, kept because the number never changes.
  std::string former_province_code;
  int vneid_level = 0;  // 0 = no account, 1, 2
  friend bool operator==(const Person&, const Person&) = default;
};

// Stages in order; `returned` (trả hồ sơ / yêu cầu bổ sung) can follow received or approved.
enum class Stage { received, approved, printing, printed, dispatched, handed_over, returned };
const char* stageName(Stage s);  // "received" ...
std::optional<Stage> parseStage(std::string_view name);

// "new" (cấp mới), "renewal" (cấp đổi at 14/25/40/60), "reissue" (cấp lại after loss or
// damage), "correction" (cấp đổi to correct data).
enum class ApplicationType { new_card, renewal, reissue, correction };
const char* applicationTypeName(ApplicationType t);  // "new", "renewal", "reissue", "correction"
std::optional<ApplicationType> parseApplicationType(std::string_view name);

struct Application {
  std::string code;  // "079-261105-00004213": received province code, yymmdd, sequence
  std::string person_id;
  ApplicationType type = ApplicationType::new_card;
  std::string type_reason;  // "age_25", "lost", "damaged", "name", "birth_date", "own_request" ...
  std::string office;           // "Công an phường Bến Thành"
  std::string office_province;  // "TP Hồ Chí Minh"
  // Unix seconds of each stage reached; 0 = not reached.
  std::int64_t received_at = 0;
  std::int64_t approved_at = 0;
  std::int64_t printing_at = 0;
  std::int64_t printed_at = 0;
  std::int64_t dispatched_at = 0;
  std::int64_t handed_over_at = 0;
  std::int64_t returned_at = 0;
  std::string returned_reason;  // Vietnamese, what the citizen must supply
  Stage stage = Stage::received;  // the latest stage reached
  std::string due_date;           // legal due date, "YYYY-MM-DD" (7 working days)
  std::string delivery;           // "office" (nhận tại cơ quan) or "post" (chuyển phát)
  friend bool operator==(const Application&, const Application&) = default;
};

struct Card {
  std::string number;  // since 2021 the card number is the personal ID number
  std::string person_id;
  std::string application_code;
  std::string issue_date;   // "YYYY-MM-DD"
  std::string expiry_date;  // "YYYY-MM-DD"; "" = no expiry (issued at 60 or later)
  friend bool operator==(const Card&, const Card&) = default;
};

// One person with everything the registry holds about them.
struct PersonRecord {
  Person person;
  std::vector<Application> applications;  // oldest first
  std::vector<Card> cards;                // oldest first
  friend bool operator==(const PersonRecord&, const PersonRecord&) = default;
};

// Look-up by full name and birth date (+ province): the name is matched
// accent-insensitively (folded, đ -> d), the birth year must match, a full
// date must agree with a record's known parts.
struct NameQuery {
  std::string full_name;
  PartialDate birth_date;          // year required
  std::string province_code;       // former code ("079") or "" for anywhere
  int limit = 10;
};

struct Candidate {
  Person person;
  int score = 0;  // higher is better; see match.h
};

struct RegistryStats {
  std::int64_t people = 0;
  std::int64_t applications = 0;
  std::int64_t cards = 0;
};

}  // namespace tongdai::core::registry
