// The IVR flow file (data/ivr/hotline.toml, format documented at its top) and
// the prompt texts (data/prompts/vi.toml): TOML in, core values out.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/telephony/ivr.h"

namespace tongdai::app {

// Parses the flow with toml++ and checks it with core::telephony::validateFlow.
// Every error has code "ivr_invalid", the line in both messages
// ("<path>:<line>: ..."; "dòng <line>") and `field` = the TOML path at fault
// ("nodes.main.keys.1").
core::Result<core::telephony::IvrFlow> loadIvrFlow(const std::string& path);

// The prompt texts: a flat TOML table name = "Vietnamese text". Names must be
// [a-z0-9_]+ and texts non-empty; error code "prompts_invalid" with the line.
core::Result<std::map<std::string, std::string>> loadPromptTexts(const std::string& path);

// The names among `names` without <dir>/<name>.wav (to warn at start-up).
std::vector<std::string> missingPromptFiles(const std::vector<std::string>& names,
                                            const std::string& dir);

}  // namespace tongdai::app
