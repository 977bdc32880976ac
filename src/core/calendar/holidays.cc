#include "core/calendar/holidays.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace tongdai::core::calendar {
namespace {

using nlohmann::json;
using DateMap = std::map<std::string, std::string>;

Error errFileNotObject() {
  return makeError("holiday_file_not_object", "Tệp ngày nghỉ lễ phải là một đối tượng JSON.",
                   "A holiday file must be a JSON object.", "");
}

Error errUnknownKey(const std::string& key) {
  return makeError("holiday_unknown_key", "Khóa không được hỗ trợ: " + key,
                   "Unsupported key: " + key, key);
}

Error errYear() {
  return makeError("holiday_year_invalid", "Năm phải là số nguyên từ 1970 đến 9999.",
                   "Year must be an integer from 1970 to 9999.", "year");
}

Error errSource() {
  return makeError("holiday_source_missing",
                   "Phải ghi rõ nguồn (văn bản, thông báo) của danh sách ngày nghỉ.",
                   "The source (law, announcement) of the list must be given.", "source");
}

Error errDaysOffMissing() {
  return makeError("holiday_days_off_missing", "Thiếu danh sách ngày nghỉ lễ (days_off).",
                   "The list of days off (days_off) is missing.", "days_off");
}

Error errOutsideYear(const std::string& field) {
  return makeError("holiday_date_outside_year", "Ngày không thuộc năm của tệp.",
                   "The date is not in the file's year.", field);
}

Error errConflict(const std::string& field) {
  return makeError("calendar_date_conflict",
                   "Một ngày không thể vừa là ngày nghỉ lễ vừa là ngày làm bù.",
                   "A date cannot be both a day off and a make-up workday.", field);
}

Status checkTopLevel(const json& file) {
  if (!file.is_object()) return errFileNotObject();
  for (const auto& item : file.items()) {
    const std::string& key = item.key();
    if (key != "year" && key != "source" && key != "days_off" && key != "make_up_workdays") {
      return errUnknownKey(key);
    }
  }
  const auto year = file.find("year");
  if (year == file.end() || !year->is_number_integer() || year->get<long long>() < 1970 ||
      year->get<long long>() > 9999) {
    return errYear();
  }
  const auto source = file.find("source");
  if (source == file.end() || !source->is_string() ||
      source->get_ref<const std::string&>().empty()) {
    return errSource();
  }
  if (!file.contains("days_off")) return errDaysOffMissing();
  return Status::Ok();
}

// Entries are already well-formed; checks year and conflicts with the spec,
// naming the entry by its index in the file.
Status checkList(const json& file, const std::string& key, const std::string& year,
                 const DateMap& other_in_spec) {
  const auto list = file.find(key);
  if (list == file.end()) return Status::Ok();
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string field = key + "[" + std::to_string(i) + "].date";
    const std::string& date = (*list)[i]["date"].get_ref<const std::string&>();
    if (date.compare(0, 5, year + "-") != 0) return errOutsideYear(field);
    if (other_in_spec.count(date) != 0) return errConflict(field);
  }
  return Status::Ok();
}

}  // namespace

Status mergeHolidayFile(const nlohmann::json& file, CalendarSpec& spec) {
  if (Status s = checkTopLevel(file); !s) return s;
  // Reuse the calendar parser so entries are checked exactly like a spec's own
  // lists (dates, names, duplicates, off-and-worked) with the same field paths.
  json lists = {{"week", json::object()}, {"days_off", file["days_off"]}};
  if (file.contains("make_up_workdays")) lists["make_up_workdays"] = file["make_up_workdays"];
  Result<CalendarSpec> parsed = calendarSpecFromJson(lists);
  if (!parsed) return parsed.error();

  const std::string year = std::to_string(file["year"].get<int>());
  if (Status s = checkList(file, "days_off", year, spec.make_up_workdays); !s) return s;
  if (Status s = checkList(file, "make_up_workdays", year, spec.days_off); !s) return s;

  for (const auto& [date, name] : parsed->days_off) spec.days_off.insert_or_assign(date, name);
  for (const auto& [date, name] : parsed->make_up_workdays) {
    spec.make_up_workdays.insert_or_assign(date, name);
  }
  return Status::Ok();
}

}  // namespace tongdai::core::calendar
