// JSON views of records for the API, with masking where a list does not need
// the whole personal datum.
#pragma once

#include <nlohmann/json.hpp>

#include "app/context.h"
#include "core/store/records.h"

namespace tongdai::app {

nlohmann::json userView(const core::store::User& u);
nlohmann::json principalView(const Principal& p);
nlohmann::json caseView(const core::cases::Case& c, const core::calendar::BusinessCalendar& cal,
                        core::TimePoint now, bool masked);
nlohmann::json caseSummary(const core::cases::Case& c);  // for live events: no personal data
// Tells case workers' desks that a case was created or changed ("case.created",
// "case.updated"), with its summary.
void publishCase(AppContext& ctx, const char* type, const core::cases::Case& c);
nlohmann::json lookupView(const core::store::Lookup& l);
nlohmann::json categoryView(const core::store::Category& c);
nlohmann::json timeOrNull(const std::optional<core::TimePoint>& t);
nlohmann::json unixOrNull(const std::optional<std::int64_t>& t);

std::string maskCitizenId(const std::string& id);  // "079*******45"
std::string maskPhone(const std::string& e164);    // "+8491****678"

// Reads a string member: absent → "", wrong type → error with the field name.
core::Result<std::string> stringField(const nlohmann::json& body, const char* name, bool required);

}  // namespace tongdai::app
