#include "core/common/time.h"

#include <cstdio>

#include <date/date.h>

namespace tongdai::core {

namespace {
constexpr int kHotlineOffsetSeconds = 7 * 3600;
}

std::string formatLocalIso(TimePoint t) {
  auto local = t + std::chrono::seconds{kHotlineOffsetSeconds};
  auto day = date::floor<date::days>(local);
  date::year_month_day ymd{day};
  date::hh_mm_ss hms{local - day};
  // Hand-placed digits: this runs several times per case view, and snprintf
  // showed up in profiles.
  std::string out = "0000-00-00T00:00:00+07:00";
  auto put = [&out](std::size_t pos, int value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) out[pos + static_cast<std::size_t>(i)] = char('0' + value % 10);
  };
  put(0, int(ymd.year()), 4);
  put(5, int(unsigned(ymd.month())), 2);
  put(8, int(unsigned(ymd.day())), 2);
  put(11, int(hms.hours().count()), 2);
  put(14, int(hms.minutes().count()), 2);
  put(17, int(hms.seconds().count()), 2);
  return out;
}

namespace {
// Every position marked 'd' in the shape must hold an ASCII digit, others
// the literal character: sscanf alone would accept signs and blanks.
bool matchesShape(const std::string& text, std::size_t from, const char* shape) {
  for (std::size_t i = 0; shape[i]; ++i) {
    if (from + i >= text.size()) return false;
    char c = text[from + i];
    if (shape[i] == 'd' ? (c < '0' || c > '9') : c != shape[i]) return false;
  }
  return true;
}
}  // namespace

bool parseIso(const std::string& text, TimePoint& out) {
  if (!matchesShape(text, 0, "dddd-dd-dd")) return false;
  if (text.size() > 10 && !matchesShape(text, 10, "Tdd:dd:dd")) return false;
  if (text.size() > 19 && text[19] != 'Z' && !matchesShape(text, 20, "dd:dd")) return false;
  int y, mo, d, h = 0, mi = 0, s = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) {
    return false;
  }
  std::string rest = text.substr(10);
  int offset = kHotlineOffsetSeconds;
  if (!rest.empty()) {
    int n = 0;
    if (std::sscanf(rest.c_str(), "T%2d:%2d:%2d%n", &h, &mi, &s, &n) != 3 || n != 9) return false;
    std::string zone = rest.substr(9);
    if (zone == "Z") {
      offset = 0;
    } else if (!zone.empty()) {
      int oh, om;
      if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') ||
          std::sscanf(zone.c_str() + 1, "%2d:%2d", &oh, &om) != 2) {
        return false;
      }
      if (oh > 14 || om > 59) return false;
      offset = (zone[0] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    }
  }
  date::year_month_day ymd{date::year{y}, date::month(unsigned(mo)), date::day(unsigned(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return false;
  auto local = date::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
               std::chrono::seconds{s};
  out = TimePoint{local - std::chrono::seconds{offset}};
  return true;
}

}  // namespace tongdai::core
