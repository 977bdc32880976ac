// PostgreSQL implementation of core::store::Store, for deployments that
// outgrow one machine. Same contract and the same test suite as SQLite:
// one writer thread with group commit (a transaction per batch, a savepoint
// per write), a pool of reader connections, numbered migrations refusing a
// newer schema. One tongdai writer per database: each batch takes an
// exclusive lock on the audit chain so a second instance waits instead of
// forking the chain.
#pragma once

#include <memory>
#include <string>

#include "core/store/store.h"

namespace tongdai::postgres {

// conninfo: a libpq connection string or URL ("postgresql:///tongdai?host=/run/...").
core::Result<std::unique_ptr<core::store::Store>> openPgStore(const std::string& conninfo);

int latestPgSchemaVersion();

}  // namespace tongdai::postgres
