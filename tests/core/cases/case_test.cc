#include "core/cases/case.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "core/text/fold.h"

namespace tongdai::core::cases {
namespace {

using S = CaseStatus;

// "Hòa" spelled both ways: precomposed ò (U+00F2) and o + combining grave (U+0300).
constexpr const char* kHoaNfc = "H\u00F2a";
constexpr const char* kHoaNfd = "Ho\u0300a";

// A draft that passes validation; tests break one thing at a time.
CaseDraft validDraft() {
  CaseDraft d;
  d.channel = "phone";
  d.contact.name = "Nguyễn Văn An";
  d.contact.phone = "0912 345 678";
  d.citizen_id = "001085012345";
  d.category = "cccd.cap_doi";
  d.description = "Hỏi thủ tục cấp đổi thẻ căn cước.";
  return d;
}

ValidationContext context() { return ValidationContext{}; }

bool onlyKnownCategory(const void* ctx, const std::string& code) {
  return code == *static_cast<const std::string*>(ctx);
}

// Validates `draft` expecting an error; returns it (or a sentinel on success).
Error draftError(const CaseDraft& draft, const ValidationContext& ctx = context()) {
  Result<Case> r = validateDraft(draft, ctx);
  if (r.ok()) return makeError("<ok>", "", "");
  EXPECT_FALSE(r.error().message_vi.empty());
  EXPECT_FALSE(r.error().message_en.empty());
  return r.error();
}

// ---------------------------------------------------------------------------
// String round trips

TEST(CaseEnums, ChannelNamesRoundTrip) {
  const std::vector<std::pair<Channel, std::string>> all = {
      {Channel::phone, "phone"}, {Channel::zalo, "zalo"}, {Channel::facebook, "facebook"},
      {Channel::email, "email"}, {Channel::web, "web"},   {Channel::walk_in, "walk_in"}};
  for (const auto& [channel, name] : all) {
    EXPECT_EQ(toString(channel), name);
    EXPECT_EQ(channelFromString(name), channel) << name;
  }
}

TEST(CaseEnums, PriorityNamesRoundTrip) {
  const std::vector<std::pair<Priority, std::string>> all = {{Priority::low, "low"},
                                                             {Priority::normal, "normal"},
                                                             {Priority::high, "high"},
                                                             {Priority::urgent, "urgent"}};
  for (const auto& [priority, name] : all) {
    EXPECT_EQ(toString(priority), name);
    EXPECT_EQ(priorityFromString(name), priority) << name;
  }
}

TEST(CaseEnums, StatusNamesRoundTrip) {
  const std::vector<std::pair<CaseStatus, std::string>> all = {
      {S::new_, "new"},
      {S::in_progress, "in_progress"},
      {S::waiting_citizen, "waiting_citizen"},
      {S::waiting_lookup, "waiting_lookup"},
      {S::answered, "answered"},
      {S::closed, "closed"}};
  for (const auto& [status, name] : all) {
    EXPECT_EQ(toString(status), name);
    EXPECT_EQ(statusFromString(name), status) << name;
  }
}

TEST(CaseEnums, AllStatusesListsEachStatusOnceAndRoundTrips) {
  const std::vector<CaseStatus>& all = allStatuses();
  ASSERT_EQ(all.size(), 6u);
  std::set<std::string> names;
  for (CaseStatus s : all) {
    names.insert(toString(s));
    EXPECT_EQ(statusFromString(toString(s)), s);
  }
  EXPECT_EQ(names.size(), 6u);
  EXPECT_EQ(all.front(), S::new_);
}

TEST(CaseEnums, UnknownNamesAreRejected) {
  for (const char* s : {"", "Phone", "PHONE", "sms", " phone", "phone ", "walk-in", "walkin"}) {
    EXPECT_FALSE(channelFromString(s).has_value()) << s;
  }
  for (const char* s : {"", "Urgent", "critical", "medium", "normal "}) {
    EXPECT_FALSE(priorityFromString(s).has_value()) << s;
  }
  // The enumerator is new_ but its name is "new".
  for (const char* s : {"", "new_", "New", "open", "in-progress", "waiting"}) {
    EXPECT_FALSE(statusFromString(s).has_value()) << s;
  }
}

// ---------------------------------------------------------------------------
// Status machine

TEST(CheckTransition, FullMatrix) {
  // Rows: from, columns: to, in the order new, in_progress, waiting_citizen,
  // waiting_lookup, answered, closed.
  const std::vector<CaseStatus> order = {S::new_,           S::in_progress, S::waiting_citizen,
                                         S::waiting_lookup, S::answered,    S::closed};
  const bool allowed[6][6] = {
      /* new             */ {false, true, true, true, true, true},
      /* in_progress     */ {false, false, true, true, true, true},
      /* waiting_citizen */ {false, true, false, false, true, true},
      /* waiting_lookup  */ {false, true, false, false, true, false},
      /* answered        */ {false, true, false, false, false, true},
      /* closed          */ {false, true, false, false, false, false},
  };
  for (int i = 0; i < 6; ++i) {
    for (int j = 0; j < 6; ++j) {
      const Status s = checkTransition(order[i], order[j]);
      EXPECT_EQ(s.ok(), allowed[i][j]) << toString(order[i]) << " -> " << toString(order[j]);
    }
  }
}

TEST(CheckTransition, NothingGoesBackToNewAndNoSelfLoops) {
  for (CaseStatus s : allStatuses()) {
    EXPECT_FALSE(checkTransition(s, S::new_).ok()) << toString(s);
    EXPECT_FALSE(checkTransition(s, s).ok()) << toString(s);
  }
}

TEST(CheckTransition, ReopenGoesThroughInProgressOnly) {
  EXPECT_TRUE(checkTransition(S::closed, S::in_progress).ok());
  EXPECT_TRUE(checkTransition(S::answered, S::in_progress).ok());
  EXPECT_FALSE(checkTransition(S::closed, S::answered).ok());
  EXPECT_FALSE(checkTransition(S::closed, S::waiting_citizen).ok());
  EXPECT_FALSE(checkTransition(S::closed, S::waiting_lookup).ok());
}

TEST(CheckTransition, ErrorNamesBothStatusesInBothLanguages) {
  const Status s = checkTransition(S::closed, S::answered);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "invalid_transition");
  EXPECT_EQ(s.error().field, "status");
  EXPECT_EQ(s.error().message_en, "A case cannot go from closed to answered.");
  EXPECT_NE(s.error().message_vi.find("Đã đóng"), std::string::npos) << s.error().message_vi;
  EXPECT_NE(s.error().message_vi.find("Đã trả lời"), std::string::npos) << s.error().message_vi;
  EXPECT_EQ(s.error().message_vi, text::toNfc(s.error().message_vi));

