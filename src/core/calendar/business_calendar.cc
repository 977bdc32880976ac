#include "core/calendar/business_calendar.h"

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

namespace tongdai::core::calendar {
namespace {

using nlohmann::json;

constexpr std::array<const char*, 7> kDayKeys = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr int kMinutesPerDay = 24 * 60;

// --- errors ----------------------------------------------------------------

Error errNotObject(const std::string& field) {
  return makeError("calendar_not_object", "Phải là một đối tượng JSON.", "Must be a JSON object.",
                   field);
}

Error errNotArray(const std::string& field) {
  return makeError("calendar_not_array", "Phải là một mảng JSON.", "Must be a JSON array.", field);
}

Error errMissing(const std::string& field) {
  return makeError("calendar_missing_field", "Thiếu trường bắt buộc.", "Required field is missing.",
                   field);
}

Error errUnknownKey(const std::string& field, const std::string& key) {
  return makeError("calendar_unknown_key", "Khóa không được hỗ trợ: " + key,
                   "Unsupported key: " + key, field);
}

Error errTimeZone() {
  return makeError("calendar_time_zone", "Múi giờ phải là một chuỗi không rỗng.",
                   "Time zone must be a non-empty string.", "time_zone");
}

Error errUnknownZone(const std::string& zone) {
  return makeError("calendar_unknown_time_zone", "Không tìm thấy múi giờ \"" + zone + "\".",
                   "Unknown time zone \"" + zone + "\".", "time_zone");
}

Error errIntervalFormat(const std::string& field) {
  return makeError("calendar_interval_format", "Khung giờ phải có dạng [\"HH:MM\", \"HH:MM\"].",
                   "An interval must look like [\"HH:MM\", \"HH:MM\"].", field);
}

Error errIntervalRange(const std::string& field) {
  return makeError("calendar_interval_range",
                   "Giờ bắt đầu phải trước giờ kết thúc, trong khoảng 00:00–24:00.",
                   "Start must be before end, within 00:00–24:00.", field);
}

Error errIntervalOverlap(const std::string& field) {
  return makeError("calendar_interval_overlap",
                   "Các khung giờ trong ngày phải theo thứ tự tăng dần và không chồng lấn nhau.",
                   "Intervals of a day must be in ascending order and must not overlap.", field);
}

Error errDate(const std::string& field) {
  return makeError("calendar_date_invalid", "Ngày phải có dạng YYYY-MM-DD và là ngày có thật.",
                   "Date must be YYYY-MM-DD and a real date.", field);
}

Error errDuplicateDate(const std::string& field) {
  return makeError("calendar_date_duplicate", "Ngày này đã có trong danh sách.",
                   "This date is already listed.", field);
}

Error errDateConflict(const std::string& field) {
  return makeError("calendar_date_conflict",
                   "Một ngày không thể vừa là ngày nghỉ lễ vừa là ngày làm bù.",
                   "A date cannot be both a day off and a make-up workday.", field);
}

Error errName(const std::string& field) {
  return makeError("calendar_name_invalid", "Tên ngày phải là một chuỗi không rỗng.",
                   "The name of the day must be a non-empty string.", field);
}

// --- text formats ------------------------------------------------------------

// Digits only: std::stoi would accept signs, spaces and trailing junk.
std::optional<int> parseDigits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<date::year_month_day> parseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = parseDigits(text.substr(0, 4));
  const auto m = parseDigits(text.substr(5, 2));
  const auto d = parseDigits(text.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  const date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                                 date::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

// "HH:MM" -> minutes after midnight; "24:00" is accepted so a day can run to midnight.
std::optional<int> parseClock(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  const auto h = parseDigits(text.substr(0, 2));
  const auto m = parseDigits(text.substr(3, 2));
  if (!h || !m || *m > 59 || *h * 60 + *m > kMinutesPerDay) return std::nullopt;
  return *h * 60 + *m;
}

std::string formatClock(int minute) {
  const int h = minute / 60;
  const int m = minute % 60;
  return {static_cast<char>('0' + h / 10), static_cast<char>('0' + h % 10), ':',
          static_cast<char>('0' + m / 10), static_cast<char>('0' + m % 10)};
}

std::string indexed(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

// --- validation shared by JSON parsing and create() ----------------------------

Status checkKeys(const json& object, const std::vector<std::string_view>& allowed,
                 const std::string& path) {
  for (const auto& item : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
      return errUnknownKey(path.empty() ? item.key() : path + "." + item.key(), item.key());
    }
  }
  return Status::Ok();
}

// `path` is e.g. "week.mon"; the error names the interval at fault.
Status checkDay(const std::vector<Interval>& intervals, const std::string& path) {
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    const Interval& iv = intervals[i];
    if (iv.start_minute < 0 || iv.start_minute >= iv.end_minute || iv.end_minute > kMinutesPerDay) {
      return errIntervalRange(indexed(path, i));
    }
    if (i > 0 && iv.start_minute < intervals[i - 1].end_minute) {
      return errIntervalOverlap(indexed(path, i));
    }
  }
  return Status::Ok();
}

Status checkDateMap(const std::map<std::string, std::string>& days, const std::string& path) {
  for (const auto& [day, name] : days) {
    if (!parseDate(day)) return errDate(path);
    if (name.empty()) return errName(path);
  }
  return Status::Ok();
}

Status validateSpec(const CalendarSpec& spec) {
  if (spec.time_zone.empty()) return errTimeZone();
  for (std::size_t d = 0; d < kDayKeys.size(); ++d) {
    if (Status s = checkDay(spec.week[d], std::string("week.") + kDayKeys[d]); !s) return s;
  }
  if (Status s = checkDateMap(spec.days_off, "days_off"); !s) return s;
  if (Status s = checkDateMap(spec.make_up_workdays, "make_up_workdays"); !s) return s;
  for (const auto& entry : spec.make_up_workdays) {
    if (spec.days_off.count(entry.first) != 0) return errDateConflict("make_up_workdays");
  }
  return Status::Ok();
}

// --- JSON -> spec ------------------------------------------------------------

Result<Interval> parseInterval(const json& pair, const std::string& field) {
  if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
    return errIntervalFormat(field);
  }
  const auto start = parseClock(pair[0].get_ref<const std::string&>());
  const auto end = parseClock(pair[1].get_ref<const std::string&>());
  if (!start || !end) return errIntervalFormat(field);
  return Interval{*start, *end};
}

Status parseWeek(const json& root, CalendarSpec& spec) {
  const auto week = root.find("week");
  if (week == root.end()) return errMissing("week");
  if (!week->is_object()) return errNotObject("week");
  const std::vector<std::string_view> day_keys(kDayKeys.begin(), kDayKeys.end());
  if (Status s = checkKeys(*week, day_keys, "week"); !s) return s;
  for (std::size_t d = 0; d < kDayKeys.size(); ++d) {
    const std::string path = std::string("week.") + kDayKeys[d];
    const auto day = week->find(kDayKeys[d]);
    if (day == week->end()) continue;  // a day left out is closed
    if (!day->is_array()) return errNotArray(path);
    for (std::size_t i = 0; i < day->size(); ++i) {
      Result<Interval> iv = parseInterval((*day)[i], indexed(path, i));
      if (!iv) return iv.error();
      spec.week[d].push_back(*iv);
    }
    if (Status s = checkDay(spec.week[d], path); !s) return s;
  }
  return Status::Ok();
}

Status parseDateEntry(const json& entry, const std::string& field, std::string& date,
                      std::string& name) {
  if (!entry.is_object()) return errNotObject(field);
  if (Status s = checkKeys(entry, {"date", "name"}, field); !s) return s;
  const auto d = entry.find("date");
  if (d == entry.end() || !d->is_string() || !parseDate(d->get_ref<const std::string&>())) {
    return errDate(field + ".date");
  }
  const auto n = entry.find("name");
  if (n == entry.end() || !n->is_string() || n->get_ref<const std::string&>().empty()) {
    return errName(field + ".name");
  }
  date = d->get<std::string>();
  name = n->get<std::string>();
  return Status::Ok();
}

// Parses root[key] (optional) into `out`; a date also found in `other` is a conflict.
Status parseDateList(const json& root, const std::string& key,
                     const std::map<std::string, std::string>& other,
                     std::map<std::string, std::string>& out) {
  const auto list = root.find(key);
  if (list == root.end()) return Status::Ok();
  if (!list->is_array()) return errNotArray(key);
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string field = indexed(key, i);
    std::string date, name;
    if (Status s = parseDateEntry((*list)[i], field, date, name); !s) return s;
    if (other.count(date) != 0) return errDateConflict(field + ".date");
    if (!out.emplace(date, name).second) return errDuplicateDate(field + ".date");
  }
  return Status::Ok();
}

