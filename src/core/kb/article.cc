#include "core/kb/article.h"

#include <algorithm>

#include "core/cases/case.h"
#include "core/common/time.h"
#include "core/text/fold.h"

namespace tongdai::core::kb {

bool isKnownStatus(const std::string& s) {
  return s == "draft" || s == "in_review" || s == "published" || s == "retired";
}

Status checkStatusChange(const std::string& from, const std::string& to) {
  if (!isKnownStatus(to)) {
    return makeError("invalid_status", "Trạng thái bài phải là draft, in_review, published hoặc retired.",
                     "status must be draft, in_review, published or retired.", "status");
  }
  bool ok = (from == "draft" && (to == "in_review" || to == "published")) ||
            (from == "in_review" && (to == "draft" || to == "published")) ||
            (from == "published" && (to == "retired" || to == "draft")) ||
            (from == "retired" && to == "draft");
  if (ok) return Status::Ok();
  return makeError("invalid_transition", "Không thể chuyển bài từ \"" + from + "\" sang \"" + to + "\".",
                   "An article cannot go from " + from + " to " + to + ".", "status");
}

namespace {
bool validDate(const std::string& d) {
  TimePoint t;
  return d.size() == 10 && parseIso(d, t);
}
}  // namespace

Result<store::KbArticle> validateArticle(store::KbArticle a) {
  auto title = cases::validateText(a.title, "title", 300, true);
  if (!title.ok()) return title.error();
  a.title = *title;
  auto answer = cases::validateText(a.answer, "answer", 20000, true);
  if (!answer.ok()) return answer.error();
  a.answer = *answer;
  auto legal = cases::validateText(a.legal_basis, "legal_basis", 300, false);
  if (!legal.ok()) return legal.error();
  a.legal_basis = *legal;
  if (a.slug.empty()) a.slug = slugFromTitle(a.title);
  bool slug_ok = a.slug.size() >= 3 && a.slug.size() <= 80 &&
                 std::all_of(a.slug.begin(), a.slug.end(), [](unsigned char c) {
                   return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                 });
  if (!slug_ok) {
    return makeError("invalid_slug", "Đường dẫn bài gồm 3–80 ký tự a-z, 0-9 và '-'.",
                     "A slug has 3–80 characters a-z, 0-9 and '-'.", "slug");
  }
  auto tags = cases::validateTags(a.tags);
  if (!tags.ok()) return tags.error();
  a.tags = *tags;
  if (!isKnownStatus(a.status)) {
    return makeError("invalid_status", "Trạng thái bài phải là draft, in_review, published hoặc retired.",
                     "status must be draft, in_review, published or retired.", "status");
  }
  for (auto [field, value] : {std::pair{"valid_from", &a.valid_from}, {"valid_to", &a.valid_to}}) {
    if (!value->empty() && !validDate(*value)) {
      return makeError("invalid_date", "Ngày không hợp lệ (dạng 2024-07-01).", "Invalid date (2024-07-01).",
                       field);
    }
  }
  if (!a.valid_from.empty() && !a.valid_to.empty() && a.valid_from > a.valid_to) {
    return makeError("invalid_date", "Ngày hết hiệu lực phải sau ngày có hiệu lực.",
                     "valid_to must not be before valid_from.", "valid_to");
  }
  return a;
}

bool answersOn(const store::KbArticle& a, const std::string& today) {
  return a.status == "published" && (a.valid_from.empty() || a.valid_from <= today) &&
         (a.valid_to.empty() || today <= a.valid_to);
}

std::string slugFromTitle(const std::string& title) {
  std::string slug;
  for (const auto& t : text::foldedTokens(title)) {
    if (slug.size() + t.size() + 1 > 80) break;
    bool ascii = std::all_of(t.begin(), t.end(), [](unsigned char c) { return c < 128; });
    if (!ascii) continue;
    if (!slug.empty()) slug += '-';
    slug += t;
  }
  return slug;
}

}  // namespace tongdai::core::kb