  const Status lookup = checkTransition(S::waiting_lookup, S::closed);
  ASSERT_FALSE(lookup.ok());
  EXPECT_EQ(lookup.error().message_en, "A case cannot go from waiting_lookup to closed.");
}

// ---------------------------------------------------------------------------
// validateText

TEST(ValidateText, ComposesToNfc) {
  Result<std::string> r = validateText(kHoaNfd, "description", 100, true);
  ASSERT_TRUE(r.ok()) << r.error().code;
  EXPECT_EQ(*r, kHoaNfc);
  EXPECT_EQ(*validateText("Nguye\u0302\u0303n", "x", 100, true), "Nguy\u1EC5n");
}

TEST(ValidateText, TrimsAsciiWhitespaceAtBothEndsOnly) {
  EXPECT_EQ(*validateText(" \t\r\n  Đổi   thẻ \n", "x", 100, true), "Đổi   thẻ");
  EXPECT_EQ(*validateText("a\tb", "x", 100, true), "a\tb");
  EXPECT_EQ(*validateText("x", "x", 100, true), "x");
}

TEST(ValidateText, RequiredRejectsEmptyAndBlank) {
  for (const char* raw : {"", " ", " \t\r\n "}) {
    Result<std::string> r = validateText(raw, "description", 100, true);
    ASSERT_FALSE(r.ok()) << '"' << raw << '"';
    EXPECT_EQ(r.error().code, "required");
    EXPECT_EQ(r.error().field, "description");
  }
}

TEST(ValidateText, OptionalAcceptsEmptyAndBlankAsEmpty) {
  for (const char* raw : {"", "   ", "\n"}) {
    Result<std::string> r = validateText(raw, "contact.name", 100, false);
    ASSERT_TRUE(r.ok()) << r.error().code;
    EXPECT_EQ(*r, "");
  }
}

TEST(ValidateText, LimitIsInBytesInclusive) {
  EXPECT_TRUE(validateText(std::string(10, 'a'), "f", 10, true).ok());
  Result<std::string> r = validateText(std::string(11, 'a'), "f", 10, true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "too_long");
  EXPECT_EQ(r.error().field, "f");
  EXPECT_NE(r.error().message_en.find("10"), std::string::npos) << r.error().message_en;
  EXPECT_NE(r.error().message_vi.find("10"), std::string::npos) << r.error().message_vi;
  // "đ" is two bytes: five of them are ten bytes but only five characters.
  std::string d5;
  for (int i = 0; i < 5; ++i) d5 += "đ";
  EXPECT_TRUE(validateText(d5, "f", 10, true).ok());
  EXPECT_EQ(validateText(d5 + "đ", "f", 10, true).error().code, "too_long");
}

TEST(ValidateText, LimitAppliesAfterTrimAndNfc) {
  // Padding is trimmed before measuring.
  EXPECT_EQ(*validateText("  abcde  ", "f", 5, true), "abcde");
  // NFD "Hòa" is 5 bytes, its NFC form 4.
  ASSERT_EQ(std::string(kHoaNfd).size(), 5u);
  Result<std::string> r = validateText(kHoaNfd, "f", 4, true);
  ASSERT_TRUE(r.ok()) << r.error().code;
  EXPECT_EQ(*r, kHoaNfc);
  EXPECT_EQ(validateText(kHoaNfc, "f", 3, true).error().code, "too_long");
}

TEST(ValidateText, RejectsInvalidUtf8WithTheGivenField) {
  for (const char* raw : {"\xFF", "abc\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xE9t\xE9"}) {
    Result<std::string> r = validateText(raw, "contact.name", 100, false);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "invalid_utf8");
    EXPECT_EQ(r.error().field, "contact.name");
  }
  // Checked before the required test: a lone bad byte is not "empty".
  EXPECT_EQ(validateText("\x80", "x", 100, true).error().code, "invalid_utf8");
}