json dateListToJson(const std::map<std::string, std::string>& days) {
  json list = json::array();
  for (const auto& [day, name] : days) list.push_back({{"date", day}, {"name", name}});
  return list;
}

}  // namespace

CalendarSpec CalendarSpec::hotlineDefault() {
  CalendarSpec spec;
  for (int d = 0; d < 5; ++d) spec.week[d] = {Interval{7 * 60 + 30, 17 * 60 + 30}};
  return spec;
}

Result<CalendarSpec> calendarSpecFromJson(const nlohmann::json& root) {
  if (!root.is_object()) return errNotObject("");
  if (Status s = checkKeys(root, {"time_zone", "week", "days_off", "make_up_workdays"}, ""); !s) {
    return s.error();
  }
  CalendarSpec spec;
  if (const auto zone = root.find("time_zone"); zone != root.end()) {
    if (!zone->is_string() || zone->get_ref<const std::string&>().empty()) return errTimeZone();
    spec.time_zone = zone->get<std::string>();
  }
  if (Status s = parseWeek(root, spec); !s) return s.error();
  if (Status s = parseDateList(root, "days_off", {}, spec.days_off); !s) return s.error();
  if (Status s = parseDateList(root, "make_up_workdays", spec.days_off, spec.make_up_workdays);
      !s) {
    return s.error();
  }
  return spec;
}

