#include "core/phone/phone.h"

#include <algorithm>
#include <array>
#include <utility>

namespace tongdai::core::phone {
namespace {

constexpr const char* kField = "phone";
constexpr std::string_view kCountryCode = "84";

// Lengths of the national significant number (NSN): the digits after "+84",
// i.e. without the trunk '0' that domestic dialling puts in front.
constexpr std::size_t kMobileNsnLength = 9;      // 0912 345 678
constexpr std::size_t kLandlineNsnLength = 10;   // 024 3826 4242 and 0236 382 1234
constexpr std::size_t kOldMobileNsnLength = 10;  // 0168 612 3456 (before 2018)

using Pair = std::pair<std::string_view, std::string_view>;

// Mobile prefixes (first two NSN digits) and the carrier that was given them.
constexpr std::array<Pair, 35> kMobilePrefixes{{
    {"32", "Viettel"},      {"33", "Viettel"},      {"34", "Viettel"},      {"35", "Viettel"},
    {"36", "Viettel"},      {"37", "Viettel"},      {"38", "Viettel"},      {"39", "Viettel"},
    {"52", "Vietnamobile"}, {"56", "Vietnamobile"}, {"58", "Vietnamobile"}, {"59", "Gmobile"},
    {"70", "MobiFone"},     {"76", "MobiFone"},     {"77", "MobiFone"},     {"78", "MobiFone"},
    {"79", "MobiFone"},     {"81", "VinaPhone"},    {"82", "VinaPhone"},    {"83", "VinaPhone"},
    {"84", "VinaPhone"},    {"85", "VinaPhone"},    {"86", "Viettel"},      {"87", "iTel"},
    {"88", "VinaPhone"},    {"89", "MobiFone"},     {"90", "MobiFone"},     {"91", "VinaPhone"},
    {"92", "Vietnamobile"}, {"93", "MobiFone"},     {"94", "VinaPhone"},    {"96", "Viettel"},
    {"97", "Viettel"},      {"98", "Viettel"},      {"99", "Gmobile"},
}};
static_assert(std::is_sorted(kMobilePrefixes.begin(), kMobilePrefixes.end()));

// The 2018 conversion of 11-digit mobiles: old 3-digit NSN prefix -> new 2-digit one.
// Old records still hold the old numbers, and the old and new forms must match.
constexpr std::array<Pair, 21> kOldMobilePrefixes{{
    {"120", "70"}, {"121", "79"}, {"122", "77"}, {"123", "83"}, {"124", "84"}, {"125", "85"},
    {"126", "76"}, {"127", "81"}, {"128", "78"}, {"129", "82"}, {"162", "32"}, {"163", "33"},
    {"164", "34"}, {"165", "35"}, {"166", "36"}, {"167", "37"}, {"168", "38"}, {"169", "39"},
    {"186", "56"}, {"188", "58"}, {"199", "59"},
}};
static_assert(std::is_sorted(kOldMobilePrefixes.begin(), kOldMobilePrefixes.end()));

template <std::size_t N>
std::string_view lookup(const std::array<Pair, N>& table, std::string_view key) {
  const auto it = std::lower_bound(table.begin(), table.end(), key,
                                   [](const Pair& p, std::string_view k) { return p.first < k; });
  return it != table.end() && it->first == key ? it->second : std::string_view();
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool allDigits(std::string_view s) { return std::all_of(s.begin(), s.end(), isDigit); }

Error phoneError(std::string code, std::string vi, std::string en) {
  return makeError(std::move(code), std::move(vi), std::move(en), kField);
}

Error emptyError() {
  return phoneError("phone_empty", "Chưa nhập số điện thoại", "The phone number is empty");
}

Error foreignError() {
  return phoneError("phone_unknown_prefix",
                    "Chỉ chấp nhận số điện thoại Việt Nam (mã quốc gia +84)",
                    "Only Vietnamese phone numbers (country code +84) are accepted");
}

struct Scanned {
  std::string digits;
  bool plus = false;  // written in international form, "+84 ..."
};

// Keeps the digits and notes a leading '+'. Spaces, dots, dashes and brackets
// are how numbers are grouped in Vietnam ("(028) 3829 1234", "0912.345.678");
// anything else suggests the field holds something other than a phone number.
Result<Scanned> scan(std::string_view input) {
  Scanned out;
  for (char c : input) {
    if (isDigit(c)) {
      out.digits.push_back(c);
    } else if (c == '+' && out.digits.empty() && !out.plus) {
      out.plus = true;
    } else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')') {
      return phoneError("phone_invalid_chars",
                        "Số điện thoại chỉ được gồm chữ số, dấu cách, dấu chấm, dấu gạch "
                        "ngang, dấu ngoặc đơn và dấu + ở đầu",
                        "A phone number may contain only digits, spaces, dots, dashes, "
                        "parentheses and a leading +");
    }
  }
  // Forms often get "-" or "..." for "no phone": treat it as nothing entered.
  if (out.digits.empty()) return emptyError();
  return out;
}

// Removes the country code or the trunk '0' and returns the NSN.
Result<std::string> nationalNumber(const Scanned& s) {
  std::string_view d = s.digits;
  const bool international = s.plus || d.starts_with("00");
  if (!s.plus && d.starts_with("00")) d.remove_prefix(2);
  if (international && !d.starts_with(kCountryCode)) return foreignError();
  if (international || d.starts_with(kCountryCode)) {
    d.remove_prefix(kCountryCode.size());
    // "+84 0912 345 678" keeps the trunk zero by mistake; no NSN starts with 0.
    if (d.starts_with('0')) d.remove_prefix(1);
    return std::string(d);
  }
  if (!d.starts_with('0')) {
    return phoneError("phone_unknown_prefix", "Số điện thoại phải bắt đầu bằng 0 hoặc +84",
                      "The phone number must start with 0 or +84");
  }
  return std::string(d.substr(1));
}

Error lengthError(const char* vi, const char* en) { return phoneError("phone_length", vi, en); }

Result<std::string> mobile(std::string_view nsn) {
  if (nsn.size() != kMobileNsnLength) {
    return lengthError("Số di động phải gồm 10 chữ số bắt đầu bằng 0, hoặc +84 và 9 chữ số",
                       "A mobile number must have 10 digits starting with 0, or +84 and 9 "
                       "digits");
  }
  if (lookup(kMobilePrefixes, nsn.substr(0, 2)).empty()) {
    const std::string prefix = "0" + std::string(nsn.substr(0, 2));
    return phoneError("phone_unknown_prefix",
                      "Đầu số " + prefix + " không thuộc nhà mạng di động nào tại Việt Nam",
                      "Prefix " + prefix + " does not belong to any Vietnamese mobile carrier");
  }
  return "+84" + std::string(nsn);
}

Result<std::string> oldMobile(std::string_view nsn) {
  if (nsn.size() != kOldMobileNsnLength) {
    return lengthError("Số di động cũ đầu 01 phải gồm đúng 11 chữ số",
                       "An old mobile number starting with 01 must have exactly 11 digits");
  }
  const std::string_view now = lookup(kOldMobilePrefixes, nsn.substr(0, 3));
  if (now.empty()) {
    const std::string prefix = "0" + std::string(nsn.substr(0, 3));
    return phoneError(
        "phone_unknown_prefix",
        "Đầu số cũ " + prefix + " không có trong bảng chuyển đổi thuê bao 11 số năm 2018",
        "Old prefix " + prefix + " is not in the 2018 conversion table for 11-digit numbers");
  }
  return mobile(std::string(now) + std::string(nsn.substr(3)));
}

Result<std::string> landline(std::string_view nsn) {
  if (nsn.size() != kLandlineNsnLength) {
    return lengthError("Số máy bàn phải gồm 11 chữ số kể cả mã vùng, ví dụ 024 3826 4242",
                       "A landline number must have 11 digits including the area code, "
                       "e.g. 024 3826 4242");
  }
  return "+84" + std::string(nsn);
}

}  // namespace

Result<std::string> normalizePhone(std::string_view input) {
  Result<Scanned> scanned = scan(input);
  if (!scanned.ok()) return scanned.error();
  Result<std::string> nsn = nationalNumber(*scanned);
  if (!nsn.ok()) return nsn.error();
  // The first NSN digit tells the kind of number: 2 is a landline area code,
  // 1 an 11-digit mobile from before 2018, anything else a current mobile.
  if (nsn->starts_with('2')) return landline(*nsn);
  if (nsn->starts_with('1')) return oldMobile(*nsn);
  return mobile(*nsn);
}

std::string carrierOf(std::string_view e164) {
  if (!e164.starts_with("+84")) return "";
  const std::string_view nsn = e164.substr(3);
  if (!allDigits(nsn)) return "";
  if (nsn.size() == kLandlineNsnLength && nsn.starts_with('2')) return "landline";
  if (nsn.size() != kMobileNsnLength) return "";
  return std::string(lookup(kMobilePrefixes, nsn.substr(0, 2)));
}

}  // namespace tongdai::core::phone