// ---------------------------------------------------------------------------
// validateTags

TEST(ValidateTags, EmptyListIsFine) {
  Result<std::vector<std::string>> r = validateTags({});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(ValidateTags, DedupesAfterNormalisingAndKeepsFirstOrder) {
  Result<std::vector<std::string>> r =
      validateTags({"vip", " khiếu nại ", "vip", kHoaNfd, kHoaNfc, "khiếu nại", "VIP"});
  ASSERT_TRUE(r.ok()) << r.error().code;
  EXPECT_EQ(*r, (std::vector<std::string>{"vip", "khiếu nại", kHoaNfc, "VIP"}));
}

TEST(ValidateTags, AtMostTwenty) {
  std::vector<std::string> tags;
  for (int i = 0; i < 20; ++i) tags.push_back("tag" + std::to_string(i));
  Result<std::vector<std::string>> ok = validateTags(tags);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->size(), 20u);
  tags.push_back("tag20");
  Result<std::vector<std::string>> r = validateTags(tags);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "too_many_tags");
  EXPECT_EQ(r.error().field, "tags");
}

TEST(ValidateTags, EachTagIsRequiredValidAndAtMost64Bytes) {
  EXPECT_EQ(validateTags({"ok", "  "}).error().code, "required");
  EXPECT_EQ(validateTags({"ok", "  "}).error().field, "tags");
  EXPECT_TRUE(validateTags({std::string(64, 't')}).ok());
  EXPECT_EQ(validateTags({std::string(65, 't')}).error().code, "too_long");
  EXPECT_EQ(validateTags({std::string(65, 't')}).error().field, "tags");
  EXPECT_EQ(validateTags({"\xFF"}).error().code, "invalid_utf8");
  EXPECT_EQ(validateTags({"\xFF"}).error().field, "tags");
}

// ---------------------------------------------------------------------------
// validateDraft: success and normalisation

TEST(ValidateDraft, NormalisesAValidDraft) {
  CaseDraft d = validDraft();
  d.contact.name = "  Nguye\u0302\u0303n Va\u0306n An ";
  d.citizen_id = "001 085 012345";
  d.contact.email = " an@example.vn ";
  d.description = "\n" + std::string(kHoaNfd) + " hỏi thủ tục  ";
  d.tags = {"cccd", "cccd", " gấp "};
  Result<Case> r = validateDraft(d, context());
  ASSERT_TRUE(r.ok()) << r.error().code << " " << r.error().field;
  EXPECT_EQ(r->channel, Channel::phone);
  EXPECT_EQ(r->contact.name, "Nguy\u1EC5n V\u0103n An");
  EXPECT_EQ(r->contact.phone, "+84912345678");
  EXPECT_EQ(r->contact.email, "an@example.vn");
  EXPECT_EQ(r->citizen_id, "001085012345");
  EXPECT_EQ(r->category, "cccd.cap_doi");
  EXPECT_EQ(r->description, std::string(kHoaNfc) + " hỏi thủ tục");
  EXPECT_EQ(r->priority, Priority::normal);
  EXPECT_EQ(r->tags, (std::vector<std::string>{"cccd", "gấp"}));
  EXPECT_EQ(r->status, S::new_);
  EXPECT_FALSE(r->assignee_id.has_value());
  EXPECT_EQ(r->version, 1);
}

