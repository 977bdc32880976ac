// The 12-digit personal ID number (số định danh cá nhân): PPP G YY RRRRRR.
// PPP is the province where the birth was registered, G encodes century and
// sex, YY the last two digits of the birth year, RRRRRR is random. There is no
// check digit, so a well-formed number can still be someone else's: these
// functions only catch what the structure itself can prove wrong.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/common/status.h"

namespace tongdai::core::identity {

enum class Gender { male, female };

struct CitizenIdInfo {
  std::string number;         // the 12 digits, separators removed
  std::string province_code;  // "001"
  std::string province;       // "Hà Nội"; "" when !province_known
  bool province_known;
  Gender gender;
  int birth_year;
  int century_digit;  // the 4th digit, 0-9
};

// Vietnamese name (NFC) of one of the 63 place codes, e.g. "079" -> "TP Hồ Chí Minh".
// The codes predate the 2025 merger of provinces and stay valid on every card.
std::optional<std::string_view> provinceName(std::string_view code);

// Parses a number typed by an operator or a citizen. ASCII spaces and dots
// between digit groups are accepted ("001 085 012345", "001.085.012345").
// current_year comes from the caller (the core reads no clock). Codes for
// births registered abroad are not published reliably, so callers that may see
// them pass allow_unknown_province and get province_known == false instead of
// an error.
Result<CitizenIdInfo> parseCitizenId(std::string_view input, int current_year,
                                     bool allow_unknown_province = false);

// Compares what the number encodes with what the citizen declared.
// Errors: citizen_id_birth_year_mismatch, citizen_id_gender_mismatch.
Status checkBirthAndGender(const CitizenIdInfo& info, int birth_year, Gender gender);

// Stable machine name: "male" / "female".
const char* genderName(Gender gender);

}  // namespace tongdai::core::identity
