#include "core/identity/citizen_id.h"

#include <algorithm>
#include <array>
#include <utility>

namespace tongdai::core::identity {
namespace {

constexpr std::size_t kIdLength = 12;
constexpr const char* kField = "citizen_id";

// Place codes of the 63 pre-2025 provinces. They were not renumbered by the 2025
// merger, so the old names are the ones a number refers to. Sorted by code for
// the binary search in provinceName().
constexpr std::array<std::pair<std::string_view, std::string_view>, 63> kProvinces{{
    {"001", "Hà Nội"},          {"002", "Hà Giang"},       {"004", "Cao Bằng"},
    {"006", "Bắc Kạn"},         {"008", "Tuyên Quang"},    {"010", "Lào Cai"},
    {"011", "Điện Biên"},       {"012", "Lai Châu"},       {"014", "Sơn La"},
    {"015", "Yên Bái"},         {"017", "Hòa Bình"},       {"019", "Thái Nguyên"},
    {"020", "Lạng Sơn"},        {"022", "Quảng Ninh"},     {"024", "Bắc Giang"},
    {"025", "Phú Thọ"},         {"026", "Vĩnh Phúc"},      {"027", "Bắc Ninh"},
    {"030", "Hải Dương"},       {"031", "Hải Phòng"},      {"033", "Hưng Yên"},
    {"034", "Thái Bình"},       {"035", "Hà Nam"},         {"036", "Nam Định"},
    {"037", "Ninh Bình"},       {"038", "Thanh Hóa"},      {"040", "Nghệ An"},
    {"042", "Hà Tĩnh"},         {"044", "Quảng Bình"},     {"045", "Quảng Trị"},
    {"046", "Thừa Thiên Huế"},  {"048", "Đà Nẵng"},        {"049", "Quảng Nam"},
    {"051", "Quảng Ngãi"},      {"052", "Bình Định"},      {"054", "Phú Yên"},
    {"056", "Khánh Hòa"},       {"058", "Ninh Thuận"},     {"060", "Bình Thuận"},
    {"062", "Kon Tum"},         {"064", "Gia Lai"},        {"066", "Đắk Lắk"},
    {"067", "Đắk Nông"},        {"068", "Lâm Đồng"},       {"070", "Bình Phước"},
    {"072", "Tây Ninh"},        {"074", "Bình Dương"},     {"075", "Đồng Nai"},
    {"077", "Bà Rịa–Vũng Tàu"}, {"079", "TP Hồ Chí Minh"}, {"080", "Long An"},
    {"082", "Tiền Giang"},      {"083", "Bến Tre"},        {"084", "Trà Vinh"},
    {"086", "Vĩnh Long"},       {"087", "Đồng Tháp"},      {"089", "An Giang"},
    {"091", "Kiên Giang"},      {"092", "Cần Thơ"},        {"093", "Hậu Giang"},
    {"094", "Sóc Trăng"},       {"095", "Bạc Liêu"},       {"096", "Cà Mau"},
}};
static_assert(std::is_sorted(kProvinces.begin(), kProvinces.end()));

bool isDigit(char c) { return c >= '0' && c <= '9'; }

Error idError(std::string code, std::string vi, std::string en) {
  return makeError(std::move(code), std::move(vi), std::move(en), kField);
}

// Keeps the digits, drops the group separators people type. Only ASCII space
// and '.' are separators: anything else (letters, '-', tabs, NBSP) is more
// likely a different kind of number pasted by mistake than formatting.
Result<std::string> extractDigits(std::string_view input) {
  if (input.find_first_not_of(' ') == std::string_view::npos) {
    return idError("citizen_id_empty", "Chưa nhập số định danh cá nhân",
                   "The personal ID number is empty");
  }
  std::string digits;
  for (char c : input) {
    if (isDigit(c)) {
      digits.push_back(c);
    } else if (c != ' ' && c != '.') {
      return idError("citizen_id_not_digits",
                     "Số định danh chỉ được gồm chữ số (có thể tách nhóm bằng dấu cách "
                     "hoặc dấu chấm)",
                     "The personal ID number may contain only digits (groups may be "
                     "separated by spaces or dots)");
    }
  }
  if (digits.size() != kIdLength) {
    return idError("citizen_id_length", "Số định danh phải gồm đúng 12 chữ số",
                   "The personal ID number must have exactly 12 digits");
  }
  return digits;
}

// Digit pairs 0/1, 2/3, ... map to the centuries starting 1900, 2000, ...
int centuryStart(int century_digit) { return 1900 + 100 * (century_digit / 2); }

Status checkCentury(int century_digit, int birth_year, int current_year) {
  const int start = centuryStart(century_digit);
  if (start > current_year) {
    const std::string d = std::to_string(century_digit);
    const std::string y = std::to_string(start);
    return idError("citizen_id_century",
                   "Mã thế kỷ và giới tính " + d + " dành cho người sinh từ năm " + y +
                       ", chưa thể có trong số định danh",
                   "Century digit " + d + " is for people born from " + y +
                       " on and cannot appear in an ID number yet");
  }
  if (birth_year > current_year) {
    const std::string b = std::to_string(birth_year);
    const std::string c = std::to_string(current_year);
    return idError("citizen_id_birth_year_future",
                   "Năm sinh " + b + " trong số định danh lớn hơn năm hiện tại (" + c + ")",
                   "Birth year " + b + " in the ID number is after the current year (" + c + ")");
  }
  return Status::Ok();
}

}  // namespace

std::optional<std::string_view> provinceName(std::string_view code) {
  const auto it = std::lower_bound(kProvinces.begin(), kProvinces.end(), code,
                                   [](const auto& p, std::string_view c) { return p.first < c; });
  if (it == kProvinces.end() || it->first != code) return std::nullopt;
  return it->second;
}

Result<CitizenIdInfo> parseCitizenId(std::string_view input, int current_year,
                                     bool allow_unknown_province) {
  Result<std::string> digits = extractDigits(input);
  if (!digits.ok()) return digits.error();

  CitizenIdInfo info{};
  info.number = std::move(digits).value();
  info.province_code = info.number.substr(0, 3);
  const std::optional<std::string_view> name = provinceName(info.province_code);
  if (!name && !allow_unknown_province) {
    return idError("citizen_id_unknown_province",
                   "Mã tỉnh " + info.province_code + " không tồn tại trong số định danh",
                   "Province code " + info.province_code + " in the ID number does not exist");
  }
  info.province_known = name.has_value();
  info.province = std::string(name.value_or(""));

  info.century_digit = info.number[3] - '0';
  info.gender = info.century_digit % 2 == 0 ? Gender::male : Gender::female;
  const int yy = (info.number[4] - '0') * 10 + (info.number[5] - '0');
  info.birth_year = centuryStart(info.century_digit) + yy;

  Status century = checkCentury(info.century_digit, info.birth_year, current_year);
  if (!century.ok()) return century.error();
  return info;
}

Status checkBirthAndGender(const CitizenIdInfo& info, int birth_year, Gender gender) {
  if (info.birth_year != birth_year) {
    const std::string in_id = std::to_string(info.birth_year);
    const std::string declared = std::to_string(birth_year);
    return idError("citizen_id_birth_year_mismatch",
                   "Năm sinh trong số định danh (" + in_id + ") không khớp với năm sinh đã khai (" +
                       declared + ")",
                   "Birth year in the ID number (" + in_id +
                       ") does not match the declared birth year (" + declared + ")");
  }
  if (info.gender != gender) {
    auto vi = [](Gender g) { return g == Gender::male ? "nam" : "nữ"; };
    return idError("citizen_id_gender_mismatch",
                   std::string("Giới tính trong số định danh (") + vi(info.gender) +
                       ") không khớp với giới tính đã khai (" + vi(gender) + ")",
                   std::string("Sex in the ID number (") + genderName(info.gender) +
                       ") does not match the declared sex (" + genderName(gender) + ")");
  }
  return Status::Ok();
}

const char* genderName(Gender gender) { return gender == Gender::male ? "male" : "female"; }

}  // namespace tongdai::core::identity