TEST(ValidateDraft, PriorityAndChannelAreParsed) {
  CaseDraft d = validDraft();
  d.channel = "zalo";
  d.contact.zalo_id = "zalo-123";
  d.priority = "urgent";
  Result<Case> r = validateDraft(d, context());
  ASSERT_TRUE(r.ok()) << r.error().code;
  EXPECT_EQ(r->channel, Channel::zalo);
  EXPECT_EQ(r->contact.zalo_id, "zalo-123");
  EXPECT_EQ(r->priority, Priority::urgent);
}

TEST(ValidateDraft, CitizenIdAndPhoneAreOptional) {
  CaseDraft d = validDraft();
  d.citizen_id = "";
  d.contact.phone = "";
  d.contact.email = "a@b.vn";
  Result<Case> r = validateDraft(d, context());
  ASSERT_TRUE(r.ok()) << r.error().code;
  EXPECT_EQ(r->citizen_id, "");
  EXPECT_EQ(r->contact.phone, "");
}

TEST(ValidateDraft, AnyOneContactIsEnough) {
  for (int which = 0; which < 4; ++which) {
    CaseDraft d = validDraft();
    d.channel = "web";
    d.contact.phone = "";
    if (which == 0) d.contact.phone = "024 3826 4242";
    if (which == 1) d.contact.email = "a@b.vn";
    if (which == 2) d.contact.zalo_id = "z1";
    if (which == 3) d.contact.facebook_id = "fb1";
    EXPECT_TRUE(validateDraft(d, context()).ok()) << which;
  }
}

TEST(ValidateDraft, WalkInNeedsNoContact) {
  CaseDraft d = validDraft();
  d.channel = "walk_in";
  d.contact = Contact{};
  Result<Case> r = validateDraft(d, context());
  ASSERT_TRUE(r.ok()) << r.error().code;
  EXPECT_EQ(r->channel, Channel::walk_in);
}

TEST(ValidateDraft, CategoryCallbackAcceptsKnownCode) {
  const std::string known = "cccd.cap_doi";
  ValidationContext ctx;
  ctx.category_exists = onlyKnownCategory;
  ctx.category_ctx = &known;
  EXPECT_TRUE(validateDraft(validDraft(), ctx).ok());
}

// ---------------------------------------------------------------------------
// validateDraft: every error code and its field

TEST(ValidateDraft, InvalidChannel) {
  for (const char* channel : {"", "sms", "Phone"}) {
    CaseDraft d = validDraft();
    d.channel = channel;
    const Error e = draftError(d);
    EXPECT_EQ(e.code, "invalid_channel") << channel;
    EXPECT_EQ(e.field, "channel");
  }
}

TEST(ValidateDraft, ContactNameTooLongOrInvalid) {
  CaseDraft d = validDraft();
  d.contact.name = std::string(200, 'n');
  EXPECT_TRUE(validateDraft(d, context()).ok());
  d.contact.name = std::string(201, 'n');
  Error e = draftError(d);
  EXPECT_EQ(e.code, "too_long");
  EXPECT_EQ(e.field, "contact.name");
  d.contact.name = "An\xFF";
  e = draftError(d);
  EXPECT_EQ(e.code, "invalid_utf8");
  EXPECT_EQ(e.field, "contact.name");
}

TEST(ValidateDraft, PhoneErrorsKeepTheirCodeUnderContactPhone) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"0912abc678", "phone_invalid_chars"},
      {"091234567", "phone_length"},
      {"0412345678", "phone_unknown_prefix"},
  };
  for (const auto& [raw, code] : cases) {
    CaseDraft d = validDraft();
    d.contact.phone = raw;
    const Error e = draftError(d);
    EXPECT_EQ(e.code, code) << raw;
    EXPECT_EQ(e.field, "contact.phone") << raw;
  }
}

