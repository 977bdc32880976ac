// Knowledge-base articles: validation, the editorial status machine and
// validity in time (an answer valid before 1 July 2024 can be retired when
// the law changed). Pure.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/store/records.h"

namespace tongdai::core::kb {

// draft → in_review → published → retired; in_review → draft (sent back);
// retired → draft (revived for rewriting); published → draft (withdrawn).
Status checkStatusChange(const std::string& from, const std::string& to);
bool isKnownStatus(const std::string& s);

// Validates and normalises (NFC, trimmed) an article's editable fields.
// Checks slug shape, lengths, dates "YYYY-MM-DD" with valid_from <= valid_to.
Result<store::KbArticle> validateArticle(store::KbArticle a);

// True when the article answers today: published and `today` ("YYYY-MM-DD")
// within [valid_from, valid_to].
bool answersOn(const store::KbArticle& a, const std::string& today);

// A slug from a title: folded, words joined by '-', at most 80 characters.
std::string slugFromTitle(const std::string& title);

}  // namespace tongdai::core::kb
