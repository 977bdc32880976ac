// Registry rules with no I/O: masking, card validity by age, the legal due
// date, and the status summary an operator may read to a verified caller.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>

#include "core/registry/model.h"

namespace tongdai::core::registry {

// "001085012345" -> "001*******45": province code and last two digits only.
// Anything that is not 12 characters is masked whole ("***").
std::string maskId(std::string_view id);

// Expiry of a card issued on `issue` to someone born `birth` (Luật Căn cước
// 2023, art. 21): the birthday at the next of 14, 25, 40, 60 years of age; a
// card issued within two years before such a birthday runs to the one after;
// from 58 on (two years before 60) the card has no expiry (nullopt). An
// unknown month or day counts as 31 December of the known year.
std::optional<date::year_month_day> cardExpiry(const PartialDate& birth,
                                               date::year_month_day issue);

// Is `day` a working day: the business calendar's answer, passed in.
using WorkingDayFn = std::function<bool(date::year_month_day)>;
// Monday-Friday, for callers without a calendar (tests, the generator's default).
bool mondayToFriday(date::year_month_day day);

// The legal time limit: `working_days` working days after the day of receipt
// (7 for a complete application).
date::year_month_day legalDueDate(date::year_month_day received, int working_days,
                                  const WorkingDayFn& is_working_day);

// What an operator may tell a verified caller about one application.
struct StatusSummary {
  std::string application_code;
  std::string type;        // machine name
  std::string stage;       // machine name
  std::string stage_vi;    // "Đã in xong, chờ chuyển về nơi nhận"
  std::string stage_en;
  std::string since;       // "YYYY-MM-DD" (local) the stage was reached
  std::string due_date;    // "YYYY-MM-DD"
  bool overdue = false;    // not handed over and today is after the due date
  std::string collect_vi;  // where to collect: office, or "chuyển phát về địa chỉ đăng ký"
  std::string collect_en;
  std::string missing_vi;  // what the citizen must supply, when returned
};
// today is the local date (the core reads no clock).
StatusSummary summarise(const Application& a, date::year_month_day today);

// The application a caller most likely asks about: the latest not handed over,
// else the latest. nullptr for none.
const Application* currentApplication(const PersonRecord& r);

// unix seconds -> local (UTC+7) calendar day and back.
date::year_month_day localDay(std::int64_t unix_seconds);
std::int64_t localMidnight(date::year_month_day day);
std::string isoDay(date::year_month_day day);  // "2026-11-28"

}  // namespace tongdai::core::registry
