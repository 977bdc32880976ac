#include "app/seed.h"

#include <nlohmann/json.hpp>

#include "app/context.h"
#include "core/calendar/holidays.h"
#include "core/kb/article.h"

namespace tongdai::app {

namespace {

const std::vector<core::store::Category>& defaultCategories() {
  static const std::vector<core::store::Category> cats = {
      {"the.cap_moi", "Cấp thẻ căn cước lần đầu, nơi làm thủ tục, giấy tờ cần mang", "First card: where and what to bring", "A", true, 10},
      {"the.cap_doi", "Cấp đổi thẻ (đủ tuổi 14, 25, 40, 60; thay đổi thông tin)", "Card exchange (age 14/25/40/60, changed data)", "A", true, 11},
      {"the.cap_lai", "Cấp lại thẻ khi mất, hỏng chip", "Re-issue after loss or damaged chip", "A", true, 12},
      {"the.tien_do", "Tiến độ hồ sơ, chưa nhận được thẻ", "Application status, card not received", "A", true, 13},
      {"the.chuyen_phat", "Nhận thẻ qua đường bưu điện", "Card delivery by post", "A", true, 14},
      {"the.sai_thong_tin", "Sai họ tên, ngày sinh trên thẻ", "Wrong name or birth date on the card", "A", true, 15},
      {"the.le_phi", "Lệ phí, miễn giảm lệ phí", "Fees and exemptions", "A", true, 16},
      {"the.tre_em", "Thẻ căn cước cho trẻ dưới 14 tuổi", "Cards for children under 14", "A", true, 17},
      {"the.luu_dong", "Cấp thẻ lưu động tại nhà (người cao tuổi, ốm đau)", "Home visits for the elderly or sick", "A", true, 18},
      {"the.sap_nhap", "Sắp xếp đơn vị hành chính 2025: thẻ và địa chỉ", "2025 administrative merger: card and address", "A", true, 19},
      {"so.y_nghia", "Ý nghĩa 12 số định danh cá nhân", "Meaning of the 12-digit ID number", "B", true, 20},
      {"so.cmnd_cu", "Xác nhận số CMND cũ (ngân hàng, giấy tờ đất)", "Confirming the old CMND number", "B", true, 21},
      {"so.tre_so_sinh", "Số định danh cho trẻ mới sinh", "ID numbers for newborns", "B", true, 22},
      {"vneid.dang_ky", "Đăng ký tài khoản định danh điện tử mức 1, mức 2", "VNeID level 1 and 2 registration", "C", true, 30},
      {"vneid.kich_hoat", "Không nhận được mã kích hoạt VNeID", "VNeID activation SMS not received", "C", true, 31},
      {"vneid.mat_khau", "Quên mật khẩu, đổi số điện thoại, email VNeID", "VNeID password, phone or e-mail change", "C", true, 32},
      {"vneid.tich_hop", "Tích hợp giấy tờ vào VNeID (GPLX, BHYT, đăng ký xe)", "Adding documents to VNeID", "C", true, 33},
      {"vneid.loi_nfc", "Lỗi NFC, lỗi xác thực khuôn mặt", "NFC and face-check errors", "C", true, 34},
      {"dancu.sai_thong_tin", "Sai, thiếu thông tin cư trú, thành viên hộ", "Wrong or missing residence data", "D", true, 40},
      {"dancu.dieu_chinh", "Thủ tục điều chỉnh thông tin trong CSDL quốc gia về dân cư", "Correcting population database data", "D", true, 41},
      {"dancu.ct07", "Xác nhận thông tin về cư trú (mẫu CT07)", "Residence certificate (CT07)", "D", true, 42},
      {"dancu.cu_tru", "Đăng ký thường trú, tạm trú", "Permanent and temporary residence", "D", true, 43},
      {"antoan.lua_dao", "Cuộc gọi, đường link giả mạo công an, VNeID giả", "Scam calls and fake VNeID links", "E", true, 50},
      {"antoan.lo_du_lieu", "Lộ ảnh giấy tờ, tài khoản hoặc SIM bị mở trái phép", "Leaked ID photos, accounts opened in one's name", "E", true, 51},
      {"antoan.khieu_nai", "Khiếu nại hồ sơ quá hạn, thái độ phục vụ", "Complaints: overdue applications, service", "E", true, 52},
      {"khac", "Khác", "Other", "Z", true, 99},
  };
  return cats;
}

// The shipped articles, validated like any other edit: a bad file fails loudly.
core::Result<std::vector<core::store::KbArticle>> startingArticles(core::TimePoint now) {
  std::vector<core::store::KbArticle> out;
  nlohmann::json j = nlohmann::json::array();
  for (const auto& text : kbArticleFiles()) {
    auto part = nlohmann::json::parse(text, nullptr, false);
    if (!part.is_array()) {
      return core::makeError("kb_seed", "Tệp cơ sở tri thức không hợp lệ.", "A data/kb/*.json file is invalid.");
    }
    for (auto& e : part) j.push_back(std::move(e));
  }
  for (const auto& e : j) {
    core::store::KbArticle a;
    a.slug = e.value("slug", "");
    a.title = e.value("title", "");
    a.answer = e.value("answer", "");
    a.category = e.value("category", "khac");
    a.tags = e.value("tags", std::vector<std::string>{});
    a.status = e.value("status", "published");
    a.legal_basis = e.value("legal_basis", "");
    a.valid_from = e.contains("valid_from") && e["valid_from"].is_string() ? e["valid_from"].get<std::string>() : "";
    a.valid_to = e.contains("valid_to") && e["valid_to"].is_string() ? e["valid_to"].get<std::string>() : "";
    a.updated_at = core::toUnix(now);
    auto v = core::kb::validateArticle(a);
    if (!v.ok()) {
      return core::makeError("kb_seed", "Bài \"" + a.slug + "\" không hợp lệ: " + v.error().message_vi,
                             "Article \"" + a.slug + "\" is invalid: " + v.error().message_en);
    }
    out.push_back(v.value());
  }
  return out;
}

}  // namespace

core::Status seedStore(core::store::Store& store, core::TimePoint now) {
  // Build the default calendar outside the transaction: it is pure.
  auto spec = core::calendar::CalendarSpec::hotlineDefault();
  for (const auto& text : holidayFiles()) {
    auto st = core::calendar::mergeHolidayFile(nlohmann::json::parse(text, nullptr, false), spec);
    if (!st.ok()) return st;
  }
  std::string calendar = core::calendar::calendarSpecToJson(spec).dump();
  std::string sla = core::sla::policyToJson(core::sla::SlaPolicy{}).dump();
  auto articles = startingArticles(now);
  if (!articles.ok()) return articles.error();
  return store.writeSync([&](core::store::WriteTx& tx) {
    if (tx.categories().empty()) {
      for (const auto& c : defaultCategories()) tx.upsertCategory(c);
      tx.appendAudit(auditEntry(nullptr, "seed.categories", "category", "*", std::nullopt, "first start",
                                "", now));
    }
    if (!tx.setting("calendar")) {
      tx.putSetting("calendar", calendar);
      tx.appendAudit(auditEntry(nullptr, "seed.calendar", "settings", "calendar", std::nullopt,
                                "first start", "", now));
    }
    if (!tx.setting("sla")) tx.putSetting("sla", sla);
    if (tx.kbArticles().empty() && !articles->empty()) {
      for (const auto& a : articles.value()) tx.saveKbArticle(a, "starting knowledge base");
      tx.appendAudit(auditEntry(nullptr, "seed.kb", "kb_article", "*", std::nullopt, "first start",
                                "{\"articles\":" + std::to_string(articles->size()) + "}", now));
    }
    return core::Status::Ok();
  });
}

core::Result<core::calendar::BusinessCalendar> shippedCalendar() {
  auto spec = core::calendar::CalendarSpec::hotlineDefault();
  for (const auto& text : holidayFiles()) {
    auto st = core::calendar::mergeHolidayFile(nlohmann::json::parse(text, nullptr, false), spec);
    if (!st.ok()) return st.error();
  }
  return core::calendar::BusinessCalendar::create(spec);
}

}  // namespace tongdai::app
