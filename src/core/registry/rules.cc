#include "core/registry/rules.h"

#include <array>

namespace tongdai::core::registry {
namespace {

using namespace date;

constexpr std::int64_t kUtcOffsetSeconds = 7 * 3600;  // Asia/Ho_Chi_Minh, no DST
constexpr std::array<int, 4> kRenewalAges = {14, 25, 40, 60};

// The birthday at `age`; an unknown month/day counts as 31 December, and
// 29 February as 28 February in common years.
year_month_day birthdayAt(const PartialDate& birth, int age) {
  int y = birth.year + age;
  if (!birth.month || !birth.day) return year{y} / December / 31;
  year_month_day d{year{y}, month{unsigned(birth.month)}, day{unsigned(birth.day)}};
  if (!d.ok()) d = year{y} / month{unsigned(birth.month)} / last;
  return d;
}

struct StageLabel {
  const char* vi;
  const char* en;
};

StageLabel labelOf(const Application& a) {
  switch (a.stage) {
    case Stage::received: return {"Đã tiếp nhận hồ sơ, đang chờ xét duyệt", "Received, awaiting approval"};
    case Stage::approved: return {"Hồ sơ đã được duyệt, đang chờ in thẻ", "Approved, waiting to be printed"};
    case Stage::printing: return {"Thẻ đang được in", "The card is being printed"};
    case Stage::printed: return {"Thẻ đã in xong, đang chuyển về nơi trả thẻ", "Printed, on its way to the collection point"};
    case Stage::dispatched:
      if (a.delivery == "post")
        return {"Thẻ đã được gửi qua bưu điện, đang giao đến địa chỉ đã đăng ký",
                "Posted, being delivered to the registered address"};
      return {"Thẻ đã về nơi trả thẻ, công dân có thể đến nhận",
              "At the collection point, ready to be collected"};
    case Stage::handed_over: return {"Đã trả thẻ cho công dân", "Handed over to the citizen"};
    case Stage::returned: return {"Hồ sơ bị trả lại, cần bổ sung thông tin", "Returned: more information needed"};
  }
  return {"", ""};
}

std::int64_t stageTime(const Application& a) {
  switch (a.stage) {
    case Stage::received: return a.received_at;
    case Stage::approved: return a.approved_at;
    case Stage::printing: return a.printing_at;
    case Stage::printed: return a.printed_at;
    case Stage::dispatched: return a.dispatched_at;
    case Stage::handed_over: return a.handed_over_at;
    case Stage::returned: return a.returned_at;
  }
  return a.received_at;
}

}  // namespace

std::string maskId(std::string_view id) {
  if (id.size() != 12) return "***";
  return std::string(id.substr(0, 3)) + "*******" + std::string(id.substr(10));
}

std::optional<year_month_day> cardExpiry(const PartialDate& birth, year_month_day issue) {
  for (std::size_t i = 0; i < kRenewalAges.size(); ++i) {
    year_month_day due = birthdayAt(birth, kRenewalAges[i]);
    if (sys_days{issue} >= sys_days{due}) continue;
    // Issued within the two years before a renewal age: good until the next one.
    year_month_day two_years_before = birthdayAt(birth, kRenewalAges[i] - 2);
    if (sys_days{issue} < sys_days{two_years_before}) return due;
    if (i + 1 == kRenewalAges.size()) return std::nullopt;
    return birthdayAt(birth, kRenewalAges[i + 1]);
  }
  return std::nullopt;  // issued at 60 or later: valid for life
}

bool mondayToFriday(year_month_day d) {
  weekday w{sys_days{d}};
  return w != Saturday && w != Sunday;
}

year_month_day legalDueDate(year_month_day received, int working_days, const WorkingDayFn& is_working_day) {
  sys_days d{received};
  int counted = 0;
  // A year of holidays cannot exceed this; it keeps a broken calendar from looping forever.
  for (int guard = 0; counted < working_days && guard < 3660; ++guard) {
    d += days{1};
    if (is_working_day(year_month_day{d})) ++counted;
  }
  return year_month_day{d};
}

year_month_day localDay(std::int64_t unix_seconds) {
  auto local = unix_seconds + kUtcOffsetSeconds;
  auto day_count = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  return year_month_day{sys_days{days{day_count}}};
}

std::int64_t localMidnight(year_month_day d) {
  return std::int64_t(sys_days{d}.time_since_epoch().count()) * 86400 - kUtcOffsetSeconds;
}

std::string isoDay(year_month_day d) { return format("%F", d); }

StatusSummary summarise(const Application& a, year_month_day today) {
  StatusSummary s;
  s.application_code = a.code;
  s.type = applicationTypeName(a.type);
  s.stage = stageName(a.stage);
  auto label = labelOf(a);
  s.stage_vi = label.vi;
  s.stage_en = label.en;
  if (auto t = stageTime(a)) s.since = isoDay(localDay(t));
  s.due_date = a.due_date;
  bool finished = a.stage == Stage::handed_over || a.stage == Stage::returned;
  s.overdue = !finished && !a.due_date.empty() && isoDay(today) > a.due_date;
  if (a.delivery == "post") {
    s.collect_vi = "Chuyển phát qua bưu điện đến địa chỉ đã đăng ký";
    s.collect_en = "Delivered by post to the registered address";
  } else {
    s.collect_vi = "Nhận tại " + a.office + (a.office_province.empty() ? "" : ", " + a.office_province);
    s.collect_en = "Collect at " + a.office + (a.office_province.empty() ? "" : ", " + a.office_province);
  }
  if (a.stage == Stage::returned) s.missing_vi = a.returned_reason;
  return s;
}

const Application* currentApplication(const PersonRecord& r) {
  const Application* latest = nullptr;
  for (const auto& a : r.applications) {
    if (!latest || a.received_at >= latest->received_at) latest = &a;
  }
  const Application* latest_open = nullptr;
  for (const auto& a : r.applications) {
    // A returned application is still the caller's concern unless a later one replaced it.
    bool replaced = a.stage == Stage::returned && &a != latest && latest->received_at > a.received_at;
    if (a.stage == Stage::handed_over || replaced) continue;
    if (!latest_open || a.received_at >= latest_open->received_at) latest_open = &a;
  }
  return latest_open ? latest_open : latest;
}

}  // namespace tongdai::core::registry
