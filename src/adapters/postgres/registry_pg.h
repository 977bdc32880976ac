// The reference registry in PostgreSQL (schema "registry"), for deployments
// that keep it next to a PostgreSQL cases store. Same tables and look-ups as
// the embedded SQLite file; loaded with COPY.
#pragma once

#include <memory>
#include <string>

#include "core/common/status.h"
#include "core/registry/registry.h"

namespace tongdai::postgres {

// Connects (a pool grows on demand); error registry_unavailable when the
// server or the loaded schema is missing.
core::Result<std::unique_ptr<core::registry::Registry>> openPgRegistry(const std::string& conninfo);

// Loads into schema "registry_loading" with COPY (one connection per table);
// finish() builds the indexes and swaps it for "registry" in one transaction,
// so readers see the old registry or the complete new one.
core::Result<std::unique_ptr<core::registry::RegistryLoader>> createPgRegistry(
    const std::string& conninfo, const std::string& description);

}  // namespace tongdai::postgres
