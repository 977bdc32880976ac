// Repairing words typed with Vietnamese input-method leftovers, after
// folding: Telex ("caaps laij" for "cấp lại", "nguyeenx", "ddoir") and VNI
// digits ("nguye6n4"). Pure string rules; the caller checks candidates
// against a vocabulary, because many leftovers are also real syllables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tongdai::core::search {

// Candidate repairs of one folded token, most likely first, without the
// token itself. Empty when no rule applies.
std::vector<std::string> inputMethodRepairs(std::string_view folded_token);

}  // namespace tongdai::core::search
