#include "core/registry/model.h"

#include <array>
#include <charconv>

#include <date/date.h>

#include "core/registry/registry.h"

namespace tongdai::core::registry {
namespace {

bool allDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int toInt(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::optional<PartialDate> validated(int year, int month, int day) {
  if (year < 1850 || year > 2199) return std::nullopt;
  if (month < 0 || month > 12) return std::nullopt;
  if (month == 0 && day != 0) return std::nullopt;
  if (day != 0) {
    date::year_month_day ymd{date::year{year}, date::month{unsigned(month)}, date::day{unsigned(day)}};
    if (!ymd.ok()) return std::nullopt;
  }
  return PartialDate{year, month, day};
}

std::string pad(int v, int width) {
  std::string s = std::to_string(v);
  if (int(s.size()) < width) s.insert(0, width - s.size(), '0');
  return s;
}

constexpr std::array<const char*, 7> kStageNames = {"received", "approved",    "printing",
                                                     "printed",  "dispatched",  "handed_over",
                                                     "returned"};
constexpr std::array<const char*, 4> kTypeNames = {"new", "renewal", "reissue", "correction"};

}  // namespace

std::string PartialDate::toString() const {
  if (!known()) return "";
  std::string s = pad(year, 4);
  if (month) s += "-" + pad(month, 2);
  if (month && day) s += "-" + pad(day, 2);
  return s;
}

std::optional<PartialDate> PartialDate::parse(std::string_view t) {
  // ISO forms: yyyy, yyyy-mm, yyyy-mm-dd.
  if (t.size() == 4 && allDigits(t)) return validated(toInt(t), 0, 0);
  if (t.size() == 7 && t[4] == '-' && allDigits(t.substr(0, 4)) && allDigits(t.substr(5)))
    return validated(toInt(t.substr(0, 4)), toInt(t.substr(5)), 0);
  if (t.size() == 10 && t[4] == '-' && t[7] == '-' && allDigits(t.substr(0, 4)) &&
      allDigits(t.substr(5, 2)) && allDigits(t.substr(8)))
    return validated(toInt(t.substr(0, 4)), toInt(t.substr(5, 2)), toInt(t.substr(8)));
  // Operators' forms: dd/mm/yyyy, mm/yyyy (one- or two-digit day and month).
  auto slash = t.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto second = t.find('/', slash + 1);
  if (second == std::string_view::npos) {
    auto m = t.substr(0, slash), y = t.substr(slash + 1);
    if (m.size() > 2 || y.size() != 4 || !allDigits(m) || !allDigits(y)) return std::nullopt;
    if (toInt(m) == 0) return std::nullopt;
    return validated(toInt(y), toInt(m), 0);
  }
  auto d = t.substr(0, slash), m = t.substr(slash + 1, second - slash - 1), y = t.substr(second + 1);
  if (d.size() > 2 || m.size() > 2 || y.size() != 4 || !allDigits(d) || !allDigits(m) || !allDigits(y))
    return std::nullopt;
  if (toInt(d) == 0 || toInt(m) == 0) return std::nullopt;
  return validated(toInt(y), toInt(m), toInt(d));
}

const char* stageName(Stage s) { return kStageNames[static_cast<int>(s)]; }

std::optional<Stage> parseStage(std::string_view name) {
  for (std::size_t i = 0; i < kStageNames.size(); ++i) {
    if (name == kStageNames[i]) return static_cast<Stage>(i);
  }
  return std::nullopt;
}

const char* applicationTypeName(ApplicationType t) { return kTypeNames[static_cast<int>(t)]; }

std::optional<ApplicationType> parseApplicationType(std::string_view name) {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    if (name == kTypeNames[i]) return static_cast<ApplicationType>(i);
  }
  return std::nullopt;
}

std::optional<std::string> normaliseApplicationCode(std::string_view input) {
  std::string digits;
  for (char c : input) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c != '-' && c != ' ' && c != '.') {
      return std::nullopt;
    }
    if (digits.size() > 17) return std::nullopt;
  }
  if (digits.size() != 17) return std::nullopt;
  return digits.substr(0, 3) + "-" + digits.substr(3, 6) + "-" + digits.substr(9);
}

}  // namespace tongdai::core::registry
