#include "core/cases/case.h"

#include <algorithm>
#include <array>

#include "core/identity/citizen_id.h"
#include "core/phone/phone.h"
#include "core/text/fold.h"

namespace tongdai::core::cases {

namespace {

template <typename E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, const char*>, N>& table,
                        std::string_view s) {
  for (auto& [e, name] : table) {
    if (s == name) return e;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
const char* nameOf(const std::array<std::pair<E, const char*>, N>& table, E e) {
  for (auto& [v, name] : table) {
    if (v == e) return name;
  }
  return "";
}

constexpr std::array<std::pair<Channel, const char*>, 6> kChannels{{
    {Channel::phone, "phone"},
    {Channel::zalo, "zalo"},
    {Channel::facebook, "facebook"},
    {Channel::email, "email"},
    {Channel::web, "web"},
    {Channel::walk_in, "walk_in"},
}};
constexpr std::array<std::pair<Priority, const char*>, 4> kPriorities{{
    {Priority::low, "low"},
    {Priority::normal, "normal"},
    {Priority::high, "high"},
    {Priority::urgent, "urgent"},
}};
constexpr std::array<std::pair<CaseStatus, const char*>, 6> kStatuses{{
    {CaseStatus::new_, "new"},
    {CaseStatus::in_progress, "in_progress"},
    {CaseStatus::waiting_citizen, "waiting_citizen"},
    {CaseStatus::waiting_lookup, "waiting_lookup"},
    {CaseStatus::answered, "answered"},
    {CaseStatus::closed, "closed"},
}};

const char* statusVi(CaseStatus s) {
  switch (s) {
    case CaseStatus::new_: return "Mới";
    case CaseStatus::in_progress: return "Đang xử lý";
    case CaseStatus::waiting_citizen: return "Chờ công dân bổ sung";
    case CaseStatus::waiting_lookup: return "Chờ cán bộ nghiệp vụ tra cứu";
    case CaseStatus::answered: return "Đã trả lời";
    case CaseStatus::closed: return "Đã đóng";
  }
  return "";
}

}  // namespace

const char* toString(Channel c) { return nameOf(kChannels, c); }
const char* toString(Priority p) { return nameOf(kPriorities, p); }
const char* toString(CaseStatus s) { return nameOf(kStatuses, s); }
std::optional<Channel> channelFromString(std::string_view s) { return lookup(kChannels, s); }
std::optional<Priority> priorityFromString(std::string_view s) { return lookup(kPriorities, s); }
std::optional<CaseStatus> statusFromString(std::string_view s) { return lookup(kStatuses, s); }

const std::vector<CaseStatus>& allStatuses() {
  static const std::vector<CaseStatus> all = {CaseStatus::new_,           CaseStatus::in_progress,
                                              CaseStatus::waiting_citizen, CaseStatus::waiting_lookup,
                                              CaseStatus::answered,        CaseStatus::closed};
  return all;
}

Result<std::string> validateCitizenId(const std::string& raw, int current_year) {
  if (raw.empty()) return std::string();
  auto parsed = identity::parseCitizenId(raw, current_year);
  if (!parsed.ok()) return parsed.error();
  return parsed->number;
}

Result<std::string> validatePhone(const std::string& raw) {
  if (raw.empty()) return std::string();
  return phone::normalizePhone(raw);
}

Result<std::string> validateText(const std::string& raw, const char* field, std::size_t max_bytes,
                                 bool required) {
  if (!text::isValidUtf8(raw)) {
    return makeError("invalid_utf8", "Văn bản chứa ký tự không hợp lệ (không phải UTF-8).",
                     "Text is not valid UTF-8.", field);
  }
  std::string nfc = text::toNfc(raw);
  // Trim ASCII whitespace at both ends.
  auto first = nfc.find_first_not_of(" \t\r\n");
  nfc = first == std::string::npos ? "" : nfc.substr(first, nfc.find_last_not_of(" \t\r\n") - first + 1);
  if (required && nfc.empty()) {
    return makeError("required", "Trường này không được để trống.", "This field is required.",
                     field);
  }
  if (nfc.size() > max_bytes) {
    return makeError("too_long",
                     "Nội dung quá dài (tối đa " + std::to_string(max_bytes) + " byte).",
                     "Text too long (at most " + std::to_string(max_bytes) + " bytes).", field);
  }
  return nfc;
}

Result<std::vector<std::string>> validateTags(const std::vector<std::string>& tags) {
  std::vector<std::string> out;
  for (const auto& t : tags) {
    auto v = validateText(t, "tags", 64, true);
    if (!v.ok()) return v.error();
    if (std::find(out.begin(), out.end(), *v) == out.end()) out.push_back(*v);
  }
  // Counted after duplicates are dropped: the limit is about distinct labels.
  if (out.size() > 20) {
    return makeError("too_many_tags", "Tối đa 20 nhãn cho một phiếu.", "At most 20 tags per case.",
                     "tags");
  }
  return out;
}

Result<Case> validateDraft(const CaseDraft& draft, const ValidationContext& ctx) {
  Case c;
  auto channel = channelFromString(draft.channel);
  if (!channel) {
    return makeError("invalid_channel",
                     "Kênh tiếp nhận không hợp lệ (phone, zalo, facebook, email, web, walk_in).",
                     "Unknown channel (phone, zalo, facebook, email, web, walk_in).", "channel");
  }
  c.channel = *channel;
  auto name = validateText(draft.contact.name, "contact.name", 200, false);
  if (!name.ok()) return name.error();
  c.contact.name = *name;
  auto phone = validatePhone(draft.contact.phone);
  if (!phone.ok()) {
    Error e = phone.error();
    e.field = "contact.phone";
    return e;
  }
  c.contact.phone = *phone;
  auto email = validateText(draft.contact.email, "contact.email", 254, false);
  if (!email.ok()) return email.error();
  if (!email->empty() && (email->find('@') == std::string::npos || email->find(' ') != std::string::npos)) {
    return makeError("invalid_email", "Địa chỉ email không hợp lệ.", "Invalid e-mail address.",
                     "contact.email");
  }
  c.contact.email = *email;
  auto zalo = validateText(draft.contact.zalo_id, "contact.zalo_id", 128, false);
  if (!zalo.ok()) return zalo.error();
  c.contact.zalo_id = *zalo;
  auto fb = validateText(draft.contact.facebook_id, "contact.facebook_id", 128, false);
  if (!fb.ok()) return fb.error();
  c.contact.facebook_id = *fb;
  if (c.contact.phone.empty() && c.contact.email.empty() && c.contact.zalo_id.empty() &&
      c.contact.facebook_id.empty() && c.channel != Channel::walk_in) {
    return makeError("contact_required",
                     "Cần ít nhất một cách liên hệ với công dân (điện thoại, email, Zalo hoặc Facebook).",
                     "At least one way to reach the citizen is required.", "contact.phone");
  }
  auto cid = validateCitizenId(draft.citizen_id, ctx.current_year);
  if (!cid.ok()) return cid.error();
  c.citizen_id = *cid;
  if (draft.category.empty()) {
    return makeError("required", "Vui lòng chọn lĩnh vực yêu cầu.", "Please choose a category.",
                     "category");
  }
  if (ctx.category_exists && !ctx.category_exists(ctx.category_ctx, draft.category)) {
    return makeError("unknown_category", "Lĩnh vực \"" + draft.category + "\" không tồn tại.",
                     "Unknown category \"" + draft.category + "\".", "category");
  }
  c.category = draft.category;
  auto desc = validateText(draft.description, "description", 20000, true);
  if (!desc.ok()) return desc.error();
  c.description = *desc;
  if (!draft.priority.empty()) {
    auto p = priorityFromString(draft.priority);
    if (!p) {
      return makeError("invalid_priority", "Mức ưu tiên không hợp lệ (low, normal, high, urgent).",
                       "Unknown priority (low, normal, high, urgent).", "priority");
    }
    c.priority = *p;
  }
  auto tags = validateTags(draft.tags);
  if (!tags.ok()) return tags.error();
  c.tags = *tags;
  return c;
}

Status checkTransition(CaseStatus from, CaseStatus to) {
  using S = CaseStatus;
  auto allowed = [&]() -> bool {
    switch (from) {
      case S::new_:
        return to == S::in_progress || to == S::waiting_lookup || to == S::waiting_citizen ||
               to == S::answered || to == S::closed;
      case S::in_progress:
        return to == S::waiting_citizen || to == S::waiting_lookup || to == S::answered ||
               to == S::closed;
      case S::waiting_citizen:
        return to == S::in_progress || to == S::answered || to == S::closed;
      case S::waiting_lookup:
        // Left only through the look-up: answered back to the operator or to the citizen.
        return to == S::in_progress || to == S::answered;
      case S::answered:
        return to == S::closed || to == S::in_progress;
      case S::closed:
        return to == S::in_progress;  // reopen
    }
    return false;
  }();
  if (allowed) return Status::Ok();
  return makeError("invalid_transition",
                   std::string("Không thể chuyển phiếu từ trạng thái \"") + statusVi(from) +
                       "\" sang \"" + statusVi(to) + "\".",
                   std::string("A case cannot go from ") + toString(from) + " to " + toString(to) +
                       ".",
                   "status");
}

std::string searchText(const Case& c) {
  std::string all = c.contact.name + " " + c.contact.email + " " + c.description + " " +
                    c.citizen_id + " " + c.category;
  for (const auto& t : c.tags) all += " " + t;
  std::string folded = text::foldForSearch(all);
  // Phone digits both as +84 and national form so either matches.
  if (!c.contact.phone.empty()) {
    folded += " " + c.contact.phone.substr(1) + " 0" + c.contact.phone.substr(3);
  }
  return folded;
}

}  // namespace tongdai::core::cases