TEST(ValidateDraft, InvalidEmail) {
  for (const char* email : {"an.example.vn", "an @example.vn", "an@exa mple.vn"}) {
    CaseDraft d = validDraft();
    d.contact.email = email;
    const Error e = draftError(d);
    EXPECT_EQ(e.code, "invalid_email") << email;
    EXPECT_EQ(e.field, "contact.email") << email;
  }
}

TEST(ValidateDraft, EmailTooLong) {
  CaseDraft d = validDraft();
  d.contact.email = "a@" + std::string(252, 'e');  // 254 bytes
  EXPECT_TRUE(validateDraft(d, context()).ok());
  d.contact.email += "e";
  const Error e = draftError(d);
  EXPECT_EQ(e.code, "too_long");
  EXPECT_EQ(e.field, "contact.email");
}

TEST(ValidateDraft, ZaloAndFacebookIdsBounded) {
  CaseDraft d = validDraft();
  d.contact.zalo_id = std::string(128, 'z');
  d.contact.facebook_id = std::string(128, 'f');
  EXPECT_TRUE(validateDraft(d, context()).ok());

  d.contact.zalo_id = std::string(129, 'z');
  Error e = draftError(d);
  EXPECT_EQ(e.code, "too_long");
  EXPECT_EQ(e.field, "contact.zalo_id");

  d.contact.zalo_id = "z";
  d.contact.facebook_id = std::string(129, 'f');
  e = draftError(d);
  EXPECT_EQ(e.code, "too_long");
  EXPECT_EQ(e.field, "contact.facebook_id");
}

TEST(ValidateDraft, ContactRequiredUnlessWalkIn) {
  for (const char* channel : {"phone", "zalo", "facebook", "email", "web"}) {
    CaseDraft d = validDraft();
    d.channel = channel;
    d.contact = Contact{};
    d.contact.name = "Chỉ có tên";
    const Error e = draftError(d);
    EXPECT_EQ(e.code, "contact_required") << channel;
    EXPECT_EQ(e.field, "contact.phone") << channel;
  }
  // Blank contact fields count as missing.
  CaseDraft d = validDraft();
  d.contact.phone = "";
  d.contact.email = "   ";
  d.contact.zalo_id = " ";
  EXPECT_EQ(draftError(d).code, "contact_required");
}

TEST(ValidateDraft, CitizenIdErrorsKeepTheirCodeAndField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"00108501234", "citizen_id_length"},
      {"001-085-012345", "citizen_id_not_digits"},
      {"001230000001", "citizen_id_birth_year_future"},
  };
  for (const auto& [raw, code] : cases) {
    CaseDraft d = validDraft();
    d.citizen_id = raw;
    const Error e = draftError(d);
    EXPECT_EQ(e.code, code) << raw;
    EXPECT_EQ(e.field, "citizen_id") << raw;
  }
}

TEST(ValidateDraft, CitizenIdUsesTheContextYear) {
  CaseDraft d = validDraft();
  d.citizen_id = "001225000001";  // male born 2025
  ValidationContext ctx;
  ctx.current_year = 2026;
  EXPECT_TRUE(validateDraft(d, ctx).ok());
  ctx.current_year = 2024;
  EXPECT_EQ(draftError(d, ctx).code, "citizen_id_birth_year_future");
}

TEST(ValidateDraft, CategoryRequired) {
  CaseDraft d = validDraft();
  d.category = "";
  const Error e = draftError(d);
  EXPECT_EQ(e.code, "required");
  EXPECT_EQ(e.field, "category");
}

TEST(ValidateDraft, UnknownCategory) {
  const std::string known = "cccd.cap_doi";
  ValidationContext ctx;
  ctx.category_exists = onlyKnownCategory;
  ctx.category_ctx = &known;
  CaseDraft d = validDraft();
  d.category = "cccd.khong_co";
  const Error e = draftError(d, ctx);
  EXPECT_EQ(e.code, "unknown_category");
  EXPECT_EQ(e.field, "category");
  EXPECT_NE(e.message_en.find("cccd.khong_co"), std::string::npos) << e.message_en;
}

TEST(ValidateDraft, DescriptionRequiredAndBounded) {
  CaseDraft d = validDraft();
  d.description = " \n ";
  Error e = draftError(d);
  EXPECT_EQ(e.code, "required");
  EXPECT_EQ(e.field, "description");

  d.description = std::string(20000, 'd');
  EXPECT_TRUE(validateDraft(d, context()).ok());
  d.description += "d";
  e = draftError(d);
  EXPECT_EQ(e.code, "too_long");
  EXPECT_EQ(e.field, "description");

  d.description = "m\xF4 t\xE1";  // Latin-1, not UTF-8
  e = draftError(d);
  EXPECT_EQ(e.code, "invalid_utf8");
  EXPECT_EQ(e.field, "description");
}

