// `tongdai serve`: wires the store, the application and the HTTP server.
#pragma once

#include "app/config.h"

namespace tongdai::app {

// Opens <data_dir>/tongdai.db; returns the process exit code.
int serve(const Config& cfg);
std::string storePath(const std::string& data_dir);
// web/ next to the source tree the binary was built from, or "".
std::string defaultWebRoot();

}  // namespace tongdai::app