nlohmann::json calendarSpecToJson(const CalendarSpec& spec) {
  json week = json::object();
  for (std::size_t d = 0; d < kDayKeys.size(); ++d) {
    json day = json::array();
    for (const Interval& iv : spec.week[d]) {
      day.push_back({formatClock(iv.start_minute), formatClock(iv.end_minute)});
    }
    week[kDayKeys[d]] = std::move(day);
  }
  return {{"time_zone", spec.time_zone},
          {"week", std::move(week)},
          {"days_off", dateListToJson(spec.days_off)},
          {"make_up_workdays", dateListToJson(spec.make_up_workdays)}};
}

// --- BusinessCalendar ------------------------------------------------------------

Result<BusinessCalendar> BusinessCalendar::create(CalendarSpec spec) {
  if (Status s = validateSpec(spec); !s) return s.error();
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(spec.time_zone);
  } catch (const std::exception&) {  // the tz library reports an unknown name by throwing
    return errUnknownZone(spec.time_zone);
  }
  return BusinessCalendar(std::move(spec), zone);
}

BusinessCalendar::BusinessCalendar(CalendarSpec spec, const date::time_zone* zone)
    : spec_(std::move(spec)), zone_(zone) {
  // Dates are validated; keep them as day numbers so the day walk does not format strings.
  for (const auto& entry : spec_.days_off) {
    days_off_.insert(date::local_days{*parseDate(entry.first)});
  }
  for (const auto& entry : spec_.make_up_workdays) {
    make_up_workdays_.insert(date::local_days{*parseDate(entry.first)});
  }
}