TEST(ValidateDraft, InvalidPriority) {
  for (const char* p : {"URGENT", "critical", " high"}) {
    CaseDraft d = validDraft();
    d.priority = p;
    const Error e = draftError(d);
    EXPECT_EQ(e.code, "invalid_priority") << p;
    EXPECT_EQ(e.field, "priority") << p;
  }
}

TEST(ValidateDraft, TagErrors) {
  CaseDraft d = validDraft();
  for (int i = 0; i < 21; ++i) d.tags.push_back("t" + std::to_string(i));
  Error e = draftError(d);
  EXPECT_EQ(e.code, "too_many_tags");
  EXPECT_EQ(e.field, "tags");

  d.tags = {"ok", ""};
  e = draftError(d);
  EXPECT_EQ(e.code, "required");
  EXPECT_EQ(e.field, "tags");
}

TEST(ValidateDraft, FirstErrorInFieldOrderWins) {
  CaseDraft d;
  d.channel = "fax";
  d.contact.phone = "abc";
  d.priority = "bad";
  EXPECT_EQ(draftError(d).field, "channel");
  d.channel = "phone";
  EXPECT_EQ(draftError(d).field, "contact.phone");
  d.contact.phone = "0912345678";
  EXPECT_EQ(draftError(d).field, "category");
  d.category = "c";
  EXPECT_EQ(draftError(d).field, "description");
  d.description = "x";
  EXPECT_EQ(draftError(d).field, "priority");
  d.priority = "";
  EXPECT_TRUE(validateDraft(d, context()).ok());
}

// ---------------------------------------------------------------------------
// searchText

bool containsWords(const std::string& haystack, const std::string& needle) {
  return (" " + haystack + " ").find(" " + needle + " ") != std::string::npos;
}

TEST(SearchText, FoldsAccentsOfEveryTextField) {
  Case c;
  c.contact.name = "Nguyễn Văn Đức";
  c.contact.email = "Duc.Nguyen@Example.VN";
  c.description = "Đổi thẻ Căn Cước bị mất";
  c.citizen_id = "001085012345";
  c.tags = {"Khiếu nại", "gấp"};
  const std::string s = searchText(c);
  EXPECT_TRUE(containsWords(s, "nguyen van duc")) << s;
  EXPECT_TRUE(containsWords(s, "doi the can cuoc bi mat")) << s;
  EXPECT_TRUE(containsWords(s, "001085012345")) << s;
  EXPECT_TRUE(containsWords(s, "khieu nai")) << s;
  EXPECT_TRUE(containsWords(s, "gap")) << s;
  EXPECT_TRUE(containsWords(s, "example")) << s;
  EXPECT_EQ(s.find("Đ"), std::string::npos) << s;
  EXPECT_EQ(s.find("ễ"), std::string::npos) << s;
}

TEST(SearchText, DecomposedInputFoldsLikeComposed) {
  Case nfd;
  nfd.description = kHoaNfd;
  Case nfc;
  nfc.description = kHoaNfc;
  EXPECT_EQ(searchText(nfd), searchText(nfc));
  EXPECT_TRUE(containsWords(searchText(nfc), "hoa")) << searchText(nfc);
}

TEST(SearchText, PhoneMatchesInternationalAndNationalForms) {
  Case c;
  c.contact.name = "An";
  c.contact.phone = "+84912345678";
  const std::string s = searchText(c);
  EXPECT_TRUE(containsWords(s, "84912345678")) << s;
  EXPECT_TRUE(containsWords(s, "0912345678")) << s;
  // What a user's query folds to must also be found.
  EXPECT_TRUE(containsWords(s, text::foldForSearch("+84912345678"))) << s;

  Case landline;
  landline.contact.phone = "+842438264242";
  const std::string l = searchText(landline);
  EXPECT_TRUE(containsWords(l, "842438264242")) << l;
  EXPECT_TRUE(containsWords(l, "02438264242")) << l;
}

TEST(SearchText, NoPhoneNoPhoneForms) {
  Case c;
  c.contact.name = "An";
  const std::string s = searchText(c);
  EXPECT_EQ(s.find("84"), std::string::npos) << s;
  EXPECT_TRUE(containsWords(s, "an")) << s;
}

}  // namespace
}  // namespace tongdai::core::cases
