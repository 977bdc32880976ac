// The embedded reference registry: its own SQLite file, apart from the cases
// store (it is reference data, loaded in bulk, read-only while serving).
#pragma once

#include <memory>
#include <string>

#include "core/common/status.h"
#include "core/registry/registry.h"

namespace tongdai::sqlite {

// Opens an existing registry file read-only with a pool of connections (one
// per concurrent caller, created on demand). Error registry_unavailable when
// the file is missing or is not a registry.
core::Result<std::unique_ptr<core::registry::Registry>> openSqliteRegistry(const std::string& path);

// Creates a registry at `path` from scratch. Rows go into `path + ".loading"`
// with journaling off (a bulk load has nothing to roll back to); finish()
// builds the indexes, syncs, and renames the file over `path`, so readers
// see either the old registry or the complete new one, never half of one.
core::Result<std::unique_ptr<core::registry::RegistryLoader>> createSqliteRegistry(
    const std::string& path, const std::string& description);

}  // namespace tongdai::sqlite
