#include "app/demo.h"

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "app/context.h"
#include "adapters/sip/endpoint.h"
#include "app/telephony/call_service.h"
#include "app/users.h"
#include "core/registry/geography.h"
#include "core/calendar/business_calendar.h"
#include "core/calendar/holidays.h"
#include "core/sla/sla.h"

namespace tongdai::app {

using core::cases::Case;
using core::cases::CaseStatus;

const char* demoPassword() { return "demo-tongdai-2026"; }

namespace {

std::vector<DemoLogin> demoUsers() {
  static const char* operators[] = {
      "Nguyễn Thị Lan", "Trần Văn Minh", "Lê Thị Hồng", "Phạm Quốc Huy", "Hoàng Thị Mai",
      "Huỳnh Văn Nam", "Vũ Thị Thu", "Võ Minh Tuấn", "Đặng Thị Hạnh", "Bùi Văn Đức",
      "Đỗ Thị Ngọc", "Hồ Văn Phúc", "Ngô Thị Yến", "Dương Văn Khoa", "Lý Thị Trang",
      "Nguyễn Văn Hải", "Trần Thị Thủy", "Lê Văn Lộc", "Phạm Thị Hoà", "Đinh Văn Sơn"};
  static const char* officers[] = {
      "Trung tá Nguyễn Văn An", "Thiếu tá Trần Thị Bình", "Đại úy Lê Văn Cường", "Đại úy Phạm Thị Dung",
      "Thượng úy Hoàng Văn Em", "Thượng úy Vũ Thị Giang", "Trung úy Võ Văn Hiếu", "Trung úy Đặng Thị Hương",
      "Đại úy Bùi Văn Khánh", "Thiếu tá Đỗ Thị Liên", "Đại úy Hồ Văn Mạnh", "Thượng úy Ngô Thị Nga",
      "Trung úy Dương Văn Oanh", "Đại úy Lý Văn Phong", "Thiếu tá Nguyễn Thị Quyên", "Trung úy Trần Văn Rạng",
      "Thượng úy Lê Thị Sen", "Đại úy Phạm Văn Tâm", "Trung úy Hoàng Thị Uyên", "Thiếu tá Đinh Văn Vinh"};
  std::vector<DemoLogin> users = {{"quantri", "admin", "Quản trị hệ thống", demoPassword()},
                                  {"giamsat", "supervisor", "Nguyễn Thị Giám Sát", demoPassword()}};
  for (int i = 0; i < 20; ++i) {
    char login[16];
    std::snprintf(login, sizeof login, "tdv%02d", i + 1);
    users.push_back({login, "operator", operators[i], demoPassword()});
  }
  for (int i = 0; i < 20; ++i) {
    char login[16];
    std::snprintf(login, sizeof login, "cbnv%02d", i + 1);
    users.push_back({login, "officer", officers[i], demoPassword()});
  }
  return users;
}

struct DemoCitizen {
  const char* name;
  const char* phone;
  const char* id;  // fixed, so that the demo registry holds the same people
  int birth_year, birth_month, birth_day;
  bool female;
};

// The callers of the demo cases; demoCitizenRecords() puts them in the demo registry.
const std::vector<DemoCitizen>& demoCitizens() {
  static const std::vector<DemoCitizen> citizens = {
      {"Nguyễn Văn Bình", "0912345678", "001085004721", 1985, 3, 14, false},
      {"Trần Thị Hoa", "0987 654 321", "079192013356", 1992, 7, 2, true},
      {"Lê Minh Đức", "+84 903 111 222", "048201027810", 2001, 11, 23, false},
      {"Phạm Thị Ngọc Ánh", "0868123456", "031178040092", 1978, 1, 30, true},
      {"Hoàng Văn Thắng", "0356789012", "038060051347", 1960, 9, 9, false},
      {"Vũ Thị Thuỷ", "0779998887", "092199062218", 1999, 4, 17, true},
      {"Đặng Quốc Khánh", "0944555666", "040095073904", 1995, 9, 2, false},
      {"Bùi Thị Lệ", "0833444555", "001188084461", 1988, 12, 5, true},
      {"Đỗ Văn Toàn", "0912000111", "036070095130", 1970, 6, 21, false},
      {"Ngô Thị Phương", "0399123123", "027303106675", 2003, 2, 28, true},
      {"Hồ Văn Lâm", "0705123456", "079082117542", 1982, 8, 8, false},
      {"Dương Thị Kim", "0888777666", "052139128809", 1939, 0, 0, true},
  };
  return citizens;
}

struct DemoStory {
  const char* category;
  const char* channel;
  const char* description;
  CaseStatus status;
  const char* lookup_what;  // "" = none
};

const std::vector<DemoStory>& stories() {
  static const std::vector<DemoStory> s = {
      {"the.tien_do", "phone", "Công dân làm hồ sơ cấp đổi thẻ tại công an phường từ 3 tuần trước, đến nay chưa nhận được thẻ qua bưu điện.", CaseStatus::waiting_lookup, "Tra cứu tiến độ hồ sơ cấp đổi thẻ, đã in hay chưa, đã chuyển bưu điện chưa."},
      {"the.cap_doi", "phone", "Hỏi đủ 25 tuổi có bắt buộc đổi thẻ căn cước công dân gắn chip không, thẻ cấp năm 2023.", CaseStatus::answered, ""},
      {"vneid.kich_hoat", "zalo", "Đăng ký tài khoản định danh điện tử mức 2 nhưng không nhận được tin nhắn kích hoạt.", CaseStatus::in_progress, ""},
      {"the.sai_thong_tin", "phone", "Thẻ in sai năm sinh so với giấy khai sinh, muốn biết thủ tục điều chỉnh.", CaseStatus::waiting_lookup, "Kiểm tra năm sinh trong CSDL quốc gia về dân cư so với hồ sơ cấp thẻ."},
      {"the.cap_lai", "facebook", "Bị mất thẻ căn cước khi đi công tác ở Đà Nẵng, hỏi có làm lại ở đó được không.", CaseStatus::closed, ""},
      {"antoan.lua_dao", "phone", "Nhận cuộc gọi tự xưng công an yêu cầu cài ứng dụng VNeID giả qua đường link, muốn báo cáo.", CaseStatus::new_, ""},
      {"dancu.sai_thong_tin", "email", "Thông tin nơi thường trú trên VNeID vẫn là địa chỉ cũ trước sáp nhập, hỏi có cần cập nhật.", CaseStatus::waiting_citizen, ""},
      {"the.tre_em", "phone", "Hỏi thủ tục làm thẻ căn cước cho con 5 tuổi, có phải đưa cháu đến không.", CaseStatus::answered, ""},
      {"vneid.tich_hop", "zalo", "Muốn tích hợp giấy phép lái xe vào VNeID nhưng không thấy thông tin.", CaseStatus::new_, ""},
      {"so.cmnd_cu", "phone", "Ngân hàng yêu cầu giấy xác nhận số CMND cũ, hỏi xin ở đâu.", CaseStatus::in_progress, ""},
      {"the.le_phi", "web", "Hỏi lệ phí cấp lại thẻ do hỏng chip.", CaseStatus::closed, ""},
      {"the.luu_dong", "phone", "Mẹ 85 tuổi nằm liệt giường, hỏi công an có đến nhà làm thẻ không.", CaseStatus::waiting_lookup, "Xác minh đăng ký cấp thẻ lưu động tại nhà cho người cao tuổi; địa bàn của công dân."},
  };
  return s;
}

}  // namespace

namespace {
// Every operator's and officer's desk phone: SIP extension = login, one demo
// password. Also for a demo store made before telephony (or the officers'
// phones) existed: accounts missing from the setting are added, none changed.
core::Status ensureDemoSipAccounts(core::store::Store& store, const std::vector<DemoLogin>& users) {
  return store.writeSync([&](core::store::WriteTx& tx) {
    nlohmann::json sip = nlohmann::json::object();
    if (auto text = tx.setting("sip_accounts")) sip = nlohmann::json::parse(*text, nullptr, false);
    if (!sip.is_object()) return core::Status::Ok();  // an admin's own setting: leave it alone
    bool added = false;
    for (const auto& u : users) {
      if ((u.role == "operator" || u.role == "officer") && !sip.contains(u.login)) {
        sip[u.login] = sip::digestHa1(u.login, "tongdai", demoSipPassword());
        added = true;
      }
    }
    if (added) tx.putSetting("sip_accounts", sip.dump());
    return core::Status::Ok();
  });
}
}  // namespace

core::Result<std::vector<DemoLogin>> createDemo(core::store::Store& store, core::TimePoint now,
                                                bool& created) {
  created = false;
  auto users = demoUsers();
  bool has_users = false;
  store.read([&](core::store::ReadTx& tx) {
    has_users = !tx.users().empty();
    return core::Status::Ok();
  });
  if (has_users) {
    if (auto st = ensureDemoSipAccounts(store, users); !st.ok()) return st.error();
    return users;
  }

  std::vector<core::store::User> prepared;
  for (const auto& u : users) {
    auto p = prepareUser({u.login, u.name, u.role, u.password}, now);
    if (!p.ok()) return p.error();
    prepared.push_back(p.value());
  }
  // Calendar and SLA as seeded, to give the demo cases real due times.
  auto spec = core::calendar::CalendarSpec::hotlineDefault();
  std::optional<std::string> cal_text;
  store.read([&](core::store::ReadTx& tx) {
    cal_text = tx.setting("calendar");
    return core::Status::Ok();
  });
  if (cal_text) {
    auto parsed = core::calendar::calendarSpecFromJson(nlohmann::json::parse(*cal_text, nullptr, false));
    if (parsed.ok()) spec = parsed.value();
  }
  auto cal = core::calendar::BusinessCalendar::create(spec);
  if (!cal.ok()) return cal.error();
  core::sla::SlaPolicy policy;

  const auto& citizens = demoCitizens();
  created = true;
  auto st = store.writeSync([&](core::store::WriteTx& tx) -> core::Status {
    for (auto& u : prepared) {
      auto s = insertUserTx(tx, u, nullptr, now);
      if (!s.ok()) return s;
    }
    std::int64_t operator_id = prepared[2].id, officer_id = prepared[22].id;
    for (std::size_t i = 0; i < stories().size(); ++i) {
      const auto& story = stories()[i];
      const auto& citizen = citizens[i % citizens.size()];
      Case c;
      c.channel = core::cases::channelFromString(story.channel).value();
      c.contact.name = citizen.name;
      c.contact.phone = core::cases::validatePhone(citizen.phone).value();
      c.citizen_id = citizen.id;
      c.category = story.category;
      c.description = story.description;
      c.created_by = operator_id + static_cast<std::int64_t>(i % 4);
      c.assignee_id = c.created_by;
      c.created_at = c.updated_at = now - std::chrono::minutes{25 * (stories().size() - i)};
      core::sla::startClock(c, policy, cal.value());
      c.id = tx.insertCase(c);
      tx.appendCaseEvent({0, c.id, core::toUnix(c.created_at), c.created_by, "created", "{}"});
      CaseStatus path[3] = {CaseStatus::in_progress, story.status, story.status};
      for (CaseStatus to : path) {
        if (to == c.status || to == CaseStatus::new_) continue;
        if (to == CaseStatus::closed && c.status == CaseStatus::in_progress) {
          c.status = CaseStatus::answered;
          c.answered_at = c.first_response_at = c.created_at + std::chrono::minutes{5};
        }
        if (to == CaseStatus::answered) c.answered_at = c.first_response_at = c.created_at + std::chrono::minutes{5};
        if (to == CaseStatus::closed) c.closed_at = c.created_at + std::chrono::minutes{8};
        if (to == CaseStatus::waiting_citizen) c.paused_since = c.created_at + std::chrono::minutes{6};
        c.status = to;
        tx.appendCaseEvent({0, c.id, core::toUnix(c.created_at) + 60, c.created_by, "status",
                            nlohmann::json{{"to", core::cases::toString(to)}}.dump()});
      }
      if (story.lookup_what[0]) {
        core::store::Lookup l;
        l.case_id = c.id;
        l.status = i == 0 ? "claimed" : "open";
        l.what = story.lookup_what;
        l.reason = "Công dân gọi tổng đài hỏi, cần tra cứu hệ thống để trả lời.";
        l.requested_by = c.created_by;
        l.requested_at = core::toUnix(c.created_at) + 120;
        l.due_at = core::toUnix(cal.value().addBusinessMinutes(core::fromUnix(l.requested_at), policy.lookup_minutes));
        if (i == 0) l.claimed_by = officer_id, l.claimed_at = l.requested_at + 300;
        tx.insertLookup(l);
      }
      core::sla::recompute(c, policy, cal.value());
      tx.updateCase(c);
      tx.appendAudit(auditEntry(nullptr, "demo.case", "case", std::to_string(c.id), c.id, "demo data", "", now));
    }
    return core::Status::Ok();
  });
  if (!st.ok()) return st.error();
  if (auto sip_st = ensureDemoSipAccounts(store, users); !sip_st.ok()) return sip_st.error();
  return users;
}

namespace {

// Each demo caller's current application sits in another stage, so every
// branch of the desks' status summary can be tried.
struct DemoStage {
  core::registry::Stage stage;
  int received_days_ago;
  const char* delivery;
  const char* returned_reason;
};

const DemoStage kDemoStages[] = {
    {core::registry::Stage::received, 1, "office", ""},
    {core::registry::Stage::approved, 3, "office", ""},
    {core::registry::Stage::printing, 4, "post", ""},
    {core::registry::Stage::printed, 6, "office", ""},
    {core::registry::Stage::dispatched, 8, "office", ""},
    {core::registry::Stage::returned, 5, "office",
     "Ảnh chân dung không đạt yêu cầu, đề nghị công dân đến chụp lại."},
    {core::registry::Stage::dispatched, 9, "post", ""},
    {core::registry::Stage::handed_over, 40, "office", ""},
    {core::registry::Stage::approved, 21, "office", ""},  // overdue
    {core::registry::Stage::received, 2, "post", ""},
    {core::registry::Stage::printed, 7, "post", ""},
    {core::registry::Stage::handed_over, 900, "office", ""},
};

}  // namespace

std::vector<core::registry::PersonRecord> demoCitizenRecords(core::TimePoint now,
                                                             const core::registry::WorkingDayFn& working_day) {
  namespace reg = core::registry;
  std::vector<reg::PersonRecord> out;
  const auto& citizens = demoCitizens();
  for (std::size_t i = 0; i < citizens.size(); ++i) {
    const auto& c = citizens[i];
    reg::PersonRecord r;
    reg::Person& p = r.person;
    p.id = c.id;
    p.full_name = c.name;
    p.birth_date = {c.birth_year, c.birth_month, c.birth_day};
    p.gender = c.female ? core::identity::Gender::female : core::identity::Gender::male;
    p.ethnicity = "Kinh";
    p.former_province_code = p.id.substr(0, 3);
    const auto* former = reg::formerProvince(p.former_province_code);
    std::string province = former ? std::string(former->new_province) : "Hà Nội";
    p.hometown = province;
    p.permanent = {reg::communeName(province, int(i) * 7), province};
    p.current = p.permanent;
    p.vneid_level = i % 3 == 0 ? 1 : 2;

    const DemoStage& plan = kDemoStages[i % std::size(kDemoStages)];
    reg::Application a;
    a.person_id = p.id;
    auto received_day = reg::localDay(core::toUnix(now) - std::int64_t(plan.received_days_ago) * 86400);
    a.code = p.former_province_code + "-" + date::format("%y%m%d", received_day) + "-" +
             std::string("000900") + (i < 10 ? "0" : "") + std::to_string(i);
    a.type = i % 4 == 1 ? reg::ApplicationType::reissue : reg::ApplicationType::renewal;
    a.type_reason = a.type == reg::ApplicationType::reissue ? "lost" : "own_request";
    a.office = "Công an " + reg::communeName(province, int(i) * 7);
    a.office_province = province;
    a.delivery = plan.delivery;
    std::int64_t t = reg::localMidnight(received_day) + 9 * 3600;  // 09:00 local
    a.received_at = t;
    a.due_date = reg::isoDay(reg::legalDueDate(received_day, 7, working_day));
    const std::pair<reg::Stage, std::int64_t*> order[] = {
        {reg::Stage::approved, &a.approved_at},     {reg::Stage::printing, &a.printing_at},
        {reg::Stage::printed, &a.printed_at},       {reg::Stage::dispatched, &a.dispatched_at},
        {reg::Stage::handed_over, &a.handed_over_at}};
    a.stage = reg::Stage::received;
    if (plan.stage == reg::Stage::returned) {
      a.returned_at = t + 86400;
      a.returned_reason = plan.returned_reason;
      a.stage = reg::Stage::returned;
    } else {
      for (const auto& [stage, at] : order) {
        if (int(stage) > int(plan.stage)) break;
        t += std::int64_t(plan.received_days_ago > 10 ? 2 : 1) * 3600 * 20;
        *at = std::min(t, core::toUnix(now) - 600);
        a.stage = stage;
      }
    }
    if (a.stage == reg::Stage::handed_over) {
      reg::Card card{p.id, p.id, a.code, reg::isoDay(reg::localDay(a.printed_at)), ""};
      if (auto e = reg::cardExpiry(p.birth_date, reg::localDay(a.printed_at))) card.expiry_date = reg::isoDay(*e);
      r.cards.push_back(card);
    }
    r.applications.push_back(a);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace tongdai::app