date::local_days BusinessCalendar::localDay(TimePoint t) const {
  return date::floor<date::days>(zone_->to_local(t));
}

const std::vector<Interval>& BusinessCalendar::intervalsOn(date::local_days day) const {
  static const std::vector<Interval> kClosed;
  if (days_off_.count(day) != 0) return kClosed;
  if (make_up_workdays_.count(day) != 0) return spec_.week[0];  // worked like a Monday
  return spec_.week[date::weekday{day}.iso_encoding() - 1];
}

BusinessCalendar::Span BusinessCalendar::spanOf(date::local_days day,
                                                const Interval& interval) const {
  // choose::earliest maps a local time skipped by a clock change to the
  // transition instant instead of throwing; Asia/Ho_Chi_Minh has none today.
  return Span{
      zone_->to_sys(day + std::chrono::minutes{interval.start_minute}, date::choose::earliest),
      zone_->to_sys(day + std::chrono::minutes{interval.end_minute}, date::choose::earliest)};
}

template <typename Visit>
void BusinessCalendar::forEachSpan(date::local_days first, date::local_days last,
                                   Visit&& visit) const {
  for (date::local_days day = first; day <= last; day += date::days{1}) {
    for (const Interval& interval : intervalsOn(day)) {
      if (!visit(spanOf(day, interval))) return;
    }
  }
}

bool BusinessCalendar::isOpen(TimePoint t) const {
  bool open = false;
  // The previous local day is looked at too: near a clock change its last
  // interval can reach past the local midnight of t's day.
  forEachSpan(localDay(t) - date::days{1}, localDay(t), [&](const Span& span) {
    open = span.start <= t && t < span.end;
    return !open;
  });
  return open;
}

bool BusinessCalendar::isWorkingDay(date::year_month_day local_day) const {
  return local_day.ok() && !intervalsOn(date::local_days{local_day}).empty();
}

TimePoint BusinessCalendar::addBusinessMinutes(TimePoint start, std::int64_t minutes) const {
  if (minutes <= 0) return start;
  const TimePoint give_up = start + kSearchHorizon;
  // More minutes than the horizon holds can never be reached; checking first
  // also keeps the conversion to seconds below from overflowing.
  if (minutes > std::chrono::minutes{kSearchHorizon}.count()) return give_up;
  std::chrono::seconds remaining = std::chrono::minutes{minutes};
  TimePoint due = give_up;
  forEachSpan(localDay(start) - date::days{1}, localDay(give_up), [&](Span span) {
    span.start = std::max(span.start, start);  // time before start does not count
    if (span.end <= span.start) return true;
    const std::chrono::seconds length = span.end - span.start;
    if (remaining <= length) {
      due = span.start + remaining;
      return false;
    }
    remaining -= length;
    return true;
  });
  return std::min(due, give_up);
}

std::int64_t BusinessCalendar::businessMinutesBetween(TimePoint from, TimePoint to) const {
  if (to <= from) return 0;
  std::chrono::seconds open{0};
  forEachSpan(localDay(from) - date::days{1}, localDay(to), [&](const Span& span) {
    const TimePoint start = std::max(span.start, from);
    const TimePoint end = std::min(span.end, to);
    if (start < end) open += end - start;
    return span.end < to;
  });
  return date::floor<std::chrono::minutes>(open).count();
}

std::optional<TimePoint> BusinessCalendar::nextOpening(TimePoint t) const {
  std::optional<TimePoint> opening;
  const TimePoint give_up = t + kSearchHorizon;
  forEachSpan(localDay(t) - date::days{1}, localDay(give_up), [&](const Span& span) {
    if (span.end <= t) return true;  // already over
    if (span.start <= give_up) opening = std::max(span.start, t);
    return false;
  });
  return opening;
}

}  // namespace tongdai::core::calendar
