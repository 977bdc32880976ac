// Vietnamese phone numbers as people write them, normalised to one E.164 form
// ("+84912345678") so that the same caller is recognised whatever the source
// (caller ID, a form, an old record, an e-mail signature).
#pragma once

#include <string>
#include <string_view>

#include "core/common/status.h"

namespace tongdai::core::phone {

// Accepts "0912 345 678", "0912.345.678", "0912-345-678", "(+84) 912 345 678",
// "+84912345678", "84912345678", "0084912345678", landlines "024 3826 4242" /
// "(028) 3829 1234", and pre-2018 11-digit mobiles ("01686123456",
// "+84 168 612 3456"), which are converted to their current 10-digit form.
// Mobile prefixes must belong to a known carrier.
// Errors (field "phone"): phone_empty, phone_invalid_chars, phone_length,
// phone_unknown_prefix.
Result<std::string> normalizePhone(std::string_view input);

// Carrier that issued the prefix of a normalised number: "Viettel", "VinaPhone",
// "MobiFone", "Vietnamobile", "Gmobile", "iTel", "landline", or "" when unknown
// or not normalised. Numbers can be ported between carriers since 2018, so this
// is the original carrier, a hint rather than a fact.
std::string carrierOf(std::string_view e164);

}  // namespace tongdai::core::phone
