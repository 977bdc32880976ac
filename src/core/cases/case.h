// Cases (phiếu yêu cầu): the record of one citizen contact, its status
// machine and the validation of what an operator types. Pure: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "core/common/time.h"

namespace tongdai::core::cases {

enum class Channel { phone, zalo, facebook, email, web, walk_in };
enum class Priority { low, normal, high, urgent };
// new → in_progress → waiting_lookup (escalated) → answered → closed; reopen
// goes closed/answered → in_progress. waiting_citizen pauses the SLA clock.
enum class CaseStatus { new_, in_progress, waiting_citizen, waiting_lookup, answered, closed };

const char* toString(Channel);
const char* toString(Priority);
const char* toString(CaseStatus);
std::optional<Channel> channelFromString(std::string_view);
std::optional<Priority> priorityFromString(std::string_view);
std::optional<CaseStatus> statusFromString(std::string_view);
const std::vector<CaseStatus>& allStatuses();

struct Contact {
  std::string name;
  std::string phone;  // E.164 "+84..." after validation, or ""
  std::string email;
  std::string zalo_id;
  std::string facebook_id;
};

struct Case {
  std::int64_t id = 0;
  Channel channel = Channel::phone;
  Contact contact;
  std::string citizen_id;  // 12 digits or ""
  std::string category;    // category code
  std::string description;
  Priority priority = Priority::normal;
  std::optional<std::int64_t> assignee_id;
  CaseStatus status = CaseStatus::new_;
  std::vector<std::string> tags;
  std::int64_t created_by = 0;
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> first_response_at;
  std::optional<TimePoint> answered_at;
  std::optional<TimePoint> closed_at;
  // SLA bookkeeping (business minutes; see core/sla).
  std::optional<TimePoint> first_response_due;
  std::optional<TimePoint> resolution_due;
  std::int64_t paused_minutes = 0;
  std::optional<TimePoint> paused_since;
  std::int64_t version = 1;
};

// What a caller of the API supplies to open a case, before validation.
struct CaseDraft {
  std::string channel;
  Contact contact;  // raw phone as typed
  std::string citizen_id;
  std::string category;
  std::string description;
  std::string priority;  // "" means normal
  std::vector<std::string> tags;
};

struct ValidationContext {
  int current_year = 2026;
  // Returns true when the category code exists and is active.
  bool (*category_exists)(const void* ctx, const std::string& code) = nullptr;
  const void* category_ctx = nullptr;
};

// Validates and normalises a draft: phone to E.164, citizen id checked, text
// NFC, lengths bounded. The first error found is returned, with its field.
Result<Case> validateDraft(const CaseDraft& draft, const ValidationContext& ctx);

// Field validators shared with updates.
Result<std::string> validateCitizenId(const std::string& raw, int current_year);
Result<std::string> validatePhone(const std::string& raw);
Result<std::string> validateText(const std::string& raw, const char* field, std::size_t max_bytes,
                                 bool required);
Result<std::vector<std::string>> validateTags(const std::vector<std::string>& tags);

// The status machine. Ok when `from → to` is allowed.
Status checkTransition(CaseStatus from, CaseStatus to);

// Folded text that free-text search matches against (name, phone, email,
// citizen id, description, tags), accent-insensitive.
std::string searchText(const Case& c);

}  // namespace tongdai::core::cases
