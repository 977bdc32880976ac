// Opens the reference registry named by a URL (see Config::registry_url):
// "sqlite:PATH" or a bare path, "postgresql://..." / "postgres://..." or
// "postgresql:CONNINFO", "http(s)://..." (the national service's base URL).
#pragma once

#include <memory>
#include <string>

#include "core/common/status.h"
#include "core/registry/registry.h"

namespace tongdai::app {

core::Result<std::unique_ptr<core::registry::Registry>> openRegistry(const std::string& url,
                                                                     const std::string& token = "");

// A bulk loader for `tongdai registry generate --into URL` (SQLite or PostgreSQL).
core::Result<std::unique_ptr<core::registry::RegistryLoader>> createRegistryLoader(
    const std::string& url, const std::string& description);

// Where the registry lives when registry_url is not set: next to the store,
// sqlite:<data_dir>/registry.db, or the store's PostgreSQL database (schema "registry").
std::string defaultRegistryUrl(const std::string& data_dir, const std::string& database_url);

}  // namespace tongdai::app

namespace tongdai::app {
// What the current thread's look-up serves ("case=12; reason=..."), sent to the
// national service as X-Purpose by the HTTP adapter. Set by the API before a
// registry call on a worker thread.
void setLookupPurpose(std::string purpose);
}  // namespace tongdai::app
